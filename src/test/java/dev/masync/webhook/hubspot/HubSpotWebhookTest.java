package dev.masync.webhook.hubspot;

import dev.masync.webhook.InboundEvent;
import dev.masync.webhook.RecordingInbox;
import dev.masync.webhook.Signers;
import dev.masync.webhook.WebhookTestProfile;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static dev.masync.webhook.WebhookTestProfile.HUBSPOT_SECRET;
import static dev.masync.webhook.WebhookTestProfile.PUBLIC_URL;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** POST /webhooks/hubspot against a sender that signs exactly as HubSpot documents signature v3. */
@QuarkusTest
@TestProfile(WebhookTestProfile.class)
class HubSpotWebhookTest {
    static final String PATH = "/webhooks/hubspot";

    @Inject
    RecordingInbox inbox;

    @Inject
    MeterRegistry meters;

    @BeforeEach
    void reset() {
        inbox.reset();
    }

    static String event(String type, long eventId, long objectId, String extra) {
        return "{\"eventId\":" + eventId + ",\"subscriptionId\":2402,\"portalId\":6200111,\"appId\":99001,"
                + "\"occurredAt\":1764583200123,\"subscriptionType\":\"" + type + "\",\"attemptNumber\":0,"
                + "\"objectId\":" + objectId + extra + "}";
    }

    static final String BATCH = "[" + event("contact.creation", 1, 5101, "") + ","
            + event("contact.propertyChange", 2, 5102, ",\"propertyName\":\"plan_tier\",\"propertyValue\":\"pro\"")
            + "]";

    /** A request as HubSpot sends it to {@code pathAndQuery}, signed over {@code signedUri} at {@code at}. */
    static RequestSpecification signed(String signedUri, String body, Instant at) {
        String ts = Long.toString(at.toEpochMilli());
        return given().urlEncodingEnabled(false)
                .contentType("application/json")
                .header("X-HubSpot-Request-Timestamp", ts)
                .header("X-HubSpot-Signature-v3", Signers.hubspot(HUBSPOT_SECRET, "POST", signedUri, body, ts))
                .body(body);
    }

    static RequestSpecification signed(String body) {
        return signed(PUBLIC_URL + PATH, body, Instant.now());
    }

    double rejected(String reason) {
        return meters.counter("masync.webhooks.rejected", "source", "hubspot", "reason", reason)
                .count();
    }

    @Test
    void storesABatchBeforeAnswering200WithoutAnApiKey() {
        double received =
                meters.counter("masync.webhooks.received", "source", "hubspot").count();

        signed(BATCH)
                .header("Authorization", "Bearer not-an-api-key")
                .post(PATH)
                .then()
                .statusCode(200)
                .body("received", equalTo(2))
                .body("stored", equalTo(2))
                .body("duplicates", equalTo(0));

        assertThat(inbox.stored())
                .extracting(InboundEvent::objectId)
                .extracting(o -> o.orElseThrow())
                .containsExactly("5101", "5102");
        assertThat(inbox.stored()).allSatisfy(e -> assertThat(e.account()).contains("6200111"));
        assertThat(meters.counter("masync.webhooks.received", "source", "hubspot")
                        .count())
                .isEqualTo(received + 1);
    }

    @Test
    void verifiesTheFullUrlWithItsQueryStringAsHubSpotSignsIt() {
        String sent = PATH + "?app=a%3Ab%2Fc&q=x%20y";
        String signedUri = PUBLIC_URL + PATH + "?app=a:b/c&q=x%20y";

        signed(signedUri, BATCH, Instant.now())
                .post(sent)
                .then()
                .statusCode(200)
                .body("stored", equalTo(2));
        inbox.reset();
        signed(PUBLIC_URL + PATH, BATCH, Instant.now())
                .post(sent)
                .then()
                .statusCode(401)
                .body("code", equalTo("invalid_signature"));
        assertThat(inbox.calls()).isZero();
    }

    @Test
    void aRedeliveryIsAcceptedAsDuplicatesAndStoredOnce() {
        signed(BATCH).post(PATH).then().statusCode(200).body("stored", equalTo(2));
        String retry = BATCH.replace("\"attemptNumber\":0", "\"attemptNumber\":1");

        signed(retry)
                .post(PATH)
                .then()
                .statusCode(200)
                .body("stored", equalTo(0))
                .body("duplicates", equalTo(2));

        assertThat(inbox.stored()).hasSize(2);
    }

