package dev.masync.sync.state;

import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.sync.SyncDefinition;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.masync.sync.state.ChangeRow.Op.CHANGED;
import static dev.masync.sync.state.ChangeRow.Op.ENTERED;
import static dev.masync.sync.state.ChangeRow.Op.LEFT;
import static dev.masync.sync.state.ChangeRow.Op.UNCHANGED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@link StateStore} protocol, run against every store. The source is {@code people} with 100 rows ({@code pid},
 * {@code mail = 'p<pid>@x.test'}, {@code minutes = pid % 10}, {@code exam}), the segment {@code minutes >= 5} (50
 * members), two mapped fields. A subclass starts the warehouse, says how to change the source and how to start a
 * store as a new process would.
 */
abstract class StateStoreContract {
    static final Instant AS_OF = Instant.parse("2026-11-02T00:00:00Z");

    SegmentCompiler compiler;
    Rule rule;
    SyncPlan plan;
    StateStore store;
    long runs;

    /** A store as a freshly started process gets it (sharing the durable state). */
    abstract StateStore newStore();

    /** {@code UPDATE people SET <set> WHERE <where>} on the source. */
    abstract void update(String set, String where) throws Exception;

    /** {@code DELETE FROM people WHERE <where>} on the source. */
    abstract void delete(String where) throws Exception;

    /** Runs a statement of the engine under the warehouse (DuckDB for both), e.g. on {@code masync_state}. */
    abstract void execute(String sql) throws Exception;

    /** Rows of the sync's state table. */
    abstract long stateRows(String stateKey);

    /**
     * Whether {@link StateStore#load} reads the values (two passes); otherwise the diff wrote them (one statement)
     * and a change between diff and load is seen by the next run.
     */
    abstract boolean readsValuesAtLoad();

    /** The warehouse's name in test resources ({@code duckdb}, {@code bigquery}). */
    abstract String warehouseName();

    /** Call at the end of the subclass's set-up. */
    void init(SegmentCompiler compiler, Rule rule) {
        this.compiler = compiler;
        this.rule = rule;
        this.plan = SyncPlan.of(definition("mins"), "pid");
        this.store = newStore();
    }

    static SyncDefinition definition(String firstTarget) {
        return new SyncDefinition(
                "s1",
                "s1",
                "seg",
                "dest",
                new SyncDefinition.Identity("mail", "email"),
                List.of(
                        new SyncDefinition.FieldMapping("minutes", firstTarget, SyncDefinition.Format.AUTO),
                        new SyncDefinition.FieldMapping("exam", "exam_date", SyncDefinition.Format.DATE)),
                Optional.empty(),
                SyncDefinition.Mode.MIRROR,
                Optional.empty(),
                false,
                SyncDefinition.Guard.DEFAULT,
                Optional.empty(),
                java.util.OptionalLong.empty());
    }

    /** Starts a run: recover and diff; returns the run id. */
    long start(SyncPlan p, boolean full) {
        long run = ++runs;
        store.recover(p, run);
        store.diff(p, run, compiler, rule, AS_OF, full);
        return run;
    }

    List<ChangeRow> rows(SyncPlan p) {
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(p, rows::add);
        return rows;
    }

    /** A whole run sending everything in one batch, confirming all but {@code reject}. */
    List<ChangeRow> run(SyncPlan p, boolean full, Set<String> reject) {
        long run = start(p, full);
        List<ChangeRow> rows = rows(p);
        if (!rows.isEmpty()) {
            long first = rows.get(0).seq();
            long last = rows.get(rows.size() - 1).seq();
            store.sending(p, run, first, last, List.of());
            store.confirm(p, run, first, last, reject);
        }
        store.finish(p, run);
        return rows;
    }

