package dev.masync.connector.hubspot;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.RedactingLogInterceptor;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.DestinationSchema;
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
import dev.masync.testing.vendor.FakeCall;
import dev.masync.testing.vendor.Fault;
import dev.masync.testing.vendor.HubSpotFake;
import dev.masync.testing.vendor.HubSpotFake.Property;
import dev.masync.testing.vendor.HubSpotFakeConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HubSpot connector against the stateful HubSpot fake over real HTTP. */
class HubSpotConnectorTest {
    static final OkHttpClient SHARED = new OkHttpClient();
    static final String TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";
    static final String UPSERT = "/crm/v3/objects/contacts/batch/upsert";
    static final String READ = "/crm/v3/objects/contacts/batch/read";

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> secrets = new HashMap<>(Map.of("HS_TOKEN", TOKEN));
    final CountingBudget budget = new CountingBudget();
    HubSpotFake fake;
    HubSpotConnector connector;

    void start(UnaryOperator<HubSpotFakeConfig> config) {
        fake = HubSpotFake.start(config.apply(HubSpotFakeConfig.defaults()), clock, d -> {});
        fake.defineProperty(Property.string("plan_tier"));
        fake.defineProperty(Property.number("streak"));
        fake.defineProperty(Property.checkbox("is_champion"));
        fake.defineProperty(Property.string("cohort"));
        fake.defineProperty(Property.uniqueString("learner_id"));
        fake.addPrivateAppToken(TOKEN, HubSpotFake.ALL_SCOPES);
        connector = newConnector();
    }

    HubSpotConnector newConnector() {
        return new HubSpotConnector(
                SHARED,
                clock,
                new HubSpotConnector.Options(
                        new AddressPolicy(true, false),
                        Duration.ofSeconds(10),
                        1024 * 1024,
                        10_000,
                        new RedactingLogInterceptor(log::add, true)));
    }

    @AfterEach
    void stop() {
        if (fake != null) fake.close();
    }

