package dev.masync.sync.run;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.connector.spi.SettingProblem;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.sync.SyncDefinition;
import dev.masync.sync.state.ChangeRow;
import dev.masync.sync.state.DiffCounts;
import dev.masync.sync.state.DuckDbStateStore;
import dev.masync.sync.state.PeopleWarehouse;
import dev.masync.sync.state.StateStore;
import dev.masync.sync.state.SyncPlan;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The run engine end to end on real DuckDB state with an in-memory destination that scripts failures. */
class RunEngineTest {
    static final Instant AS_OF = Instant.parse("2026-11-02T00:00:00Z");

    @TempDir
    Path dir;

    PeopleWarehouse people;
    DuckDbWarehouse warehouse;
    SegmentCompiler compiler;
    Rule rule;
    final Receiver receiver = new Receiver();
    long runId;

    /** Holds records like a destination: fields merged per key; counts requests. */
    static final class Receiver implements Destination {
        final Map<String, Map<String, Object>> records = new ConcurrentHashMap<>();
        final List<Integer> requestSizes = new ArrayList<>();
        /** The identity fields batches named (a CRM upserts by it). */
        final Set<String> identityFields = ConcurrentHashMap.newKeySet();

        Predicate<String> rejects = k -> false;
        /** Refuses a batch holding any rejected record as a whole (HTTP 422), applying nothing. */
        boolean rejectWhole;

        int failNext;
        /** Applies this many more batches, then fails them as a timeout would (the caller cannot tell). */
        int applyThenFail;
        /** Runs before each push (another replica taking the sync over, say). */
        Runnable beforePush = () -> {};
        /** Thrown by the next push before anything else (a connector that finds its configuration unusable). */
        RuntimeException refuseNext;
        /** Applies this many more batches normally, then applies the next one and the process "dies". */
        int dieAfter = -1;
        /** Answers each confirmed record with an id of its own ({@code id-} and the key), as CRMs do. */
        boolean withIds;

        @Override
        public String type() {
            return "memory";
        }

        @Override
        public List<SettingProblem> validate(Map<String, String> settings) {
            return List.of();
        }

        @Override
        public BatchResult push(DestinationContext context, Batch batch) {
            if (refuseNext != null) {
                RuntimeException e = refuseNext;
                refuseNext = null;
                throw e;
            }
            requestSizes.add(batch.records().size());
            identityFields.add(batch.identityField().orElse("<none>"));
            beforePush.run();
            if (failNext > 0) {
                failNext--;
                throw new RetryableException("503 from the fake", Duration.ofSeconds(1), null);
            }
            if (rejectWhole && batch.records().stream().anyMatch(c -> rejects.test(c.destinationKey()))) {
                throw new dev.masync.connector.spi.PermanentException(
                        dev.masync.connector.spi.PermanentException.Code.INVALID_REQUEST, "HTTP 422: invalid e-mail");
            }
            List<RecordOutcome> out = new ArrayList<>();
            boolean die = dieAfter == 0;
            dieAfter--;
            for (RecordChange c : batch.records()) {
                if (rejects.test(c.destinationKey())) {
                    out.add(RecordOutcome.rejected(c.destinationKey(), "invalid_email", "bad address"));
                    continue;
                }
                Map<String, Object> r = records.computeIfAbsent(c.destinationKey(), k -> new HashMap<>());
                r.putAll(c.fields());
                out.add(
                        withIds
                                ? RecordOutcome.confirmed(c.destinationKey(), "id-" + c.destinationKey())
                                : RecordOutcome.confirmed(c.destinationKey()));
            }
            if (die) {
                throw new ProcessDied();
            }
            if (applyThenFail > 0) {
                applyThenFail--;
                throw new RetryableException(
                        "timeout after the destination applied the batch", Duration.ofSeconds(1), null);
            }
            return new BatchResult(out);
        }

        @Override
        public BatchLimits limits() {
            return new BatchLimits(1000, 1 << 20);
        }
    }

    /** The process died (SIGKILL): nothing after this point runs, not even {@code finally} blocks' state writes. */
    static final class ProcessDied extends Error {}

    /** The state store of a process that dies: once {@link ProcessDied} is thrown, nothing more is written. */
    static final class DyingStore implements StateStore {
        final StateStore delegate;

