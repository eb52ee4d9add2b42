package dev.masync.testing.receiver;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.NoDelaySocketFactory;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.connector.webhook.WebhookConnector;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

class PacedReceiverTest {
    static final String SECRET = "whsec_"
            + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    /** 2.5 s into a 10 s window (windows are aligned on the epoch). */
    static final Instant START = Instant.parse("2026-03-01T00:00:02.500Z");

    static final MediaType JSON_TYPE = MediaType.get("application/json");
    static final ObjectMapper JSON = new ObjectMapper();
    static final OkHttpClient CLIENT = new OkHttpClient.Builder()
            .socketFactory(new NoDelaySocketFactory())
            .retryOnConnectionFailure(false)
            .build();

    final ManualClock clock = new ManualClock(START);
    final List<Duration> slept = new CopyOnWriteArrayList<>();
    final Sleeper recordingSleeper = slept::add;
    final WebhookConnector connector = new WebhookConnector(CLIENT, clock);
    PacedReceiver receiver;

    @AfterEach
    void close() {
        if (receiver != null) receiver.close();
    }

    private PacedReceiver start(ReceiverConfig.Builder config) {
        receiver = PacedReceiver.start(config.build(), clock, recordingSleeper);
        return receiver;
    }

    @Test
    void admitsExactlyTheLimitPerWindowThenAnswers429UntilTheWindowEnds() throws IOException {
        start(ReceiverConfig.builder().rateLimit(3, Duration.ofSeconds(10)));

        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 3; i++) codes.add(post(batchJson("b" + i, "k" + i)).code());
        Response limited = post(batchJson("b3", "k3"));

        assertThat(codes).containsExactly(204, 204, 204);
        assertThat(limited.code()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("8"); // 7.5 s left in the window, rounded up
        clock.advance(Duration.ofMillis(6_501)); // 0.999 s left
        assertThat(post(batchJson("b3", "k3")).header("Retry-After")).isEqualTo("1");
        clock.advance(Duration.ofMillis(999)); // the next window
        assertThat(post(batchJson("b3", "k3")).code()).isEqualTo(204);

        ReceiverStats stats = receiver.stats();
        assertThat(stats.requests()).isEqualTo(6);
        assertThat(stats.ok()).isEqualTo(4);
        assertThat(stats.tooManyRequests()).isEqualTo(2);
        assertThat(stats.maxRequestsInWindow()).isEqualTo(5);
        assertThat(stats.maxAdmittedInWindow()).isEqualTo(3);
        assertThat(stats.records()).isEqualTo(4); // a 429'd batch is not processed
        assertThat(stats.firstRequestAt()).isEqualTo(START);
        assertThat(stats.lastOkAt()).isEqualTo(START.plusMillis(7_500));
        assertThat(stats.tooManyRequestsFraction()).isEqualTo(2.0 / 6);
    }

    @Test
    void rejectsBatchesOverTheRecordCapWith400AndCountsThem() throws IOException {
        start(ReceiverConfig.builder().maxRecords(2));

        Response response = post(batchJson("b1", "k1", "k2", "k3"));

        assertThat(response.code()).isEqualTo(400);
        assertThat(response.body().string()).contains("\"code\":\"too_many_records\"");
        assertThat(post(batchJson("b2", "k1", "k2")).code()).isEqualTo(204);
        ReceiverStats stats = receiver.stats();
        assertThat(stats.oversizedBatches()).isEqualTo(1);
        assertThat(stats.clientErrors()).isEqualTo(1);
        assertThat(stats.records()).isEqualTo(2);
        assertThat(receiver.state()).containsOnlyKeys("k1", "k2");
    }

    @Test
    void rejectsBodiesOverTheByteCapWith413() throws IOException {
        start(ReceiverConfig.builder().maxBodyBytes(100));

        assertThat(post(batchJson("b1", "a-key-long-enough", "to-exceed", "one-hundred-bytes"))
                        .code())
                .isEqualTo(413);
        assertThat(post("{\"records\":[]}").code()).isEqualTo(204);

        assertThat(receiver.stats())
                .extracting(ReceiverStats::payloadTooLarge, ReceiverStats::clientErrors, ReceiverStats::ok)
                .containsExactly(1L, 1L, 1L);
    }

    @Test
    void answersMalformedBodiesWith400() throws IOException {
        start(ReceiverConfig.builder());

        Response notJson = post("<html>");
        Response noRecords = post("{\"batchId\":\"b\"}");

        assertThat(notJson.code()).isEqualTo(400);
        assertThat(notJson.body().string()).contains("invalid_batch");
        assertThat(noRecords.code()).isEqualTo(400);
        assertThat(receiver.stats().clientErrors()).isEqualTo(2);
    }

