package dev.masync.connector.marketo;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.RedactingLogInterceptor;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.MembershipTarget;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.testing.CountingBudget;
import dev.masync.testing.receiver.ManualClock;
import dev.masync.testing.vendor.FakeCall;
import dev.masync.testing.vendor.Fault;
import dev.masync.testing.vendor.MarketoFake;
import dev.masync.testing.vendor.MarketoFakeConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connector against a real {@link MarketoFake} over HTTP, on a manual clock (no real waiting). */
class MarketoConnectorTest {
    static final String CLIENT = "mkto-client-id";
    static final String SECRET = "mkto-secret-7c6b5a";
    static final OkHttpClient SHARED = new OkHttpClient();

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));
    final CountingBudget budget = new CountingBudget();
    final List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    MarketoFake fake;
    MarketoConnector connector;
    Map<String, String> settings;

    void start(UnaryOperator<MarketoFakeConfig> config) {
        start(config, d -> {});
    }

    void start(UnaryOperator<MarketoFakeConfig> config, dev.masync.testing.receiver.Sleeper sleeper) {
        fake = MarketoFake.start(config.apply(MarketoFakeConfig.defaults()), clock, sleeper);
        fake.addField(MarketoFake.Field.string("planTier"));
        fake.addField(MarketoFake.Field.bool("inMathSlipping"));
        fake.addField(MarketoFake.Field.string("track"));
        fake.addField(MarketoFake.Field.unique("learnerKey"));
        fake.registerClient(CLIENT, SECRET);
        connector = new MarketoConnector(
                SHARED,
                clock,
                new MarketoConnector.Options(
                        new AddressPolicy(true, false),
                        Duration.ofSeconds(30),
                        1024 * 1024,
                        new RedactingLogInterceptor(logged::add, true)));
        settings = new LinkedHashMap<>(
                Map.of("baseUrl", fake.url(), "clientId", "env:MKTO_ID", "clientSecret", "env:MKTO_SECRET"));
    }

    @AfterEach
    void close() {
        if (fake != null) fake.close();
    }

    DestinationContext context() {
        return new DestinationContext(
                "mkto",
                settings,
                SecretResolver.fromEnvironment(Map.of("MKTO_ID", CLIENT, "MKTO_SECRET", SECRET)),
                budget);
    }

    static RecordChange lead(String email, String plan) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("planTier", plan);
        return RecordChange.upsert("learner-" + email, email, fields);
    }

    static List<RecordChange> leads(int n) {
        List<RecordChange> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(lead("l" + i + "@example.test", "pro"));
        return out;
    }

    static Batch batch(List<RecordChange> records) {
        return new Batch("run-1-1", "math", records).withRun("email", records.size());
    }

    static Batch batch(List<RecordChange> records, MembershipTarget membership) {
        return new Batch("run-1-1", "math", records, Optional.of(membership)).withRun("email", records.size());
    }

    BatchResult push(Batch batch) {
        return connector.push(context(), batch);
    }

    List<FakeCall> apiCalls() {
        return fake.calls().stream().filter(c -> c.path().startsWith("/rest/")).toList();
    }

    List<FakeCall> tokenCalls() {
        return fake.calls("POST", "/identity/oauth/token");
    }

    @Test
    void upsertCreatesThenUpdatesAndAReplayLeavesOneLeadPerKey() {
        start(c -> c);
        List<RecordChange> records = List.of(lead("ada@example.test", "pro"), lead("bob@example.test", "free"));
        assertThat(push(batch(records)).outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(push(batch(List.of(lead("ada@example.test", "team"), lead("bob@example.test", "free"))))
                        .outcomes())
                .allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.leads()).hasSize(2);
        assertThat(fake.find("email", "ada@example.test").get(0)).containsEntry("planTier", "team");
        FakeCall sync = fake.calls("POST", "/rest/v1/leads.json").get(0);
        assertThat(sync.bodyText()).contains("\"action\":\"createOrUpdate\"", "\"lookupField\":\"email\"");
        assertThat(sync.header("authorization")).startsWith("Bearer ");
        assertThat(sync.query()).isNull();
        assertThat(tokenCalls()).as("one token for both pushes").hasSize(1);
    }

    @Test
    void aCustomLookupFieldFromTheSyncIsSentAsLookupField() {
        start(c -> c);
        Batch b = new Batch("run-1-1", "math", List.of(RecordChange.upsert("l-1", "K-1", Map.of("planTier", "pro"))))
                .withRun("learnerKey", 1);
        assertThat(push(b).outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.find("learnerKey", "K-1")).hasSize(1);
        assertThat(fake.calls("POST", "/rest/v1/leads.json").get(0).bodyText())
                .contains("\"lookupField\":\"learnerKey\"");
    }

    @Test
    void skippedRecordsAreRejectedWithTheirReasonAndTheOthersConfirmed() {
        start(c -> c);
        RecordChange unknownField = RecordChange.upsert("l-2", "x@example.test", Map.of("churnRisk", "high"));
        RecordChange badEmail = lead("not-an-email", "pro");
        BatchResult r = push(batch(List.of(lead("ok@example.test", "pro"), unknownField, badEmail)));
        assertThat(r.outcomes().get(0).isConfirmed()).isTrue();
        assertThat(r.outcomes().get(1).code()).isEqualTo("unknown_field");
        assertThat(r.outcomes().get(1).message()).contains("1006", "churnRisk");
        assertThat(r.outcomes().get(2).code()).isEqualTo("invalid_value");
        assertThat(fake.leads()).hasSize(1);
    }

    @Test
    void updateOnlyNeverCreatesAndRejectsUnknownLeadsAsNotFound() {
        start(c -> c);
        push(batch(List.of(lead("ada@example.test", "pro"))));
        BatchResult r = push(batch(List.of(
                RecordChange.update("l-1", "ada@example.test", Map.of("planTier", "team")),
                RecordChange.update("l-2", "new@example.test", Map.of("planTier", "team")))));
        assertThat(r.outcomes().get(0).isConfirmed()).isTrue();
        assertThat(r.outcomes().get(1).code()).isEqualTo("not_found");
        assertThat(fake.leads()).hasSize(1);
        assertThat(fake.calls("POST", "/rest/v1/leads.json").get(1).bodyText()).contains("\"action\":\"updateOnly\"");
    }

    @Test
    void mirrorRemovalClearsTheBooleanAndALeadThatIsGoneCountsAsDone() {
        start(c -> c);
        MembershipTarget m = new MembershipTarget(MembershipStyle.BOOLEAN, "inMathSlipping", null);
        Map<String, Object> member = Map.of("inMathSlipping", true);
        push(batch(List.of(RecordChange.upsert("l-1", "ada@example.test", member)), m));
        assertThat(fake.find("email", "ada@example.test").get(0)).containsEntry("inMathSlipping", true);
        BatchResult r = push(batch(
                List.of(
                        RecordChange.remove("l-1", "ada@example.test"),
                        RecordChange.remove("l-9", "gone@example.test")),
                m));
        assertThat(r.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.find("email", "ada@example.test").get(0)).containsEntry("inMathSlipping", false);
        assertThat(fake.leads()).hasSize(1);
    }

    @Test
    void staticListMembershipAddsJoinersByUpsertIdsAndRemovesLeaversByLookup() {
        start(c -> c);
        int list = fake.createList("Math slipping");
        MembershipTarget m = new MembershipTarget(MembershipStyle.LIST, Integer.toString(list), null);
        assertThat(push(batch(leads(3), m)).outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.listMembers(list)).hasSize(3);
        assertThat(fake.calls("GET", "/rest/v1/leads.json"))
                .as("ids come from the upsert")
                .isEmpty();
        BatchResult r = push(batch(
                List.of(
                        RecordChange.remove("l-0", "l0@example.test"),
                        RecordChange.remove("l-0", "l0@example.test".toUpperCase()),
                        RecordChange.remove("l-9", "nobody@example.test")),
                m));
        assertThat(r.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.listMembers(list)).hasSize(2);
        FakeCall lookup = fake.calls("POST", "/rest/v1/leads.json").get(1);
        assertThat(lookup.query()).isEqualTo("_method=GET");
        assertThat(fake.calls().stream().map(c -> String.valueOf(c.query())))
                .as("no e-mail address in a URL")
                .noneMatch(q -> q.contains("example.test") || q.contains("%40"));
        // removing again: Marketo's 1015 (not in list) counts as removed
        assertThat(push(batch(List.of(RecordChange.remove("l-1", "l1@example.test")), m))
                        .outcomes())
                .allMatch(RecordOutcome::isConfirmed);
        assertThat(push(batch(List.of(RecordChange.remove("l-1", "l1@example.test")), m))
                        .outcomes())
                .allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.listMembers(list)).hasSize(1);
    }

    @Test
    void aListThatDoesNotExistIsAConfigurationError() {
        start(c -> c);
        MembershipTarget m = new MembershipTarget(MembershipStyle.LIST, "424242", null);
        assertThatThrownBy(() -> push(batch(leads(1), m)))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG))
                .hasMessageContaining("1013");
        MembershipTarget named = new MembershipTarget(MembershipStyle.LIST, "Math slipping", null);
        assertThatThrownBy(() -> push(batch(leads(1), named))).isInstanceOf(PermanentException.class);
    }

    @Test
    void an601Or602RefreshesTheTokenOnceAndSendsAgain() {
        start(c -> c);
        push(batch(leads(1)));
        fake.expireTokens();
        clock.advance(Duration.ofSeconds(1));
        assertThat(push(batch(leads(2))).outcomes()).allMatch(RecordOutcome::isConfirmed);
        fake.revokeTokens();
        assertThat(push(batch(leads(2))).outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(tokenCalls()).hasSize(3);
        List<FakeCall> syncs = fake.calls("POST", "/rest/v1/leads.json");
        assertThat(syncs).hasSize(5);
        assertThat(syncs.stream().map(FakeCall::status)).containsOnly(200);
        assertThat(budget.taken.get())
                .as("a permit per call, the resent ones too")
                .isEqualTo(5);
    }

    @Test
    void credentialsRefusedAfterARefreshAreAnAuthError() {
        start(c -> c);
        push(batch(leads(1)));
        fake.registerClient(CLIENT, "rotated");
        fake.revokeTokens();
        assertThatThrownBy(() -> push(batch(leads(1))))
                .isInstanceOfSatisfying(
                        PermanentException.class, e -> assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH))
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void tokensAreRenewedBeforeTheyExpireSoNoCallGetsA602() {
        start(c -> c);
        push(batch(leads(1)));
        clock.advance(Duration.ofSeconds(3600 - 30));
        push(batch(leads(1)));
        assertThat(fake.calls().stream().filter(c -> c.bodyText().contains("\"602\"")))
                .isEmpty();
        assertThat(tokenCalls()).hasSize(2);
    }

    @Test
    void rateAndConcurrencyThrottlesAreRetryableAndReportedToTheBudget() {
        start(c -> c);
        fake.faults().next(Fault.throttle("606")).next(Fault.throttle("615"));
        assertThatThrownBy(() -> push(batch(leads(1))))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(20)));
        assertThatThrownBy(() -> push(batch(leads(1)))).isInstanceOf(RetryableException.class);
        assertThat(budget.observations).hasSize(2);
        assertThat(budget.observations.get(0).pause()).contains(Duration.ofSeconds(20));
        assertThat(budget.observations).noneMatch(CallBudget.Observation::dailyExhausted);
        assertThat(fake.leads()).isEmpty();
    }

    @Test
    void theDailyQuotaWaitsForMidnightCentralTime() {
        start(c -> c.withLimits(100, 10, 1));
        push(batch(leads(1)));
        assertThatThrownBy(() -> push(batch(leads(1))))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter())
                                .contains(Duration.between(clock.instant(), Instant.parse("2026-03-05T06:00:00Z"))));
        assertThat(budget.observations).singleElement().satisfies(o -> {
            assertThat(o.dailyExhausted()).isTrue();
            assertThat(o.pause()).isPresent();
        });
    }

    @Test
    void aSuccessFalseAnswerIsNeverASuccess() {
        start(c -> c);
        fake.faults().next(Fault.silentNoOp());
        assertThatThrownBy(() -> push(batch(leads(2)))).isInstanceOf(RetryableException.class);
        fake.faults().next(Fault.emptyBody(true));
        assertThatThrownBy(() -> push(batch(leads(2))))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("empty body");
        fake.faults().next(Fault.malformedBody(false));
        assertThatThrownBy(() -> push(batch(leads(2)))).isInstanceOf(RetryableException.class);
        fake.faults().next(Fault.serverError(503));
        assertThatThrownBy(() -> push(batch(leads(2)))).isInstanceOf(RetryableException.class);
        assertThat(push(batch(leads(2))).outcomes()).allMatch(RecordOutcome::isConfirmed);
    }

    @Test
    void requestLevelCodesAreClassified() {
        assertThat(fail("611")).isInstanceOf(RetryableException.class);
        assertThat(fail("604")).isInstanceOf(RetryableException.class);
        assertThat(fail("608")).isInstanceOf(RetryableException.class);
        assertThat(((PermanentException) fail("603")).code()).isEqualTo(PermanentException.Code.PERMISSION);
        assertThat(((PermanentException) fail("610")).code()).isEqualTo(PermanentException.Code.INVALID_CONFIG);
        assertThat(((PermanentException) fail("1003")).code()).isEqualTo(PermanentException.Code.INVALID_CONFIG);
        assertThat(fail("no_code")).isInstanceOf(RetryableException.class);
    }

    private RuntimeException fail(String code) {
        return MarketoSignals.failure(code, "m", "/rest/v1/leads.json", CallBudget.UNLIMITED, clock, false);
    }

    @Test
    void anUnknownLookupFieldIsAConfigurationError() {
        start(c -> c);
        Batch b = new Batch("run-1-1", "math", leads(1)).withRun("planTier", 1);
        assertThatThrownBy(() -> push(b))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG));
    }

    @Test
    void moreThan300LeadsAreSplitIntoCallsOf300WithAPermitEach() {
        start(c -> c);
        int list = fake.createList("big");
        MembershipTarget m = new MembershipTarget(MembershipStyle.LIST, Integer.toString(list), null);
        BatchResult r = push(batch(leads(650), m));
        assertThat(r.outcomes()).hasSize(650).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.calls("POST", "/rest/v1/leads.json")).hasSize(3);
        assertThat(fake.calls("POST", "/rest/v1/lists/")).hasSize(3);
        assertThat(budget.taken.get()).isEqualTo(apiCalls().size()).isEqualTo(6);
        assertThat(budget.maxOpen.get()).isBetween(1, 10);
        assertThat(connector.callsFor(650, Optional.of(m))).isEqualTo(6);
        assertThat(connector.callsFor(650, Optional.empty())).isEqualTo(3);
        assertThat(fake.listMembers(list)).hasSize(650);
    }

    @Test
    void theCallsOfOnePushRunSideBySideUpToMaxConcurrent() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(3);
        start(c -> c.withLatency(Duration.ofMillis(300)), d -> {
            inside.countDown();
            inside.await(5, java.util.concurrent.TimeUnit.SECONDS); // held until three calls are in flight
        });
        assertThat(push(batch(leads(900))).outcomes()).hasSize(900).allMatch(RecordOutcome::isConfirmed);
        assertThat(inside.getCount()).as("three calls were in flight at once").isZero();
        assertThat(budget.maxOpen.get()).isEqualTo(3);
        assertThat(budget.open.get()).isZero();
        assertThat(fake.leads()).hasSize(900);
    }

    @Test
    void maxConcurrentOneSendsOneCallAtATime() {
        List<Duration> waited = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(c -> c.withLatency(Duration.ofMillis(300)), waited::add);
        settings.put("maxConcurrent", "1");
        assertThat(push(batch(leads(900))).outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(budget.maxOpen.get()).isEqualTo(1);
        assertThat(waited).hasSize(3);
    }

    @Test
    void oneFailedCallOfAParallelPushFailsThePushAfterTheOthersEnded() {
        start(c -> c);
        fake.faults().next(Fault.throttle("606"));
        assertThatThrownBy(() -> push(batch(leads(900)))).isInstanceOf(RetryableException.class);
        assertThat(budget.open.get()).isZero();
        assertThat(push(batch(leads(900))).outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.leads()).hasSize(900);
    }

    @Test
    void bigRecordsAreSplitUnderTheOneMegabytePayloadCap() {
        start(c -> c);
        fake.addField(new MarketoFake.Field("notes", "text", 100_000, false, false));
        List<RecordChange> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(RecordChange.upsert("l-" + i, "n" + i + "@example.test", Map.of("notes", "x".repeat(60_000))));
        }
        assertThat(push(batch(records)).outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.calls("POST", "/rest/v1/leads.json"))
                .hasSize(2)
                .allMatch(c -> c.body().length <= 1024 * 1024 && c.status() == 200);
    }

    @Test
    void logsCarryNoTokenSecretOrEmailAddress() {
        start(c -> c);
        int list = fake.createList("l");
        MembershipTarget m = new MembershipTarget(MembershipStyle.LIST, Integer.toString(list), null);
        push(batch(List.of(lead("ada@example.test", "pro")), m));
        push(batch(List.of(RecordChange.remove("l", "ada@example.test")), m));
        String token = fake.calls("POST", "/rest/v1/leads.json")
                .get(0)
                .header("authorization")
                .substring(7);
        assertThat(logged).isNotEmpty();
        assertThat(String.join("\n", logged)).doesNotContain(token, SECRET, "ada@example.test");
    }

    @Test
    void accountLimitsAndSchema() {
        start(c -> c);
        assertThat(connector.account(context())).isEqualTo("marketo:" + fake.url());
        var limits = connector.rateLimits(context());
        assertThat(limits.callsPerWindow()).isEqualTo(100);
        assertThat(limits.window()).isEqualTo(Duration.ofSeconds(20));
        assertThat(limits.maxConcurrent()).isEqualTo(10);
        assertThat(limits.callsPerDay()).hasValue(50_000);
        assertThat(limits.dailyReset()).contains(java.time.ZoneId.of("America/Chicago"));
        settings.put("callsPerDay", "10000");
        settings.put("maxConcurrent", "4");
        assertThat(connector.rateLimits(context()).callsPerDay()).hasValue(10_000);
        assertThat(connector.rateLimits(context()).maxConcurrent()).isEqualTo(4);
        connector.probe(context());
        DestinationSchema schema = connector.schema(context());
        assertThat(schema.field("email").orElseThrow().unique()).isTrue();
        assertThat(schema.field("learnerKey").orElseThrow().unique()).isTrue();
        assertThat(schema.field("planTier").orElseThrow().unique()).isFalse();
        assertThat(schema.field("inMathSlipping").orElseThrow().type()).isEqualTo(DestinationSchema.FieldType.BOOLEAN);
        assertThat(schema.field("id").orElseThrow().writable()).isFalse();
        assertThat(schema.field("updatedAt").orElseThrow().type()).isEqualTo(DestinationSchema.FieldType.DATETIME);
    }

    @Test
    void settingsAreValidatedWithoutCallingMarketo() {
        start(c -> c);
        assertThat(connector.validate(settings)).isEmpty();
        assertThat(connector.validate(Map.of()))
                .extracting(p -> p.setting())
                .contains("baseUrl", "clientId", "clientSecret");
        assertThat(connector.validate(Map.of(
                        "baseUrl", "https://123-abc-456.mktorest.com/rest",
                        "clientId", "env:A",
                        "clientSecret", "plain-secret",
                        "maxConcurrent", "11",
                        "lookupField", "e mail")))
                .extracting(p -> p.setting())
                .containsExactlyInAnyOrder("baseUrl", "clientSecret", "maxConcurrent", "lookupField");
        assertThat(connector.settingNames())
                .containsExactlyInAnyOrder(
                        "baseUrl", "clientId", "clientSecret", "lookupField", "callsPerDay", "maxConcurrent");
        assertThat(connector.secretSettings()).containsExactlyInAnyOrder("clientId", "clientSecret");
        assertThat(new MarketoConnector(
                                SHARED,
                                clock,
                                MarketoConnector.Options.of(AddressPolicy.publicOnly(), Duration.ofSeconds(5), 1024))
                        .validate(settings))
                .extracting(p -> p.setting())
                .containsExactly("baseUrl");
    }
}
