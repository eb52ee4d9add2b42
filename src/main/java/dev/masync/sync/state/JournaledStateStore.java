package dev.masync.sync.state;

import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;
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
 * <p>Per batch the engine writes only journal entries (a range and its exclusions, no warehouse scan); the run's
 * entries are folded into the state once, at {@link #finish} or, after a crash, at the next {@link #recover}: a MERGE
 * of the uncertain rows, then a MERGE of the confirmed ones. The journal is cleared only after both succeeded, and
 * repeating them changes nothing, so a crash at any step is repaired by doing it again.
 */
abstract class JournaledStateStore implements StateStore {
    private static final Logger LOG = Logger.getLogger(JournaledStateStore.class);

    final Warehouse warehouse;
    final StateSql sql;
    final ConfirmationJournal journal;
    private final long parameterBudget;

    /** Confirmations and uncertain entries per state key, recorded but not written yet (see {@link #confirm}). */
    private final Map<String, List<ConfirmationJournal.Entry>> unwritten = new HashMap<>();

    /** The current diff per state key, until the pending rows are dropped. */
    private final Map<String, Diffed> diffs = new ConcurrentHashMap<>();

    private record Diffed(SyncPlan plan, long run, SegmentCompiler compiler, boolean loaded) {}

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
        long previous = journal.claim(key, run);
        if (previous != run) {
            fold(key, previous, true);
        }
    }

    @Override
    public DiffCounts diff(
            SyncPlan plan, long run, SegmentCompiler compiler, Rule rule, Instant asOf, boolean fullResync) {
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
            warehouse.execute(sql.diff(plan, state, written, compiler, rule, asOf, fullResync)
                    .build());
            afterLoad(key);
            diffs.put(key, new Diffed(plan, run, compiler, true));
        } else {
            written = table("keys", key);
            warehouse.execute(sql.diffKeys(plan, state, written, compiler, rule, asOf, fullResync)
                    .build());
            diffs.put(key, new Diffed(plan, run, compiler, false));
        }
        DiffCounts[] counts = new DiffCounts[1];
        warehouse.query(sql.counts(state, written).build(), row -> {
            counts[0] = StateSql.counts(row);
            return true;
        });
        return counts[0];
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
     * Journals the batch's sending entry together with the confirmations and uncertain entries recorded since the
     * last write (see {@link #confirm}), in one {@link #write}.
     */
    @Override
    public void sending(SyncPlan plan, long run, long fromSeq, long toSeq, Collection<String> notSent) {
        String key = key(plan.stateKey());
        List<ConfirmationJournal.Entry> entries = takeUnwritten(key);
        List<ConfirmationJournal.Entry> carried = List.copyOf(entries);
        entries.add(new ConfirmationJournal.Entry(
                run, ConfirmationJournal.Kind.SENDING, fromSeq, toSeq, List.copyOf(notSent)));
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
    }

    /**
     * Not written at once: the entry waits for the next {@link #sending} or {@link #finish}, which write it in the
     * same durable step as their own (one write per batch instead of two). If the process dies before, the batch's
     * sending entry has no confirmation and the next {@link #recover} makes the batch uncertain, i.e. sends it again
     * in full: at least once, never lost. A fenced run learns it at that next write.
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
        List<ConfirmationJournal.Entry> entries = takeUnwritten(key);
        if (entries.isEmpty()) {
            owned(key, run);
        } else {
            write(key, run, entries); // fenced like an append
        }
        fold(key, run, false);
        dropPending(key);
    }

    /**
     * Appends entries of {@code run} to the journal in order, each durable before the next; the last one is a
     * sending entry or a confirmation. Stores that can do it in one transaction override this.
     *
     * @throws StateFencedException when {@code run} does not own the key
     */
    void write(String key, long run, List<ConfirmationJournal.Entry> entries) {
        for (ConfirmationJournal.Entry e : entries) {
            journal.append(key, run, e.kind(), e.fromSeq(), e.toSeq(), e.excluded());
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

    private List<ConfirmationJournal.Entry> takeUnwritten(String key) {
        synchronized (unwritten) {
            List<ConfirmationJournal.Entry> entries = unwritten.remove(key);
            return entries == null ? new ArrayList<>() : entries;
        }
    }

    @Override
    public void discard(SyncPlan plan, long run) {
        finish(plan, run);
    }

    @Override
    public void drop(String stateKey) {
        String key = key(stateKey);
        takeUnwritten(key);
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
     * Folds the entries {@code run} journaled into the state, then clears the journal; entries of other runs (which
     * fenced appends never write) are not folded. After a crash ({@code crashed}) every batch that was being pushed
     * and has neither a confirmation nor an uncertain entry (the one in flight, and the one before it if the crash
     * came before its confirmation was written) may or may not have reached the destination: its rows are made
     * uncertain like those the run itself reported uncertain.
     */
    void fold(String key, long run, boolean crashed) {
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
            // outcome ranges by start, the widest per start; the engine's ranges do not overlap
            TreeMap<Long, Long> outcomes = new TreeMap<>();
            for (List<ConfirmationJournal.Entry> list : List.of(confirmed, uncertain)) {
                for (ConfirmationJournal.Entry o : list) {
                    outcomes.merge(o.fromSeq(), o.toSeq(), Math::max);
                }
            }
            for (ConfirmationJournal.Entry s : sent) {
                Map.Entry<Long, Long> o = outcomes.floorEntry(s.fromSeq());
                if (o == null || o.getValue() < s.toSeq()) {
                    uncertain.add(s);
                }
            }
        }
        uncertain.sort(Comparator.comparingLong(ConfirmationJournal.Entry::fromSeq));
        try {
            for (ConfirmedRanges.Part part : ConfirmedRanges.split(ConfirmedRanges.of(uncertain), parameterBudget)) {
                warehouse.execute(sql.foldUncertain(table("state", key), foldSource(key), part)
                        .build());
            }
            for (ConfirmedRanges.Part part : ConfirmedRanges.split(ConfirmedRanges.of(confirmed), parameterBudget)) {
                warehouse.execute(foldConfirmed(key, part).build());
            }
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
        }
        journal.clear(key);
    }

    SqlBuilder foldConfirmed(String key, ConfirmedRanges.Part part) {
        return sql.foldConfirmed(table("state", key), foldSource(key), part);
    }
}
