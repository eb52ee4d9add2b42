package dev.masync.connector.marketo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.RedactingLogInterceptor;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.MembershipTarget;
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

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connector against the recorded exchanges of connectors/marketo/fixtures, served as recorded (HTTP 200 and the
 * body) by a plain server: it sends the recorded requests and reads every recorded answer as Marketo means it. The fake
 * is held to the same files (testing.vendor.MarketoFixturesTest).
 */
class MarketoFixturesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "cdf01657-110d-4155-99a7-f986b2ff13a0:ab";

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));
    final Fixtures fixtures = new Fixtures("marketo");
    final CountingBudget budget = new CountingBudget();
    MockWebServer server;
    MarketoConnector connector;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        connector = new MarketoConnector(
                new OkHttpClient(),
                clock,
                new MarketoConnector.Options(
                        new AddressPolicy(true, false),
                        Duration.ofSeconds(10),
                        1024 * 1024,
                        new RedactingLogInterceptor()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    void serve(String... names) {
        for (String name : names) {
            server.enqueue(new MockResponse.Builder()
                    .code(200)
                    .setHeader("Content-Type", "application/json;charset=UTF-8")
                    .body(fixtures.text(name))
                    .build());
        }
    }

    DestinationContext context() {
        String base = server.url("/").toString();
        Map<String, String> settings = Map.of(
                "baseUrl", base.substring(0, base.length() - 1), "clientId", "env:ID", "clientSecret", "env:SECRET");
        return new DestinationContext(
                "mkto",
                settings,
                SecretResolver.fromEnvironment(Map.of("ID", "mkto-client-id", "SECRET", "mkto-secret-7c6b5a")),
                budget);
    }

    static RecordChange lead(String email, String plan) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("planTier", plan);
        return RecordChange.upsert("learner-" + email, email, fields);
    }

    static Batch batch(List<RecordChange> records, Optional<MembershipTarget> membership) {
        return new Batch("run-1-1", "math", records, membership).withRun("email", records.size());
    }

    static final Optional<MembershipTarget> LIST = Optional.of(new MembershipTarget(MembershipStyle.LIST, "101", null));

    static final List<RecordChange> ADA_AND_BOB =
            List.of(lead("ada@example.test", "pro"), lead("bob@example.test", "free"));

    void assertToken(RecordedRequest r) {
        assertThat(r.getUrl().encodedPath()).isEqualTo("/identity/oauth/token");
        assertThat(r.getUrl().query()).as("secrets never in a URL").isNull();
        assertThat(r.getBody().utf8()).isEqualTo(fixtures.text("identity-token.request.txt"));
    }

    void assertJsonBody(RecordedRequest r, String path, String fixture) throws Exception {
        assertThat(r.getUrl().encodedPath()).isEqualTo(path);
        assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(JSON.readTree(r.getBody().utf8()))
                .as("request vs %s", fixture)
                .isEqualTo(fixtures.json(fixture));
    }

    @Test
    void joinersAreSyncedAsRecordedThenAddedToTheListByTheAnsweredIds() throws Exception {
        serve("identity-token.response.json", "leads-sync.response.json", "list-add.response.json");
        BatchResult result = connector.push(context(), batch(ADA_AND_BOB, LIST));
        assertThat(result.outcomes()).allMatch(RecordOutcome::isConfirmed).hasSize(2);
        assertThat(result.outcomes())
                .as("the recorded lead ids")
                .map(RecordOutcome::recordId)
                .containsExactly(Optional.of("1001"), Optional.of("1002"));
        assertToken(server.takeRequest());
        assertJsonBody(server.takeRequest(), "/rest/v1/leads.json", "leads-sync.request.json");
        RecordedRequest add = server.takeRequest();
        assertThat(add.getMethod()).isEqualTo("POST");
        assertThat(add.getUrl().encodedPath()).isEqualTo("/rest/v1/lists/101/leads.json");
        assertThat(add.getUrl().encodedQuery()).isEqualTo(fixtures.text("list-add.request.txt"));
    }

    @Test
    void recordedSkipsWithReasonsRejectExactlyThoseRecords() throws Exception {
        serve("identity-token.response.json", "leads-sync-skipped.response.json");
        Map<String, Object> churn = new LinkedHashMap<>();
        churn.put("churnRisk", "high");
        BatchResult result = connector.push(
                context(),
                batch(
                        List.of(
                                lead("ada@example.test", "team"),
                                RecordChange.upsert("l-carl", "carl@example.test", churn),
                                lead("not-an-email", "pro")),
                        Optional.empty()));
        server.takeRequest();
        assertJsonBody(server.takeRequest(), "/rest/v1/leads.json", "leads-sync-skipped.request.json");
        assertThat(result.outcomes()).extracting(RecordOutcome::isConfirmed).containsExactly(true, false, false);
        assertThat(result.outcomes())
                .map(RecordOutcome::recordId)
                .containsExactly(Optional.of("1001"), Optional.empty(), Optional.empty());
        assertThat(result.outcomes().get(1).message()).contains("1006");
        assertThat(result.outcomes().get(2).message()).contains("1001");
    }

    @Test
    void leaversAreLookedUpAsRecordedAndRemovedAndANonMember1015IsDone() throws Exception {
        serve("identity-token.response.json", "leads-lookup.response.json", "list-remove-again.response.json");
        List<RecordChange> leavers = List.of(
                RecordChange.remove("learner-ada", "ada@example.test"),
                RecordChange.remove("learner-bob", "bob@example.test"));
        BatchResult result = connector.push(context(), batch(leavers, LIST));
        assertThat(result.outcomes()).allMatch(RecordOutcome::isConfirmed);
        server.takeRequest();
        RecordedRequest lookup = server.takeRequest();
        assertThat(lookup.getUrl().encodedQuery()).isEqualTo("_method=GET");
        assertThat(lookup.getBody().utf8()).isEqualTo(fixtures.text("leads-lookup.request.txt"));
        RecordedRequest remove = server.takeRequest();
        assertThat(remove.getMethod()).isEqualTo("DELETE");
        assertThat(remove.getUrl().encodedQuery()).isEqualTo(fixtures.text("list-remove.request.txt"));
    }

    @Test
    void recorded601And602RefreshTheTokenOnceAndResend() throws Exception {
        for (String code : List.of("token-invalid.response.json", "token-expired.response.json")) {
            serve("identity-token.response.json", code, "identity-token.response.json", "leads-sync.response.json");
            MarketoConnector fresh = new MarketoConnector(
                    new OkHttpClient(),
                    clock,
                    MarketoConnector.Options.of(new AddressPolicy(true, false), Duration.ofSeconds(10), 1024 * 1024));
            assertThat(fresh.push(context(), batch(ADA_AND_BOB, Optional.empty()))
                            .outcomes())
                    .as(code)
                    .allMatch(RecordOutcome::isConfirmed);
            assertToken(server.takeRequest());
            assertJsonBody(server.takeRequest(), "/rest/v1/leads.json", "leads-sync.request.json");
            assertToken(server.takeRequest());
            assertJsonBody(server.takeRequest(), "/rest/v1/leads.json", "leads-sync.request.json");
        }
    }

    @Test
    void recordedThrottlesAreRetryableNeverASuccessAndPaceTheBudget() {
        serve("identity-token.response.json", "rate-limit.response.json");
        assertThatThrownBy(() -> connector.push(context(), batch(ADA_AND_BOB, Optional.empty())))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(20)));
        serve("concurrency.response.json");
        assertThatThrownBy(() -> connector.push(context(), batch(ADA_AND_BOB, Optional.empty())))
                .isInstanceOf(RetryableException.class);
        serve("daily-quota.response.json");
        assertThatThrownBy(() -> connector.push(context(), batch(ADA_AND_BOB, Optional.empty())))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter())
                                .as("until midnight Central time: 2026-03-05T06:00Z")
                                .contains(Duration.ofHours(19)));
        assertThat(budget.observations).hasSize(3);
        assertThat(budget.observations.get(2)).matches(CallBudget.Observation::dailyExhausted);
    }
}