    @Test
    void rejectionRuleGivesPerRecordResultsThroughTheConnector() {
        start(ReceiverConfig.builder().rejectKeys(Pattern.compile(".*@invalid"), "invalid_email"));
        Batch batch = new Batch(
                "batch-1",
                "vips",
                List.of(
                        RecordChange.upsert("l1", "a@x.org", Map.of("plan", "pro")),
                        RecordChange.upsert("l2", "b@invalid", Map.of("plan", "pro"))));

        BatchResult result = connector.push(context(null), batch);

        assertThat(result.outcomes())
                .extracting(RecordOutcome::destinationKey, RecordOutcome::status, RecordOutcome::code)
                .containsExactly(
                        tuple("a@x.org", RecordOutcome.Status.CONFIRMED, null),
                        tuple("b@invalid", RecordOutcome.Status.REJECTED, "invalid_email"));
        assertThat(receiver.state()).containsOnlyKeys("a@x.org");
        assertThat(receiver.stats())
                .extracting(ReceiverStats::records, ReceiverStats::recordsConfirmed, ReceiverStats::recordsRejected)
                .containsExactly(2L, 1L, 1L);
    }

    @Test
    void mergesFieldsLastWriteWinsAndRemovesKeys() {
        start(ReceiverConfig.builder());
        Map<String, Object> clearPlan = new HashMap<>();
        clearPlan.put("plan", null);
        clearPlan.put("grade", "hs2");

        connector.push(
                context(null),
                new Batch(
                        "b1",
                        "s",
                        List.of(
                                RecordChange.upsert(
                                        "l1", "a@x.org", Map.of("plan", "pro", "grade", "hs1", "minutes", 42)),
                                RecordChange.upsert("l2", "b@x.org", Map.of("plan", "free")))));
        connector.push(
                context(null),
                new Batch(
                        "b2",
                        "s",
                        List.of(
                                RecordChange.upsert("l1", "a@x.org", clearPlan),
                                RecordChange.remove("l2", "b@x.org"))));

        assertThat(receiver.state()).containsOnlyKeys("a@x.org");
        assertThat(receiver.state().get("a@x.org")).containsOnly(entry("grade", "hs2"), entry("minutes", 42));
        assertThat(receiver.removedKeys()).containsExactly("b@x.org");

        connector.push(
                context(null),
                new Batch("b3", "s", List.of(RecordChange.upsert("l2", "b@x.org", Map.of("grade", "jh1")))));

        assertThat(receiver.state().get("b@x.org")).containsOnly(entry("grade", "jh1")); // a remove forgets fields
        assertThat(receiver.removedKeys()).isEmpty();
    }

    @Test
    void countsARepeatedChangeAsDuplicateButANewValueAsAChange() {
        start(ReceiverConfig.builder());
        Batch first = new Batch(
                "b1",
                "s",
                List.of(
                        RecordChange.upsert("l1", "a@x.org", Map.of("plan", "pro", "grade", "hs1")),
                        RecordChange.upsert("l2", "b@x.org", Map.of("plan", "free"))));

        connector.push(context(null), first);
        connector.push(context(null), first); // e.g. resent after a crash: both records are duplicates
        connector.push(
                context(null),
                new Batch(
                        "b2",
                        "s",
                        List.of(
                                RecordChange.upsert(
                                        "l1",
                                        "a@x.org",
                                        Map.of("grade", "hs1", "plan", "pro")), // same change, other order
                                RecordChange.upsert(
                                        "l2", "b@x.org", Map.of("plan", "paid"))))); // a new value: not a duplicate

        ReceiverStats stats = receiver.stats();
        assertThat(stats.records()).isEqualTo(6);
        assertThat(stats.distinctKeys()).isEqualTo(2);
        assertThat(stats.distinctChanges()).isEqualTo(3);
        assertThat(stats.duplicateRecords()).isEqualTo(3);
        assertThat(stats.keysReceivedMoreThanOnce()).isEqualTo(2);
        assertThat(stats.distinctBatches()).isEqualTo(2);
        assertThat(stats.repeatedBatches()).isEqualTo(1);
        assertThat(receiver.receipts()).containsExactly(entry("a@x.org", 3), entry("b@x.org", 3));
        assertThat(receiver.state().get("b@x.org")).containsOnly(entry("plan", "paid"));
    }