        DyingStore(StateStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public void recover(SyncPlan plan, long run) {
            delegate.recover(plan, run);
        }

        @Override
        public DiffCounts diff(
                SyncPlan plan,
                long run,
                SegmentCompiler compiler,
                Rule rule,
                Instant asOf,
                boolean full,
                dev.masync.sync.state.LearnerScope scope) {
            return delegate.diff(plan, run, compiler, rule, asOf, full, scope);
        }

        @Override
        public java.util.Map<String, java.util.Set<String>> learnersOf(
                SyncPlan plan, SegmentCompiler compiler, java.util.Collection<String> destinationKeys) {
            return delegate.learnersOf(plan, compiler, destinationKeys);
        }

        @Override
        public void forget(SyncPlan plan, long run, java.util.Collection<String> learnerKeys) {
            delegate.forget(plan, run, learnerKeys);
        }

        @Override
        public void load(SyncPlan plan, long run) {
            delegate.load(plan, run);
        }

        @Override
        public long stream(SyncPlan plan, Predicate<ChangeRow> consumer) {
            return delegate.stream(plan, consumer);
        }

        @Override
        public void sending(SyncPlan plan, long run, long fromSeq, long toSeq, Collection<String> notSent) {
            delegate.sending(plan, run, fromSeq, toSeq, notSent);
        }

        @Override
        public void confirm(SyncPlan plan, long run, long fromSeq, long toSeq, Collection<String> notConfirmed) {
            delegate.confirm(plan, run, fromSeq, toSeq, notConfirmed);
        }

        @Override
        public void uncertain(SyncPlan plan, long run, long fromSeq, long toSeq, Collection<String> notSent) {
            delegate.uncertain(plan, run, fromSeq, toSeq, notSent);
        }

        @Override
        public void finish(SyncPlan plan, long run) {
            // the engine's finally block: a dead process never gets here
        }

        @Override
        public void discard(SyncPlan plan, long run) {
            delegate.discard(plan, run);
        }

        @Override
        public void drop(String syncKey) {
            delegate.drop(syncKey);
        }
    }

