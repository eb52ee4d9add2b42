package dev.masync.webhook.salesforce;

import dev.masync.webhook.InboundEvent;
import dev.masync.webhook.RecordingInbox;
import dev.masync.webhook.WebhookTestProfile;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.masync.webhook.WebhookTestProfile.SALESFORCE_TOKEN;
import static dev.masync.webhook.salesforce.OutboundMessageTest.message;
import static dev.masync.webhook.salesforce.OutboundMessageTest.notification;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/** POST /webhooks/salesforce as Salesforce's Outbound Message sender calls it, expecting {@code <Ack>true</Ack>}. */
@QuarkusTest
@TestProfile(WebhookTestProfile.class)
class SalesforceWebhookTest {
    static final String PATH = "/webhooks/salesforce";
    static final String ORG_18 = WebhookTestProfile.ORG_15 + "EAA";
    static final String TWO = message(
            ORG_18,
            notification("04l5g00000XyZ12AAB", "<sf:Id>0035g00000AbCdEAAA</sf:Id><sf:Email>ada@example.com</sf:Email>")
                    + notification("04l5g00000XyZ13AAB", "<sf:Id>0035g00000AbCdFAAA</sf:Id>"));

    @Inject
    RecordingInbox inbox;

    @Inject
    MeterRegistry meters;

    @BeforeEach
    void reset() {
        inbox.reset();
    }

    static RequestSpecification outbound(String xml) {
        return given().contentType("text/xml; charset=utf-8")
                .header("SOAPAction", "\"\"")
                .queryParam("token", SALESFORCE_TOKEN)
                .body(xml);
    }

    @Test
    void acknowledgesOnlyOnceTheNotificationsAreStored() {
        String ack = outbound(TWO).post(PATH).then().statusCode(200).extract().asString();

        assertThat(ack).contains("<Ack>true</Ack>", "http://soap.sforce.com/2005/09/outbound");
        assertThat(inbox.stored())
                .extracting(InboundEvent::dedupKey)
                .containsExactly("04l5g00000XyZ12AAB", "04l5g00000XyZ13AAB");
        assertThat(inbox.stored().get(0).identities()).containsEntry("Email", "ada@example.com");
        assertThat(inbox.stored().get(0).account()).contains(ORG_18);
    }

    @Test
    void aRedeliveryIsAcknowledgedAndStoredOnce() {
        outbound(TWO).post(PATH).then().statusCode(200);
        outbound(TWO).post(PATH).then().statusCode(200).body(containsString("<Ack>true</Ack>"));
        assertThat(inbox.stored()).hasSize(2);
        assertThat(inbox.calls()).isEqualTo(2);
    }

    @Test
    void noAckWhenTheInboxCannotStore() {
        inbox.failWith(new IllegalStateException("control DB down"));

        String fault = outbound(TWO).post(PATH).then().statusCode(503).extract().asString();

        assertThat(fault).contains("soapenv:Server", "inbox_unavailable").doesNotContain("<Ack>");
    }

    @Test
    void anotherOrganizationIsRefusedWithASoapFault() {
        double before = meters.counter(
                        "masync.webhooks.rejected", "source", "salesforce", "reason", "unknown_organization")
                .count();

        String fault = outbound(TWO.replace(ORG_18, "00D9z0000099999AAA"))
                .post(PATH)
                .then()
                .statusCode(401)
                .contentType(containsString("text/xml"))
                .extract()
                .asString();

        assertThat(fault).contains("<faultcode>soapenv:Client</faultcode>", "unknown_organization");
        assertThat(inbox.calls()).isZero();
        assertThat(meters.counter("masync.webhooks.rejected", "source", "salesforce", "reason", "unknown_organization")
                        .count())
                .isEqualTo(before + 1);
    }

    @Test
    void aMissingOrWrongUrlTokenIsRefused() {
        given().contentType("text/xml")
                .body(TWO)
                .post(PATH)
                .then()
                .statusCode(401)
                .body(containsString("invalid_token"));
        given().contentType("text/xml")
                .queryParam("token", SALESFORCE_TOKEN + "x")
                .body(TWO)
                .post(PATH)
                .then()
                .statusCode(401);
        assertThat(inbox.calls()).isZero();
    }

    @Test
    void xmlWithEntitiesOrADoctypeIs400() {
        String xxe = "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + TWO.replaceFirst("<\\?xml[^>]*>\n", "").replace("ada@example.com", "&xxe;");
        outbound(xxe).post(PATH).then().statusCode(400).body(containsString("xml_doctype_not_allowed"));
        outbound(TWO.substring(0, TWO.length() / 2))
                .post(PATH)
                .then()
                .statusCode(400)
                .body(containsString("malformed_xml"));
        assertThat(inbox.calls()).isZero();
    }

    @Test
    void aWrongContentTypeIs415AndAnOversizedBody413() {
        outbound(TWO)
                .contentType("application/json")
                .post(PATH)
                .then()
                .statusCode(415)
                .body(containsString("unsupported_media_type"));
        StringBuilder many = new StringBuilder();
        while (many.length() <= WebhookTestProfile.MAX_BODY) {
            many.append("<!-- padding padding padding padding padding padding padding padding -->");
        }
        outbound(TWO.replace("</soapenv:Body>", many + "</soapenv:Body>"))
                .post(PATH)
                .then()
                .statusCode(413)
                .body(containsString("payload_too_large"));
        assertThat(inbox.calls()).isZero();
    }
}
