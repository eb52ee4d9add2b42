package dev.masync.webhook.salesforce;

import dev.masync.webhook.Delivery;
import dev.masync.webhook.Hmac;
import dev.masync.webhook.Receipts;
import dev.masync.webhook.RequestBody;
import dev.masync.webhook.WebhookRefusal;
import dev.masync.webhook.WebhookSecrets;
import dev.masync.webhook.WebhooksConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /webhooks/salesforce}: Outbound Messages of the configured organizations (and, when configured, with
 * the URL's {@code token}); notifications stored in the inbox before the {@code <Ack>true</Ack>} answer. Every answer
 * of this endpoint is SOAP (see {@link SoapAnswers}).
 */
@Path("/webhooks/salesforce")
@PermitAll
public class SalesforceWebhookResource {
    private final Receipts receipts;
    private final WebhooksConfig config;
    private final WebhookSecrets secrets;

    SalesforceWebhookResource(Receipts receipts, WebhooksConfig config, WebhookSecrets secrets) {
        this.receipts = receipts;
        this.config = config;
        this.secrets = secrets;
    }

    @POST
    public Response receive(InputStream body, @Context RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        return receipts.handle(OutboundMessage.SOURCE, SoapAnswers.INSTANCE, ctx, now -> {
            WebhooksConfig.Salesforce salesforce = config.salesforce();
            List<String> orgs = salesforce.organizationIds().orElse(List.of());
            if (!salesforce.enabled() || orgs.isEmpty()) {
                throw WebhookRefusal.notConfigured("salesforce");
            }
            RequestBody.requireType(
                    request.getHeader(HttpHeaders.CONTENT_TYPE),
                    Set.of("text/xml", "application/xml", "application/soap+xml"));
            byte[] bytes = RequestBody.read(body, request.getHeader(HttpHeaders.CONTENT_LENGTH), config.maxBodyBytes());
            salesforce.token().ifPresent(ref -> {
                String sent = request.getParam("token");
                byte[] expected = secrets.resolve(ref).utf8();
                if (!Hmac.same(expected, sent == null ? null : sent.getBytes(StandardCharsets.UTF_8))) {
                    throw WebhookRefusal.unauthorized(
                            "invalid_token",
                            "The endpoint URL's token is missing or wrong; configure the Outbound Message's endpoint"
                                    + " as /webhooks/salesforce?token=<masync.webhooks.salesforce.token>.");
                }
            });
            OutboundMessage message = OutboundMessage.parse(bytes, now);
            if (orgs.stream().noneMatch(org -> sameOrganization(org, message.organizationId()))) {
                throw WebhookRefusal.unauthorized(
                        "unknown_organization",
                        "Outbound Messages of this organization are not accepted; add its id to"
                                + " masync.webhooks.salesforce.organization-ids.");
            }
            return new Delivery(message.events(), 0);
        });
    }

    /** Salesforce ids come in 15 case-sensitive characters plus an optional 3-character checksum. */
    static boolean sameOrganization(String configured, String sent) {
        String a = configured.trim();
        String b = sent.trim();
        if (a.length() < 15 || b.length() < 15) {
            return a.equals(b);
        }
        return a.substring(0, 15).equals(b.substring(0, 15));
    }
}