    @Test
    void verifiesStandardWebhooksSignatures() throws IOException {
        start(ReceiverConfig.builder().signingSecret(SECRET).timestampTolerance(Duration.ofMinutes(5)));
        Batch batch = new Batch("b1", "s", List.of(RecordChange.upsert("l1", "a@x.org", Map.of("plan", "pro"))));
        WebhookConnector late = new WebhookConnector(CLIENT, new ManualClock(START.minus(Duration.ofMinutes(6))));

        BatchResult signed = connector.push(context(SECRET), batch);

        assertThat(signed.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThatThrownBy(() -> connector.push(
                        context("whsec_"
                                + Base64.getEncoder()
                                        .encodeToString(
                                                "another secret, another mac".getBytes(StandardCharsets.UTF_8))),
                        batch))
                .isInstanceOfSatisfying(
                        PermanentException.class, e -> assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH));
        assertThatThrownBy(() -> late.push(context(SECRET), batch)).isInstanceOf(PermanentException.class);
        assertThat(post(batchJson("b2", "k")).code()).isEqualTo(401); // unsigned
        assertThat(receiver.stats())
                .extracting(ReceiverStats::ok, ReceiverStats::unauthorized, ReceiverStats::records)
                .containsExactly(1L, 3L, 1L);
    }

    @Test
    void injectsFaultsFromTheSeedInArrivalOrder() throws IOException {
        ReceiverConfig.Builder faulty = ReceiverConfig.builder()
                .fault5xx(0.2)
                .faultDrop(0.2)
                .faultDropAfterApply(0.2)
                .seed(7);
        List<String> firstRun = outcomes(start(faulty), 40);
        receiver.close();
        List<String> secondRun = outcomes(start(faulty), 40);

        assertThat(secondRun).isEqualTo(firstRun);
        assertThat(firstRun).contains("204", "503", "dropped");
        ReceiverStats stats = receiver.stats();
        assertThat(stats.ok() + stats.serverErrors() + stats.dropped()).isEqualTo(40);
        assertThat(stats.serverErrors())
                .isEqualTo(firstRun.stream().filter("503"::equals).count());
        // a lost ack: the batch was applied although the client saw the connection drop
        long lostAcks = 0;
        for (int i = 0; i < firstRun.size(); i++) {
            if (firstRun.get(i).equals("dropped") && receiver.state().containsKey("k" + i)) lostAcks++;
        }
        assertThat(lostAcks).isPositive().isLessThan(stats.dropped());
        assertThat(stats.records()).isEqualTo(stats.ok() + lostAcks);
    }