    @Test
    void aReplayedSignatureWithAnOldTimestampIs401AndStoresNothing() {
        double before = rejected("stale_timestamp");
        signed(PUBLIC_URL + PATH, BATCH, Instant.now().minus(Duration.ofMinutes(6)))
                .post(PATH)
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("stale_timestamp"));

        assertThat(inbox.calls()).isZero();
        assertThat(rejected("stale_timestamp")).isEqualTo(before + 1);
    }

    @Test
    void badOrMissingSignaturesAre401() {
        String ts = Long.toString(Instant.now().toEpochMilli());
        given().contentType("application/json")
                .header("X-HubSpot-Request-Timestamp", ts)
                .header("X-HubSpot-Signature-v3", Signers.hubspot("wrong-secret", "POST", PUBLIC_URL + PATH, BATCH, ts))
                .body(BATCH)
                .post(PATH)
                .then()
                .statusCode(401)
                .body("code", equalTo("invalid_signature"));
        given().contentType("application/json")
                .header("X-HubSpot-Request-Timestamp", ts)
                .body(BATCH)
                .post(PATH)
                .then()
                .statusCode(401)
                .body("code", equalTo("missing_signature"));
        signed(BATCH.replace("5101", "9999")).body(BATCH).post(PATH).then().statusCode(401);

        assertThat(inbox.calls()).isZero();
    }

    @Test
    void aWrongContentTypeIs415() {
        double before = rejected("unsupported_media_type");
        signed(BATCH)
                .contentType("text/plain")
                .post(PATH)
                .then()
                .statusCode(415)
                .body("code", equalTo("unsupported_media_type"));
        assertThat(rejected("unsupported_media_type")).isEqualTo(before + 1);
    }

    @Test
    void aBodyOverTheLimitIs413DeclaredOrChunked() {
        StringBuilder big = new StringBuilder("[");
        while (big.length() <= WebhookTestProfile.MAX_BODY) {
            big.append(event("contact.creation", big.length(), 1, "")).append(',');
        }
        String body =
                big.append(event("contact.creation", 0, 1, "")).append(']').toString();

        signed(body).post(PATH).then().statusCode(413).body("code", equalTo("payload_too_large"));
        String overTheApiLimit = body + " ".repeat(300 * 1024); // the webhook limit answers, not the API's 256 KiB
        signed(overTheApiLimit)
                .post(PATH)
                .then()
                .statusCode(413)
                .body("detail", org.hamcrest.Matchers.containsString("masync.webhooks.max-body-bytes"));
        Response chunked = signed(body)
                .body(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))
                .post(PATH);
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(inbox.calls()).isZero();
    }

    @Test
    void malformedJsonIs400() {
        signed("[{\"eventId\":").post(PATH).then().statusCode(400).body("code", equalTo("malformed_json"));
        signed("{\"not\":\"an array\"}").post(PATH).then().statusCode(400).body("code", equalTo("invalid_payload"));
        assertThat(inbox.calls()).isZero();
    }

    @Test
    void unknownEventTypesAreAcceptedAndNotStored() {
        String body = "[" + event("deal.creation", 7, 1, "") + "," + event("contact.associationChange", 8, 2, "") + "]";

        signed(body)
                .post(PATH)
                .then()
                .statusCode(200)
                .body("ignored", equalTo(2))
                .body("stored", equalTo(0));

        assertThat(inbox.calls()).isZero();
    }

    @Test
    void anInboxThatCannotStoreIs503SoHubSpotRetries() {
        inbox.failWith(new IllegalStateException("control DB down"));

        signed(BATCH).post(PATH).then().statusCode(503).body("code", equalTo("inbox_unavailable"));
        assertThat(inbox.stored()).isEmpty();
    }

    @Test
    void anEventTooLargeForTheInboxIs400NotARetriedServerError() {
        // what the durable inbox throws for a value longer than its column (JdbcWebhookInbox)
        inbox.failWith(new IllegalArgumentException("webhook event value has 1000001 characters, at most 1000000"));

        signed(BATCH).post(PATH).then().statusCode(400).body("code", equalTo("event_value_too_long"));
        assertThat(inbox.stored()).isEmpty();
    }
}
