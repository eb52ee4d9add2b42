package dev.masync.sync.state;

import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseException;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The protocol of {@link StateStore} over a warehouse and a {@link ConfirmationJournal}, shared by every store: the
 * statements come from {@link StateSql}; a store only names its tables and says where the rows a fold reads live.
 *
 * <p>The diff is two passes unless the store says otherwise ({@link #valuesInDiff}): {@link #diff} writes the changed
 * keys (the members' hashes FULL OUTER JOIN the state, carrying no values), {@link #load} the values of those keys
 * only, so a run that changed little reads little more than the segment's scan.
 *
 * <p>The engine writes only journal entries (a range and its exclusions, no warehouse scan), and not one per batch:
 * {@link #sending} journals a <em>window</em> of rows ahead of the batch (see {@link #FIRST_WINDOW_BATCHES}) together
 * with the confirmations and uncertain entries recorded since the last write, and the batches inside that window
 * write nothing. The run's entries are folded into the state once, at {@link #finish} or, after a crash, at the next
 * {@link #recover}: a statement for the uncertain rows, then one for the confirmed ones (MERGEs into the state on
 * DuckDB, INSERTs into the state log on BigQuery), only while the folding run owns the state ({@link #commitFold}).
 * The journal is cleared only after both succeeded, and repeating them changes nothing, so a crash at any step is
 * repaired by doing it again.
 */
abstract class JournaledStateStore implements StateStore {
    private static final Logger LOG = Logger.getLogger(JournaledStateStore.class);

    final Warehouse warehouse;
    final StateSql sql;
    final ConfirmationJournal journal;
    private final long parameterBudget;

    /**
     * Batches the first sending window of a run covers (the batch being sent and the next three, counted in rows of
     * that batch); each later window covers twice as many batches as the one before, up to
     * {@link #MAX_WINDOW_BATCHES} and {@link #MAX_WINDOW_ROWS}. A run of {@code n} batches thus costs about
     * {@code log2} of the first windows plus {@code n / 64} durable writes instead of {@code n}, and a crash makes at
     * most one window (at most 10,000 rows, or one batch if it is larger) uncertain beyond the batch in flight.
     */
    static final int FIRST_WINDOW_BATCHES = 4;

    /** The most batches one sending window covers. */
    static final int MAX_WINDOW_BATCHES = 64;

    /** The most rows one sending window covers, unless one batch alone spans more. */
    static final long MAX_WINDOW_ROWS = 10_000;

    /** Confirmations and uncertain entries per state key, recorded but not written yet (see {@link #confirm}). */
    private final Map<String, List<ConfirmationJournal.Entry>> unwritten = new HashMap<>();

    /** The current diff per state key, until the pending rows are dropped. */
    private final Map<String, Diffed> diffs = new ConcurrentHashMap<>();

    private record Diffed(SyncPlan plan, long run, SegmentCompiler compiler, boolean loaded) {}

    /** Per state key, the sending window the current run journaled last. */
    private final Map<String, Window> windows = new HashMap<>();

    /** Rows {@code from..to} of {@code run} are journaled as being sent; the next window covers {@code next} batches. */
    private record Window(long run, long from, long to, int next) {
        boolean covers(long run, long fromSeq, long toSeq) {
            return this.run == run && from <= fromSeq && toSeq <= to;
        }
    }

    JournaledStateStore(Warehouse warehouse, ConfirmationJournal journal, long parameterBudget) {
        this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
        this.sql = new StateSql(warehouse.dialect());
        this.journal = Objects.requireNonNull(journal, "journal");
        this.parameterBudget = parameterBudget;
    }

    /** The qualified, quoted table of a kind ({@code state}, {@code pending}...) of a state key. */
    abstract String table(String kind, String stateKey);

    /** Checks a state key before it becomes part of table names. */
    abstract String key(String stateKey);

    /** Creates the state table (and whatever else the store needs) if missing. */
    void createTables(String key) {
        warehouse.execute(sql.createState(table("state", key)).build());
    }

    /** The table a fold reads the journal's rows from: seq, op, k, dk, old_dk, h, fh, fp. */
    String foldSource(String key) {
        return table("pending", key);
    }

    /**
     * The relation a diff reads the state from (k, dk, h, fh, fp, one row per learner): a table, or a parenthesized
     * subquery for stores that keep the state in another shape.
     */
    String stateRelation(String key) {
        return table("state", key);
    }

    /** The learner keys of {@link #stateRelation} (a relation with a column {@code k}), for counting them. */
    String stateKeys(String key) {
        return stateRelation(key);
    }

    /** The table a fold of {@code run}'s journal reads; {@link #foldSource(String)} unless a store keeps it per run. */
    String foldSource(String key, long run) {
        return foldSource(key);
    }

    /**
     * Whether {@link #diff} writes the pending rows with their values in one statement (then {@link #load} has
     * nothing left to do): for warehouses that bill the bytes read, where a second pass would read the mapped columns
     * again. Otherwise the diff writes the changed keys only and {@link #load} reads their values.
     */
    boolean valuesInDiff() {
        return false;
    }

    /** Whether a plain scan of the pending table returns its rows in the order they were written (no ORDER BY). */
    boolean scanOrdered() {
        return false;
    }

    /** Called after the pending table (with values) was written. */
    void afterLoad(String key) {}

    /** Drops the pending table and the diff's keys (and whatever the store keeps beside them). */
    void dropPending(String key) {
        diffs.remove(key);
        for (String kind : valuesInDiff() ? List.of("pending") : List.of("pending", "keys")) {
            warehouse.execute(sql.sql()
                    .sql(sql.dialect().dropTableIfExists(table(kind, key)))
                    .build());
        }
    }

    @Override
    public void recover(SyncPlan plan, long run) {
        String key = key(plan.stateKey());
        createTables(key);
        forgetWindow(key);
        long previous = journal.claim(key, run);
        if (previous != run) {
            fold(key, run, previous, true);
        }
    }

    @Override
    public DiffCounts diff(
            SyncPlan plan,
            long run,
            SegmentCompiler compiler,
            Rule rule,
            Instant asOf,
            boolean fullResync,
            LearnerScope scope) {
        String key = key(plan.stateKey());
        owned(key, run);
        if (!journal.entries(key).isEmpty()) {
            // the journal refers to the pending rows by number; replacing them would fold the wrong rows
            throw new IllegalStateException("sync " + key + " has journal entries that are not folded into its state"
                    + " yet; call recover() before diff()");
        }
        String state = stateRelation(key);
        String written;
        diffs.remove(key);
        if (valuesInDiff()) {
            written = table("pending", key);
            warehouse.execute(sql.diff(plan, state, written, compiler, rule, asOf, fullResync, scope)
                    .build());
            afterLoad(key);
            diffs.put(key, new Diffed(plan, run, compiler, true));
        } else {
            written = table("keys", key);
            warehouse.execute(sql.diffKeys(plan, state, written, compiler, rule, asOf, fullResync, scope)
                    .build());
            diffs.put(key, new Diffed(plan, run, compiler, false));
        }
        DiffCounts[] counts = new DiffCounts[1];
        warehouse.query(sql.counts(stateKeys(key), written).build(), row -> {
            counts[0] = StateSql.counts(row);
            return true;
        });
        return counts[0];
    }

    @Override
    public Map<String, java.util.Set<String>> learnersOf(
            SyncPlan plan, SegmentCompiler compiler, Collection<String> destinationKeys) {
        String key = key(plan.stateKey());
        Map<String, java.util.Set<String>> out = new HashMap<>();
        if (destinationKeys.isEmpty()) {
            return out;
        }
        createTables(key);
        // the keys asked for, by their lower case: a row answers each key that differs from it in case only
        Map<String, java.util.Set<String>> asked = new HashMap<>();
        for (String dk : destinationKeys) {
            asked.computeIfAbsent(dk.toLowerCase(java.util.Locale.ROOT), x -> new java.util.TreeSet<>())
                    .add(dk);
        }
        warehouse.query(
                sql.learnersOf(plan, stateRelation(key), compiler, destinationKeys)
                        .build(),
                row -> {
                    String k = (String) row.values().get(0);
                    String dk = (String) row.values().get(1);
                    if (k != null && dk != null) {
                        for (String value :
                                asked.getOrDefault(dk.toLowerCase(java.util.Locale.ROOT), java.util.Set.of())) {
                            out.computeIfAbsent(value, x -> new java.util.TreeSet<>())
                                    .add(k);
                        }
                    }
                    return true;
                });
        return out;
    }

    @Override
    public void forget(SyncPlan plan, long run, Collection<String> learnerKeys) {
        String key = key(plan.stateKey());
        if (learnerKeys.isEmpty()) {
            return;
        }
        if (!journal.entries(key).isEmpty()) {
            throw new IllegalStateException("sync " + key + " has journal entries that are not folded into its state"
                    + " yet; call recover() before forget()");
        }
        forgetStatement(key, run, LearnerScope.only(learnerKeys));
    }

    /**
     * Forgets the scope's learners while {@code run} owns the key. This default checks the owner, then deletes from
     * the state table; a store whose owners live beside its state makes the statement itself conditional.
     */
    void forgetStatement(String key, long run, LearnerScope scope) {
        owned(key, run);
        warehouse.execute(sql.forget(table("state", key), scope, null).build());
    }

    /**
     * Reads the values of the changed keys the diff found (only theirs, without evaluating the segment again), with
     * their hashes, into the pending table; a no-op if the store wrote them with the diff or they are loaded already.
     */
    @Override
    public void load(SyncPlan plan, long run) {
        String key = key(plan.stateKey());
        Diffed d = diffs.get(key);
        if (d == null || d.run() != run) {
            throw new IllegalStateException(
                    "sync " + key + ": run " + run + " has no diff to load; call diff() before load()");
        }
        if (d.loaded()) {
            return;
        }
        owned(key, run);
        warehouse.execute(sql.load(d.plan(), table("keys", key), table("pending", key), d.compiler())
                .build());
        afterLoad(key);
        diffs.put(key, new Diffed(d.plan(), run, d.compiler(), true));
    }

    /** Loads the pending rows of the key's diff if {@link #load} was not called (before they are read or folded). */
    void loaded(String key) {
        Diffed d = diffs.get(key);
        if (d != null && !d.loaded()) {
            load(d.plan(), d.run());
        }
    }

    /**
     * Loads the diff's values if {@link #load} was not called. The rows must come in increasing seq (the journal
     * refers to them by range): a row whose seq does not exceed the previous one's fails the stream.
     */
    @Override
    public long stream(SyncPlan plan, Predicate<ChangeRow> consumer) {
        int n = plan.fields().size();
        String key = key(plan.stateKey());
        loaded(key);
        long[] last = {Long.MIN_VALUE};
        return warehouse.query(
                sql.stream(plan, table("pending", key), scanOrdered()).build(), row -> {
                    ChangeRow r = StateSql.decode(row, n);
                    if (r.seq() <= last[0]) {
                        throw new IllegalStateException(
                                "sync " + key + ": the pending rows came out of order (seq " + r.seq() + " after "
                                        + last[0] + "); batches are seq ranges, so the stream stops here");
                    }
                    last[0] = r.seq();
                    return consumer.test(r);
                });
    }

    /**
     * Writes only when the batch is not inside the window this run journaled last: then one {@link #write} journals
     * a sending entry for a new window (the batch and a lookahead of rows after it, growing from run to window: see
     * {@link #FIRST_WINDOW_BATCHES}) together with the confirmations and uncertain entries recorded since the last
     * write. A batch inside the window writes nothing: its rows are already journaled as being sent.
     *
     * <p>{@code notSent} is journaled only with the batch that opens a window. A later batch of the window whose
     * learners were not sent (skipped, no destination key) does not force a write: its rows are treated as sent,
     * which only matters after a crash, and is conservative there. Such a learner becomes uncertain: if held, it gets
     * the sentinel hash and the next diff finds it again (and skips or rejects it again, as it would have anyway); if
     * not held and without a destination key, nothing is added. The saved write is worth more than that.
     *
     * <p>Rows of a window that were never sent when the process died are harmless for the same reason: uncertain, a
     * member not held is added with the sentinel and sent in full by the next run, a held one is sent in full, and a
     * leaver is told to leave again.
     */
    @Override
    public void sending(SyncPlan plan, long run, long fromSeq, long toSeq, Collection<String> notSent) {
        String key = key(plan.stateKey());
        Window last;
        synchronized (windows) {
            last = windows.get(key);
        }
        if (last != null && last.covers(run, fromSeq, toSeq)) {
            return;
        }
        int batches = last != null && last.run() == run ? last.next() : FIRST_WINDOW_BATCHES;
        long span = Math.max(1, toSeq - fromSeq + 1);
        long rows = Math.max(span, Math.min(MAX_WINDOW_ROWS, span * batches));
        long end = Math.max(toSeq, fromSeq + rows - 1);
        List<ConfirmationJournal.Entry> entries = takeUnwritten(key);
        List<ConfirmationJournal.Entry> carried = List.copyOf(entries);
        entries.add(new ConfirmationJournal.Entry(
                run, ConfirmationJournal.Kind.SENDING, fromSeq, end, List.copyOf(notSent)));
        try {
            write(key, run, entries);
        } catch (RuntimeException e) {
            // not written: finish must still write the confirmations, or a batch the destination applied would be
            // folded as never sent
            synchronized (unwritten) {
                unwritten.computeIfAbsent(key, k -> new ArrayList<>()).addAll(0, carried);
            }
            throw e;
        }
        synchronized (windows) {
            windows.put(key, new Window(run, fromSeq, end, Math.min(MAX_WINDOW_BATCHES, 2 * batches)));
        }
    }

    /**
     * Not written at once: the entry waits for the next write ({@link #sending} opening a window, or {@link #finish}),
     * which carries it in the same durable step as its own. If the process dies before, the batch's rows are in a
     * journaled window without a durable confirmation and the next {@link #recover} makes them uncertain, i.e. sends
     * them again in full: at least once, never lost. A fenced run learns it at that next write.
     */
    @Override
    public void confirm(SyncPlan plan, long run, long fromSeq, long toSeq, Collection<String> notConfirmed) {
        later(key(plan.stateKey()), run, ConfirmationJournal.Kind.CONFIRMED, fromSeq, toSeq, notConfirmed);
    }

    /** Written with the next {@link #sending} or at {@link #finish} like {@link #confirm}, with the same outcome. */
    @Override
    public void uncertain(SyncPlan plan, long run, long fromSeq, long toSeq, Collection<String> notSent) {
        later(key(plan.stateKey()), run, ConfirmationJournal.Kind.UNCERTAIN, fromSeq, toSeq, notSent);
    }

    @Override
    public void finish(SyncPlan plan, long run) {
        String key = key(plan.stateKey());
        forgetWindow(key);
        List<ConfirmationJournal.Entry> entries = takeUnwritten(key);
        if (entries.isEmpty()) {
            owned(key, run);
        } else {
            write(key, run, entries); // fenced like an append
        }
        fold(key, run, run, false);
        dropPending(key);
    }

    /**
     * Appends entries of {@code run} to the journal in order ({@link ConfirmationJournal#append(String, long, List)}:
     * one transaction where the journal can); the last one is a sending entry or a confirmation. Stores that write
     * more in the same transaction override this.
     *
     * @throws StateFencedException when {@code run} does not own the key
     */
    void write(String key, long run, List<ConfirmationJournal.Entry> entries) {
        journal.append(key, run, entries);
    }

    private void forgetWindow(String key) {
        synchronized (windows) {
            windows.remove(key);
        }
    }

    private void later(
            String key,
            long run,
            ConfirmationJournal.Kind kind,
            long fromSeq,
            long toSeq,
            Collection<String> excluded) {
        synchronized (unwritten) {
            unwritten
                    .computeIfAbsent(key, k -> new ArrayList<>())
                    .add(new ConfirmationJournal.Entry(run, kind, fromSeq, toSeq, List.copyOf(excluded)));
        }
    }

    /** The key's unwritten entries, adjacent ones of the same kind merged (see {@link #coalesce}). */
    private List<ConfirmationJournal.Entry> takeUnwritten(String key) {
        List<ConfirmationJournal.Entry> entries;
        synchronized (unwritten) {
            entries = unwritten.remove(key);
        }
        return entries == null ? new ArrayList<>() : coalesce(entries);
    }

    /**
     * Merges each run of consecutive outcome entries of one kind without exclusions whose ranges follow each other
     * without a gap into one entry, so that a window's confirmations are usually journaled as one entry. Entries
     * with exclusions stay as they are: an exclusion applies to its entry's range, and a long list of them is split
     * into fold statements by range ({@link ConfirmedRanges#split}), which needs the ranges narrow.
     */
    static List<ConfirmationJournal.Entry> coalesce(List<ConfirmationJournal.Entry> entries) {
        List<ConfirmationJournal.Entry> out = new ArrayList<>();
        for (ConfirmationJournal.Entry e : entries) {
            ConfirmationJournal.Entry last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null
                    && last.run() == e.run()
                    && last.kind() == e.kind()
                    && e.kind() != ConfirmationJournal.Kind.SENDING
                    && last.excluded().isEmpty()
                    && e.excluded().isEmpty()
                    && last.fromSeq() <= last.toSeq()
                    && e.fromSeq() <= e.toSeq()
                    && e.fromSeq() == last.toSeq() + 1) {
                out.set(
                        out.size() - 1,
                        new ConfirmationJournal.Entry(e.run(), e.kind(), last.fromSeq(), e.toSeq(), List.of()));
            } else {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public void discard(SyncPlan plan, long run) {
        finish(plan, run);
    }

    @Override
    public void drop(String stateKey) {
        String key = key(stateKey);
        takeUnwritten(key);
        forgetWindow(key);
        dropPending(key);
        warehouse.execute(sql.sql()
                .sql(sql.dialect().dropTableIfExists(table("state", key)))
                .build());
        journal.forget(key);
    }

    private void owned(String key, long run) {
        long owner = journal.owner(key);
        if (owner != run) {
            throw new StateFencedException(key, run, owner);
        }
    }

    /**
     * Folds the entries {@code run} journaled into the state, then clears the journal, while {@code owner} (the run
     * folding: {@code run} itself at {@link #finish}, its successor at {@link #recover}) owns the key; entries of
     * other runs (which fenced appends never write) are not folded. After a crash ({@code crashed}) every row of a
     * journaled sending window that no durable outcome (confirmation or uncertain entry) covers may or may not have
     * reached the destination (the batch in flight, the batches whose confirmations were still waiting for the next
     * write, rows of the window that were never sent): it is made uncertain like the rows the run itself reported
     * uncertain. Rows an outcome covers are settled by it, including learners a confirmation excludes (refused by the
     * destination: not applied). Uncertain rows are folded first, confirmed ones after.
     *
     * @throws StateFencedException when {@code owner} does not own the key (see {@link #commitFold})
     */
    void fold(String key, long owner, long run, boolean crashed) {
        List<ConfirmationJournal.Entry> all = journal.entries(key);
        if (all.isEmpty()) {
            return;
        }
        List<ConfirmationJournal.Entry> confirmed = new ArrayList<>();
        List<ConfirmationJournal.Entry> uncertain = new ArrayList<>();
        List<ConfirmationJournal.Entry> sent = new ArrayList<>();
        for (ConfirmationJournal.Entry e : all) {
            if (e.run() != run) {
                LOG.warnf(
                        "sync %s: a journal entry of run %d is not folded (run %d owns the state)", key, e.run(), run);
                continue;
            }
            switch (e.kind()) {
                case CONFIRMED -> confirmed.add(e);
                case UNCERTAIN -> uncertain.add(e);
                case SENDING -> sent.add(e);
            }
        }
        if (crashed) {
            List<ConfirmationJournal.Entry> outcomes = new ArrayList<>(confirmed);
            outcomes.addAll(uncertain);
            uncertain.addAll(unsettled(sent, outcomes));
        }
        uncertain.sort(Comparator.comparingLong(ConfirmationJournal.Entry::fromSeq));
        List<BoundQuery> statements = new ArrayList<>();
        for (ConfirmedRanges.Part part : ConfirmedRanges.split(ConfirmedRanges.of(uncertain), parameterBudget)) {
            statements.add(foldUncertain(key, owner, run, part).build());
        }
        for (ConfirmedRanges.Part part : ConfirmedRanges.split(ConfirmedRanges.of(confirmed), parameterBudget)) {
            statements.add(foldConfirmed(key, owner, run, part).build());
        }
        try {
            commitFold(key, owner, statements);
        } catch (WarehouseException e) {
            if (e.kind() != WarehouseException.Kind.NOT_FOUND) {
                throw e;
            }
            // The state table exists (recover creates it), so the table the fold reads is gone while the journal is
            // not: dropped by hand or by a default table expiration. The entries point at rows that no longer
            // exist, so there is nothing to fold; the records they confirmed keep their old state and the next diff
            // finds them again.
            LOG.warnf(
                    "sync %s: %d journal entries refer to a pending diff that no longer exists (%s); they are"
                            + " dropped and the next run sends those records again",
                    key, all.size(), e.getMessage());
            journal.clear(key, owner);
        }
        afterFold(key, run);
    }

    /**
     * Runs a fold's statements and clears the journal, only while {@code owner} owns the key. This default checks
     * the owner right before, then runs the statements one by one and clears the journal with a fenced
     * {@link ConfirmationJournal#clear(String, long)}: a takeover between the check and the last statement is not
     * seen by the statements (see {@link BigQueryStateStore} for why that window is harmless there). A store whose
     * journal lives beside its state overrides this with one transaction.
     *
     * @throws StateFencedException when {@code owner} does not own the key
     */
    void commitFold(String key, long owner, List<BoundQuery> statements) {
        owned(key, owner);
        for (BoundQuery statement : statements) {
            warehouse.execute(statement);
        }
        journal.clear(key, owner);
    }

    /** Called after a fold of {@code run}'s journal (the journal is cleared); a store may compact what it keeps. */
    void afterFold(String key, long run) {}

    /** The statement folding a part of the uncertain rows of {@code run}'s journal into the state. */
    SqlBuilder foldUncertain(String key, long owner, long run, ConfirmedRanges.Part part) {
        return sql.foldUncertain(table("state", key), foldSource(key, run), part, null);
    }

    /** The statement folding a part of the confirmed rows of {@code run}'s journal into the state. */
    SqlBuilder foldConfirmed(String key, long owner, long run, ConfirmedRanges.Part part) {
        return sql.foldConfirmed(table("state", key), foldSource(key, run), part, null);
    }

    /**
     * The parts of the sending entries that no outcome covers (by range, whatever the outcome excludes), each as an
     * uncertain entry with its sending entry's exclusions. Entries may overlap and come in any order.
     */
    static List<ConfirmationJournal.Entry> unsettled(
            List<ConfirmationJournal.Entry> sent, List<ConfirmationJournal.Entry> outcomes) {
        // the outcomes' ranges, merged: start -> end, disjoint and not adjacent
        TreeMap<Long, Long> settled = new TreeMap<>();
        List<ConfirmationJournal.Entry> byStart = new ArrayList<>(outcomes);
        byStart.sort(Comparator.comparingLong(ConfirmationJournal.Entry::fromSeq));
        for (ConfirmationJournal.Entry o : byStart) {
            if (o.fromSeq() > o.toSeq()) {
                continue;
            }
            Map.Entry<Long, Long> last = settled.lastEntry();
            if (last != null && o.fromSeq() <= last.getValue() + 1) {
                settled.put(last.getKey(), Math.max(last.getValue(), o.toSeq()));
            } else {
                settled.put(o.fromSeq(), o.toSeq());
            }
        }
        List<ConfirmationJournal.Entry> out = new ArrayList<>();
        for (ConfirmationJournal.Entry s : sent) {
            long at = s.fromSeq();
            Map.Entry<Long, Long> before = settled.floorEntry(at);
            if (before != null && before.getValue() >= at) {
                at = before.getValue() + 1;
            }
            for (Map.Entry<Long, Long> o : settled.tailMap(at, true).entrySet()) {
                if (at > s.toSeq() || o.getKey() > s.toSeq()) {
                    break;
                }
                out.add(new ConfirmationJournal.Entry(
                        s.run(), ConfirmationJournal.Kind.UNCERTAIN, at, o.getKey() - 1, s.excluded()));
                at = o.getValue() + 1;
            }
            if (at <= s.toSeq()) {
                out.add(new ConfirmationJournal.Entry(
                        s.run(), ConfirmationJournal.Kind.UNCERTAIN, at, s.toSeq(), s.excluded()));
            }
        }
        return out;
    }
}