    private List<String> outcomes(PacedReceiver r, int requests) {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            try (Response response = rawPost(r, batchJson("b" + i, "k" + i))) {
                outcomes.add(Integer.toString(response.code()));
            } catch (IOException e) {
                outcomes.add("dropped");
            }
        }
        return outcomes;
    }

    @Test
    void sleepsTheLatencyThroughTheInjectedSleeperOnlyForAdmittedRequests() throws IOException {
        start(ReceiverConfig.builder().rateLimit(2, Duration.ofSeconds(10)).latency(Duration.ofMillis(150)));

        for (int i = 0; i < 3; i++) post(batchJson("b" + i, "k" + i)).close();
        receiver.reconfigure(
                c -> c.toBuilder().slow(1.0, Duration.ofSeconds(40)).build());
        clock.advance(Duration.ofSeconds(10));
        post(batchJson("b3", "k3")).close();

        assertThat(slept).containsExactly(Duration.ofMillis(150), Duration.ofMillis(150), Duration.ofSeconds(40));
    }

    @Test
    void reconfiguringLowersTheLimitMidRun() throws IOException {
        start(ReceiverConfig.builder().rateLimit(5, Duration.ofSeconds(10)));

        post(batchJson("b1", "k1")).close();
        post(batchJson("b2", "k2")).close();
        receiver.reconfigure(
                c -> c.toBuilder().rateLimit(2, Duration.ofSeconds(10)).build());

        assertThat(post(batchJson("b3", "k3")).code()).isEqualTo(429);
        assertThat(receiver.config().limit()).isEqualTo(2);
    }

    @Test
    void servesStatsStateAndReceiptsAsJsonAndResetsOnDelete() throws IOException {
        start(ReceiverConfig.builder().rateLimit(190, Duration.ofSeconds(10)));
        connector.push(
                context(null),
                new Batch(
                        "b1",
                        "s",
                        List.of(
                                RecordChange.upsert("l1", "a@x.org", Map.of("plan", "pro", "minutes", 42)),
                                RecordChange.remove("l2", "b@x.org"))));

        Map<String, Object> stats = getJson("/stats");
        Map<String, Object> state = getJson("/state");
        Map<String, Object> receipts = getJson("/receipts");

        assertThat(ReceiverStats.fromMap(stats)).isEqualTo(receiver.stats());
        assertThat(stats)
                .containsEntry("requests", 1)
                .containsEntry("limit", 190)
                .containsEntry("window", "PT10S");
        assertThat(state)
                .containsEntry("state", Map.of("a@x.org", Map.of("plan", "pro", "minutes", 42)))
                .containsEntry("removed", List.of("b@x.org"));
        assertThat(receipts).containsExactly(entry("a@x.org", 1), entry("b@x.org", 1));

        try (Response deleted = CLIENT.newCall(new Request.Builder()
                        .url(receiver.url("/state"))
                        .delete()
                        .build())
                .execute()) {
            assertThat(deleted.code()).isEqualTo(204);
        }
        assertThat(receiver.stats().requests()).isZero();
        assertThat(receiver.state()).isEmpty();
    }

    @Test
    void answersWithoutTheNagleDelay() throws IOException {
        start(ReceiverConfig.builder().alwaysReturnResults(true));
        String body = batchJson("b", "k");
        for (int i = 0; i < 10; i++) post(body).close(); // warm up

        long[] nanos = new long[31];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            try (Response response = post(body)) {
                response.body().string();
            }
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);

        // With Nagle on, every response waits for the client's delayed ACK: ≥ 40 ms on Linux.
        assertThat(Duration.ofNanos(nanos[nanos.length / 2])).isLessThan(Duration.ofMillis(30));
        assertThat(System.getProperty(PacedReceiver.NODELAY_PROPERTY)).isEqualTo("true");
    }

    @Test
    void parsesCommandLineFlags() {
        ReceiverConfig config = ReceiverConfig.fromArgs(
                "--port",
                "9100",
                "--limit",
                "190/PT10S",
                "--max-batch",
                "100",
                "--latency-ms",
                "150",
                "--fault-5xx",
                "0.01",
                "--fault-drop",
                "0.005",
                "--seed",
                "3",
                "--slow",
                "0.1",
                "--slow-ms",
                "40000",
                "--secret",
                "s3cret",
                "--reject-keys",
                ".*@invalid",
                "--always-results",
                "--threads",
                "8");

        assertThat(config)
                .extracting(
                        ReceiverConfig::port,
                        ReceiverConfig::limit,
                        ReceiverConfig::window,
                        ReceiverConfig::maxRecords,
                        ReceiverConfig::latency,
                        ReceiverConfig::fault5xx,
                        ReceiverConfig::faultDrop,
                        ReceiverConfig::seed,
                        ReceiverConfig::slowFraction,
                        ReceiverConfig::slowLatency,
                        ReceiverConfig::alwaysReturnResults,
                        ReceiverConfig::threads)
                .containsExactly(
                        9100,
                        190,
                        Duration.ofSeconds(10),
                        100,
                        Duration.ofMillis(150),
                        0.01,
                        0.005,
                        3L,
                        0.1,
                        Duration.ofSeconds(40),
                        true,
                        8);
        assertThat(config.rejections())
                .singleElement()
                .satisfies(rule -> assertThat(rule.code()).isEqualTo("invalid_email"));
        assertThat(config.toString()).contains("signingSecret=****").doesNotContain("s3cret");
        assertThat(ReceiverConfig.fromArgs("--limit", "100/20s").window()).isEqualTo(Duration.ofSeconds(20));
        assertThat(ReceiverConfig.fromArgs().isRateLimited()).isFalse();
        assertThatThrownBy(() -> ReceiverConfig.fromArgs("--limit", "190")).hasMessageContaining("N/WINDOW");
        assertThatThrownBy(() -> ReceiverConfig.fromArgs("--nope", "1")).hasMessageContaining("unknown flag");
        assertThatThrownBy(() -> ReceiverConfig.fromArgs("--fault-5xx", "0.7", "--fault-drop", "0.7"))
                .hasMessageContaining("more than 1");
    }

    private DestinationContext context(String secret) {
        return new DestinationContext(
                "hook",
                Map.of("url", receiver.url("/hook"), "secret", "env:HOOK"),
                SecretResolver.fromEnvironment(Map.of("HOOK", secret == null ? SECRET : secret)));
    }

    private static String batchJson(String batchId, String... keys) {
        StringBuilder json = new StringBuilder("{\"batchId\":\"" + batchId + "\",\"sync\":\"s\",\"records\":[");
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) json.append(',');
            json.append("{\"learnerKey\":\"L")
                    .append(i)
                    .append("\",\"recordKey\":\"")
                    .append(keys[i])
                    .append("\",\"kind\":\"UPSERT\",\"fields\":{\"n\":")
                    .append(i)
                    .append("}}");
        }
        return json.append("]}").toString();
    }

    private Response post(String json) throws IOException {
        return rawPost(receiver, json);
    }

    private static Response rawPost(PacedReceiver r, String json) throws IOException {
        return CLIENT.newCall(new Request.Builder()
                        .url(r.url("/hook"))
                        .post(RequestBody.create(json, JSON_TYPE))
                        .build())
                .execute();
    }

    private Map<String, Object> getJson(String path) throws IOException {
        try (Response response = CLIENT.newCall(
                        new Request.Builder().url(receiver.url(path)).build())
                .execute()) {
            assertThat(response.code()).isEqualTo(200);
            return JSON.readValue(response.body().string(), new TypeReference<>() {});
        }
    }
}
