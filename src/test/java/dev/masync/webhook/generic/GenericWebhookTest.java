package dev.masync.webhook.generic;

import dev.masync.webhook.InboundEvent;
import dev.masync.webhook.RecordingInbox;
import dev.masync.webhook.Signers;
import dev.masync.webhook.WebhookTestProfile;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.masync.webhook.WebhookTestProfile.CRM_NEW;
import static dev.masync.webhook.WebhookTestProfile.CRM_OLD;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** POST /webhooks/generic/{source}, signed as Standard Webhooks, with two secrets configured (rotation). */
@QuarkusTest
@TestProfile(WebhookTestProfile.class)
class GenericWebhookTest {
    static final String PATH = "/webhooks/generic/crm";
    static final String CHANGE = "{\"type\":\"record.changed\",\"objectId\":\"5101\",\"identities\":"
            + "{\"email\":\"ada@example.com\"},\"property\":\"plan_tier\",\"value\":\"pro\"}";

    @Inject
    RecordingInbox inbox;

    @Inject
    MeterRegistry meters;

    @BeforeEach
    void reset() {
        inbox.reset();
    }

    static RequestSpecification signed(String id, long seconds, String signatures, String body) {
        return given().contentType("application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(seconds))
                .header("webhook-signature", signatures)
                .body(body);
    }

    static RequestSpecification signed(String secret, String id, String body) {
        long now = Instant.now().getEpochSecond();
        return signed(id, now, Signers.standard(secret, id, Long.toString(now), body), body);
    }

    @Test
    void eitherRotatedSecretIsAcceptedAndTheEventStoredUnderItsSource() {
        signed(CRM_OLD, "msg_old", CHANGE).post(PATH).then().statusCode(200).body("stored", equalTo(1));
        signed(CRM_NEW, "msg_new", CHANGE).post(PATH).then().statusCode(200).body("stored", equalTo(1));
        long now = Instant.now().getEpochSecond();
        String both = Signers.standard(CRM_OLD, "msg_both", Long.toString(now), CHANGE) + " "
                + Signers.standard(CRM_NEW, "msg_both", Long.toString(now), CHANGE);
        signed("msg_both", now, both, CHANGE).post(PATH).then().statusCode(200);

        assertThat(inbox.stored()).extracting(InboundEvent::dedupKey).containsExactly("msg_old", "msg_new", "msg_both");
        InboundEvent e = inbox.stored().get(0);
        assertThat(e.source()).isEqualTo("generic:crm");
        assertThat(e.property()).contains("plan_tier");
        assertThat(e.identities()).containsEntry("email", "ada@example.com");
    }

    @Test
    void aRedeliveryWithTheSameIdIsADuplicate() {
        signed(CRM_OLD, "msg_1", CHANGE).post(PATH).then().statusCode(200);
        signed(CRM_NEW, "msg_1", CHANGE).post(PATH).then().statusCode(200).body("duplicates", equalTo(1));
        assertThat(inbox.stored()).hasSize(1);
    }

    @Test
    void badStaleOrMissingSignaturesAre401() {
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        signed(other, "msg_x", CHANGE).post(PATH).then().statusCode(401).body("code", equalTo("invalid_signature"));
        long old = Instant.now().getEpochSecond() - 600;
        signed("msg_y", old, Signers.standard(CRM_OLD, "msg_y", Long.toString(old), CHANGE), CHANGE)
                .post(PATH)
                .then()
                .statusCode(401)
                .body("code", equalTo("stale_timestamp"));
        given().contentType("application/json")
                .body(CHANGE)
                .post(PATH)
                .then()
                .statusCode(401)
                .body("code", equalTo("missing_signature"));
        assertThat(inbox.calls()).isZero();
    }

    @Test
    void unknownOrDisabledSourcesAre404WithoutNewMetricSeries() {
        double before = meters.counter(
                        "masync.webhooks.rejected", "source", "generic", "reason", "webhook_not_configured")
                .count();
        signed(CRM_OLD, "msg_1", CHANGE)
                .post("/webhooks/generic/nobody")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("webhook_not_configured"));
        signed(CRM_OLD, "msg_1", CHANGE).post("/webhooks/generic/off").then().statusCode(404);

        assertThat(meters.find("masync.webhooks.received")
                        .tag("source", "generic:nobody")
                        .counter())
                .isNull();
        assertThat(meters.counter("masync.webhooks.rejected", "source", "generic", "reason", "webhook_not_configured")
                        .count())
                .isEqualTo(before + 2);
    }

    @Test
    void unknownTypesAreAcceptedAndIgnoredMalformedBodiesRefused() {
        signed(CRM_OLD, "msg_t", "{\"type\":\"invoice.paid\",\"objectId\":\"1\"}")
                .post(PATH)
                .then()
                .statusCode(200)
                .body("ignored", equalTo(1));
        signed(CRM_OLD, "msg_m", "{\"type\":")
                .post(PATH)
                .then()
                .statusCode(400)
                .body("code", equalTo("malformed_json"));
        signed(CRM_OLD, "msg_i", "{\"type\":\"record.changed\"}")
                .post(PATH)
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_payload"));
        signed(CRM_OLD, "msg_c", CHANGE)
                .contentType("application/x-www-form-urlencoded")
                .post(PATH)
                .then()
                .statusCode(415);
        assertThat(inbox.calls()).isZero();
    }
}