    /** Retries retryable failures a few times, without waiting. */
    static final PushPolicy RETRY_3 = (batch, attempt) -> {
        for (int i = 0; ; i++) {
            try {
                return attempt.call(batch);
            } catch (RetryableException e) {
                if (i == 3) {
                    throw e;
                }
            }
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        people = PeopleWarehouse.create(dir, 1000, "DATE '2026-12-01'");
        warehouse = people.warehouse();
        compiler = people.compiler();
        rule = people.rule();
    }

    @AfterEach
    void close() {
        warehouse.close();
    }

    SyncDefinition sync(SyncDefinition.Mode mode, SyncDefinition.Guard guard) {
        return new SyncDefinition(
                "s1",
                "s1",
                "seg",
                "dest",
                new SyncDefinition.Identity("mail", "email"),
                List.of(
                        new SyncDefinition.FieldMapping("minutes", "mins", SyncDefinition.Format.AUTO),
                        new SyncDefinition.FieldMapping("exam", "exam_ms", SyncDefinition.Format.EPOCH_MILLIS)),
                Optional.of(new SyncDefinition.Membership(SyncDefinition.Membership.Style.BOOLEAN, "in_seg", null)),
                mode,
                Optional.empty(),
                false,
                guard,
                Optional.empty(),
                java.util.OptionalLong.empty());
    }

    final List<RunMonitor.Rejection> rejections = new ArrayList<>();

    java.util.function.BooleanSupplier stop = () -> false;

    /** What the ledger would answer for records quarantined by the run. */
    long quarantinedByLedger;

    SyncDefinition keyedOn(String attribute, SyncDefinition base) {
        return new SyncDefinition(
                base.key(),
                base.name(),
                base.segment(),
                base.destination(),
                new SyncDefinition.Identity(attribute, "id"),
                base.mapping(),
                base.membership(),
                base.mode(),
                base.schedule(),
                false,
                base.guard(),
                base.freshness(),
                base.maxBytesBilled());
    }

    List<String> codes() {
        return rejections.stream().map(x -> x.learnerKey() + ":" + x.code()).toList();
    }

    @Test
    void membersWithAnEmptyOrSharedStringIdentityAreReportedNotSentAndTheOthersGoThrough() throws Exception {
        update("UPDATE people SET mail = NULL WHERE pid IN (5, 15, 25)");
        update("UPDATE people SET mail = 'pair@x.test' WHERE pid IN (6, 16)");
        update("UPDATE people SET mail = 'many@x.test' WHERE pid < 100 AND pid % 10 = 7");
        SyncDefinition mirror = sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT);
        RunEngine.Report r = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(r.status()).isEqualTo(RunStatus.PARTIALLY_FAILED);
        assertThat(r.counts().identityNull()).isEqualTo(3);
        assertThat(r.counts().identityDuplicate()).isEqualTo(12);
        assertThat(r.counts().evaluated()).isEqualTo(500);
        assertThat(r.counts().entered()).isEqualTo(485);
        assertThat(r.counts().confirmed()).isEqualTo(485);
        assertThat(receiver.identityFields).containsExactly("email"); // the sync's identity.field
        assertThat(r.counts().sent()).isEqualTo(485);
        assertThat(r.counts().rejected()).isZero();
        assertThat(r.reason())
                .contains("15 members not sent", "identity_null", "identity_duplicate", "'mail'")
                .doesNotContain("rejected by the destination");
        assertThat(receiver.records).hasSize(485).doesNotContainKeys("pair@x.test", "many@x.test");
        assertThat(codes())
                .hasSize(15)
                .contains("5:identity_null", "25:identity_null", "6:identity_duplicate", "97:identity_duplicate");
        assertThat(rejections)
                .filteredOn(x -> x.learnerKey().equals("16"))
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.destinationKey()).isEqualTo("pair@x.test");
                    assertThat(x.message()).contains("mail", "pair@x.test");
                });

        // every run reports them again and sends nothing else
        rejections.clear();
        RunEngine.Report again = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(again.status()).isEqualTo(RunStatus.PARTIALLY_FAILED);
        assertThat(again.counts().sent()).isZero();
        assertThat(codes()).hasSize(15);
        assertThat(receiver.requestSizes).hasSize(5);

        // a held member whose identity becomes another held member's: neither is updated nor removed
        update("UPDATE people SET mail = 'p9@x.test', minutes = 8 WHERE pid = 8");
        rejections.clear();
        RunEngine.Report shared = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(shared.counts().identityDuplicate()).isEqualTo(14);
        assertThat(shared.counts().left()).isZero();
        assertThat(shared.counts().sent()).isZero();
        assertThat(codes()).contains("8:identity_duplicate", "9:identity_duplicate");
        assertThat(receiver.records.get("p8@x.test"))
                .containsEntry("in_seg", true)
                .containsEntry("mins", 8L);
        assertThat(receiver.records.get("p9@x.test")).containsEntry("in_seg", true);

        // fixed: the new values go out, the learners fixed enter, the rest stays reported
        update("UPDATE people SET mail = 'p8@x.test' WHERE pid = 8");
        update("UPDATE people SET mail = 'p' || pid || '@x.test' WHERE pid IN (5, 15, 25, 6, 16)");
        rejections.clear();
        RunEngine.Report fixed = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(fixed.counts().entered()).isEqualTo(5);
        assertThat(fixed.counts().changed()).isZero(); // pid 8's minutes were 8 already
        assertThat(fixed.counts().identityDuplicate()).isEqualTo(10);
        assertThat(receiver.records).containsKeys("p5@x.test", "p16@x.test");
    }

    @Test
    void membersSharingAnIntegerIdentityAreReportedAndAnAllSharedSegmentSendsNothing() throws Exception {
        SyncDefinition byMinutes = keyedOn("minutes", sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT));
        // minutes = pid % 10: every member shares its value with 99 others
        RunEngine.Report all = run(byMinutes, RunEngine.Options.NORMAL, 100);
        assertThat(all.status()).isEqualTo(RunStatus.FAILED);
        assertThat(all.counts().identityDuplicate()).isEqualTo(500);
        assertThat(all.counts().sent()).isZero();
        assertThat(all.reason()).contains("500 members not sent", "'minutes'", "unique attribute");
        assertThat(receiver.requestSizes).isEmpty();
        assertThat(run(byMinutes, RunEngine.Options.NORMAL, 100).counts().identityDuplicate())
                .as("nothing was remembered as held")
                .isEqualTo(500);

        // members 500.. get a value of their own, the others keep sharing
        update("UPDATE people SET minutes = 1000 + pid WHERE pid >= 500 AND minutes >= 5");
        rejections.clear();
        RunEngine.Report mixed = run(byMinutes, RunEngine.Options.NORMAL, 100);
        assertThat(mixed.status()).isEqualTo(RunStatus.PARTIALLY_FAILED);
        assertThat(mixed.counts().confirmed()).isEqualTo(250);
        assertThat(mixed.counts().identityDuplicate()).isEqualTo(250);
        assertThat(receiver.records).hasSize(250).containsKey("1505").doesNotContainKey("5");
        assertThat(codes()).hasSize(250).allSatisfy(c -> assertThat(c).endsWith(":identity_duplicate"));
    }

    @Test
    void aDefinitionWithNothingToWriteStillSendsEveryMemberKeyOnly() {
        SyncDefinition base = sync(SyncDefinition.Mode.UPSERT, SyncDefinition.Guard.DEFAULT);
        for (Optional<SyncDefinition.Membership> membership : List.of(
                Optional.<SyncDefinition.Membership>empty(),
                Optional.of(new SyncDefinition.Membership(SyncDefinition.Membership.Style.LIST, "l", null)))) {
            receiver.records.clear();
            SyncDefinition bare = new SyncDefinition(
                    "bare" + receiver.requestSizes.size(),
                    "bare",
                    "seg",
                    "dest",
                    base.identity(),
                    List.of(),
                    membership,
                    base.mode(),
                    Optional.empty(),
                    false,
                    base.guard(),
                    Optional.empty(),
                    java.util.OptionalLong.empty());
            RunEngine.Report r = run(bare, RunEngine.Options.NORMAL, 100);
            assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(r.counts().confirmed()).isEqualTo(500);
            assertThat(receiver.records)
                    .hasSize(500)
                    .allSatisfy((k, f) -> assertThat(f).isEmpty());
        }
    }

    @Test
    void rejectedRecordsAreToldApartFromQuarantinedOnes() {
        receiver.rejects = k -> true;
        SyncDefinition upsert = sync(SyncDefinition.Mode.UPSERT, SyncDefinition.Guard.DEFAULT);
        RunEngine.Report first = run(upsert, RunEngine.Options.NORMAL, 100);
        assertThat(first.status()).isEqualTo(RunStatus.FAILED);
        assertThat(first.counts().rejected()).isEqualTo(500);
        assertThat(first.reason())
                .contains("500 of 500 records sent were rejected", "are sent again by the next run")
                .doesNotContain("quarantined");

        quarantinedByLedger = 500;
        RunEngine.Report quarantined = run(upsert, RunEngine.Options.NORMAL, 100);
        assertThat(quarantined.counts().quarantined()).isEqualTo(500);
        assertThat(quarantined.reason())
                .contains("500 are quarantined", "record-errors")
                .doesNotContain("sent again by the next run");

        quarantinedByLedger = 200;
        RunEngine.Report some = run(upsert, RunEngine.Options.NORMAL, 100);
        assertThat(some.reason()).contains("300 are sent again by the next run", "200 are quarantined");
    }

    @Test
    void aConnectorThatFindsItsConfigurationUnusableSentNothingAndSaysSo() {
        receiver.refuseNext = new dev.masync.connector.spi.PermanentException(
                dev.masync.connector.spi.PermanentException.Code.INVALID_CONFIG, "secret env:GONE is not set");
        RunEngine.Report r =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.counts().sent()).isZero();
        assertThat(r.counts().requests()).isZero();
        assertThat(r.counts().confirmed()).isZero();
        assertThat(r.reason()).startsWith("nothing was sent").contains("env:GONE");
        // nothing was remembered: the next run sends everyone
        assertThat(run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100)
                        .counts()
                        .confirmed())
                .isEqualTo(500);
    }

    RunEngine.Report run(SyncDefinition sync, RunEngine.Options options, int batchSize) {
        return run(sync, options, batchSize, new DuckDbStateStore(warehouse));
    }

    RunEngine.Report run(SyncDefinition sync, RunEngine.Options options, int batchSize, StateStore store) {
        RunEngine engine = new RunEngine(store, Clock.systemUTC());
        RunEngine.Job job = new RunEngine.Job(
                ++runId,
                sync,
                SyncPlan.of(sync, "pid"),
                compiler,
                rule,
                AS_OF,
                options,
                receiver,
                new DestinationContext("mem", Map.of(), SecretResolver.standard()),
                batchSize,
                1 << 20,
                RETRY_3,
                Map.of(),
                ZoneId.of("UTC"),
                stop);
        return engine.run(job, new RunMonitor() {
            @Override
            public void batchDone(List<Rejection> r, Collection<String> ok, RunCounts counts, Progress p) {
                rejections.addAll(r);
            }

            @Override
            public long quarantined() {
                return quarantinedByLedger;
            }

            @Override
            public void recordIds(List<RecordIds.Entry> entries) {
                idBatches.add(List.copyOf(entries));
            }
        });
    }

    /** The record ids the engine handed over, one list per batch. */
    final List<List<RecordIds.Entry>> idBatches = new ArrayList<>();

    @Test
    void theIdsOfConfirmedRecordsAreHandedOverOncePerBatchAndNotThoseOfRejectedOrUndeliveredOnes() {
        SyncDefinition mirror = sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT);
        receiver.withIds = true;
        receiver.rejects = k -> k.equals("p7@x.test");
        receiver.failNext = 4; // the first batch fails after all retries: nothing confirmed, no ids
        RunEngine.Report r = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(r.counts().failed()).isEqualTo(100);
        assertThat(r.counts().confirmed()).isGreaterThanOrEqualTo(399);
        assertThat(idBatches)
                .as("one call per confirmed batch")
                .hasSize(4)
                .allSatisfy(b -> assertThat(b).isNotEmpty());
        List<RecordIds.Entry> all = idBatches.stream().flatMap(List::stream).toList();
        assertThat(all).hasSize((int) r.counts().confirmed());
        assertThat(all).allSatisfy(e -> assertThat(e.recordId()).isEqualTo("id-" + e.destinationKey()));
        assertThat(all).extracting(RecordIds.Entry::destinationKey).doesNotContain("p7@x.test");
        assertThat(all).extracting(RecordIds.Entry::learnerKey).doesNotHaveDuplicates();
        // exactly the records the destination applied and confirmed (the failed batch was never applied)
        assertThat(all)
                .extracting(RecordIds.Entry::destinationKey)
                .containsExactlyInAnyOrderElementsOf(receiver.records.keySet());

        // a destination whose answers carry no ids: nothing handed over at all
        idBatches.clear();
        receiver.withIds = false;
        receiver.rejects = k -> false;
        assertThat(run(mirror, RunEngine.Options.NORMAL, 100).counts().confirmed())
                .isPositive();
        assertThat(idBatches).isEmpty();
    }

    void update(String sql) throws Exception {
        people.update(sql);
    }

    @Test
    void firstRunSendsEveryMemberInFullBatchesAndARerunSendsNothing() {
        RunEngine.Report first =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(first.counts().entered()).isEqualTo(500);
        assertThat(receiver.requestSizes).hasSize(5).containsOnly(100);
        assertThat(receiver.records.get("p7@x.test"))
                .containsEntry("in_seg", true)
                .containsEntry("mins", 7L)
                .containsEntry("exam_ms", 1_796_083_200_000L);

        RunEngine.Report second =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(second.counts().planned()).isZero();
        assertThat(receiver.requestSizes).hasSize(5);
    }

    @Test
    void onlyChangedFieldsAreSentAndLeaversUnsetMembershipInMirrorMode() throws Exception {
        SyncDefinition mirror = sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT);
        run(mirror, RunEngine.Options.NORMAL, 100);
        receiver.records.clear();
        update("UPDATE people SET minutes = 9 WHERE pid = 5");
        update("UPDATE people SET minutes = 0 WHERE pid = 6");
        RunEngine.Report r = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(r.counts().changed()).isEqualTo(1);
        assertThat(r.counts().left()).isEqualTo(1);
        assertThat(receiver.records).containsOnlyKeys("p5@x.test", "p6@x.test");
        assertThat(receiver.records.get("p5@x.test")).containsExactlyEntriesOf(Map.of("mins", 9L));
        assertThat(receiver.records.get("p6@x.test")).containsExactlyEntriesOf(Map.of("in_seg", false));
    }

    @Test
    void upsertModeLeavesLeaversAloneButForgetsThem() throws Exception {
        SyncDefinition upsert = sync(SyncDefinition.Mode.UPSERT, SyncDefinition.Guard.DEFAULT);
        run(upsert, RunEngine.Options.NORMAL, 100);
        int requests = receiver.requestSizes.size();
        update("UPDATE people SET minutes = 0 WHERE pid = 6");
        RunEngine.Report r = run(upsert, RunEngine.Options.NORMAL, 100);
        assertThat(r.counts().left()).isEqualTo(1);
        assertThat(receiver.requestSizes).hasSize(requests);
        update("UPDATE people SET minutes = 6 WHERE pid = 6");
        RunEngine.Report back = run(upsert, RunEngine.Options.NORMAL, 100);
        assertThat(back.counts().entered()).isEqualTo(1);
    }

    @Test
    void rejectedRecordsKeepTheirStateAndAreRetriedByTheNextRun() {
        receiver.rejects = k -> k.equals("p5@x.test") || k.equals("p15@x.test");
        RunEngine.Report r =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(r.status()).isEqualTo(RunStatus.PARTIALLY_FAILED);
        assertThat(r.counts().rejected()).isEqualTo(2);
        assertThat(r.counts().confirmed()).isEqualTo(498);
        assertThat(rejections).extracting(RunMonitor.Rejection::code).containsOnly("invalid_email");

        receiver.rejects = k -> false;
        RunEngine.Report again =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(again.counts().entered()).isEqualTo(2);
        assertThat(receiver.requestSizes.get(receiver.requestSizes.size() - 1)).isEqualTo(2);
    }

    @Test
    void aBatchRefusedAsAWholeIsSplitUntilTheBadRecordsAreRejectedAloneAndTheRestConfirmed() {
        receiver.rejectWhole = true;
        receiver.rejects = k -> k.equals("p5@x.test") || k.equals("p15@x.test") || k.equals("p999@x.test");
        RunEngine.Report r =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(r.status()).isEqualTo(RunStatus.PARTIALLY_FAILED);
        assertThat(r.counts().rejected()).isEqualTo(3);
        assertThat(r.counts().confirmed()).isEqualTo(497);
        assertThat(receiver.records).hasSize(497);
        assertThat(rejections).extracting(RunMonitor.Rejection::code).containsOnly(Bisection.CODE);
        // 5 batches, plus at most 2·⌈log2 100⌉ = 14 per bad record
        assertThat(r.counts().requests()).isLessThanOrEqualTo(5 + 14 * 3);
        assertThat(r.counts().retried()).as("splitting is not retrying").isZero();

        // the next run sends only the rejected records again; once fixed they go through
        receiver.rejects = k -> false;
        RunEngine.Report again =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(receiver.records).hasSize(500);
    }

    @Test
    void transientFailuresAreRetriedAndCounted() {
        receiver.failNext = 2;
        RunEngine.Report r =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 250);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.counts().requests()).isEqualTo(4);
        assertThat(r.counts().retried()).isEqualTo(500);
        assertThat(r.counts().sent()).isEqualTo(500);
        assertThat(receiver.records).hasSize(500);
    }

    @Test
    void batchesFailingAfterRetriesAreSentByTheNextRun() {
        receiver.failNext = 100;
        RunEngine.Report r =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.reason()).contains("3 batches in a row");
        receiver.failNext = 0;
        RunEngine.Report again =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        // the 3 failed batches may have been applied (a 5xx after all retries): uncertain, sent in full as changes;
        // the rest was never sent
        assertThat(again.counts().changed()).isEqualTo(300);
        assertThat(again.counts().entered()).isEqualTo(200);
        assertThat(receiver.records).hasSize(500);
    }

    @Test
    void theGuardBlocksAMassLeaveBeforeSendingUnlessForced() throws Exception {
        SyncDefinition mirror = sync(SyncDefinition.Mode.MIRROR, new SyncDefinition.Guard(20, 50, 100));
        run(mirror, RunEngine.Options.NORMAL, 100);
        int requests = receiver.requestSizes.size();
        update("UPDATE people SET minutes = 0 WHERE pid < 500");
        RunEngine.Report blocked = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(blocked.status()).isEqualTo(RunStatus.BLOCKED_BY_GUARD);
        assertThat(blocked.reason()).contains("would leave").contains("force");
        assertThat(receiver.requestSizes).hasSize(requests);
        RunEngine.Report forced = run(mirror, new RunEngine.Options(false, false, true), 100);
        assertThat(forced.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(forced.counts().left()).isEqualTo(250);
    }

    @Test
    void aDryRunCountsAndSamplesButSendsAndRemembersNothing() {
        RunEngine.Report dry = run(
                sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                new RunEngine.Options(true, false, false),
                100);
        assertThat(dry.counts().entered()).isEqualTo(500);
        assertThat(dry.samples().get("entered")).hasSize(10);
        assertThat(receiver.requestSizes).isEmpty();
        RunEngine.Report real =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(real.counts().entered()).isEqualTo(500);
    }

    @Test
    void aStopBetweenBatchesKeepsWhatWasConfirmedAndTheNextRunSendsTheRest() {
        stop = () -> receiver.requestSizes.size() >= 2;
        RunEngine.Report stopped =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(stopped.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stopped.counts().confirmed()).isEqualTo(200);
        stop = () -> false;
        RunEngine.Report rest =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(rest.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rest.counts().entered()).isEqualTo(300);
        assertThat(receiver.records).hasSize(500);
        assertThat(receiver.requestSizes).hasSize(5);
    }

    @Test
    void aRecordWithoutDestinationKeyIsRejectedLocallyAndNotSent() throws Exception {
        update("UPDATE people SET mail = NULL WHERE pid = 5");
        RunEngine.Report r =
                run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT), RunEngine.Options.NORMAL, 100);
        assertThat(r.status()).isEqualTo(RunStatus.PARTIALLY_FAILED);
        assertThat(r.counts().rejected()).isZero();
        assertThat(r.counts().identityNull()).isEqualTo(1);
        assertThat(r.reason()).contains("identity_null").doesNotContain("rejected by the destination");
        assertThat(rejections).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("identity_null");
            assertThat(x.message()).contains("mail");
        });
        assertThat(receiver.records).hasSize(499);
    }

    @Test
    void fullResyncSendsEveryMemberAgain() {
        SyncDefinition mirror = sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT);
        run(mirror, RunEngine.Options.NORMAL, 500);
        RunEngine.Report full = run(mirror, new RunEngine.Options(false, true, false), 500);
        assertThat(full.counts().sent()).isEqualTo(500);
        assertThat(receiver.requestSizes).hasSize(2);
        assertThat(Set.copyOf(receiver.requestSizes)).containsOnly(500);
    }

    /**
     * The process dies after the destination applied a batch but before the engine confirmed it; meanwhile the
     * learners of that batch leave again. The next run must still tell the destination they left (mirror mode):
     * they are not in the state, and their values are back to what they were, so only the record of the batch in
     * flight (written before the push) tells the next run that the destination may hold them.
     */
    @Test
    void aBatchInFlightWhenTheProcessDiesIsCorrectedEvenIfItsLearnersLeftMeanwhile() throws Exception {
        SyncDefinition mirror = sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT);
        run(mirror, RunEngine.Options.NORMAL, 100);
        update("UPDATE people SET minutes = 7 WHERE pid IN (10, 11, 12, 13, 14, 15)"); // 5 entrants, 1 change
        update("UPDATE people SET minutes = 1 WHERE pid IN (5, 6)"); // 2 leavers
        receiver.dieAfter = 0;
        assertThatThrownBy(
                        () -> run(mirror, RunEngine.Options.NORMAL, 4, new DyingStore(new DuckDbStateStore(warehouse))))
                .isInstanceOf(ProcessDied.class);
        receiver.dieAfter = -1;
        assertThat(receiver.requestSizes.get(receiver.requestSizes.size() - 1)).isEqualTo(4);
        // the outage: everyone goes back to where they were before the crashed run
        update("UPDATE people SET minutes = 0 WHERE pid IN (10, 11, 12, 13, 14)");
        update("UPDATE people SET minutes = pid % 10 WHERE pid IN (5, 6, 15)");

        RunEngine.Report next = run(mirror, RunEngine.Options.NORMAL, 100);

        assertThat(next.status()).isEqualTo(RunStatus.SUCCEEDED);
        for (int pid : new int[] {10, 11, 12, 13, 14}) {
            Map<String, Object> r = receiver.records.get("p" + pid + "@x.test");
            if (r != null) {
                assertThat(r)
                        .as("p%d, applied while entering, left meanwhile", pid)
                        .containsEntry("in_seg", false);
            }
        }
        for (int pid : new int[] {5, 6, 15}) {
            assertThat(receiver.records.get("p" + pid + "@x.test"))
                    .as("p%d, back to its values", pid)
                    .containsEntry("in_seg", true)
                    .containsEntry("mins", (long) (pid % 10));
        }
        assertThat(next.counts().planned())
                .as("the 8 records of the journaled window are uncertain: 4 in flight, 4 never sent")
                .isEqualTo(8);
    }

    @Test
    void aRunThatEndsNormallyLeavesOnlyItsFailedBatchesUncertain() throws Exception {
        SyncDefinition mirror = sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT);
        receiver.rejects = k -> k.equals("p5@x.test");
        receiver.failNext = 4; // the first batch fails after its retries
        RunEngine.Report first = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(first.counts().failed()).isEqualTo(100);
        receiver.rejects = k -> false;
        RunEngine.Report second = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(second.counts().changed())
                .as("the failed batch may have been applied: uncertain")
                .isEqualTo(100);
        // p5, rejected, is an entrant again unless it was in the failed batch (then it is uncertain with it)
        assertThat(second.counts().entered()).isBetween(0L, 1L);
        assertThat(second.counts().planned()).isEqualTo(100 + second.counts().entered());
        assertThat(run(mirror, RunEngine.Options.NORMAL, 100).counts().planned())
                .isZero();
    }

    /**
     * A batch times out after all retries, though the destination applied it; its learners leave before the next
     * run. Like a batch in flight at a crash, the next run must still tell the destination they left.
     */
    @Test
    void aBatchThatFailedAfterTheDestinationAppliedItIsCorrectedEvenIfItsLearnersLeftMeanwhile() throws Exception {
        SyncDefinition mirror = sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT);
        run(mirror, RunEngine.Options.NORMAL, 100);
        update("UPDATE people SET minutes = 7 WHERE pid IN (10, 11, 12, 13, 14)"); // 5 entrants
        receiver.applyThenFail = 4; // every attempt of the one batch
        RunEngine.Report failed = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(failed.counts().failed()).isEqualTo(5);
        assertThat(receiver.records.get("p10@x.test")).containsEntry("in_seg", true);

        update("UPDATE people SET minutes = 0 WHERE pid IN (10, 11, 12, 13, 14)"); // they leave again
        RunEngine.Report next = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(next.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(next.counts().left()).isEqualTo(5);
        for (int pid = 10; pid < 15; pid++) {
            assertThat(receiver.records.get("p" + pid + "@x.test"))
                    .as("p%d, applied by a batch that failed, left meanwhile", pid)
                    .containsEntry("in_seg", false);
        }
        assertThat(run(mirror, RunEngine.Options.NORMAL, 100).counts().planned())
                .isZero();
    }

    /**
     * The run loses the sync to another replica mid-push (its lease expired): it stops at its next journal write (the
     * end of the window it journaled: 4 batches) and folds nothing over the new owner, which makes that window
     * uncertain (its confirmations were not written yet).
     */
    @Test
    void aRunThatLostTheSyncToAnotherReplicaStopsAndFoldsNothing() {
        SyncDefinition mirror = sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT);
        SyncPlan plan = SyncPlan.of(mirror, "pid");
        int[] pushes = {0};
        receiver.beforePush = () -> {
            if (++pushes[0] == 2) {
                new DuckDbStateStore(warehouse).recover(plan, 1_000); // the other replica starts its run
            }
        };
        RunEngine.Report lost = run(mirror, RunEngine.Options.NORMAL, 100);
        assertThat(lost.status()).isEqualTo(RunStatus.FAILED);
        assertThat(lost.reason()).contains("no longer owns");
        assertThat(receiver.requestSizes)
                .as("no batch after the journaled window")
                .hasSize(4);

        receiver.beforePush = () -> {};
        StateStore other = new DuckDbStateStore(warehouse);
        other.recover(plan, 1_000);
        DiffCounts diff = other.diff(plan, 1_000, compiler, rule, AS_OF, false);
        other.discard(plan, 1_000);
        assertThat(diff.previous())
                .as("the window journaled before the takeover is held, uncertain")
                .isEqualTo(400);
        assertThat(diff.changed())
                .as("the window journaled before the takeover")
                .isEqualTo(400);
        assertThat(diff.entered()).isEqualTo(100);
    }
}
