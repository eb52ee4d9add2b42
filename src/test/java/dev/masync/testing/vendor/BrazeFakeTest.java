package dev.masync.testing.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.testing.receiver.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

class BrazeFakeTest {
    private static final String KEY = "braze-test-key";
    private static final String TRACK = BrazeFake.TRACK;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00.500Z"));
    private BrazeFake fake;
    private FakeClient client;

    private void start(UnaryOperator<BrazeFakeConfig> config) {
        fake = BrazeFake.start(config.apply(BrazeFakeConfig.defaults()), clock, d -> {});
        fake.addApiKey(KEY);
        client = new FakeClient(fake.url()).bearer(KEY);
    }

    @AfterEach
    void close() {
        if (fake != null) fake.close();
    }

    private static String attributes(int n) {
        StringBuilder b = new StringBuilder("{\"attributes\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(',');
            b.append("{\"external_id\":\"u")
                    .append(i)
                    .append("\",\"plan_tier\":\"p")
                    .append(i)
                    .append("\"}");
        }
        return b.append("]}").toString();
    }

    @Test
    void trackCreatesUsersByExternalIdAndAReplayChangesNothingButCostsDataPointsAgain() {
        start(c -> c);
        String body = "{\"attributes\":[{\"external_id\":\"u-1\",\"plan_tier\":\"pro\",\"ltv\":1250.5,"
                + "\"is_champion\":true}]}";
        FakeClient.Answer first = client.json("POST", TRACK, body);
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().path("message").asText()).isEqualTo("success");
        assertThat(first.json().path("attributes_processed").asInt()).isEqualTo(1);
        assertThat(first.json().has("errors")).isFalse();
        BrazeFake.User user = fake.user("u-1");
        assertThat(user.attributes())
                .containsEntry("plan_tier", "pro")
                .containsEntry("ltv", new BigDecimal("1250.5"))
                .containsEntry("is_champion", true);
        assertThat(fake.dataPoints()).isEqualTo(3);

