package dev.masync.connector.braze;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.RedactingLogInterceptor;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.MembershipTarget;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RateLimits;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.Secret;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.connector.spi.SettingProblem;
import dev.masync.testing.CountingBudget;
import dev.masync.testing.receiver.ManualClock;
import dev.masync.testing.vendor.BrazeFake;
import dev.masync.testing.vendor.BrazeFakeConfig;
import dev.masync.testing.vendor.FakeCall;
import dev.masync.testing.vendor.Fault;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Braze connector against the stateful Braze fake over real HTTP. */
class BrazeConnectorTest {
    static final OkHttpClient SHARED = new OkHttpClient();
    static final String KEY = "9f3c1a7e-1111-2222-3333-444455556666";
    static final String TRACK = BrazeFake.TRACK;

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00.250Z"));
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> secrets = new HashMap<>(Map.of("BRAZE_KEY", KEY));
    final CountingBudget budget = new CountingBudget();
    BrazeFake fake;
    BrazeConnector connector;

    void start(UnaryOperator<BrazeFakeConfig> config) {
        fake = BrazeFake.start(config.apply(BrazeFakeConfig.defaults()), clock, d -> {});
        fake.addApiKey(KEY);
        connector = new BrazeConnector(
                SHARED,
                clock,
                new BrazeConnector.Options(
                        new AddressPolicy(true, false),
                        Duration.ofSeconds(10),
                        1024 * 1024,
                        new RedactingLogInterceptor(log::add, true)));
    }

    @AfterEach
    void stop() {
        if (fake != null) fake.close();
    }

