package dev.masync.connector.salesforce;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.RedactingLogInterceptor;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.DestinationException;
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
import dev.masync.testing.vendor.SalesforceFake;
import dev.masync.testing.vendor.SalesforceFake.Field;
import dev.masync.testing.vendor.SalesforceFakeConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import static org.assertj.core.api.Assertions.tuple;

/** The connector against a real {@link SalesforceFake} over HTTP, on a manual clock (no real waiting). */
class SalesforceConnectorTest {
    static final String CLIENT = "fake-consumer-key";
    static final String SECRET = "fake-consumer-secret-9f8e7d";
    static final String USER = "integration@example.test";
    static final String EXT = "Learner_Id__c";
    static final OkHttpClient SHARED = new OkHttpClient();

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));
    final List<Duration> pauses = new ArrayList<>();
    final CountingBudget budget = new CountingBudget();
    final List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    SalesforceFake fake;
    SalesforceConnector connector;
    Map<String, String> settings;

    void start(UnaryOperator<SalesforceFakeConfig> config) {
        start(config, Duration.ofMinutes(2));
    }

    void start(UnaryOperator<SalesforceFakeConfig> config, Duration bulkMaxWait) {
        fake = SalesforceFake.start(config.apply(SalesforceFakeConfig.defaults()), clock, d -> {});
        fake.addField("Contact", Field.externalId(EXT, 64));
        fake.addField("Contact", Field.checkbox("In_Segment__c"));
        fake.addField("Contact", Field.text("Track__c", 20));
        fake.defineSObject("Campaign", "701");
        fake.registerApp(CLIENT, SECRET, USER, Set.of(USER), null);
        connector = new SalesforceConnector(
                SHARED,
                clock,
                new SalesforceConnector.Options(
                        new AddressPolicy(true, false),
                        Duration.ofSeconds(30),
                        1024 * 1024,
                        64L * 1024 * 1024,
                        new BulkIngest.Options(bulkMaxWait, Duration.ofSeconds(1), Duration.ofSeconds(10)),
                        d -> {
                            pauses.add(d);
                            clock.advance(d);
                        },
                        new RedactingLogInterceptor(logged::add, true)));
        settings = new LinkedHashMap<>(Map.of(
                "instanceUrl",
                fake.url(),
                "loginUrl",
                fake.url(),
                "clientId",
                CLIENT,
                "clientSecret",
                "env:SF_SECRET"));
    }

    @AfterEach
    void close() {
        if (fake != null) fake.close();
    }

    DestinationContext context() {
        return new DestinationContext(
                "sf", settings, SecretResolver.fromEnvironment(Map.of("SF_SECRET", SECRET)), budget);
    }

    static RecordChange contact(String key, String lastName, String email) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("LastName", lastName);
        if (email != null) fields.put("Email", email);
        return RecordChange.upsert("learner-" + key, key, fields);
    }

    static Batch batch(List<RecordChange> records) {
        return new Batch("run-1-1", "math", records).withRun(EXT, records.size());
    }

    static Batch batch(List<RecordChange> records, MembershipTarget membership) {
        return new Batch("run-1-1", "math", records, Optional.of(membership)).withRun(EXT, records.size());
    }

    BatchResult push(Batch batch) {
        return connector.push(context(), batch);
    }

    List<FakeCall> apiCalls() {
        return fake.calls().stream()
                .filter(c -> c.path().startsWith("/services/data/"))
                .toList();
    }

    List<FakeCall> tokenCalls() {
        return fake.calls("POST", "/services/oauth2/token");
    }

    @Test
    void upsertsByExternalIdAndReportsEachRefusedRecordInOrderWithItsSalesforceCode() {
        start(c -> c);
        BatchResult result = push(batch(List.of(
                contact("L-1", "Lovelace", "ada@example.com"),
                contact("L-2", "Byron", "not-an-email"),
                contact("L-3", "x".repeat(81), null),
                contact("L-4", "Babbage", null))));

        assertThat(result.outcomes())
                .extracting(RecordOutcome::destinationKey, RecordOutcome::status, RecordOutcome::code)
                .containsExactly(
                        tuple("L-1", RecordOutcome.Status.CONFIRMED, null),
                        tuple("L-2", RecordOutcome.Status.REJECTED, "INVALID_EMAIL_ADDRESS"),
                        tuple("L-3", RecordOutcome.Status.REJECTED, "STRING_TOO_LONG"),
                        tuple("L-4", RecordOutcome.Status.CONFIRMED, null));
        assertThat(fake.records("Contact")).hasSize(2);
        assertThat(fake.find("Contact", EXT, "L-1")).containsEntry("Email", "ada@example.com");
        FakeCall call = apiCalls().get(0);
        assertThat(call.method()).isEqualTo("PATCH");
        assertThat(call.path()).isEqualTo("/services/data/v62.0/composite/sobjects/Contact/" + EXT);
        assertThat(call.bodyText()).contains("\"allOrNone\":false").contains("\"attributes\":{\"type\":\"Contact\"}");
    }

    @Test
    void replayingABatchChangesNothingTwice() {
        start(c -> c);
        Batch batch = batch(List.of(contact("L-1", "Lovelace", "ada@example.com"), contact("L-2", "Byron", null)));
        push(batch);
        Map<String, Map<String, Object>> first = fake.records("Contact");
        clock.advance(Duration.ofMinutes(1));

        BatchResult again = push(batch);

        assertThat(again.rejected()).isEmpty();
        assertThat(fake.records("Contact").keySet()).isEqualTo(first.keySet());
        assertThat(apiCalls()).hasSize(2); // the answered push is not remembered: the replay is sent again
    }

    @Test
    void splitsMoreThan200RecordsIntoCallsOf200AndTakesOnePermitPerCall() {
        start(c -> c);
        List<RecordChange> records = IntStream.range(0, 450)
                .mapToObj(i -> contact("L-" + i, "Name" + i, null))
                .toList();

        BatchResult result = push(batch(records));

        assertThat(result.confirmed()).hasSize(450);
        assertThat(fake.records("Contact")).hasSize(450);
        assertThat(fake.calls("PATCH", "/services/data/v62.0/composite/sobjects/Contact/"))
                .extracting(c -> c.bodyText().split("\"attributes\"").length - 1)
                .containsExactly(200, 200, 50);
        assertThat(tokenCalls()).hasSize(1);
        assertThat(budget.taken.get()).isEqualTo(3); // API calls only, not the token call
        assertThat(budget.open.get()).isZero();
        assertThat(budget.maxOpen.get()).isEqualTo(1);
    }

    @Test
    void updateModeUpdatesExistingRecordsAndNeverCreates() {
        start(c -> c);
        fake.insert("Contact", Map.of(EXT, "L-1", "LastName", "Lovelace"));
        BatchResult result = push(batch(List.of(
                RecordChange.update("a", "L-1", Map.of("Track__c", "math")),
                RecordChange.update("b", "L-2", Map.of("Track__c", "math")))));

        assertThat(result.outcomes())
                .extracting(RecordOutcome::destinationKey, RecordOutcome::code)
                .containsExactly(tuple("L-1", null), tuple("L-2", "not_found"));
        assertThat(fake.records("Contact")).hasSize(1);
        assertThat(fake.find("Contact", EXT, "L-1")).containsEntry("Track__c", "math");
        assertThat(fake.calls("PATCH", "/services/data/v62.0/composite/sobjects/Contact"))
                .isEmpty();
    }

    @Test
    void mirrorRemovalUnchecksTheCheckboxOrClearsTheValueAndNeverCreates() {
        start(c -> c);
        fake.insert("Contact", Map.of(EXT, "L-1", "LastName", "A", "In_Segment__c", true, "Track__c", "math"));

        push(batch(
                List.of(RecordChange.remove("a", "L-1"), RecordChange.remove("gone", "L-9")),
                new MembershipTarget(MembershipStyle.BOOLEAN, "In_Segment__c", null)));
        assertThat(fake.find("Contact", EXT, "L-1")).containsEntry("In_Segment__c", false);

        BatchResult cleared = push(batch(
                List.of(RecordChange.remove("a", "L-1"), RecordChange.remove("gone", "L-9")),
                new MembershipTarget(MembershipStyle.VALUE, "Track__c", "math")));
        assertThat(fake.find("Contact", EXT, "L-1")).doesNotContainKey("Track__c");
        assertThat(cleared.rejected()).isEmpty(); // a record that is not there is not a member either
        assertThat(fake.records("Contact")).hasSize(1);
    }

    @Test
    void campaignMembershipAddsMembersOnceAndRemovesLeavers() {
        start(c -> c);
        String campaign = fake.insert("Campaign", Map.of("Name", "Math slipping"));
        MembershipTarget list = new MembershipTarget(MembershipStyle.LIST, campaign, null);
        Batch join = batch(List.of(contact("L-1", "A", null), contact("L-2", "B", null)), list);

        assertThat(push(join).rejected()).isEmpty();
        assertThat(push(join).rejected()).isEmpty(); // already members: DUPLICATE_VALUE confirms
        assertThat(fake.records("CampaignMember").values())
                .extracting(r -> r.get("CampaignId"))
                .containsExactly(campaign, campaign);

        BatchResult leave =
                push(batch(List.of(RecordChange.remove("a", "L-1"), RecordChange.remove("x", "L-7")), list));

        assertThat(leave.rejected()).isEmpty();
        String l2 = (String) fake.find("Contact", EXT, "L-2").get("Id");
        assertThat(fake.records("CampaignMember").values())
                .extracting(r -> r.get("ContactId"))
                .containsExactly(l2);
        assertThat(fake.records("Contact")).hasSize(2); // leaving the campaign keeps the contact
    }

    @Test
    void anUnknownCampaignIsAConfigurationError() {
        start(c -> c);
        MembershipTarget list = new MembershipTarget(MembershipStyle.LIST, "701FAKE00000099AAA", null);
        assertThatThrownBy(() -> push(batch(List.of(contact("L-1", "A", null)), list)))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG))
                .hasMessageContaining("membership field");
    }

    @Test
    void aBigRunUpsertsThroughABulkJobAndReadsSuccessfulAndFailedResults() {
        start(c -> c.withReverseBulkResults(true));
        settings.put("bulkThreshold", "300");
        List<RecordChange> records = new ArrayList<>();
        for (int i = 0; i < 400; i++) records.add(contact("L-" + i, "Name" + i, i == 7 ? "bad-email" : null));
        records.set(9, contact("L-9", "y".repeat(90), null));

        BatchResult result = push(new Batch("run-1-1", "math", records).withRun(EXT, 400));

        assertThat(result.confirmed()).hasSize(398);
        assertThat(result.rejected())
                .extracting(RecordOutcome::destinationKey, RecordOutcome::code)
                .containsExactlyInAnyOrder(tuple("L-7", "INVALID_EMAIL_ADDRESS"), tuple("L-9", "STRING_TOO_LONG"));
        assertThat(result.outcomes())
                .extracting(RecordOutcome::destinationKey)
                .containsExactlyElementsOf(
                        records.stream().map(RecordChange::destinationKey).toList());
        assertThat(fake.records("Contact")).hasSize(398);
        assertThat(fake.calls("POST", "/services/data/v62.0/jobs/ingest")).hasSize(1);
        assertThat(fake.calls("PATCH", "/services/data/v62.0/composite/sobjects"))
                .isEmpty();
        assertThat(pauses).isNotEmpty(); // the job took 5 s on the fake's clock: waited through the injected pause
        assertThat(budget.taken.get()).isEqualTo(apiCalls().size());
    }

    @Test
    void aBulkJobStillRunningAtTheBoundFailsRetryablyAndTheRetryResumesIt() {
        start(c -> c.withBulkTiming(Duration.ZERO, Duration.ofMinutes(10)), Duration.ofMinutes(2));
        settings.put("bulkThreshold", "201");
        List<RecordChange> records = IntStream.range(0, 300)
                .mapToObj(i -> contact("L-" + i, "N" + i, null))
                .toList();
        Batch batch = new Batch("run-1-1", "math", records).withRun(EXT, 300);

        assertThatThrownBy(() -> push(batch))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("resumes");
        assertThat(pauses.stream().reduce(Duration.ZERO, Duration::plus)).isEqualTo(Duration.ofMinutes(2));
        clock.advance(Duration.ofMinutes(9));

        BatchResult result = push(batch);

        assertThat(result.confirmed()).hasSize(300);
        assertThat(fake.calls("POST", "/services/data/v62.0/jobs/ingest")).hasSize(1);
        assertThat(fake.calls("PUT", "/services/data/v62.0/jobs/ingest/")).hasSize(1);
    }

    @Test
    void aFailedUploadAbortsItsJobAndTheRetryStartsANewOne() {
        start(c -> c);
        settings.put("bulkThreshold", "201");
        List<RecordChange> records = IntStream.range(0, 250)
                .mapToObj(i -> contact("L-" + i, "N" + i, null))
                .toList();
        Batch batch = new Batch("run-1-1", "math", records).withRun(EXT, 250);
        fake.faults().next(Fault.slow(Duration.ZERO)).next(Fault.serverError(503)); // create passes, upload fails

        assertThatThrownBy(() -> push(batch)).isInstanceOf(RetryableException.class);
        List<FakeCall> jobsCreated = fake.calls("POST", "/services/data/v62.0/jobs/ingest");
        assertThat(jobsCreated).hasSize(1);
        FakeCall abort =
                fake.calls("PATCH", "/services/data/v62.0/jobs/ingest/").get(0);
        assertThat(abort.bodyText()).contains("Aborted");
        String first = abort.path().substring(abort.path().lastIndexOf('/') + 1);

        assertThat(push(batch).confirmed()).hasSize(250);
        assertThat(fake.calls("POST", "/services/data/v62.0/jobs/ingest")).hasSize(2);
        assertThat(fake.jobState(first)).isEqualTo("Aborted");
    }

    @Test
    void belowTheBulkThresholdARunStaysOnCollections() {
        start(c -> c);
        List<RecordChange> records = IntStream.range(0, 300)
                .mapToObj(i -> contact("L-" + i, "N" + i, null))
                .toList();
        push(new Batch("run-1-1", "math", records).withRun(EXT, 9_999));
        assertThat(fake.calls("POST", "/services/data/v62.0/jobs/ingest")).isEmpty();
        assertThat(fake.records("Contact")).hasSize(300);
    }

    @Test
    void anExpiredSessionIsRenewedOnceAndTheCallRepeated() {
        start(c -> c.withSession(Duration.ofMinutes(15), false));
        push(batch(List.of(contact("L-1", "A", null))));
        clock.advance(Duration.ofMinutes(16));

        BatchResult result = push(batch(List.of(contact("L-2", "B", null))));

        assertThat(result.rejected()).isEmpty();
        assertThat(tokenCalls()).hasSize(2);
        assertThat(apiCalls()).extracting(FakeCall::status).containsExactly(200, 401, 200);
        assertThat(budget.taken.get()).isEqualTo(2);
    }

    @Test
    void refusedCredentialsAreAnAuthFailureSayingWhatToFix() {
        start(c -> c);
        settings.put("clientSecret", "env:WRONG");
        DestinationContext wrong =
                new DestinationContext("sf", settings, SecretResolver.fromEnvironment(Map.of("WRONG", "nope")), budget);
        assertThatThrownBy(() -> connector.push(wrong, batch(List.of(contact("L-1", "A", null)))))
                .isInstanceOfSatisfying(
                        PermanentException.class, e -> assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH))
                .hasMessageContaining("invalid_client")
                .hasMessageContaining("check clientId and clientSecret")
                .hasMessageNotContaining("nope");
        assertThat(budget.taken.get()).isEqualTo(1);
        assertThat(budget.open.get()).isZero();
    }

    @Test
    void aBusyTokenEndpointIsRetryable() {
        start(c -> c);
        fake.failNextTokenRequests(1);
        assertThatThrownBy(() -> push(batch(List.of(contact("L-1", "A", null)))))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("already");
        assertThat(push(batch(List.of(contact("L-1", "A", null)))).rejected()).isEmpty();
    }

    @Test
    void requestLimitExceededIsRetryableAndReportedToTheBudget() {
        start(c -> c);
        fake.faults().next(Fault.throttle());

        assertThatThrownBy(() -> push(batch(List.of(contact("L-1", "A", null)))))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter()).contains(SalesforceQuirks.BURST_PAUSE))
                .hasMessageContaining("REQUEST_LIMIT_EXCEEDED");
        assertThat(budget.observations).anySatisfy(o -> {
            assertThat(o.pause()).contains(SalesforceQuirks.BURST_PAUSE);
            assertThat(o.dailyExhausted()).isFalse();
        });
    }

    @Test
    void aSpentDailyAllocationIsReportedAsDailyAndWaitsLonger() {
        start(c -> c.withLimits(2, 25));
        push(batch(List.of(contact("L-1", "A", null))));
        push(batch(List.of(contact("L-2", "B", null))));

        assertThatThrownBy(() -> push(batch(List.of(contact("L-3", "C", null)))))
                .isInstanceOfSatisfying(
                        RetryableException.class,
                        e -> assertThat(e.retryAfter()).contains(SalesforceQuirks.DAILY_PAUSE));
        assertThat(budget.observations)
                .anySatisfy(o -> assertThat(o.dailyExhausted()).isTrue());
    }

    @Test
    void sforceLimitInfoOfEveryAnswerIsObserved() {
        start(c -> c);
        push(batch(List.of(contact("L-1", "A", null))));
        push(batch(List.of(contact("L-2", "B", null))));

        assertThat(budget.observations)
                .filteredOn(o -> o.dayMax().isPresent())
                .extracting(o -> o.dayRemaining().getAsLong(), o -> o.dayMax().getAsLong())
                .containsExactly(tuple(99_999L, 100_000L), tuple(99_998L, 100_000L));
    }

    @Test
    void anEmptyOrSilent2xxIsARetryableMalformedResponse() {
        start(c -> c);
        fake.faults().next(Fault.emptyBody(false)).next(Fault.silentNoOp());
        assertThatThrownBy(() -> push(batch(List.of(contact("L-1", "A", null)))))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("malformed_response");
        assertThatThrownBy(() -> push(batch(List.of(contact("L-1", "A", null)))))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("malformed_response");
    }

    @Test
    void serverErrorsAreRetryableAndTheRetryRepeatsOnlyTheCallThatFailed() {
        start(c -> c);
        Batch batch = batch(IntStream.range(0, 400)
                .mapToObj(i -> contact("L-" + i, "N" + i, null))
                .toList());
        // the first call (records 0-199) passes, the second (200-399) answers 503
        fake.faults().next(Fault.slow(Duration.ZERO)).next(Fault.serverError(503));

        assertThatThrownBy(() -> push(batch))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("503");
        assertThat(fake.records("Contact")).hasSize(200);
        int before = apiCalls().size();

        assertThat(push(batch).confirmed()).hasSize(400);
        assertThat(apiCalls().size() - before).isEqualTo(1); // only the failed call is repeated
        assertThat(fake.records("Contact")).hasSize(400);
    }

    @Test
    void aWholeRequestRefusalIsAnInvalidRequestSoTheEngineSplitsTheBatch() {
        start(c -> c.withMaxCollectionRecords(2));
        assertThatThrownBy(() -> push(batch(
                        List.of(contact("L-1", "A", null), contact("L-2", "B", null), contact("L-3", "C", null)))))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_REQUEST));
    }

    @Test
    void anIdentityFieldThatIsNoExternalIdIsAConfigurationError() {
        start(c -> c);
        Batch byEmail = new Batch("b", "math", List.of(contact("L-1", "A", null))).withRun("Email", 1);
        assertThatThrownBy(() -> push(byEmail))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG))
                .hasMessageContaining("External ID");
    }

    @Test
    void logsMessagesAndRejectionsCarryNoTokenNoSecretAndNoEmailAddress() {
        start(c -> c.withSession(Duration.ofMinutes(15), false));
        BatchResult result = push(batch(List.of(contact("L-1", "A", "ada lovelace@example.com"))));
        String token = fake.calls().stream()
                .map(c -> c.header("authorization"))
                .filter(h -> h != null && h.startsWith("Bearer "))
                .findFirst()
                .orElseThrow()
                .substring(7);
        fake.revokeSession(token);
        fake.faults().next(Fault.serverError(500));
        List<String> messages = new ArrayList<>();
        result.rejected().forEach(o -> messages.add(o.message()));
        try {
            push(batch(List.of(contact("L-2", "B", "grace@example.org"))));
        } catch (DestinationException e) {
            messages.add(e.getMessage());
        }
        assertThat(messages)
                .hasSize(2)
                .allSatisfy(m -> assertThat(m)
                        .doesNotContain(token)
                        .doesNotContain(SECRET)
                        .doesNotContain("lovelace@example.com")
                        .doesNotContain("grace@example.org"));
    }

    @Test
    void jwtBearerSignsWithTheConfiguredKey() throws Exception {
        start(c -> c);
        java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        java.security.KeyPair pair = gen.generateKeyPair();
        fake.reconfigure(c -> c.withJwt(fake.url(), Duration.ofMinutes(3)));
        fake.registerApp("jwt-app", null, null, Set.of(USER), pair.getPublic());
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder()
                        .encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        settings.remove("clientSecret");
        settings.put("clientId", "jwt-app");
        settings.put("username", USER);
        settings.put("privateKey", "env:SF_KEY");
        DestinationContext jwt =
                new DestinationContext("sf", settings, SecretResolver.fromEnvironment(Map.of("SF_KEY", pem)), budget);

        assertThat(connector
                        .push(jwt, batch(List.of(contact("L-1", "A", null))))
                        .rejected())
                .isEmpty();

        settings.put("username", "someone-else@example.test");
        DestinationContext unapproved =
                new DestinationContext("sf", settings, SecretResolver.fromEnvironment(Map.of("SF_KEY", pem)), budget);
        assertThatThrownBy(() -> connector.push(unapproved, batch(List.of(contact("L-1", "A", null)))))
                .isInstanceOfSatisfying(
                        PermanentException.class, e -> assertThat(e.code()).isEqualTo(PermanentException.Code.AUTH))
                .hasMessageContaining("invalid_grant")
                .hasMessageContaining("pre-authorised");
    }

    @Test
    void schemaComesFromTheDescribeAndTheProbeReadsIt() {
        start(c -> c);
        var schema = connector.schema(context());
        assertThat(schema.field(EXT)).hasValueSatisfying(f -> {
            assertThat(f.unique()).isTrue();
            assertThat(f.writable()).isTrue();
            assertThat(f.maxLength()).hasValue(64);
        });
        assertThat(schema.field("Email"))
                .hasValueSatisfying(f -> assertThat(f.unique()).isFalse());
        assertThat(schema.field("In_Segment__c"))
                .hasValueSatisfying(f ->
                        assertThat(f.type()).isEqualTo(dev.masync.connector.spi.DestinationSchema.FieldType.BOOLEAN));
        assertThat(schema.field("Id"))
                .hasValueSatisfying(f -> assertThat(f.writable()).isFalse());
        connector.probe(context());
        assertThat(fake.calls("GET", "/services/data/v62.0/sobjects/Contact/describe"))
                .hasSize(2);

        settings.put("object", "Lead");
        assertThat(connector.schema(context()).field("Company")).isPresent();
    }

    @Test
    void validateReportsEveryBadSetting() {
        start(c -> c);
        Map<String, String> bad = new HashMap<>();
        bad.put("loginUrl", "https://login.salesforce.com/services/oauth2");
        bad.put("clientSecret", "plain-secret");
        bad.put("username", "u");
        bad.put("object", "Account");
        bad.put("apiVersion", "45.0");
        bad.put("bulkThreshold", "0");
        bad.put("callsPerDay", "many");
        bad.put("maxConcurrent", "-1");

        assertThat(connector.validate(bad))
                .extracting(p -> p.setting())
                .containsExactlyInAnyOrder(
                        "instanceUrl",
                        "loginUrl",
                        "clientId",
                        "clientSecret",
                        "clientSecret",
                        "object",
                        "apiVersion",
                        "bulkThreshold",
                        "callsPerDay",
                        "maxConcurrent");
        assertThat(connector.validate(settings)).isEmpty();
        assertThat(new SalesforceConnector(
                                SHARED,
                                clock,
                                SalesforceConnector.Options.of(
                                        AddressPolicy.publicOnly(), Duration.ofSeconds(30), 1024))
                        .validate(settings))
                .extracting(p -> p.setting())
                .containsExactlyInAnyOrder("instanceUrl", "loginUrl");
    }

    @Test
    void theAccountIsTheNormalisedInstanceUrlAndLimitsFollowTheDocsOrTheSettings() {
        start(c -> c);
        settings.put("instanceUrl", "https://ACME.my.salesforce.com/");
        assertThat(connector.account(context())).isEqualTo("salesforce:https://acme.my.salesforce.com");
        var limits = connector.rateLimits(context());
        assertThat(limits.callsPerDay()).isEqualTo(OptionalLong.of(100_000));
        assertThat(limits.maxConcurrent()).isEqualTo(25);
        assertThat(limits.window()).isEqualTo(Duration.ofHours(1));
        assertThat(limits.callsPerWindow()).isEqualTo(16_667);
        assertThat(limits.dailyReset()).isEmpty();
        settings.put("callsPerDay", "15000");
        settings.put("maxConcurrent", "5");
        assertThat(connector.rateLimits(context()).callsPerDay()).isEqualTo(OptionalLong.of(15_000));
        assertThat(connector.rateLimits(context()).maxConcurrent()).isEqualTo(5);

        assertThat(connector.callsFor(450, Optional.empty())).isEqualTo(3);
        assertThat(connector.callsFor(450, Optional.of(new MembershipTarget(MembershipStyle.LIST, "701x", null))))
                .isEqualTo(6);
        assertThat(connector.callsFor(25_000, Optional.empty())).isEqualTo(3 * SalesforceConnector.CALLS_PER_BULK_JOB);
        // a destination's own bulkThreshold counts: at the default, Bulk jobs; above 25,000, sObject Collections
        assertThat(connector.callsFor(context(), 25_000, Optional.empty()))
                .isEqualTo(3 * SalesforceConnector.CALLS_PER_BULK_JOB);
        settings.put("bulkThreshold", "100000");
        assertThat(connector.callsFor(context(), 25_000, Optional.empty())).isEqualTo(125);
    }
}
