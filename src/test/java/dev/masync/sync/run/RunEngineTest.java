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
import dev.masync.sync.state.DuckDbStateStore;
import dev.masync.sync.state.PeopleWarehouse;
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
        Predicate<String> rejects = k -> false;
        int failNext;

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
            requestSizes.add(batch.records().size());
            if (failNext > 0) {
                failNext--;
                throw new RetryableException("503 from the fake", Duration.ofSeconds(1), null);
            }
            List<RecordOutcome> out = new ArrayList<>();
            for (RecordChange c : batch.records()) {
                if (rejects.test(c.destinationKey())) {
                    out.add(RecordOutcome.rejected(c.destinationKey(), "invalid_email", "bad address"));
                    continue;
                }
                Map<String, Object> r = records.computeIfAbsent(c.destinationKey(), k -> new HashMap<>());
                r.putAll(c.fields());
                out.add(RecordOutcome.confirmed(c.destinationKey()));
            }
            return new BatchResult(out);
        }

        @Override
        public BatchLimits limits() {
            return new BatchLimits(1000, 1 << 20);
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
        return new SyncDefinition("s1", "s1", "seg", "dest", new SyncDefinition.Identity("mail", "email"),
                List.of(new SyncDefinition.FieldMapping("minutes", "mins", SyncDefinition.Format.AUTO),
                        new SyncDefinition.FieldMapping("exam", "exam_ms", SyncDefinition.Format.EPOCH_MILLIS)),
                Optional.of(new SyncDefinition.Membership(SyncDefinition.Membership.Style.BOOLEAN, "in_seg", null)),
                mode, Optional.empty(), false, guard, Optional.empty());
    }

    final List<RunMonitor.Rejection> rejections = new ArrayList<>();

    java.util.function.BooleanSupplier stop = () -> false;

    RunEngine.Report run(SyncDefinition sync, RunEngine.Options options, int batchSize) {
        RunEngine engine = new RunEngine(new DuckDbStateStore(warehouse), Clock.systemUTC());
        RunEngine.Job job = new RunEngine.Job(++runId, sync, SyncPlan.of(sync, "pid"), compiler, rule, AS_OF,
                options, receiver, new DestinationContext("mem", Map.of(), SecretResolver.standard()), batchSize,
                1 << 20, RETRY_3, Map.of(), ZoneId.of("UTC"), stop);
        return engine.run(job, new RunMonitor() {
            @Override
            public void batchDone(List<Rejection> r, Collection<String> ok, RunCounts counts, Progress p) {
                rejections.addAll(r);
            }
        });
    }

    void update(String sql) throws Exception {
        people.update(sql);
    }

    @Test
    void firstRunSendsEveryMemberInFullBatchesAndARerunSendsNothing() {
        RunEngine.Report first = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                RunEngine.Options.NORMAL, 100);
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(first.counts().entered()).isEqualTo(500);
        assertThat(receiver.requestSizes).hasSize(5).containsOnly(100);
        assertThat(receiver.records.get("p7@x.test")).containsEntry("in_seg", true).containsEntry("mins", 7L)
                .containsEntry("exam_ms", 1_796_083_200_000L);

        RunEngine.Report second = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                RunEngine.Options.NORMAL, 100);
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
        RunEngine.Report r = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                RunEngine.Options.NORMAL, 100);
        assertThat(r.status()).isEqualTo(RunStatus.PARTIALLY_FAILED);
        assertThat(r.counts().rejected()).isEqualTo(2);
        assertThat(r.counts().confirmed()).isEqualTo(498);
        assertThat(rejections).extracting(RunMonitor.Rejection::code).containsOnly("invalid_email");

        receiver.rejects = k -> false;
        RunEngine.Report again = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                RunEngine.Options.NORMAL, 100);
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(again.counts().entered()).isEqualTo(2);
        assertThat(receiver.requestSizes.get(receiver.requestSizes.size() - 1)).isEqualTo(2);
    }

    @Test
    void transientFailuresAreRetriedAndCounted() {
        receiver.failNext = 2;
        RunEngine.Report r = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                RunEngine.Options.NORMAL, 250);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.counts().requests()).isEqualTo(4);
        assertThat(r.counts().retried()).isEqualTo(500);
        assertThat(r.counts().sent()).isEqualTo(500);
        assertThat(receiver.records).hasSize(500);
    }

    @Test
    void batchesFailingAfterRetriesAreSentByTheNextRun() {
        receiver.failNext = 100;
        RunEngine.Report r = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                RunEngine.Options.NORMAL, 100);
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.reason()).contains("3 batches in a row");
        receiver.failNext = 0;
        RunEngine.Report again = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                RunEngine.Options.NORMAL, 100);
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(again.counts().entered()).isEqualTo(500);
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
        RunEngine.Report dry = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                new RunEngine.Options(true, false, false), 100);
        assertThat(dry.counts().entered()).isEqualTo(500);
        assertThat(dry.samples().get("entered")).hasSize(10);
        assertThat(receiver.requestSizes).isEmpty();
        RunEngine.Report real = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                RunEngine.Options.NORMAL, 100);
        assertThat(real.counts().entered()).isEqualTo(500);
    }

    @Test
    void aStopBetweenBatchesKeepsWhatWasConfirmedAndTheNextRunSendsTheRest() {
        stop = () -> receiver.requestSizes.size() >= 2;
        RunEngine.Report stopped = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                RunEngine.Options.NORMAL, 100);
        assertThat(stopped.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stopped.counts().confirmed()).isEqualTo(200);
        stop = () -> false;
        RunEngine.Report rest = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                RunEngine.Options.NORMAL, 100);
        assertThat(rest.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rest.counts().entered()).isEqualTo(300);
        assertThat(receiver.records).hasSize(500);
        assertThat(receiver.requestSizes).hasSize(5);
    }

    @Test
    void aRecordWithoutDestinationKeyIsRejectedLocallyAndNotSent() throws Exception {
        update("UPDATE people SET mail = NULL WHERE pid = 5");
        RunEngine.Report r = run(sync(SyncDefinition.Mode.MIRROR, SyncDefinition.Guard.DEFAULT),
                RunEngine.Options.NORMAL, 100);
        assertThat(r.status()).isEqualTo(RunStatus.PARTIALLY_FAILED);
        assertThat(r.counts().rejected()).isEqualTo(1);
        assertThat(rejections).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("missing_destination_key");
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
}