    Map<String, String> settings(String... extra) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("restEndpoint", fake.url());
        s.put("apiKey", "env:BRAZE_KEY");
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) s.remove(extra[i]);
            else s.put(extra[i], extra[i + 1]);
        }
        return s;
    }

    DestinationContext context(Map<String, String> settings) {
        SecretResolver resolver = ref -> {
            String value = secrets.get(ref.location());
            if (value == null) {
                throw new PermanentException(PermanentException.Code.INVALID_CONFIG, "no secret " + ref);
            }
            return new Secret(value);
        };
        return new DestinationContext("braze", settings, resolver, budget);
    }

    BatchResult push(Batch batch) {
        return connector.push(context(settings()), batch);
    }

    static Batch batch(String id, List<RecordChange> records) {
        return new Batch(id, "sync", records, Optional.empty(), Optional.of("external_id"));
    }

    static Batch batch(String id, String syncKey, MembershipTarget membership, List<RecordChange> records) {
        return new Batch(id, syncKey, records, Optional.of(membership), Optional.of("external_id"));
    }

    static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static RecordChange upsert(String key, Object... kv) {
        return RecordChange.upsert("l-" + key, key, fields(kv));
    }

    @Test
    void upsertSendsOnlyTheGivenAttributesAndAReplayLeavesTheSameState() {
        start(c -> c);
        Batch b = batch(
                "b1",
                List.of(
                        upsert("u-1", "plan_tier", "pro", "ltv", 1250.5, "active", true),
                        upsert("u-2", "plan_tier", "free")));
        BatchResult result = push(b);
        assertThat(result.outcomes()).allMatch(RecordOutcome::isConfirmed).hasSize(2);
        assertThat(result.dataPoints()).as("one per attribute key sent").hasValue(4);
        assertThat(fake.dataPoints()).isEqualTo(4);
        assertThat(fake.user("u-1").attributes())
                .containsEntry("plan_tier", "pro")
                .containsEntry("ltv", new BigDecimal("1250.5"))
                .containsEntry("active", true);
        List<BrazeFake.User> before = fake.users();
        assertThat(push(b).outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.users()).isEqualTo(before);

        push(batch("b2", List.of(RecordChange.upsert("l-u-1", "u-1", fields("plan_tier", null, "streak", 3)))));
        assertThat(fake.user("u-1").attributes())
                .doesNotContainKey("plan_tier")
                .containsEntry("streak", new BigDecimal("3"))
                .containsEntry("active", true);
        String sent = fake.calls("POST", TRACK).get(2).bodyText();
        assertThat(sent).isEqualTo("{\"attributes\":[{\"external_id\":\"u-1\",\"plan_tier\":null,\"streak\":3}]}");
        assertThat(budget.taken.get()).isEqualTo(3).isEqualTo(budget.closed.get());
    }

    @Test
    void usersCanBeIdentifiedByEmail() {
        start(c -> c);
        Batch b = new Batch(
                "b1",
                "sync",
                List.of(upsert("ann@example.com", "plan_tier", "pro")),
                Optional.empty(),
                Optional.of("email"));
        assertThat(push(b).outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.userByEmail("ann@example.com").attribute("plan_tier")).isEqualTo("pro");
        Batch other = new Batch("b2", "sync", List.of(upsert("x", "a", 1)), Optional.empty(), Optional.of("user_id"));
        assertThatThrownBy(() -> push(other))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG))
                .hasMessageContaining("external_id or email");
    }

    @Test
    void updateModeSetsUpdateExistingOnlyAndNeverCreatesAUser() {
        start(c -> c);
        fake.putUser("known", Map.of("plan_tier", "free"));
        BatchResult result = push(batch(
                "b1",
                List.of(
                        RecordChange.update("l1", "known", fields("plan_tier", "pro")),
                        RecordChange.update("l2", "unknown", fields("plan_tier", "pro")))));
        assertThat(result.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.user("known").attribute("plan_tier")).isEqualTo("pro");
        assertThat(fake.user("unknown")).isNull();
        assertThat(fake.calls("POST", TRACK).get(0).bodyText()).contains("\"_update_existing_only\":true");
    }

    @Test
    void mirrorRemovalClearsABooleanOrValueMembershipOfExistingUsersOnly() {
        start(c -> c);
        MembershipTarget flag = new MembershipTarget(MembershipStyle.BOOLEAN, "in_math", null);
        push(batch("b1", "math", flag, List.of(upsert("u-1", "in_math", true))));
        assertThat(fake.user("u-1").attribute("in_math")).isEqualTo(true);
        BatchResult left = push(batch(
                "b2",
                "math",
                flag,
                List.of(RecordChange.remove("l-u-1", "u-1"), RecordChange.remove("l-ghost", "ghost"))));
        assertThat(left.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.user("u-1").attribute("in_math")).isEqualTo(false);
        assertThat(fake.user("ghost"))
                .as("no profile created to take a membership away")
                .isNull();

        MembershipTarget tier = new MembershipTarget(MembershipStyle.VALUE, "cohort", "slipping");
        push(batch("b3", "math", tier, List.of(upsert("u-1", "cohort", "slipping"))));
        push(batch("b4", "math", tier, List.of(RecordChange.remove("l-u-1", "u-1"))));
        assertThat(fake.user("u-1").attributes()).doesNotContainKey("cohort");

        int calls = fake.calls().size();
        BatchResult plain = push(batch("b5", List.of(RecordChange.remove("l-u-1", "u-1"))));
        assertThat(plain.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.calls()).as("a leaver without membership costs no call").hasSize(calls);
    }

    @Test
    void arrayMembershipAddsAndRemovesEachSegmentsKeyOnOneUser() {
        start(c -> c);
        MembershipTarget math = new MembershipTarget(MembershipStyle.LIST, "segments", "math_slipping");
        MembershipTarget noValue = new MembershipTarget(MembershipStyle.LIST, "segments", null);
        push(batch("m1", "math", math, List.of(upsert("u-1", "plan_tier", "pro"), upsert("u-2"))));
        push(batch("r1", "reading-sync", noValue, List.of(upsert("u-1"))));
        assertThat(fake.user("u-1").attribute("segments")).isEqualTo(List.of("math_slipping", "reading-sync"));
        assertThat(fake.dataPoints()).as("plan_tier and three array edits").isEqualTo(4);
        assertThat(fake.user("u-1").attribute("plan_tier")).isEqualTo("pro");

        BatchResult left = push(batch("m2", "math", math, List.of(RecordChange.remove("l-u-1", "u-1"))));
        assertThat(left.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.user("u-1").attribute("segments")).isEqualTo(List.of("reading-sync"));
        assertThat(fake.user("u-2").attribute("segments")).isEqualTo(List.of("math_slipping"));
        assertThat(fake.calls("POST", TRACK).get(2).bodyText())
                .isEqualTo("{\"attributes\":[{\"external_id\":\"u-1\",\"_update_existing_only\":true,"
                        + "\"segments\":{\"remove\":[\"math_slipping\"]}}]}");

        push(batch("m3", "math", math, List.of(RecordChange.remove("l-u-1", "u-1"))));
        assertThat(fake.user("u-1").attribute("segments"))
                .as("a replayed removal changes nothing")
                .isEqualTo(List.of("reading-sync"));
    }

    @Test
    void perItemErrorsBecomeRejectionsByIndexAndTheRestIsConfirmed() {
        start(c -> c);
        BatchResult result = push(batch(
                "b1",
                List.of(
                        upsert("ok-1", "a", "1"),
                        RecordChange.upsert("l2", "  ", fields("a", "1")),
                        upsert("long", "a", "x".repeat(300)),
                        upsert("ok-2", "a", "2"))));
        Map<String, RecordOutcome> byKey = new HashMap<>();
        result.outcomes().forEach(o -> byKey.put(o.destinationKey(), o));
        assertThat(byKey.get("ok-1").isConfirmed()).isTrue();
        assertThat(byKey.get("ok-2").isConfirmed()).isTrue();
        assertThat(byKey.get("  ").code()).isEqualTo("invalid_key");
        assertThat(byKey.get("long").code()).isEqualTo("braze_item_error");
        assertThat(byKey.get("long").message()).contains("longer than 255");
        assertThat(fake.user("long")).isNull();
        assertThat(fake.user("ok-2").attribute("a")).isEqualTo("2");
        assertThat(result.dataPoints())
                .as("refused objects are not billed")
                .hasValue(2)
                .hasValue(fake.dataPoints());
    }

    @Test
    void aRequestWhoseEveryObjectIsRefusedGivesRejectionsWhateverItsStatus() {
        start(c -> c);
        Batch bad = batch("b1", List.of(upsert("a", "x", "y".repeat(300)), upsert("b", "x", "z".repeat(300))));
        assertThat(push(bad).outcomes()).hasSize(2).noneMatch(RecordOutcome::isConfirmed);
        fake.reconfigure(c -> c.withAllInvalidStatus(200));
        assertThat(push(bad).outcomes()).hasSize(2).noneMatch(RecordOutcome::isConfirmed);
    }

    @Test
    void aTwoHundredWithoutSuccessIsNeverConfirmed() {
        start(c -> c);
        Batch b = batch("b1", List.of(upsert("u-1", "a", "1")));
        fake.faults().next(Fault.silentNoOp());
        assertThatThrownBy(() -> push(b)).isInstanceOf(RetryableException.class).hasMessageContaining("queued");
        fake.faults().next(Fault.emptyBody(true));
        assertThatThrownBy(() -> push(b)).isInstanceOf(RetryableException.class).hasMessageContaining("empty body");
        fake.faults().next(Fault.malformedBody(true));
        assertThatThrownBy(() -> push(b)).isInstanceOf(RetryableException.class).hasMessageContaining("not JSON");
        assertThat(push(b).outcomes()).allMatch(RecordOutcome::isConfirmed);
    }

    @Test
    void aThrottleIsRetryableUntilTheResetAndPausesTheBudget() {
        start(c -> c.withRate(1, Duration.ofSeconds(3)));
        Batch b = batch("b1", List.of(upsert("u-1", "a", "1")));
        push(b);
        assertThat(budget.observations)
                .anySatisfy(o -> assertThat(o.windowRemaining()).isEqualTo(OptionalLong.of(0)));
        assertThatThrownBy(() -> push(b))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofMillis(2750)))
                .hasMessageContaining("429");
        assertThat(budget.observations).anySatisfy(o -> assertThat(o.pause()).contains(Duration.ofMillis(2750)));
        assertThat(budget.taken.get()).isEqualTo(2).isEqualTo(budget.closed.get());
        clock.advance(Duration.ofSeconds(3));
        assertThat(push(b).outcomes()).allMatch(RecordOutcome::isConfirmed);
    }

    @Test
    void serverErrorsAndDroppedConnectionsAreRetryable() {
        start(c -> c);
        Batch b = batch("b1", List.of(upsert("u-1", "a", "1")));
        fake.faults().next(Fault.serverError(503)).next(Fault.drop(false));
        assertThatThrownBy(() -> push(b)).isInstanceOf(RetryableException.class).hasMessageContaining("503");
        assertThatThrownBy(() -> push(b)).isInstanceOf(RetryableException.class);
        assertThat(fake.user("u-1")).isNull();
        assertThat(push(b).outcomes()).allMatch(RecordOutcome::isConfirmed);
    }

    @Test
    void aRefusedKeyIsAuthAnInactiveWorkspacePermissionAndNeitherLeaksTheKey() {
        start(c -> c);
        secrets.put("BRAZE_KEY", "wrong-key-abcdef0123456789");
        Batch b = batch("b1", List.of(upsert("ann@example.com", "a", "1")));
        assertThatThrownBy(() -> push(b))
                .isInstanceOfSatisfying(
                        PermanentException.class, e -> assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH))
                .hasMessageNotContaining("wrong-key");
        assertThat(fake.calls("POST", TRACK)).as("a refused key is not retried").hasSize(1);
        secrets.put("BRAZE_KEY", KEY);
        fake.deactivate();
        assertThatThrownBy(() -> push(b))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.PERMISSION));
        String all = String.join("\n", log);
        assertThat(all).isNotEmpty().contains("Authorization: ***");
        assertThat(all).doesNotContain(KEY).doesNotContain("wrong-key").doesNotContain("ann@example.com");
    }

    @Test
    void aPlanCapBelowObjectsPerRequestIsAConfigurationError() {
        start(c -> c.withObjectsPerRequest(50, true));
        Batch b = batch(
                "b1",
                IntStream.range(0, 60).mapToObj(i -> upsert("u" + i, "a", "1")).toList());
        assertThatThrownBy(() -> push(b))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG))
                .hasMessageContaining("objectsPerRequest");
        BatchResult fits = connector.push(context(settings("objectsPerRequest", "50")), b);
        assertThat(fits.outcomes()).hasSize(60).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.calls("POST", TRACK)).hasSize(3);
    }

    @Test
    void moreObjectsThanTheCapGoInSeveralCallsEachUnderItsOwnPermit() {
        start(c -> c);
        List<RecordChange> records =
                IntStream.range(0, 160).mapToObj(i -> upsert("u" + i, "a", i)).toList();
        BatchResult result = push(batch("b1", records));
        assertThat(result.outcomes()).hasSize(160).allMatch(RecordOutcome::isConfirmed);
        List<FakeCall> calls = fake.calls("POST", TRACK);
        assertThat(calls).hasSize(3);
        assertThat(calls).allMatch(c -> c.status() == 201);
        assertThat(budget.taken.get()).isEqualTo(3).isEqualTo(budget.closed.get());
        assertThat(fake.users()).hasSize(160);
        assertThat(connector.callsFor(160, Optional.empty())).isEqualTo(3);
        assertThat(connector.callsFor(75, Optional.of(new MembershipTarget(MembershipStyle.LIST, "s", null))))
                .isEqualTo(1);
        assertThat(connector.callsFor(0, Optional.empty())).isZero();
        // a destination's own cap counts for its projection
        assertThat(connector.callsFor(context(settings("objectsPerRequest", "50")), 160, Optional.empty()))
                .isEqualTo(4);
        assertThat(connector.callsFor(context(settings()), 160, Optional.empty()))
                .isEqualTo(3);
    }

    @Test
    void settingsAreCheckedAndTheAccountNeverHoldsTheKey() {
        start(c -> c);
        assertThat(connector.validate(settings())).isEmpty();
        assertThat(connector.validate(Map.of("apiKey", "plain-key")))
                .extracting(SettingProblem::setting)
                .containsExactlyInAnyOrder("restEndpoint", "apiKey");
        assertThat(connector.validate(settings("objectsPerRequest", "76", "maxConcurrent", "0", "dailyQuota", "x")))
                .extracting(SettingProblem::setting)
                .containsExactlyInAnyOrder("objectsPerRequest", "maxConcurrent", "dailyQuota");
        assertThat(new BrazeConnector(
                                SHARED,
                                clock,
                                new BrazeConnector.Options(
                                        AddressPolicy.publicOnly(),
                                        Duration.ofSeconds(1),
                                        1024,
                                        new RedactingLogInterceptor()))
                        .validate(settings()))
                .extracting(SettingProblem::setting)
                .containsExactly("restEndpoint");
        assertThat(connector.settingNames()).contains("restEndpoint", "apiKey", "objectsPerRequest");
        assertThat(connector.secretSettings()).containsExactly("apiKey");

        String account = connector.account(context(settings()));
        assertThat(account).startsWith("braze:127.0.0.1:").doesNotContain(KEY).matches(".*:key-[0-9a-f]{12}");
        secrets.put("OTHER", KEY);
        assertThat(connector.account(context(settings("apiKey", "env:OTHER"))))
                .as("the same key under another reference shares the budget")
                .isEqualTo(account);
        assertThat(connector.account(context(settings("workspace", "ws-42")))).endsWith(":ws-42");

        RateLimits limits = connector.rateLimits(context(settings()));
        assertThat(limits.callsPerWindow()).isEqualTo(3000);
        assertThat(limits.window()).isEqualTo(Duration.ofSeconds(3));
        assertThat(limits.callsPerDay()).isEmpty();
        assertThat(connector
                        .rateLimits(context(settings("dailyQuota", "100000")))
                        .callsPerDay())
                .isEqualTo(OptionalLong.of(100000));
    }

    @Test
    void theProbeChecksKeyAndEndpointWithAnEmptyTrackThatWritesNothing() {
        start(c -> c);
        connector.probe(context(settings()));
        assertThat(fake.calls("POST", TRACK)).hasSize(1).allMatch(c -> c.status() == 400);
        assertThat(fake.users()).isEmpty();
        assertThat(budget.taken.get()).isEqualTo(1);

        assertThatThrownBy(() -> connector.probe(context(settings("restEndpoint", fake.url("/v9")))))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG))
                .hasMessageContaining("restEndpoint");
        secrets.put("BRAZE_KEY", "revoked-key");
        assertThatThrownBy(() -> connector.probe(context(settings())))
                .isInstanceOfSatisfying(
                        PermanentException.class, e -> assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH));
        secrets.put("BRAZE_KEY", KEY);
        fake.faults().next(Fault.throttle());
        assertThatThrownBy(() -> connector.probe(context(settings()))).isInstanceOf(RetryableException.class);
    }
}