    static ChangeRow of(List<ChangeRow> rows, String learner) {
        return rows.stream()
                .filter(r -> r.learnerKey().equals(learner))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aFirstRunEntersEveryMemberAndARerunFindsNothing() {
        long run = ++runs;
        store.recover(plan, run);
        assertThat(store.diff(plan, run, compiler, rule, AS_OF, false)).isEqualTo(new DiffCounts(0, 50, 0, 0, 0, 0));
        List<ChangeRow> rows = rows(plan);
        assertThat(rows).hasSize(50).allSatisfy(r -> {
            assertThat(r.op()).isEqualTo(ENTERED);
            assertThat(r.allFields()).isTrue();
            assertThat(r.changed()).containsExactly(true, true);
            assertThat(r.destinationKey()).isEqualTo("p" + r.learnerKey() + "@x.test");
            assertThat(r.previousKey()).isNull();
            assertThat(r.rowHash()).matches("-?[0-9]+");
        });
        assertThat(rows).extracting(ChangeRow::seq).doesNotHaveDuplicates().isSorted();
        store.sending(plan, run, rows.get(0).seq(), rows.get(24).seq(), List.of());
        store.confirm(plan, run, rows.get(0).seq(), rows.get(24).seq(), List.of());
        store.sending(plan, run, rows.get(25).seq(), rows.get(49).seq(), List.of());
        store.confirm(plan, run, rows.get(25).seq(), rows.get(49).seq(), List.of());
        store.finish(plan, run);
        assertThat(stateRows("s1")).isEqualTo(50);

        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void changedFieldsEnteredAndLeftAreFoundInOnePassAndConfirmedLeaversAreForgotten() throws Exception {
        run(plan, false, Set.of());
        update("minutes = 9", "pid = 5"); // changed: only mins
        update("exam = DATE '2027-01-01'", "pid = 6"); // changed: only exam
        update("minutes = 1", "pid = 7"); // left
        update("minutes = 8", "pid = 10"); // entered
        long run = ++runs;
        store.recover(plan, run);
        DiffCounts counts = store.diff(plan, run, compiler, rule, AS_OF, false);
        assertThat(counts).isEqualTo(new DiffCounts(50, 1, 2, 2, 1, 0));
        assertThat(counts.unchanged()).isEqualTo(47);
        List<ChangeRow> rows = rows(plan);
        assertThat(rows)
                .extracting(r -> r.learnerKey() + ":" + r.op())
                .containsExactlyInAnyOrder("5:CHANGED", "6:CHANGED", "7:LEFT", "10:ENTERED");
        ChangeRow five = of(rows, "5");
        assertThat(five.allFields()).isFalse();
        assertThat(five.changed()).containsExactly(true, false);
        assertThat(((Number) five.values().get(0)).longValue()).isEqualTo(9L);
        assertThat(five.previousKey()).isEqualTo("p5@x.test");
        assertThat(of(rows, "6").changed()).containsExactly(false, true);
        ChangeRow seven = of(rows, "7");
        assertThat(seven.destinationKey()).isNull();
        assertThat(seven.previousKey()).isEqualTo("p7@x.test");

        store.sending(plan, run, rows.get(0).seq(), rows.get(3).seq(), List.of());
        store.confirm(plan, run, rows.get(0).seq(), rows.get(3).seq(), List.of());
        store.finish(plan, run);
        assertThat(stateRows("s1"))
                .as("the leaver is forgotten, the new member held")
                .isEqualTo(50);
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void unconfirmedRecordsAreFoundAgainAndUnconfirmedLeaversLeaveAgain() throws Exception {
        assertThat(run(plan, false, Set.of("5", "6"))).hasSize(50);
        update("minutes = 1", "pid IN (15, 17)");
        List<ChangeRow> rows = run(plan, false, Set.of("15"));
        assertThat(rows)
                .extracting(r -> r.learnerKey() + ":" + r.op())
                .containsExactlyInAnyOrder("5:ENTERED", "6:ENTERED", "15:LEFT", "17:LEFT");
        assertThat(run(plan, false, Set.of()))
                .extracting(r -> r.learnerKey() + ":" + r.op())
                .containsExactly("15:LEFT");
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    /** {@code learner:op} of each row, for comparing sets of rows. */
    static List<String> ops(List<ChangeRow> rows) {
        return rows.stream().map(r -> r.learnerKey() + ":" + r.op()).toList();
    }

    @Test
    void membersWithAnEmptyOrSharedStringIdentityAreNeverHeldAndAHeldOneIsNeitherUpdatedNorRemoved() throws Exception {
        update("mail = NULL", "pid IN (5, 15)"); // empty, two of them
        update("mail = 'pair@x.test'", "pid IN (7, 17)"); // shared by two
        update("mail = 'many@x.test'", "pid IN (6, 16, 26, 36, 46)"); // shared by many
        long run = start(plan, false);
        // the run sends only the good members; the others come as rows of their own, never held
        assertThat(store.diff(plan, run, compiler, rule, AS_OF, false))
                .isEqualTo(new DiffCounts(0, 41, 0, 0, 0, 0, 2, 7, 9));
        List<ChangeRow> rows = rows(plan);
        assertThat(rows).hasSize(50);
        assertThat(ops(rows))
                .contains("5:IDENTITY_NULL", "15:IDENTITY_NULL", "7:IDENTITY_DUPLICATE", "17:IDENTITY_DUPLICATE")
                .contains("6:IDENTITY_DUPLICATE", "46:IDENTITY_DUPLICATE", "8:ENTERED");
        assertThat(of(rows, "5").destinationKey()).isNull();
        assertThat(of(rows, "26").destinationKey()).isEqualTo("many@x.test");
        // a run that confirms its whole range (the engine sends none of them) holds only the good members
        store.sending(plan, run, rows.get(0).seq(), rows.get(49).seq(), List.of());
        store.confirm(plan, run, rows.get(0).seq(), rows.get(49).seq(), List.of());
        store.finish(plan, run);
        assertThat(stateRows("s1")).isEqualTo(41);
        // they are reported again by every run, with nothing else
        assertThat(ops(run(plan, false, Set.of())))
                .hasSize(9)
                .allSatisfy(o -> assertThat(o).containsAnyOf("IDENTITY_NULL", "IDENTITY_DUPLICATE"));

        // a held member whose identity becomes shared (with a held one, too) is neither sent, nor updated in the
        // state, nor removed: the destination keeps the record it has until the identity is unique again
        update("mail = 'p9@x.test'", "pid = 8");
        run = start(plan, false);
        rows = rows(plan);
        assertThat(ops(rows))
                .contains("8:IDENTITY_DUPLICATE", "9:IDENTITY_DUPLICATE")
                .hasSize(11);
        assertThat(rows).noneMatch(r -> r.op() == LEFT);
        store.sending(plan, run, rows.get(0).seq(), rows.get(10).seq(), List.of());
        store.confirm(plan, run, rows.get(0).seq(), rows.get(10).seq(), List.of());
        store.finish(plan, run);
        assertThat(stateRows("s1")).isEqualTo(41);
        // even a full resync sends none of them, and an uncertain batch does not make them held
        run = start(plan, true);
        rows = rows(plan);
        assertThat(rows.stream().filter(r -> r.op() == UNCHANGED)).hasSize(39);
        store.sending(plan, run, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), List.of());
        store.uncertain(plan, run, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), List.of());
        store.finish(plan, run);
        assertThat(stateRows("s1")).isEqualTo(41);
        run(plan, false, Set.of()); // the uncertain ones are sent again
        // fixed: the two come back as they were held (nothing to send), the fixed new members enter
        update("mail = 'p8@x.test'", "pid = 8");
        update("mail = 'p' || pid || '@x.test'", "pid IN (5, 15, 7, 17)");
        List<ChangeRow> fixed = run(plan, false, Set.of());
        assertThat(ops(fixed))
                .containsExactlyInAnyOrder(
                        "5:ENTERED",
                        "15:ENTERED",
                        "7:ENTERED",
                        "17:ENTERED",
                        "6:IDENTITY_DUPLICATE",
                        "16:IDENTITY_DUPLICATE",
                        "26:IDENTITY_DUPLICATE",
                        "36:IDENTITY_DUPLICATE",
                        "46:IDENTITY_DUPLICATE");
        assertThat(stateRows("s1")).isEqualTo(45);
    }

    @Test
    void membersSharingAnIntegerIdentityAreNotHeldWhileTheUniqueOnesAre() throws Exception {
        SyncDefinition d = definition("mins");
        SyncPlan byMinutes = SyncPlan.of(
                new SyncDefinition(
                        "s2",
                        "s2",
                        "seg",
                        "dest",
                        new SyncDefinition.Identity("minutes", "minutes"),
                        d.mapping(),
                        d.membership(),
                        d.mode(),
                        d.schedule(),
                        false,
                        d.guard(),
                        d.freshness(),
                        d.maxBytesBilled()),
                "pid");
        // members 50..99 get a unique number, members 5..49 share 5..9 (five each), 45 shares with nobody else
        update("minutes = 1000 + pid", "pid >= 50 AND minutes >= 5");
        update("minutes = 1045", "pid = 45");
        long run = start(byMinutes, false);
        List<ChangeRow> rows = rows(byMinutes);
        assertThat(rows.stream().filter(r -> r.op() == ENTERED)).hasSize(26);
        assertThat(rows.stream().filter(r -> r.op() == ChangeRow.Op.IDENTITY_DUPLICATE))
                .hasSize(24)
                .allSatisfy(r -> assertThat(Long.parseLong(r.learnerKey())).isLessThan(50));
        assertThat(of(rows, "45").op()).isEqualTo(ENTERED);
        assertThat(of(rows, "45").destinationKey()).isEqualTo("1045");
        store.sending(byMinutes, run, rows.get(0).seq(), rows.get(49).seq(), List.of());
        store.confirm(byMinutes, run, rows.get(0).seq(), rows.get(49).seq(), List.of());
        store.finish(byMinutes, run);
        assertThat(stateRows("s2")).isEqualTo(26);
    }

    /** Rows of the first sending window, in batches of {@code size} rows. */
    static int firstWindow(int size) {
        return size * JournaledStateStore.FIRST_WINDOW_BATCHES;
    }

    /** Sends and confirms rows {@code from..to - 1} (indexes into {@code rows}) in batches of {@code size}. */
    void sendAndConfirm(long run, List<ChangeRow> rows, int from, int to, int size) {
        for (int i = from; i < to; i += size) {
            long lo = rows.get(i).seq();
            long hi = rows.get(Math.min(to, i + size) - 1).seq();
            store.sending(plan, run, lo, hi, List.of());
            store.confirm(plan, run, lo, hi, List.of());
        }
    }

    /**
     * A confirmation becomes durable with the next write (the sending entry of the next window, or finish): a crash
     * folds every batch confirmed before the last window was journaled; the rest of that window is uncertain, and the
     * rows after it are diffed as usual.
     */
    @Test
    void confirmationsOfARunThatDiedBeforeFinishingAreFoldedByTheNext() {
        long run = start(plan, false);
        List<ChangeRow> rows = rows(plan);
        int first = firstWindow(2); // 4 batches of 2 rows
        int second = 2 * first; // the next window covers twice as many batches
        sendAndConfirm(run, rows, 0, first + 4, 2); // the first batch of the second window writes the first's
        store.sending(plan, run, rows.get(first + 4).seq(), rows.get(first + 5).seq(), List.of()); // in flight
        // the process dies before finish()
        store = newStore();
        List<ChangeRow> rest = run(plan, false, Set.of());
        assertThat(rest).hasSize(50 - first);
        assertThat(rest)
                .extracting(ChangeRow::learnerKey)
                .doesNotContainAnyElementsOf(rows.subList(0, first).stream()
                        .map(ChangeRow::learnerKey)
                        .toList());
        for (ChangeRow r : rows.subList(first, first + second)) {
            assertThat(of(rest, r.learnerKey()).op())
                    .as("in the journaled window, confirmed or not: uncertain")
                    .isEqualTo(CHANGED);
            assertThat(of(rest, r.learnerKey()).allFields()).isTrue();
        }
        for (ChangeRow r : rows.subList(first + second, 50)) {
            assertThat(of(rest, r.learnerKey()).op()).as("never sent").isEqualTo(ENTERED);
        }
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    /**
     * The last window's confirmations are written at finish (with no next window to carry them): a crash before makes
     * that window uncertain, its rows sent or not, so they are sent again in full (at least once), and the state
     * converges.
     */
    @Test
    void aConfirmationNotYetWrittenAtACrashMakesItsBatchUncertain() {
        long run = start(plan, false);
        List<ChangeRow> rows = rows(plan);
        store.sending(plan, run, rows.get(0).seq(), rows.get(29).seq(), List.of());
        store.confirm(plan, run, rows.get(0).seq(), rows.get(29).seq(), List.of());
        // the process dies before the next write
        store = newStore();
        List<ChangeRow> again = run(plan, false, Set.of());
        assertThat(again).hasSize(50);
        for (ChangeRow r : rows) {
            assertThat(of(again, r.learnerKey()).op())
                    .as("the window covers all 50 rows, 20 of them never sent")
                    .isEqualTo(CHANGED);
            assertThat(of(again, r.learnerKey()).allFields()).isTrue();
        }
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    /**
     * A crash with a batch in flight: its rows may have reached the destination. Even when the warehouse goes back
     * to the state's values before the next run, the next diff finds them again (all fields; a leave for those not
     * members), while the batch confirmed before it and the rows never sent are diffed as usual.
     */
    @Test
    void theBatchInFlightAtACrashIsFoundAgainEvenIfItsValuesWentBack() throws Exception {
        run(plan, false, Set.of());
        update("minutes = 8", "pid IN (10, 11, 12)"); // entering
        update("minutes = 9", "pid IN (5, 15)"); // changing
        update("minutes = 1", "pid IN (7, 17)"); // leaving
        long run = start(plan, false);
        List<ChangeRow> rows = rows(plan);
        assertThat(rows).hasSize(7);
        // a window of 4 rows opened by batch 1 (row 0), batch 2 (rows 1..3) inside it, both confirmed; batch 3 (rows 4
        // and 5, 5 not sent) opens the next window and writes their confirmations, then is in flight: SIGKILL. Row 6
        // was never sent, but is in the window.
        store.sending(plan, run, rows.get(0).seq(), rows.get(0).seq(), List.of());
        store.confirm(plan, run, rows.get(0).seq(), rows.get(0).seq(), List.of());
        store.sending(plan, run, rows.get(1).seq(), rows.get(3).seq(), List.of());
        store.confirm(plan, run, rows.get(1).seq(), rows.get(3).seq(), List.of());
        store.sending(
                plan,
                run,
                rows.get(4).seq(),
                rows.get(5).seq(),
                List.of(rows.get(5).learnerKey()));
        Set<String> inFlight = Set.of(rows.get(4).learnerKey(), rows.get(6).learnerKey());

        update("minutes = pid % 10", "TRUE"); // the outage: everything goes back
        store = newStore();
        long next = ++runs;
        store.recover(plan, next);
        store.recover(plan, next); // idempotent
        store.diff(plan, next, compiler, rule, AS_OF, false);
        List<ChangeRow> again = rows(plan);
        Set<String> expected = new HashSet<>(inFlight);
        for (int i = 0; i < 4; i++) {
            expected.add(rows.get(i).learnerKey()); // confirmed, then went back: a normal change
        }
        assertThat(again).extracting(ChangeRow::learnerKey).containsExactlyInAnyOrderElementsOf(expected);
        for (String learner : inFlight) {
            assertUncertain(of(again, learner));
        }
        store.sending(
                plan, next, again.get(0).seq(), again.get(again.size() - 1).seq(), List.of());
        store.confirm(
                plan, next, again.get(0).seq(), again.get(again.size() - 1).seq(), List.of());
        store.finish(plan, next);
        assertThat(run(plan, false, Set.of())).as("settled").isEmpty();
    }

    /** An uncertain learner comes back in full if a member, as a leave to its old key if not. */
    static void assertUncertain(ChangeRow r) {
        int minutes = Integer.parseInt(r.learnerKey()) % 10;
        if (minutes >= 5) {
            assertThat(r.op()).as("%s, uncertain member", r.learnerKey()).isEqualTo(CHANGED);
            assertThat(r.allFields()).isTrue();
            assertThat(r.previousKey()).isEqualTo(r.destinationKey());
        } else {
            assertThat(r.op()).as("%s, uncertain non-member", r.learnerKey()).isEqualTo(LEFT);
            assertThat(r.previousKey()).isEqualTo("p" + r.learnerKey() + "@x.test");
        }
    }

    /**
     * A batch that failed after all retries in a live run (a timeout, a 5xx) may have been applied: a learner of it
     * who entered and leaves before the next run is still told to leave, and one who stays is sent in full.
     */
    @Test
    void aBatchThatFailedUncertainlyInALiveRunIsRepairedLikeACrashedOne() throws Exception {
        run(plan, false, Set.of());
        update("minutes = 8", "pid IN (10, 11, 12)"); // entering
        long run = start(plan, false);
        List<ChangeRow> rows = rows(plan);
        assertThat(rows).hasSize(3).allSatisfy(r -> assertThat(r.op()).isEqualTo(ENTERED));
        store.sending(plan, run, rows.get(0).seq(), rows.get(2).seq(), List.of());
        store.uncertain(plan, run, rows.get(0).seq(), rows.get(2).seq(), List.of());
        store.finish(plan, run);

        update("minutes = 1", "pid IN (10, 11)"); // two of them leave before the next run
        List<ChangeRow> next = run(plan, false, Set.of());
        assertThat(next)
                .extracting(r -> r.learnerKey() + ":" + r.op())
                .containsExactlyInAnyOrder("10:LEFT", "11:LEFT", "12:CHANGED");
        assertThat(of(next, "10").previousKey()).isEqualTo("p10@x.test");
        assertThat(of(next, "12").allFields())
                .as("held, uncertain: sent in full")
                .isTrue();
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void aBatchNeitherConfirmedNorUncertainInALiveRunKeepsItsOldState() throws Exception {
        run(plan, false, Set.of());
        update("minutes = 8", "pid = 10");
        long run = start(plan, false);
        List<ChangeRow> rows = rows(plan);
        store.sending(plan, run, rows.get(0).seq(), rows.get(0).seq(), List.of());
        store.finish(plan, run); // refused at the first attempt: certainly not applied
        update("minutes = 0", "pid = 10");
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void changingTheDefinitionResendsAllFieldsAndFullResyncResendsEveryone() {
        run(plan, false, Set.of());
        SyncPlan renamed = SyncPlan.of(definition("minutes_total"), "pid");
        long run = ++runs;
        store.recover(renamed, run);
        DiffCounts counts = store.diff(renamed, run, compiler, rule, AS_OF, false);
        assertThat(counts.changed()).isEqualTo(50);
        assertThat(counts.changedByValues()).isZero();
        List<ChangeRow> rows = rows(renamed);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.allFields()).isTrue();
            assertThat(r.changed()).containsExactly(true, false); // only the renamed field's salt changed
        });
        store.confirm(renamed, run, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), List.of());
        store.finish(renamed, run);

        List<ChangeRow> full = run(renamed, true, Set.of());
        assertThat(full).hasSize(50).allSatisfy(r -> {
            assertThat(r.op()).isEqualTo(UNCHANGED);
            assertThat(r.allFields()).isTrue();
        });
        assertThat(run(renamed, false, Set.of())).isEmpty();
    }

    @Test
    void discardFoldsWhatWasConfirmedAndDropForgetsTheStateGeneration() {
        long run = start(plan, false);
        store.confirm(plan, run, 1, 10, List.of());
        store.discard(plan, run);
        assertThat(stateRows("s1")).isEqualTo(10);

        store.drop("s1");
        assertThat(run(plan, false, Set.of()))
                .as("a new generation starts empty")
                .hasSize(50);
    }

    /**
     * Fencing: a replica that lost its lease while another one took the sync over cannot write or fold over the new
     * owner's run; what it journaled before the takeover is folded by the new owner (its journaled window without
     * durable confirmations as uncertain). Inside that window it learns of the takeover at its next write.
     */
    @Test
    void aRunThatLostTheSyncCannotWriteOrFoldOverTheNewOwner() {
        long stale = start(plan, false);
        List<ChangeRow> rows = rows(plan);
        int first = firstWindow(2);
        int second = 2 * first;
        sendAndConfirm(stale, rows, 0, first + 2, 2); // the second window is journaled with the first's confirmations
        StateStore staleStore = store;

        store = newStore(); // another replica takes over
        long owner = start(plan, false);
        List<ChangeRow> ownRows = rows(plan);
        assertThat(ownRows).as("the stale run's confirmed window was folded").hasSize(50 - first);

        staleStore.sending(
                plan, stale, rows.get(first + 2).seq(), rows.get(first + 3).seq(), List.of()); // no write
        assertThatExceptionOfType(StateFencedException.class)
                .isThrownBy(() -> staleStore.sending(
                        plan,
                        stale,
                        rows.get(first + second).seq(),
                        rows.get(first + second + 1).seq(),
                        List.of()));
        staleStore.confirm(plan, stale, 1, 50, List.of()); // recorded; its write (here at finish) is fenced
        assertThatExceptionOfType(StateFencedException.class).isThrownBy(() -> staleStore.finish(plan, stale));
        assertThat(stateRows("s1"))
                .as("the first window confirmed, the second uncertain")
                .isEqualTo(first + second);

        store.sending(
                plan,
                owner,
                ownRows.get(0).seq(),
                ownRows.get(ownRows.size() - 1).seq(),
                List.of());
        store.confirm(
                plan,
                owner,
                ownRows.get(0).seq(),
                ownRows.get(ownRows.size() - 1).seq(),
                List.of());
        store.finish(plan, owner);
        assertThat(stateRows("s1")).isEqualTo(50);
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    /**
     * The values sent are those read at load time, and the state records what was sent: a member changed again
     * between the diff and the load is sent with its latest values (two passes), or with the diff's (one statement),
     * and the next run agrees with what the destination holds either way.
     */
    @Test
    void valuesChangedBetweenDiffAndLoadAreSentAsReadAndTheStateRecordsThem() throws Exception {
        run(plan, false, Set.of());
        update("minutes = 9", "pid = 5");
        long run = start(plan, false);
        update("minutes = 8", "pid = 5"); // the warehouse moves on before the values are read
        store.load(plan, run);
        List<ChangeRow> rows = rows(plan);
        long sent = readsValuesAtLoad() ? 8 : 9;
        assertThat(rows).extracting(r -> r.learnerKey() + ":" + r.op()).containsExactly("5:CHANGED");
        assertThat(((Number) rows.get(0).values().get(0)).longValue()).isEqualTo(sent);
        assertThat(rows.get(0).changed()).containsExactly(true, false);
        store.sending(plan, run, rows.get(0).seq(), rows.get(0).seq(), List.of());
        store.confirm(plan, run, rows.get(0).seq(), rows.get(0).seq(), List.of());
        store.finish(plan, run);

        List<ChangeRow> next = run(plan, false, Set.of());
        if (sent == 8) {
            assertThat(next).as("the state holds the 8 that was sent").isEmpty();
        } else {
            assertThat(next).extracting(r -> r.learnerKey() + ":" + r.op()).containsExactly("5:CHANGED");
            assertThat(((Number) next.get(0).values().get(0)).longValue()).isEqualTo(8L);
        }
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    /**
     * A member whose learner is deleted between the diff and the load is never sent with empty values (two passes:
     * not sent at all, its state stays and the next run tells the destination it left; one statement: sent with the
     * diff's values, then left).
     */
    @Test
    void aMemberWhoseLearnerVanishedBetweenDiffAndLoadIsNotSentEmptyAndIsFoundAgain() throws Exception {
        run(plan, false, Set.of());
        update("minutes = 8", "pid = 10"); // entering
        update("minutes = 9", "pid = 5"); // changing
        long run = start(plan, false);
        delete("pid IN (5, 10)");
        store.load(plan, run);
        List<ChangeRow> rows = rows(plan);
        if (readsValuesAtLoad()) {
            assertThat(rows).isEmpty();
        } else {
            assertThat(rows)
                    .extracting(r -> r.learnerKey() + ":" + r.op())
                    .containsExactlyInAnyOrder("5:CHANGED", "10:ENTERED");
            assertThat(rows).allSatisfy(r -> assertThat(r.values()).doesNotContainNull());
            store.sending(plan, run, rows.get(0).seq(), rows.get(1).seq(), List.of());
            store.confirm(plan, run, rows.get(0).seq(), rows.get(1).seq(), List.of());
        }
        store.finish(plan, run);

        List<ChangeRow> next = run(plan, false, Set.of());
        assertThat(next)
                .extracting(r -> r.learnerKey() + ":" + r.op())
                .containsExactlyInAnyOrderElementsOf(
                        readsValuesAtLoad() ? List.of("5:LEFT") : List.of("5:LEFT", "10:LEFT"));
        assertThat(of(next, "5").previousKey()).isEqualTo("p5@x.test");
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void aRerunWithNoChangeLoadsNoRows() {
        run(plan, false, Set.of());
        long run = ++runs;
        store.recover(plan, run);
        assertThat(store.diff(plan, run, compiler, rule, AS_OF, false)).isEqualTo(new DiffCounts(50, 0, 0, 0, 0, 0));
        store.load(plan, run);
        store.load(plan, run); // a second call does nothing
        assertThat(rows(plan)).isEmpty();
        store.finish(plan, run);
        assertThat(stateRows("s1")).isEqualTo(50);
    }

    @Test
    void loadNeedsTheDiffOfTheSameRun() {
        long run = start(plan, false);
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> store.load(plan, run + 1));
        assertThatExceptionOfType(IllegalStateException.class)
                .isThrownBy(() -> newStore().load(plan, run));
        store.load(plan, run);
        assertThat(rows(plan)).hasSize(50);
    }

    /**
     * Upgrading keeps the state's meaning: a state table written by the one-statement diff (resources
     * {@code state/main-state.<warehouse>.csv}, the state after one run of this plan on main at 1e07511) diffs with no
     * change, so nothing is sent again.
     */
    @Test
    void aStateWrittenBeforeTheTwoPassDiffDiffsWithoutChanges() throws Exception {
        long run = ++runs;
        store.recover(plan, run); // creates the state table
        String resource = "/state/main-state." + warehouseName() + ".csv";
        StringBuilder values = new StringBuilder();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(getClass().getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(",");
                values.append(values.length() == 0 ? "" : ", ")
                        .append("('" + f[0] + "', '" + f[1] + "', " + f[2] + ", [" + f[3].replace(' ', ',') + "], "
                                + f[4] + ")");
            }
        }
        execute("INSERT INTO masync_state.state__s1 (k, dk, h, fh, fp) VALUES " + values);
        assertThat(stateRows("s1")).isEqualTo(50);
        assertThat(store.diff(plan, run, compiler, rule, AS_OF, false)).isEqualTo(new DiffCounts(50, 0, 0, 0, 0, 0));
        assertThat(rows(plan)).isEmpty();
        store.finish(plan, run);
    }

    /**
     * Fencing of the fold: a run that lost the sync folds its journal late (its owner check came before the takeover,
     * or it skipped it), after the new owner folded it, diffed anew and confirmed rows of its own. Nothing of the new
     * run is changed: the fold is refused as a whole.
     */
    @Test
    void aStaleRunFoldingAfterTheNewOwnerClaimedChangesNothingOfTheNewRun() {
        long stale = start(plan, false);
        List<ChangeRow> rows = rows(plan);
        int first = firstWindow(2);
        sendAndConfirm(stale, rows, 0, first + 2, 2); // the first window's confirmations are journaled
        JournaledStateStore staleStore = (JournaledStateStore) store;

        store = newStore();
        long owner = start(plan, false); // folds the stale run's journal, diffs anew
        List<ChangeRow> ownRows = rows(plan);
        assertThat(ownRows).hasSize(50 - first);
        sendAndConfirm(owner, ownRows, 0, ownRows.size(), 2);
        staleFold(staleStore, "s1", stale);
        assertThat(stateRows("s1"))
                .as("the stale run's window, folded by the new owner")
                .isEqualTo(first + 2 * first);

        store.finish(plan, owner);
        assertThat(stateRows("s1")).isEqualTo(50);
        assertThat(run(plan, false, Set.of()))
                .as("the new run's confirmations are all there")
                .isEmpty();
    }

    /** Folds {@code stale}'s journal with {@code staleStore} as that run would at finish, and expects it refused. */
    void staleFold(JournaledStateStore staleStore, String key, long stale) {
        assertThatExceptionOfType(StateFencedException.class)
                .isThrownBy(() -> staleStore.fold(key, stale, stale, false));
    }

    /** Batches (in batches of 2 rows) at which {@link #aCrashAnywhereInAWindowedRunConvergesWithoutALostUpdate} dies. */
    int[] crashBatches() {
        return new int[] {0, 1, 3, 4, 5, 11, 12, 13, 20, 27, 28, 29};
    }

    /**
     * Kills a run of 30 batches of 2 rows at every point around its window writes (before a batch's sending, after it
     * but before the push, after the destination applied the batch, after its confirmation was recorded), moves a
     * third of the learners back to their old values, and runs again: the destination (a model that applies what was
     * sent) ends up holding exactly the members with their current values, and the run after that finds nothing.
     */
    @Test
    void aCrashAnywhereInAWindowedRunConvergesWithoutALostUpdate() throws Exception {
        for (int crash : crashBatches()) {
            for (int phase = 0; phase < 4; phase++) {
                String at = "crash at batch " + crash + ", phase " + phase;
                store.drop("s1");
                update("minutes = pid % 10", "TRUE");
                store = newStore();
                java.util.Map<String, Object> destination = new java.util.HashMap<>();
                apply(destination, run(plan, false, Set.of()));
                update("minutes = (pid + 1) % 10", "TRUE"); // 10 enter, 10 leave, 40 change

                long run = start(plan, false);
                List<ChangeRow> rows = rows(plan);
                assertThat(rows).as(at).hasSize(60);
                for (int b = 0; b <= crash; b++) {
                    List<ChangeRow> batch = rows.subList(2 * b, 2 * b + 2);
                    long lo = batch.get(0).seq();
                    long hi = batch.get(1).seq();
                    if (b == crash && phase == 0) {
                        break;
                    }
                    store.sending(plan, run, lo, hi, List.of());
                    if (b == crash && phase == 1) {
                        break;
                    }
                    apply(destination, batch);
                    if (b == crash && phase == 2) {
                        break;
                    }
                    store.confirm(plan, run, lo, hi, List.of());
                }
                // SIGKILL; meanwhile a third of the learners go back to their old values
                update("minutes = pid % 10", "pid % 3 = 0");
                store = newStore();
                apply(destination, run(plan, false, Set.of()));

                java.util.Map<String, Object> expected = new java.util.HashMap<>();
                for (int pid = 0; pid < 100; pid++) {
                    int minutes = (pid % 3 == 0 ? pid : pid + 1) % 10;
                    if (minutes >= 5) {
                        expected.put("p" + pid + "@x.test", (long) minutes);
                    }
                }
                assertThat(destination).as(at).isEqualTo(expected);
                assertThat(run(plan, false, Set.of())).as(at).isEmpty();
            }
        }
    }

    /** What a destination does with rows it receives: keeps each member's minutes by destination key. */
    static void apply(java.util.Map<String, Object> destination, List<ChangeRow> rows) {
        for (ChangeRow r : rows) {
            if (r.op() == LEFT) {
                destination.remove(r.previousKey());
            } else if (r.allFields() || r.changed()[0]) {
                destination.put(r.destinationKey(), ((Number) r.values().get(0)).longValue());
            } else {
                assertThat(destination).as("a change of other fields only").containsKey(r.destinationKey());
            }
        }
    }

    /** A whole run over the listed learners only, sending everything in one batch and confirming it. */
    List<ChangeRow> runScoped(Set<String> keys) {
        long run = ++runs;
        store.recover(plan, run);
        store.diff(plan, run, compiler, rule, AS_OF, false, LearnerScope.only(keys));
        List<ChangeRow> rows = rows(plan);
        if (!rows.isEmpty()) {
            store.sending(
                    plan, run, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), List.of());
            store.confirm(
                    plan, run, rows.get(0).seq(), rows.get(rows.size() - 1).seq(), List.of());
        }
        store.finish(plan, run);
        return rows;
    }

    @Test
    void aScopedDiffFindsTheChangesOfTheListedLearnersOnlyAndLeavesTheOthersForTheNextFullRun() throws Exception {
        run(plan, false, Set.of());
        update("minutes = 7", "pid IN (5, 15)"); // changed, one listed
        update("minutes = 1", "pid IN (6, 16)"); // left, one listed
        update("minutes = 9", "pid = 3"); // entered, listed
        // 8: a listed member with nothing new; 2: a listed learner neither held nor a member; "x": no such learner
        long run = ++runs;
        store.recover(plan, run);
        DiffCounts counts = store.diff(
                plan, run, compiler, rule, AS_OF, false, LearnerScope.only(Set.of("5", "6", "3", "8", "2", "x")));
        assertThat(counts.entered()).isEqualTo(1);
        assertThat(counts.changed()).isEqualTo(1);
        assertThat(counts.left()).isEqualTo(1);
        assertThat(counts.previous()).as("the whole state").isEqualTo(50);
        List<ChangeRow> rows = rows(plan);
        assertThat(ops(rows)).containsExactlyInAnyOrder("5:CHANGED", "6:LEFT", "3:ENTERED");
        assertThat(of(rows, "3").allFields()).isTrue();
        store.sending(plan, run, rows.get(0).seq(), rows.get(2).seq(), List.of());
        store.confirm(plan, run, rows.get(0).seq(), rows.get(2).seq(), List.of());
        store.finish(plan, run);
        // the unlisted changes are still there for the next full run, the listed ones are not
        assertThat(ops(run(plan, false, Set.of()))).containsExactlyInAnyOrder("15:CHANGED", "16:LEFT");
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void aScopedDiffStillSeesAnIdentitySharedWithAnUnlistedMember() throws Exception {
        run(plan, false, Set.of());
        update("mail = 'p9@x.test'", "pid = 8"); // 8 now shares 9's identity; only 8 is listed
        assertThat(ops(runScoped(Set.of("8")))).containsExactly("8:IDENTITY_DUPLICATE");
        update("mail = 'p8@x.test'", "pid = 8");
        assertThat(runScoped(Set.of("8"))).isEmpty();
    }

    @Test
    void forgottenLearnersAreSentInFullByTheNextDiffAndTheOthersStayHeld() {
        run(plan, false, Set.of());
        long run = ++runs;
        store.recover(plan, run);
        store.forget(plan, run, Set.of("5", "2", "x")); // 2 and x are not held: nothing to forget
        store.finish(plan, run);
        List<ChangeRow> rows = runScoped(Set.of("5", "6"));
        assertThat(ops(rows)).containsExactly("5:ENTERED");
        assertThat(rows.get(0).allFields()).isTrue();
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void onlyTheRunOwningTheStateForgets() {
        run(plan, false, Set.of());
        long stale = ++runs;
        store.recover(plan, stale);
        StateStore other = newStore();
        long owner = ++runs;
        other.recover(plan, owner);
        assertThatExceptionOfType(StateFencedException.class).isThrownBy(() -> store.forget(plan, stale, Set.of("5")));
        other.finish(plan, owner);
        assertThat(run(plan, false, Set.of())).isEmpty();
    }

    @Test
    void learnersAreFoundByTheirIdentityInTheWarehouseAndByTheDestinationKeyTheStateHolds() throws Exception {
        run(plan, false, Set.of());
        update("mail = 'new5@x.test'", "pid = 5"); // the state still holds p5@x.test for 5
        java.util.Map<String, Set<String>> found =
                store.learnersOf(plan, compiler, Set.of("p5@x.test", "new5@x.test", "p2@x.test", "nobody@x.test"));
        assertThat(found)
                .containsOnlyKeys("p5@x.test", "new5@x.test", "p2@x.test")
                .containsEntry("p5@x.test", Set.of("5"))
                .containsEntry("new5@x.test", Set.of("5"))
                .containsEntry("p2@x.test", Set.of("2")); // not a member, but a learner
    }

    @Test
    void learnersAreFoundByTheirIdentityWithoutRegardToCaseUnderTheKeysAskedFor() throws Exception {
        run(plan, false, Set.of());
        update("mail = 'Mixed6@X.test'", "pid = 6"); // the state still holds p6@x.test for 6
        java.util.Map<String, Set<String>> found =
                store.learnersOf(plan, compiler, Set.of("P5@X.TEST", "mixed6@x.test", "p6@X.Test", "NOBODY@x.test"));
        assertThat(found)
                .containsOnlyKeys("P5@X.TEST", "mixed6@x.test", "p6@X.Test")
                .containsEntry("P5@X.TEST", Set.of("5")) // warehouse and state
                .containsEntry("mixed6@x.test", Set.of("6")) // the warehouse now
                .containsEntry("p6@X.Test", Set.of("6")); // the state
        assertThat(store.learnersOf(plan, compiler, Set.of("p5@x.test", "P5@x.test")))
                .as("each spelling asked for is answered")
                .containsOnly(
                        java.util.Map.entry("p5@x.test", Set.of("5")), java.util.Map.entry("P5@x.test", Set.of("5")));
    }
}