    Map<String, String> settings(String... extra) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("portalId", "4711");
        s.put("token", "env:HS_TOKEN");
        s.put("baseUrl", fake.url());
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
        return new DestinationContext("crm", settings, resolver, budget);
    }

    BatchResult push(Batch batch) {
        return connector.push(context(settings()), batch);
    }

    static Batch batch(String id, List<RecordChange> records) {
        return new Batch(id, "sync", records, Optional.empty(), Optional.of("email"));
    }

    static Batch batch(String id, List<RecordChange> records, MembershipTarget membership, String identityField) {
        return new Batch(id, "sync", records, Optional.ofNullable(membership), Optional.of(identityField));
    }

    static RecordChange upsert(String email, Object... fields) {
        return RecordChange.upsert("L-" + email, email, fields(fields));
    }

    static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static Map<String, RecordOutcome> byKey(BatchResult result) {
        Map<String, RecordOutcome> m = new LinkedHashMap<>();
        result.outcomes().forEach(o -> m.put(o.destinationKey(), o));
        return m;
    }

    // ---- upsert ----------------------------------------------------------------------------------------------------

    @Test
    void upsertsOnlyTheChangedPropertiesWithATraceIdPerInputAndAReplayChangesNothing() {
        start(c -> c);
        Batch first = batch(
                "b1",
                List.of(
                        upsert("Ada@Example.com", "plan_tier", "pro", "streak", 12L),
                        upsert("bob@example.com", "plan_tier", "basic", "is_champion", true)));
        BatchResult result = push(first);
        assertThat(result.outcomes()).allMatch(RecordOutcome::isConfirmed).hasSize(2);
        assertThat(fake.contactByEmail("ada@example.com").properties())
                .containsEntry("plan_tier", "pro")
                .containsEntry("streak", "12");
        assertThat(fake.contactByEmail("bob@example.com").properties()).containsEntry("is_champion", "true");
        FakeCall call = fake.calls("POST", UPSERT).get(0);
        assertThat(call.bodyText())
                .contains("\"idProperty\":\"email\"", "\"id\":\"ada@example.com\"", "\"objectWriteTraceId\":\"r0\"")
                .contains("\"objectWriteTraceId\":\"r1\"")
                .doesNotContain("cohort");

        // an incremental change sends only what changed; other properties stay
        push(batch("b2", List.of(upsert("ada@example.com", "streak", 13L))));
        assertThat(fake.calls("POST", UPSERT).get(1).bodyText()).doesNotContain("plan_tier");
        assertThat(fake.contactByEmail("ada@example.com").properties())
                .containsEntry("plan_tier", "pro")
                .containsEntry("streak", "13");

        // replaying a batch (same id, same records) is an upsert again: no second contact
        List<HubSpotFake.Contact> before = fake.contacts();
        assertThat(push(batch("b2", List.of(upsert("ada@example.com", "streak", 13L))))
                        .outcomes())
                .allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.contacts()).hasSize(2);
        assertThat(fake.contactByEmail("ada@example.com").properties())
                .isEqualTo(before.stream()
                        .filter(c -> "ada@example.com".equals(c.property("email")))
                        .findFirst()
                        .orElseThrow()
                        .properties());
    }

    @Test
    void aNullValueClearsThePropertyAndValuesAreSentAsHubSpotStrings() {
        start(c -> c);
        push(batch("b1", List.of(upsert("ada@example.com", "plan_tier", "pro", "streak", 1.50d))));
        assertThat(fake.contactByEmail("ada@example.com").property("streak")).isEqualTo("1.5");
        push(batch("b2", List.of(upsert("ada@example.com", "plan_tier", null))));
        assertThat(fake.contactByEmail("ada@example.com").properties()).doesNotContainKey("plan_tier");
        assertThat(fake.calls("POST", UPSERT).get(1).bodyText()).contains("\"plan_tier\":\"\"");
    }

    @Test
    void upsertsByACustomUniquePropertyNamedByTheSyncsIdentityField() {
        start(c -> c);
        BatchResult r = connector.push(
                context(settings()),
                batch(
                        "b1",
                        List.of(RecordChange.upsert("L1", "L0001", fields("email", "l1@example.com", "cohort", "a"))),
                        null,
                        "learner_id"));
        assertThat(r.outcomes()).allMatch(RecordOutcome::isConfirmed);
        connector.push(
                context(settings()),
                batch("b2", List.of(RecordChange.upsert("L1", "L0001", fields("cohort", "b"))), null, "learner_id"));
        assertThat(fake.contacts()).hasSize(1);
        assertThat(fake.contacts().get(0).properties())
                .containsEntry("learner_id", "L0001")
                .containsEntry("cohort", "b");
        assertThat(fake.calls("POST", UPSERT).get(0).bodyText()).contains("\"idProperty\":\"learner_id\"");
    }

    @Test
    void aNonUniqueIdentityFieldIsAConfigurationErrorNotARecordsFault() {
        start(c -> c);
        assertThatThrownBy(() -> connector.push(
                        context(settings()),
                        batch("b1", List.of(RecordChange.upsert("L1", "Ada", fields())), null, "cohort")))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG);
                    assertThat(e.getMessage()).contains("identity.field", "cohort");
                });
    }

    @Test
    void aKeyNamedTwiceInOneBatchIsSentOnceWithTheChangesMerged() {
        start(c -> c); // the fake's default refuses the whole batch for a repeated key
        BatchResult r = push(batch(
                "b1",
                List.of(
                        upsert("ada@example.com", "plan_tier", "basic"),
                        upsert("ADA@example.com", "plan_tier", "pro", "streak", 3L))));
        assertThat(r.outcomes()).hasSize(2).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.contacts()).hasSize(1);
        assertThat(fake.contactByEmail("ada@example.com").properties())
                .containsEntry("plan_tier", "pro")
                .containsEntry("streak", "3");
    }

    @Test
    void aBatchOfMoreThan100IsSplitIntoCallsOf100WithOnePermitEach() {
        start(c -> c);
        List<RecordChange> records = IntStream.range(0, 250)
                .mapToObj(i -> upsert("u" + i + "@example.com", "streak", (long) i))
                .toList();
        BatchResult r = push(batch("big", records));
        assertThat(r.outcomes()).hasSize(250).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.contacts()).hasSize(250);
        List<FakeCall> calls = fake.calls("POST", UPSERT);
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0).bodyText().split("objectWriteTraceId", -1)).hasSize(101);
        assertThat(calls.get(2).bodyText().split("objectWriteTraceId", -1)).hasSize(51);
        assertThat(budget.taken.get()).isEqualTo(3);
        assertThat(budget.closed.get()).isEqualTo(3);
        assertThat(connector.callsFor(250, Optional.empty())).isEqualTo(3);
        // the rate headers of each answer reached the budget
        assertThat(budget.observations).hasSize(3).allSatisfy(o -> {
            assertThat(o.windowRemaining()).isPresent();
            assertThat(o.dayMax()).hasValue(650_000);
        });
        assertThat(budget.observations.get(2).windowRemaining()).hasValue(187);
    }

    // ---- update, mirror --------------------------------------------------------------------------------------------

    @Test
    void updateModeChangesExistingContactsAndNeverCreatesOne() {
        start(c -> c);
        push(batch("seed", List.of(upsert("ada@example.com", "plan_tier", "basic"))));
        HubSpotConnector cold = newConnector(); // knows no record id: must look them up
        BatchResult r = cold.push(
                context(settings()),
                batch(
                        "u1",
                        List.of(
                                RecordChange.update("L1", "ada@example.com", fields("plan_tier", "pro")),
                                RecordChange.update("L2", "new@example.com", fields("plan_tier", "pro")))));
        Map<String, RecordOutcome> out = byKey(r);
        assertThat(out.get("ada@example.com").isConfirmed()).isTrue();
        assertThat(out.get("new@example.com").code()).isEqualTo("not_found");
        assertThat(out.get("new@example.com").message()).doesNotContain("new@example.com");
        assertThat(fake.contacts()).hasSize(1);
        assertThat(fake.contactByEmail("ada@example.com").property("plan_tier")).isEqualTo("pro");
        assertThat(fake.calls("POST", READ)).hasSize(1);
        // the update names the record id, not the e-mail, so HubSpot cannot create
        assertThat(fake.calls("POST", UPSERT).get(1).bodyText()).doesNotContain("idProperty");
    }

    @Test
    void aRememberedRecordIdHubSpotNoLongerKnowsIsLookedUpAgain() {
        start(c -> c);
        push(batch("seed", List.of(upsert("ada@example.com", "plan_tier", "basic")))); // remembers id 5101
        // the same account now holds Ada under another id (merged): ids are never reused
        HubSpotFakeConfig d = HubSpotFakeConfig.defaults();
        try (HubSpotFake merged = HubSpotFake.start(
                new HubSpotFakeConfig(
                        d.burstMax(),
                        d.burstInterval(),
                        d.dailyMax(),
                        d.accountZone(),
                        d.maxBatchInputs(),
                        d.accessTokenTtl(),
                        d.privateAppTokenTtl(),
                        d.retryAfterSeconds(),
                        d.rateHeaders(),
                        d.dailyHeadersForOAuth(),
                        d.duplicateIds(),
                        d.reverseResults(),
                        d.caseInsensitiveEmails(),
                        d.maxValueChars(),
                        d.maxListIds(),
                        d.authFailureCategory(),
                        d.expiredCategory(),
                        d.codes(),
                        d.pathVersions(),
                        9001),
                clock,
                x -> {})) {
            merged.defineProperty(Property.string("plan_tier"));
            merged.addPrivateAppToken(TOKEN, HubSpotFake.ALL_SCOPES);
            Map<String, String> there = settings("baseUrl", merged.url());
            newConnector().push(context(there), batch("elsewhere", List.of(upsert("ada@example.com"))));
            BatchResult r = connector.push(
                    context(there),
                    batch("u1", List.of(RecordChange.update("L1", "ada@example.com", fields("plan_tier", "pro")))));
            assertThat(r.outcomes()).allMatch(RecordOutcome::isConfirmed);
            assertThat(merged.contactByEmail("ada@example.com").id()).isEqualTo("9001");
            assertThat(merged.contactByEmail("ada@example.com").property("plan_tier"))
                    .isEqualTo("pro");
            assertThat(merged.contacts()).hasSize(1);
            // tried the remembered id, read the key, wrote by the new id
            assertThat(merged.calls().stream().skip(1).map(FakeCall::status)).containsExactly(207, 200, 200);
        }
    }

    @Test
    void aLeaverWithFieldMembershipHasItsFieldClearedAndAnUnknownLeaverCreatesNothing() {
        start(c -> c);
        MembershipTarget champion = new MembershipTarget(MembershipStyle.BOOLEAN, "is_champion", null);
        connector.push(
                context(settings()),
                batch("b1", List.of(upsert("ada@example.com", "is_champion", true)), champion, "email"));
        BatchResult r = connector.push(
                context(settings()),
                batch(
                        "b2",
                        List.of(
                                RecordChange.remove("L1", "ada@example.com"),
                                RecordChange.remove("L9", "ghost@example.com")),
                        champion,
                        "email"));
        assertThat(r.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.contactByEmail("ada@example.com").property("is_champion"))
                .isEqualTo("false");
        assertThat(fake.contacts()).hasSize(1);

        MembershipTarget tier = new MembershipTarget(MembershipStyle.VALUE, "cohort", "gold");
        connector.push(
                context(settings()), batch("b3", List.of(RecordChange.remove("L1", "ada@example.com")), tier, "email"));
        assertThat(fake.contactByEmail("ada@example.com").properties()).doesNotContainKey("cohort");
    }

    @Test
    void aLeaverWithoutMembershipKeepsItsContactAndCostsNoCall() {
        start(c -> c);
        BatchResult r = push(batch("b1", List.of(RecordChange.remove("L1", "ada@example.com"))));
        assertThat(r.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.calls()).isEmpty();
        assertThat(budget.taken.get()).isZero();
    }

    // ---- lists -----------------------------------------------------------------------------------------------------

    @Test
    void listMembershipAddsByTheUpsertsRecordIdsAndRemovesAfterLookingIdsUp() {
        start(c -> c);
        String listId = fake.createList("Champions", "MANUAL", null);
        MembershipTarget list = new MembershipTarget(MembershipStyle.LIST, listId, null);
        BatchResult r = connector.push(
                context(settings()),
                batch(
                        "b1",
                        List.of(
                                upsert("ada@example.com", "plan_tier", "pro"),
                                upsert("bob@example.com", "plan_tier", "pro"),
                                upsert("cy@example.com")),
                        list,
                        "email"));
        assertThat(r.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.listMembers(listId))
                .containsExactlyInAnyOrder(
                        fake.contactByEmail("ada@example.com").id(),
                        fake.contactByEmail("bob@example.com").id(),
                        fake.contactByEmail("cy@example.com").id());
        // ids came from the upsert's results: no read
        assertThat(fake.calls("POST", READ)).isEmpty();
        assertThat(fake.calls("PUT", "/crm/v3/lists/" + listId + "/memberships/add-and-remove"))
                .hasSize(1);

        // a restarted daemon (nothing remembered) removes leavers after one batch read; an unknown leaver is fine
        HubSpotConnector cold = newConnector();
        BatchResult left = cold.push(
                context(settings()),
                batch(
                        "b2",
                        List.of(
                                RecordChange.remove("L-bob", "bob@example.com"),
                                RecordChange.remove("L-zed", "zed@example.com")),
                        list,
                        "email"));
        assertThat(left.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.listMembers(listId))
                .containsExactlyInAnyOrder(
                        fake.contactByEmail("ada@example.com").id(),
                        fake.contactByEmail("cy@example.com").id());
        assertThat(fake.calls("POST", READ)).hasSize(1);
        assertThat(fake.contacts()).hasSize(3);

        // a replay of the removal changes nothing
        cold.push(
                context(settings()),
                batch("b2", List.of(RecordChange.remove("L-bob", "bob@example.com")), list, "email"));
        assertThat(fake.listMembers(listId)).hasSize(2);
    }

    @Test
    void membershipCallsAreCappedAndAListNameIsRefusedAsConfiguration() {
        start(c -> c.withLimits(100, 65_536, 40));
        String listId = fake.createList("Big", "MANUAL", null);
        List<RecordChange> records = IntStream.range(0, 90)
                .mapToObj(i -> upsert("m" + i + "@example.com"))
                .toList();
        BatchResult r = connector.push(
                context(settings("listIdsPerCall", "40")),
                batch("b1", records, new MembershipTarget(MembershipStyle.LIST, listId, null), "email"));
        assertThat(r.outcomes()).allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.listMembers(listId)).hasSize(90);
        assertThat(fake.calls("PUT", "/crm/v3/lists/")).hasSize(3);

        assertThatThrownBy(() -> connector.push(
                        context(settings()),
                        batch(
                                "b2",
                                List.of(upsert("x@example.com")),
                                new MembershipTarget(MembershipStyle.LIST, "Champions", null),
                                "email")))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG));
        String dynamic = fake.createList("Dyn", "DYNAMIC", null);
        assertThatThrownBy(() -> connector.push(
                        context(settings()),
                        batch(
                                "b3",
                                List.of(upsert("x@example.com")),
                                new MembershipTarget(MembershipStyle.LIST, dynamic, null),
                                "email")))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG);
                    assertThat(e.getMessage()).contains("MANUAL");
                });
    }

    // ---- per-record failures -------------------------------------------------------------------------------------

    @Test
    void a207RejectsOnlyTheRecordsAtFaultWithHubSpotsCodes() {
        start(c -> c.withLimits(100, 20, 100_000));
        BatchResult r = push(batch(
                "b1",
                List.of(
                        upsert("ada@example.com", "plan_tier", "pro"),
                        upsert("not-an-email", "plan_tier", "pro"),
                        upsert("bob@example.com", "no_such_property", "x"),
                        upsert("cy@example.com", "plan_tier", "x".repeat(21)),
                        upsert("dee@example.com", "streak", "lots"))));
        Map<String, RecordOutcome> out = byKey(r);
        assertThat(out.get("ada@example.com").isConfirmed()).isTrue();
        assertThat(out.get("not-an-email").code()).isEqualTo("INVALID_EMAIL");
        assertThat(out.get("bob@example.com").code()).isEqualTo("PROPERTY_DOESNT_EXIST");
        assertThat(out.get("bob@example.com").message()).contains("no_such_property");
        assertThat(out.get("cy@example.com").code()).isEqualTo("INVALID_STRING_TOO_LONG");
        assertThat(out.get("dee@example.com").code()).isEqualTo("INVALID_INTEGER");
        assertThat(fake.contacts()).hasSize(1);
        assertThat(r.outcomes()).map(RecordOutcome::message).allSatisfy(m -> {
            if (m != null) assertThat(m).doesNotContain("@example.com");
        });
    }

    @Test
    void aWholeBatchRefusalIsAnInvalidRequestSoTheEngineSplitsIt() {
        start(c -> c.withLimits(50, 65_536, 100_000)); // HubSpot's cap lower than ours
        List<RecordChange> records = IntStream.range(0, 60)
                .mapToObj(i -> upsert("u" + i + "@example.com"))
                .toList();
        assertThatThrownBy(() -> push(batch("b1", records)))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_REQUEST));
        assertThat(push(batch("b1.0", records.subList(0, 30))).outcomes()).allMatch(RecordOutcome::isConfirmed);
    }

    // ---- malformed answers, server errors ----------------------------------------------------------------------

    @Test
    void anEmptyOrSilentOrMalformed2xxIsARetryableMalformedResponseNeverASuccess() {
        start(c -> c);
        for (Fault fault : List.of(Fault.emptyBody(true), Fault.silentNoOp(), Fault.malformedBody(false))) {
            fake.faults().next(fault);
            assertThatThrownBy(() -> push(batch("b", List.of(upsert("ada@example.com", "plan_tier", "pro")))))
                    .as(fault.toString())
                    .isInstanceOf(RetryableException.class)
                    .hasMessageContaining("malformed_response");
        }
        assertThat(budget.taken.get()).isEqualTo(budget.closed.get()).isEqualTo(3);
    }

    @Test
    void serverErrorsAndDroppedConnectionsAreRetryable() {
        start(c -> c);
        fake.faults().next(Fault.serverError(502)).next(Fault.drop(false));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> push(batch("b", List.of(upsert("ada@example.com")))))
                    .isInstanceOf(RetryableException.class);
        }
        assertThat(push(batch("b", List.of(upsert("ada@example.com")))).outcomes())
                .allMatch(RecordOutcome::isConfirmed);
        assertThat(budget.taken.get()).isEqualTo(budget.closed.get()).isEqualTo(3);
    }

    // ---- throttling ------------------------------------------------------------------------------------------------

    @Test
    void aTenSecondlyThrottleIsRetryableAfterTheWindowAndTellsTheBudget() {
        start(c -> c);
        fake.faults().next(Fault.throttle("TEN_SECONDLY_ROLLING"));
        assertThatThrownBy(() -> push(batch("b", List.of(upsert("ada@example.com")))))
                .isInstanceOfSatisfying(RetryableException.class, e -> {
                    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(10));
                    assertThat(e.getMessage()).contains("TEN_SECONDLY_ROLLING");
                });
        assertThat(budget.observations).anySatisfy(o -> {
            assertThat(o.pause()).hasValue(Duration.ofSeconds(10));
            assertThat(o.dailyExhausted()).isFalse();
        });

        fake.reconfigure(c -> c.withRetryAfter(3));
        fake.faults().next(Fault.throttle("TEN_SECONDLY_ROLLING"));
        assertThatThrownBy(() -> push(batch("b", List.of(upsert("ada@example.com")))))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(3)));
    }

    @Test
    void theDailyLimitWaitsForMidnightInTheAccountsTimeZone() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        start(c -> c.withDaily(2, tokyo));
        Map<String, String> s = settings("timeZone", "Asia/Tokyo");
        connector.push(context(s), batch("b1", List.of(upsert("a@example.com"))));
        connector.push(context(s), batch("b2", List.of(upsert("b@example.com"))));
        // 11:00Z is 20:00 in Tokyo: four hours to the reset
        assertThatThrownBy(() -> connector.push(context(s), batch("b3", List.of(upsert("c@example.com")))))
                .isInstanceOfSatisfying(RetryableException.class, e -> {
                    assertThat(e.retryAfter()).hasValue(Duration.ofHours(4));
                    assertThat(e.getMessage()).contains("DAILY", "Asia/Tokyo");
                });
        assertThat(budget.observations).anySatisfy(o -> {
            assertThat(o.dailyExhausted()).isTrue();
            assertThat(o.pause()).hasValue(Duration.ofHours(4));
        });
        assertThat(fake.contacts()).hasSize(2);
    }

    // ---- auth ------------------------------------------------------------------------------------------------------

    @Test
    void anOAuthTokenIsFetchedOnceRefreshedOnceWhenRefusedAndTokenCallsTakeNoPermit() {
        start(c -> c);
        String refresh = fake.registerOAuthApp("app-1", "shh-client-secret", HubSpotFake.ALL_SCOPES);
        secrets.putAll(Map.of("HS_CLIENT", "app-1", "HS_SECRET", "shh-client-secret", "HS_REFRESH", refresh));
        Map<String, String> oauth = settings(
                "token", null,
                "clientId", "env:HS_CLIENT",
                "clientSecret", "env:HS_SECRET",
                "refreshToken", "env:HS_REFRESH");
        connector.push(context(oauth), batch("b1", List.of(upsert("ada@example.com"))));
        connector.push(context(oauth), batch("b2", List.of(upsert("bob@example.com"))));
        assertThat(fake.calls("POST", "/oauth/v1/token")).hasSize(1);

        // HubSpot refuses the token (revoked early): one refresh, the call sent once more, then success
        String access =
                fake.calls("POST", UPSERT).get(1).header("authorization").substring(7);
        fake.revoke(access);
        assertThat(connector
                        .push(context(oauth), batch("b3", List.of(upsert("cy@example.com"))))
                        .outcomes())
                .allMatch(RecordOutcome::isConfirmed);
        assertThat(fake.calls("POST", "/oauth/v1/token")).hasSize(2);
        assertThat(fake.calls("POST", UPSERT)).map(FakeCall::status).containsExactly(200, 200, 401, 200);
        assertThat(budget.taken.get()).isEqualTo(3); // one per push: neither the token calls nor the resend

        // 30 minutes later the cached token is replaced before it expires: no 401
        clock.advance(Duration.ofMinutes(30));
        connector.push(context(oauth), batch("b4", List.of(upsert("dee@example.com"))));
        assertThat(fake.calls("POST", "/oauth/v1/token")).hasSize(3);
        assertThat(fake.calls("POST", UPSERT)).map(FakeCall::status).containsExactly(200, 200, 401, 200, 200);

        // the app is disconnected: the refresh grant is refused, an AUTH failure, not retried
        fake.revoke(refresh);
        fake.revoke(fake.calls("POST", UPSERT).get(4).header("authorization").substring(7));
        assertThatThrownBy(() -> connector.push(context(oauth), batch("b5", List.of(upsert("eve@example.com")))))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH);
                    assertThat(e.getMessage()).contains("refresh").doesNotContain(refresh, "shh-client-secret");
                });
        assertNoSecretsIn(log, refresh, "shh-client-secret");
    }

    @Test
    void aRevokedPrivateAppTokenIsAnAuthFailureAfterOneCall() {
        start(c -> c);
        fake.revoke(TOKEN);
        assertThatThrownBy(() -> push(batch("b", List.of(upsert("ada@example.com")))))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH);
                    assertThat(e.getMessage()).doesNotContain(TOKEN);
                });
        assertThat(fake.calls()).hasSize(1);
    }

    @Test
    void aMissingScopeIsAPermissionFailureNamingTheScope() {
        start(c -> c);
        fake.addPrivateAppToken(
                "pat-no-lists",
                Set.of(
                        HubSpotFake.SCOPE_CONTACTS_READ,
                        HubSpotFake.SCOPE_CONTACTS_WRITE,
                        HubSpotFake.SCOPE_LISTS_READ));
        secrets.put("HS_NO_LISTS", "pat-no-lists");
        String listId = fake.createList("Champions", "MANUAL", null);
        assertThatThrownBy(() -> connector.push(
                        context(settings("token", "env:HS_NO_LISTS")),
                        batch(
                                "b",
                                List.of(upsert("ada@example.com")),
                                new MembershipTarget(MembershipStyle.LIST, listId, null),
                                "email")))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.code()).isEqualTo(PermanentException.Code.PERMISSION);
                    assertThat(e.getMessage()).contains(HubSpotFake.SCOPE_LISTS_WRITE);
                });
    }

    @Test
    void logsHoldNeitherTokensNorEmailAddresses() {
        start(c -> c);
        push(batch("b1", List.of(upsert("ada.lovelace@example.com", "plan_tier", "pro"), upsert("bad-email"))));
        fake.revoke(TOKEN);
        assertThatThrownBy(() -> push(batch("b2", List.of(upsert("ada.lovelace@example.com")))));
        assertThat(log).isNotEmpty().anySatisfy(l -> assertThat(l).contains("Authorization: ***"));
        assertNoSecretsIn(log, TOKEN, "ada.lovelace@example.com", "lovelace");
    }

    static void assertNoSecretsIn(List<String> log, String... secrets) {
        assertThat(String.join("\n", log)).doesNotContain(secrets);
    }

    // ---- probe, schema, settings, budget ---------------------------------------------------------------------------

    @Test
    void theProbeReadsWithoutWritingAndSaysWhatIsWrong() {
        start(c -> c);
        connector.probe(context(settings()));
        assertThat(fake.contacts()).isEmpty();
        assertThat(fake.calls())
                .allSatisfy(c -> assertThat(c.method().equals("GET") || c.path().endsWith("/read"))
                        .isTrue());
        fake.addPrivateAppToken("pat-no-schemas", Set.of(HubSpotFake.SCOPE_CONTACTS_READ));
        secrets.put("HS_NO_SCHEMAS", "pat-no-schemas");
        assertThatThrownBy(() -> connector.probe(context(settings("token", "env:HS_NO_SCHEMAS"))))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.code()).isEqualTo(PermanentException.Code.PERMISSION);
                    assertThat(e.getMessage()).contains(HubSpotFake.SCOPE_SCHEMAS_READ);
                });
        secrets.put("HS_WRONG", "pat-unknown");
        assertThatThrownBy(() -> connector.probe(context(settings("token", "env:HS_WRONG"))))
                .isInstanceOfSatisfying(
                        PermanentException.class, e -> assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH));
    }

    @Test
    void theSchemaMapsContactPropertiesToFieldsWithTypesUniquenessAndOptions() {
        start(c -> c);
        fake.defineProperty(Property.select("stage", "new", "active"));
        fake.defineProperty(Property.date("exam_date"));
        DestinationSchema schema = connector.schema(context(settings()));
        assertThat(schema.field("email").orElseThrow().unique()).isTrue();
        assertThat(schema.field("learner_id").orElseThrow().unique()).isTrue();
        assertThat(schema.field("plan_tier").orElseThrow().unique()).isFalse();
        assertThat(schema.field("streak").orElseThrow().type()).isEqualTo(DestinationSchema.FieldType.NUMBER);
        assertThat(schema.field("is_champion").orElseThrow().type()).isEqualTo(DestinationSchema.FieldType.BOOLEAN);
        assertThat(schema.field("exam_date").orElseThrow().type()).isEqualTo(DestinationSchema.FieldType.DATE);
        assertThat(schema.field("createdate").orElseThrow().type()).isEqualTo(DestinationSchema.FieldType.DATETIME);
        assertThat(schema.field("createdate").orElseThrow().writable()).isFalse();
        assertThat(schema.field("stage").orElseThrow().options()).containsExactly("new", "active");
        assertThat(schema.field("plan_tier").orElseThrow().writable()).isTrue();
    }

    @Test
    void aDateApiVersionIsUsedInEveryPath() {
        start(c -> c);
        String listId = fake.createList("L", "MANUAL", null);
        connector.push(
                context(settings("apiVersion", "2026-03")),
                batch(
                        "b",
                        List.of(upsert("ada@example.com")),
                        new MembershipTarget(MembershipStyle.LIST, listId, null),
                        "email"));
        connector.schema(context(settings("apiVersion", "2026-03")));
        assertThat(fake.calls())
                .map(FakeCall::path)
                .containsExactly(
                        "/crm/objects/2026-03/contacts/batch/upsert",
                        "/crm/lists/2026-03/" + listId + "/memberships/add-and-remove",
                        "/crm/properties/2026-03/contacts");
        assertThat(fake.listMembers(listId)).hasSize(1);
    }

    @Test
    void validateReportsEveryBadSetting() {
        start(c -> c);
        List<SettingProblem> problems = connector.validate(Map.of(
                "portalId", "acme",
                "token", "pat-pasted-inline",
                "baseUrl", "ftp:/nope",
                "apiVersion", "v1",
                "callsPerDay", "0",
                "maxConcurrent", "many",
                "timeZone", "Mars/Olympus",
                "listIdsPerCall", "-1"));
        assertThat(problems)
                .extracting(SettingProblem::setting)
                .containsExactlyInAnyOrder(
                        "portalId",
                        "token",
                        "baseUrl",
                        "apiVersion",
                        "callsPerDay",
                        "maxConcurrent",
                        "timeZone",
                        "listIdsPerCall");
        assertThat(problems).map(SettingProblem::message).noneMatch(m -> m.contains("pat-pasted-inline"));
        assertThat(connector.validate(Map.of("portalId", "1", "token", "env:T", "clientId", "env:C")))
                .extracting(SettingProblem::setting)
                .containsExactly("token");
        assertThat(connector.validate(Map.of("portalId", "1", "clientId", "env:C", "clientSecret", "env:S")))
                .extracting(SettingProblem::setting)
                .containsExactly("refreshToken");
        assertThat(connector.validate(Map.of("portalId", "1", "token", "env:T")))
                .isEmpty();
        assertThat(connector.settingNames())
                .contains(
                        "portalId",
                        "token",
                        "clientId",
                        "clientSecret",
                        "refreshToken",
                        "baseUrl",
                        "tokenUrl",
                        "apiVersion",
                        "callsPerDay",
                        "maxConcurrent",
                        "timeZone");
        assertThat(connector.secretSettings())
                .containsExactlyInAnyOrder("token", "clientId", "clientSecret", "refreshToken");
    }

    @Test
    void theAccountAndItsLimitsComeFromSettingsWithHubSpotsDefaults() {
        start(c -> c);
        DestinationContext plain = context(settings());
        assertThat(connector.account(plain)).isEqualTo("hubspot:portal:4711");
        assertThat(connector.rateLimits(plain))
                .isEqualTo(new RateLimits(
                        190, Duration.ofSeconds(10), 10, OptionalLong.of(650_000), Optional.of(ZoneId.of("Z"))));
        RateLimits custom = connector.rateLimits(
                context(settings("callsPerDay", "250000", "maxConcurrent", "4", "timeZone", "America/New_York")));
        assertThat(custom.callsPerDay()).hasValue(250_000);
        assertThat(custom.maxConcurrent()).isEqualTo(4);
        assertThat(custom.dailyReset()).hasValue(ZoneId.of("America/New_York"));
        MembershipTarget list = new MembershipTarget(MembershipStyle.LIST, "12", null);
        assertThat(connector.callsFor(100, Optional.empty())).isEqualTo(1);
        assertThat(connector.callsFor(101, Optional.empty())).isEqualTo(2);
        assertThat(connector.callsFor(250, Optional.of(list))).isEqualTo(6);
        assertThat(connector.callsFor(0, Optional.of(list))).isZero();
    }

    /** A budget that counts permits and keeps what it was told. */
}
