package dev.masync.webhook.salesforce;

import dev.masync.webhook.Delivery;
import dev.masync.webhook.ReceiptAnswers;
import dev.masync.webhook.WebhookInbox;
import dev.masync.webhook.WebhookRefusal;
import jakarta.ws.rs.core.Response;

/**
 * The Outbound Message protocol's answers: {@code <Ack>true</Ack>} once the notifications are stored, and for a
 * refusal a SOAP 1.1 Fault ({@code soapenv:Client}, or {@code soapenv:Server} for our own 503) with the refusal's
 * HTTP status and its stable code in {@code detail/code}. Salesforce retries anything but an Ack.
 */
public final class SoapAnswers implements ReceiptAnswers {
    public static final SoapAnswers INSTANCE = new SoapAnswers();
    public static final String MEDIA_TYPE = "text/xml; charset=utf-8";
    static final String ACK = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
            + "<soapenv:Body><notificationsResponse xmlns=\"http://soap.sforce.com/2005/09/outbound\">"
            + "<Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>";

    private SoapAnswers() {}

    @Override
    public Response accepted(Delivery delivery, WebhookInbox.Accepted accepted) {
        return Response.ok(ACK, MEDIA_TYPE).build();
    }

    @Override
    public Response refused(WebhookRefusal refusal) {
        String faultCode = refusal.status() >= 500 ? "soapenv:Server" : "soapenv:Client";
        String body = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
                + "<soapenv:Fault><faultcode>" + faultCode + "</faultcode><faultstring>" + escape(refusal.getMessage())
                + "</faultstring><detail><code xmlns=\"urn:ma-sync:webhooks\">" + escape(refusal.code())
                + "</code></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
        return Response.status(refusal.status()).entity(body).type(MEDIA_TYPE).build();
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out.append(c);
                }
            }
        }
        return out.toString();
    }
}