        assertThat(client.json("POST", TRACK, body).status()).isEqualTo(201);
        assertThat(fake.users()).hasSize(1);
        assertThat(fake.user("u-1")).isEqualTo(user);
        assertThat(fake.dataPoints())
                .as("unchanged values still cost data points")
                .isEqualTo(6);
    }

    @Test
    void nullRemovesAnAttributeAndIncAddsToANumber() {
        start(c -> c);
        fake.putUser("u-1", Map.of("plan_tier", "pro", "streak", new BigDecimal("2")));
        client.json(
                "POST",
                TRACK,
                "{\"attributes\":[{\"external_id\":\"u-1\",\"plan_tier\":null,\"streak\":{\"inc\":3}}]}");
        assertThat(fake.user("u-1").attributes())
                .doesNotContainKey("plan_tier")
                .containsEntry("streak", new BigDecimal("5"));
    }

    @Test
    void arrayAttributesAddAndRemoveKeepingOtherItems() {
        start(c -> c);
        client.json("POST", TRACK, "{\"attributes\":[{\"external_id\":\"u-1\",\"segments\":{\"add\":[\"a\"]}}]}");
        client.json("POST", TRACK, "{\"attributes\":[{\"external_id\":\"u-1\",\"segments\":{\"add\":[\"b\"]}}]}");
        assertThat(fake.user("u-1").attribute("segments")).isEqualTo(List.of("a", "b"));
        client.json("POST", TRACK, "{\"attributes\":[{\"external_id\":\"u-1\",\"segments\":{\"add\":[\"a\"]}}]}");
        assertThat(fake.user("u-1").attribute("segments"))
                .as("an added item moves to the end")
                .isEqualTo(List.of("b", "a"));
        client.json(
                "POST", TRACK, "{\"attributes\":[{\"external_id\":\"u-1\",\"segments\":{\"remove\":[\"b\",\"x\"]}}]}");
        assertThat(fake.user("u-1").attribute("segments")).isEqualTo(List.of("a"));
        client.json("POST", TRACK, "{\"attributes\":[{\"external_id\":\"u-1\",\"segments\":[\"z\"]}]}");
        assertThat(fake.user("u-1").attribute("segments"))
                .as("a plain array replaces")
                .isEqualTo(List.of("z"));
    }

    @Test
    void updateExistingOnlyNeverCreatesAndSaysNothingAboutUnknownUsers() {
        start(c -> c);
        fake.putUser("known", Map.of());
        FakeClient.Answer answer = client.json(
                "POST",
                TRACK,
                "{\"attributes\":[{\"external_id\":\"known\",\"_update_existing_only\":true,\"plan_tier\":\"pro\"},"
                        + "{\"external_id\":\"unknown\",\"_update_existing_only\":true,\"plan_tier\":\"pro\"}]}");
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().has("errors")).isFalse();
        assertThat(fake.user("known").attribute("plan_tier")).isEqualTo("pro");
        assertThat(fake.user("unknown")).isNull();
    }

    @Test
    void usersCanBeKeyedByEmail() {
        start(c -> c);
        client.json("POST", TRACK, "{\"attributes\":[{\"email\":\"Ann@Example.com\",\"plan_tier\":\"pro\"}]}");
        client.json("POST", TRACK, "{\"attributes\":[{\"email\":\"ann@example.com\",\"plan_tier\":\"max\"}]}");
        assertThat(fake.users()).hasSize(1);
        assertThat(fake.userByEmail("ann@example.com").attribute("plan_tier")).isEqualTo("max");
    }

    @Test
    void theObjectCapCountsArraysTogetherOrEachOnLegacyPlans() {
        start(c -> c.withObjectsPerRequest(3, true));
        String events = ",\"events\":[{\"external_id\":\"u0\",\"name\":\"e\",\"time\":\"2026-03-04T11:00:00Z\"}]";
        String over = attributes(3).replace("]}", "]" + events + "}");
        FakeClient.Answer answer = client.json("POST", TRACK, over);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("message").asText()).isEqualTo("Max Input Length Exceeded");
        assertThat(fake.users()).as("nothing applied").isEmpty();
        assertThat(client.json("POST", TRACK, attributes(3)).status()).isEqualTo(201);

        fake.reconfigure(c -> c.withObjectsPerRequest(3, false));
        assertThat(client.json("POST", TRACK, over).status()).as("3 per array").isEqualTo(201);
        assertThat(client.json("POST", TRACK, attributes(4)).status()).isEqualTo(400);
    }

    @Test
    void perItemErrorsAreListedByIndexAndTheRestApplies() {
        start(c -> c);
        String body = "{\"attributes\":[{\"external_id\":\"ok\",\"a\":\"1\"},{\"plan_tier\":\"x\"},"
                + "{\"email\":\"not-an-email\",\"a\":\"1\"},{\"external_id\":\"long\",\"a\":\"" + "x".repeat(256)
                + "\"},{\"external_id\":\"badop\",\"a\":{\"add\":\"x\"}}]}";
        FakeClient.Answer answer = client.json("POST", TRACK, body);
        assertThat(answer.status()).isEqualTo(201);
        JsonNode json = answer.json();
        assertThat(json.path("message").asText()).isEqualTo("success");
        assertThat(json.path("attributes_processed").asInt()).isEqualTo(1);
        assertThat(json.path("errors")).hasSize(4);
        assertThat(json.path("errors").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(json.path("errors").get(0).path("input_array").asText()).isEqualTo("attributes");
        assertThat(json.path("errors").get(0).path("type").asText()).contains("'external_id'");
        assertThat(json.path("errors").get(1).path("type").asText()).contains("not a valid email");
        assertThat(json.path("errors").get(2).path("index").asInt()).isEqualTo(3);
        assertThat(fake.users()).extracting(BrazeFake.User::externalId).containsExactly("ok");
    }

    @Test
    void aRequestWithOnlyInvalidObjectsOrNoneIsNotASuccess() {
        start(c -> c);
        FakeClient.Answer invalid = client.json("POST", TRACK, "{\"attributes\":[{\"plan_tier\":\"x\"}]}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().path("message").asText()).isNotEqualTo("success");
        assertThat(invalid.json().path("errors")).hasSize(1);
        FakeClient.Answer empty = client.json("POST", TRACK, "{\"attributes\":[]}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().path("message").asText()).startsWith("Valid data must be provided");
        assertThat(client.json("POST", TRACK, "{not json").status()).isEqualTo(400);
    }

    @Test
    void aMissingOrUnknownKeyIs401AndAnInactiveWorkspace403() {
        start(c -> c);
        FakeClient anonymous = new FakeClient(fake.url());
        assertThat(anonymous.json("POST", TRACK, attributes(1)).status()).isEqualTo(401);
        FakeClient.Answer wrong = new FakeClient(fake.url()).bearer("other").json("POST", TRACK, attributes(1));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("message").asText()).isEqualTo("Invalid API key");
        assertThat(wrong.body()).doesNotContain("other");
        fake.deactivate();
        assertThat(client.json("POST", TRACK, attributes(1)).status()).isEqualTo(403);
        assertThat(fake.users()).isEmpty();
    }

    @Test
    void theRateWindowAnswers429WithLowerCaseHeadersAndResetsAtItsEnd() {
        start(c -> c.withRate(2, Duration.ofSeconds(3)));
        FakeClient.Answer first = client.json("POST", TRACK, attributes(1));
        assertThat(first.header("x-ratelimit-limit")).isEqualTo("2");
        assertThat(first.header("x-ratelimit-remaining")).isEqualTo("1");
        long reset = Long.parseLong(first.header("x-ratelimit-reset"));
        assertThat(reset).isEqualTo(Instant.parse("2026-03-04T11:00:03Z").getEpochSecond());
        client.json("POST", TRACK, attributes(1));
        FakeClient.Answer throttled = client.json("POST", TRACK, attributes(2));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("x-ratelimit-remaining")).isEqualTo("0");
        assertThat(throttled.header("x-ratelimit-reset")).isEqualTo(Long.toString(reset));
        assertThat(fake.user("u1")).as("a throttled request applies nothing").isNull();
        clock.advance(Duration.ofMillis(2500));
        FakeClient.Answer next = client.json("POST", TRACK, attributes(2));
        assertThat(next.status()).isEqualTo(201);
        assertThat(next.header("x-ratelimit-remaining")).isEqualTo("1");
        FakeStats stats = fake.stats();
        assertThat(stats.requests()).isEqualTo(4);
        assertThat(stats.throttles()).isEqualTo(1);
        assertThat(stats.records()).as("objects applied").isEqualTo(4);
        assertThat(stats.toMap(3000, null))
                .as("the 429 asked to wait until X-RateLimit-Reset, 2.5 s rounded up")
                .containsEntry("askedWaitMs", 3000L);
    }

    @Test
    void faultsRenderBrazeShapes() {
        start(c -> c);
        fake.faults()
                .next(Fault.serverError(503))
                .next(Fault.throttle())
                .next(Fault.silentNoOp())
                .next(Fault.emptyBody(true));
        FakeClient.Answer error = client.json("POST", TRACK, attributes(1));
        assertThat(error.status()).isEqualTo(503);
        assertThat(error.json().path("message").asText()).isEqualTo("Internal Server Error");
        assertThat(client.json("POST", TRACK, attributes(1)).status()).isEqualTo(429);
        FakeClient.Answer queued = client.json("POST", TRACK, attributes(1));
        assertThat(queued.status()).isEqualTo(202);
        assertThat(queued.json().path("message").asText()).isEqualTo("queued");
        assertThat(fake.users()).as("nothing applied so far").isEmpty();
        FakeClient.Answer empty = client.json("POST", TRACK, attributes(1));
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
        assertThat(fake.user("u0"))
                .as("applied, then the acknowledgement was lost")
                .isNotNull();
        assertThat(fake.calls("POST", TRACK))
                .extracting(FakeCall::fault)
                .containsExactly("SERVER_ERROR", "THROTTLE", "SILENT_NO_OP", "EMPTY_BODY");
    }

    @Test
    void resourceStartsAFakeWithAWorkingKeyAndNoAppConfig() {
        BrazeFakeResource resource = new BrazeFakeResource();
        assertThat(resource.start()).isEmpty();
        try {
            FakeClient c = new FakeClient(BrazeFakeResource.fake().url()).bearer(BrazeFakeResource.API_KEY);
            assertThat(c.json("POST", TRACK, attributes(1)).status()).isEqualTo(201);
        } finally {
            resource.stop();
        }
    }

    @Test
    void anArrayKeepsItsMaximumLengthDroppingTheOldestItemsWithoutAnError() {
        start(c -> c);
        StringBuilder items = new StringBuilder();
        for (int i = 1; i <= 26; i++)
            items.append(i > 1 ? "," : "").append("\"s").append(i).append('"');
        FakeClient.Answer a = client.json(
                "POST", TRACK, "{\"attributes\":[{\"external_id\":\"u-1\",\"segs\":{\"add\":[" + items + "]}}]}");
        assertThat(a.status()).isEqualTo(201);
        assertThat(a.json().has("errors")).as("Braze truncates silently").isFalse();
        @SuppressWarnings("unchecked")
        List<Object> kept = (List<Object>) fake.user("u-1").attribute("segs");
        assertThat(kept)
                .hasSize(BrazeFake.DEFAULT_ARRAY_MAX_LENGTH)
                .startsWith("s2")
                .endsWith("s26");

        fake.setArrayMaxLength("tags", 2);
        client.json("POST", TRACK, "{\"attributes\":[{\"external_id\":\"u-1\",\"tags\":[\"a\",\"b\",\"c\"]}]}");
        assertThat(fake.user("u-1").attribute("tags")).isEqualTo(List.of("b", "c"));
        client.json("POST", TRACK, "{\"attributes\":[{\"external_id\":\"u-1\",\"tags\":{\"add\":[\"b\",\"d\"]}}]}");
        assertThat(fake.user("u-1").attribute("tags")).isEqualTo(List.of("b", "d"));
    }
}
