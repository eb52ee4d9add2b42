package dev.masync.webhook;

import dev.masync.security.ApiKeys;
import dev.masync.security.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static dev.masync.webhook.InboxFixtures.LEASE;
import static dev.masync.webhook.InboxFixtures.T0;
import static dev.masync.webhook.InboxFixtures.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/v1/webhooks/events (paged, filtered), one event in full, retrying a quarantined one; problems. */
@QuarkusTest
class WebhookEventsResourceTest {
    static final String ADMIN = "Bearer test-admin-key";
    static final String BASE = "/api/v1/webhooks/events";

    @Inject
    JdbcWebhookInbox inbox;

    @Inject
    InboxConfig config;

    @Inject
    ApiKeys keys;

    private static Response get(String path) {
        return given().header("Authorization", ADMIN).get(path);
    }

    private static JsonPath ok(String path) {
        Response r = get(path);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r.jsonPath();
    }

    private static void assertProblem(Response r, int status, String code) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("code")).isEqualTo(code);
        assertThat(r.jsonPath().getString("detail")).isNotBlank();
    }

    /** Accepts the events, claims them all, and returns their ids in acceptance order. */
    private List<Long> claimed(String source, int n) {
        inbox.accept(IntStream.range(0, n).mapToObj(i -> event(source, "e" + i)).toList(), T0);
        return inbox.claim(n, T0, LEASE, source).stream()
                .map(WebhookInbox.InboxEvent::id)
                .toList();
    }

    /** Fails a claimed event (alone in its source) until it is quarantined. */
    private void quarantine(long id, String source) {
        Instant now = T0;
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            inbox.failed(id, "HubSpot answered 500 at attempt " + attempt, now);
            now = now.plus(config.backoff().delay(attempt));
            if (attempt < config.maxAttempts())
                assertThat(inbox.claim(1, now, LEASE, source)).hasSize(1);
        }
    }

    @Test
    void pagesListEveryEventOnceNewestFirstAndFiltersByStatusAndSource() {
        String source = InboxFixtures.source();
        List<Long> ids = claimed(source, 7);
        inbox.processed(ids.get(0), "synced 1 learner", T0);
        inbox.processed(ids.get(1), "echo", T0);
        inbox.claim(0, T0, LEASE, source);

        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonPath p = ok(BASE + "?source=" + source + "&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            List<Long> page = p.getList("items.id", Long.class);
            assertThat(page.size()).isLessThanOrEqualTo(3);
            seen.addAll(page);
            cursor = p.getString("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(seen).hasSize(7).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(pages).isEqualTo(3);
        JsonPath processed = ok(BASE + "?source=" + source + "&status=processed");
        assertThat(processed.getList("items.id", Long.class)).containsExactly(ids.get(1), ids.get(0));
        assertThat(processed.getList("items.outcome", String.class)).containsExactly("echo", "synced 1 learner");
        assertThat(processed.getString("nextCursor")).isNull();
        assertThat(ok(BASE + "?source=" + source + "&status=PROCESSING").getList("items"))
                .hasSize(5);
        assertThat(ok(BASE + "?source=" + source + "&status=quarantined").getList("items"))
                .isEmpty();
        assertThat(ok(BASE + "?source=" + InboxFixtures.source()).getList("items"))
                .isEmpty();
        JsonPath item = ok(BASE + "?source=" + source + "&limit=1");
        assertThat(item.getString("items[0].payload"))
                .as("listings leave payloads out")
                .isNull();
        assertThat(item.getString("items[0].kind")).isEqualTo("changed");
        assertThat(ok(BASE + "?source=" + source + "&limit=1&cursor=" + item.getString("nextCursor"))
                        .getList("items.id", Long.class))
                .containsExactly(ids.get(5));
        assertThat(ok(BASE + "?source=" + source + "&limit=1&before=" + ids.get(6))
                        .getList("items.id", Long.class))
                .as("before, the cursor's old name, still takes the last id of the previous page")
                .containsExactly(ids.get(5));
    }

    @Test
    void oneEventInFullShowsPayloadIdentitiesAttemptsAndError() {
        String source = InboxFixtures.source();
        long id = claimed(source, 1).get(0);
        inbox.failed(id, "warehouse unavailable", T0);

        JsonPath e = ok(BASE + "/" + id);

        assertThat(e.getLong("id")).isEqualTo(id);
        assertThat(e.getString("source")).isEqualTo(source);
        assertThat(e.getString("dedupKey")).isEqualTo("e0");
        assertThat(e.getString("payload")).isEqualTo("{\"eventId\":\"e0\"}");
        assertThat(e.getString("identities.email")).isEqualTo("e0@example.com");
        assertThat(e.getString("property")).isEqualTo("lifecyclestage");
        assertThat(e.getString("value")).isEqualTo("customer");
        assertThat(e.getString("status")).isEqualTo("pending");
        assertThat(e.getInt("attempts")).isEqualTo(1);
        assertThat(e.getString("lastError")).isEqualTo("warehouse unavailable");
        assertThat(Instant.parse(e.getString("nextAttemptAt")))
                .isEqualTo(T0.plus(config.backoff().delay(1)));
        assertThat(Instant.parse(e.getString("receivedAt"))).isEqualTo(T0);
    }

    @Test
    void retryPutsAQuarantinedEventBackToPendingOnceAndIsAudited() {
        String source = InboxFixtures.source();
        long id = claimed(source, 1).get(0);
        quarantine(id, source);
        assertThat(ok(BASE + "/" + id).getString("status")).isEqualTo("quarantined");

        Response retried = given().header("Authorization", ADMIN).post(BASE + "/" + id + "/retry");

        assertThat(retried.statusCode()).as(retried.asString()).isEqualTo(200);
        assertThat(retried.jsonPath().getString("status")).isEqualTo("pending");
        assertThat(retried.jsonPath().getInt("attempts")).isZero();
        assertThat(retried.jsonPath().getString("quarantinedAt")).isNull();
        assertThat(retried.jsonPath().getString("lastError"))
                .as("kept for the record")
                .contains("attempt 8");
        assertProblem(
                given().header("Authorization", ADMIN).post(BASE + "/" + id + "/retry"),
                409,
                "webhook_event_not_quarantined");
        List<String> audited =
                ok("/api/v1/audit?entityType=webhook_event&entityKey=" + id).getList("items.action");
        assertThat(audited).containsExactly("webhook_event.retry");
        assertThat(inbox.claim(10, Instant.parse("2200-01-01T00:00:00Z"), LEASE, source))
                .as("due again")
                .extracting(WebhookInbox.InboxEvent::id)
                .containsExactly(id);
    }

    @Test
    void readingNeedsAKeyAndRetryingNeedsAnEditor() {
        String viewer = "Bearer "
                + QuarkusTransaction.requiringNew()
                        .call(() -> keys.create("webhook-viewer", Role.VIEWER, "test")
                                .key());
        String source = InboxFixtures.source();
        long id = claimed(source, 1).get(0);
        quarantine(id, source);

        assertProblem(given().get(BASE), 401, "unauthorized");
        assertThat(given().header("Authorization", viewer).get(BASE + "/" + id).statusCode())
                .isEqualTo(200);
        Response refused = given().header("Authorization", viewer).post(BASE + "/" + id + "/retry");
        assertProblem(refused, 403, "forbidden");
        assertThat(ok(BASE + "/" + id).getString("status"))
                .as("nothing changed")
                .isEqualTo("quarantined");
    }

    @Test
    void metricsAreExportedUnderTheDocumentedNames() {
        String source = InboxFixtures.source();
        List<Long> ids = claimed(source, 2);
        inbox.accept(List.of(event(source, "e0")), T0);
        inbox.processed(ids.get(0), "ok", T0);
        quarantine(ids.get(1), source);

        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();

        for (String counter : List.of("accepted", "duplicates", "processed", "failed", "quarantined")) {
            assertThat(metrics).contains("masync_webhooks_" + counter + "_total{source=\"" + source + "\"}");
        }
        assertThat(metrics)
                .contains("masync_webhooks_inbox_depth ")
                .contains("masync_webhooks_inbox_oldest_age_seconds ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"999999999999", "0", "abc", "-1", "1.5", "99999999999999999999"})
    void anUnknownEventIsA404Problem(String id) {
        assertProblem(get(BASE + "/" + id), 404, "webhook_event_not_found");
        assertProblem(
                given().header("Authorization", ADMIN).post(BASE + "/" + id + "/retry"),
                404,
                "webhook_event_not_found");
    }

    @Test
    void badFiltersAndPagingAre400Problems() {
        assertProblem(get(BASE + "?status=done"), 400, "invalid_filter");
        assertProblem(get(BASE + "?source=" + "x".repeat(201)), 400, "invalid_filter");
        assertProblem(
                given().header("Authorization", ADMIN)
                        .queryParam("source", "a\u0001b")
                        .get(BASE),
                400,
                "invalid_filter");
        assertProblem(get(BASE + "?limit=0"), 400, "invalid_limit");
        assertProblem(get(BASE + "?limit=501"), 400, "invalid_limit");
        assertProblem(get(BASE + "?before=abc"), 400, "invalid_cursor");
        assertThat(get(BASE + "?status=done").jsonPath().getString("detail"))
                .contains("pending, processing, processed, quarantined");
    }
}
