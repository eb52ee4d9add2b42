package dev.masync.connector.braze;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.RedactingLogInterceptor;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.DestinationSchema.FieldType;
import dev.masync.connector.spi.MembershipTarget;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.testing.CountingBudget;
import dev.masync.testing.receiver.ManualClock;
import dev.masync.testing.vendor.Fixtures;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connector against the recorded exchanges of connectors/braze/fixtures, served as recorded by a plain server:
 * what it sends is the recorded request, and it reads each recorded answer as Braze means it. The fake is held to the
 * same files (testing.vendor.BrazeFixturesTest).
 */
class BrazeFixturesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00.500Z"));
    final Fixtures fixtures = new Fixtures("braze");
    final CountingBudget budget = new CountingBudget();
    MockWebServer server;
    BrazeConnector connector;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        connector = new BrazeConnector(
                new OkHttpClient(),
                clock,
                new BrazeConnector.Options(
                        new AddressPolicy(true, false),
                        Duration.ofSeconds(10),
                        1024 * 1024,
                        new RedactingLogInterceptor()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    void serve(String name) {
        Fixtures.Head head = fixtures.head(name + ".head");
        MockResponse.Builder b = new MockResponse.Builder()
                .code(head.status())
                .setHeader("Content-Type", "application/json")
                .body(fixtures.text(name + ".json"));
        head.headers().forEach(b::setHeader);
        server.enqueue(b.build());
    }

    DestinationContext context() {
        Map<String, String> settings = Map.of("restEndpoint", server.url("/").toString(), "apiKey", "env:BRAZE_KEY");
        return new DestinationContext(
                "braze", settings, SecretResolver.fromEnvironment(Map.of("BRAZE_KEY", "k-1")), budget);
    }

    static RecordChange upsert(String key, Object... kv) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) fields.put((String) kv[i], kv[i + 1]);
        return RecordChange.upsert("l-" + key, key, fields);
    }

    void assertSent(String requestFixture) throws Exception {
        RecordedRequest request = server.takeRequest();
        assertThat(request.getUrl().encodedPath()).isEqualTo("/users/track");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer k-1");
        assertThat(JSON.readTree(request.getBody().utf8()))
                .as("request vs %s", requestFixture)
                .isEqualTo(fixtures.json(requestFixture));
    }

    static Batch membershipBatch() {
        return new Batch(
                "b-1",
                "high_value",
                List.of(
                        upsert("u-1001", "plan_tier", "pro", "ltv", new BigDecimal("1250.5")),
                        upsert("u-1002", "plan_tier", "free", "ltv", 0)),
                Optional.of(new MembershipTarget(MembershipStyle.LIST, "segments", null)),
                Optional.of("external_id"));
    }

    static Batch partialBatch() {
        return new Batch(
                "b-1",
                "s",
                List.of(
                        upsert("u-1001", "plan_tier", "pro"),
                        upsert("u-1002", "email", "not-an-email", "plan_tier", "free"),
                        upsert("u-1003", "plan_tier", "team")),
                Optional.empty(),
                Optional.of("external_id"));
    }

    @Test
    void theRecordedTrackIsWhatTheConnectorSendsAndItsSuccessConfirmsEveryRecord() throws Exception {
        serve("track.response");
        BatchResult result = connector.push(context(), membershipBatch());
        assertSent("track.request.json");
        assertThat(result.outcomes()).allMatch(RecordOutcome::isConfirmed).hasSize(2);
    }

    @Test
    void aRecordedPartialAnswerRejectsExactlyTheRecordAtTheListedIndex() throws Exception {
        serve("track-partial.response");
        BatchResult result = connector.push(context(), partialBatch());
        assertSent("track-partial.request.json");
        assertThat(result.outcomes()).extracting(RecordOutcome::isConfirmed).containsExactly(true, false, true);
        assertThat(result.outcomes().get(1).code()).isEqualTo("braze_item_error");
        assertThat(result.outcomes().get(1).message()).contains("not a valid email");
    }

    @Test
    void theRecorded429IsRetryableUntilTheResetHeaderAndPausesTheBudget() {
        serve("rate-limited.response");
        assertThatThrownBy(() -> connector.push(context(), membershipBatch()))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter())
                                .as("until x-ratelimit-reset (epoch seconds), 2.5 s from now")
                                .contains(Duration.ofMillis(2_500)));
        assertThat(budget.observations).anyMatch(o -> o.pause().isPresent());
    }

    @Test
    void aRecorded2xxWithoutSuccessIsNeverASuccess() {
        serve("queued.response");
        assertThatThrownBy(() -> connector.push(context(), membershipBatch()))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("queued");
    }

    @Test
    void theRecorded401IsAnAuthFailure() {
        serve("invalid-key.response");
        assertThatThrownBy(() -> connector.push(context(), membershipBatch()))
                .isInstanceOfSatisfying(
                        PermanentException.class, e -> assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH));
    }

    @Test
    void theRecordedCustomAttributesBecomeASchemaThatCreatesFieldsFollowingTheNextLink() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Link", "<" + server.url("/custom_attributes?cursor=c2tpcDo1MA") + ">; rel=\"next\"")
                .body(fixtures.text("custom-attributes.response.json"))
                .build());
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .body("{\"message\":\"success\",\"attributes\":[{\"name\":\"zz_last\",\"data_type\":\"Boolean\","
                        + "\"status\":\"Active\",\"array_length\":null}]}")
                .build());
        DestinationSchema schema = connector.schema(context());
        assertThat(schema.createsFields()).isTrue();
        assertThat(schema.field("external_id").orElseThrow().unique()).isTrue();
        assertThat(schema.field("email").orElseThrow().unique()).isTrue();
        assertThat(schema.field("ltv").orElseThrow().type()).isEqualTo(FieldType.NUMBER);
        assertThat(schema.field("plan_tier").orElseThrow().type()).isEqualTo(FieldType.STRING);
        assertThat(schema.field("segments").orElseThrow().type()).isEqualTo(FieldType.OTHER);
        assertThat(schema.field("legacy_score").orElseThrow().writable())
                .as("blocklisted")
                .isFalse();
        assertThat(schema.field("zz_last").orElseThrow().type()).isEqualTo(FieldType.BOOLEAN);
        RecordedRequest first = server.takeRequest();
        assertThat(first.getMethod()).isEqualTo("GET");
        assertThat(first.getUrl().encodedPath()).isEqualTo("/custom_attributes");
        assertThat(first.getHeaders().get("Authorization")).isEqualTo("Bearer k-1");
        assertThat(server.takeRequest().getUrl().queryParameter("cursor")).isEqualTo("c2tpcDo1MA");
    }

    @Test
    void aNextLinkToAnotherHostIsNeverFollowedWithTheKey() {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Link", "<https://elsewhere.example/custom_attributes?cursor=x>; rel=\"next\"")
                .body(fixtures.text("custom-attributes.response.json"))
                .build());
        assertThatThrownBy(() -> connector.schema(context()))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aKeyWithoutTheExportPermissionIsAPermissionFailureNamingIt() {
        server.enqueue(new MockResponse.Builder()
                .code(403)
                .body("{\"message\":\"Forbidden\"}")
                .build());
        assertThatThrownBy(() -> connector.schema(context())).isInstanceOfSatisfying(PermanentException.class, e -> {
            assertThat(e.code()).isEqualTo(PermanentException.Code.PERMISSION);
            assertThat(e.getMessage()).contains("custom_attributes.get");
        });
    }
}
