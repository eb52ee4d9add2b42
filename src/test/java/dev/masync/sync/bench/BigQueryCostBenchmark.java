package dev.masync.sync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.gax.retrying.RetrySettings;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogReader;
import dev.masync.catalog.CatalogSpec;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.RuleParser;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.sync.SyncDefinition;
import dev.masync.sync.state.BigQueryStateStore;
import dev.masync.sync.state.ChangeRow;
import dev.masync.sync.state.DiffCounts;
import dev.masync.sync.state.InMemoryConfirmationJournal;
import dev.masync.sync.state.SyncPlan;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnInfo;
import dev.masync.warehouse.QueryCost;
import dev.masync.warehouse.QueryMeter;
import dev.masync.warehouse.RowConsumer;
import dev.masync.warehouse.SqlDialect;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.bigquery.BigQueryDialect;
import dev.masync.warehouse.bigquery.BigQuerySettings;
import dev.masync.warehouse.bigquery.BigQueryWarehouse;
import dev.masync.warehouse.bigquery.fake.BigQueryFakeServer;
import dev.masync.warehouse.bigquery.fake.FakeField;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a sync's runs bill on BigQuery, against the REST fake: the real {@link BigQueryWarehouse},
 * {@link BigQueryStateStore} and {@link SegmentCompiler}, every job's bytes processed and billed as its statistics
 * report them (through {@link QueryMeter}), per step and per statement, next to the bytes of evaluating the segment
 * once. Steps: the segment's count and members queries; a first push of the held records (batches of 100, each
 * journaled and confirmed); a run without changes; runs changing 200 members each until one compacts the state log.
 *
 * <pre>src/bench/bench-main.sh dev.masync.sync.bench.BigQueryCostBenchmark [learners=20000] [held=10000]</pre>
 *
 * The fake bills what a job reads of the columns it names (all of them for {@code *}), per table, without
 * BigQuery's minimum of 10 MB per table a billed query references; the column {@code billed ≥10MB} adds that floor
 * (an estimate: 10 MiB per table a statement reads, for a statement that read anything; DDL and empty reads bill 0). Deterministic: the data,
 * the statements and so their bytes do not depend on time or on chance.
 */
public final class BigQueryCostBenchmark {
    static final Instant AS_OF = Instant.parse("2026-11-02T00:00:00Z");
    static final int BATCH = 100;
    static final int CHANGES = 200;
    static final int MAX_INCREMENTAL_RUNS = 100;
    static final long FLOOR = 10L << 20;

    private static final RetrySettings FAST = RetrySettings.newBuilder()
            .setInitialRetryDelayDuration(Duration.ofMillis(1))
            .setRetryDelayMultiplier(1.0)
            .setMaxRetryDelayDuration(Duration.ofMillis(1))
            .setTotalTimeoutDuration(Duration.ofSeconds(30))
            .setMaxAttempts(3)
            .build();

    /** One metered warehouse call: the step and phase it belonged to, what it was, its cost. */
    record Call(String step, String phase, String what, int tables, QueryCost cost) {
        /** The bytes billed with BigQuery's minimum of 10 MB per table read, for a job that read anything. */
        long floored() {
            return cost.bytesProcessed() > 0
                    ? Math.max(FLOOR * Math.max(1, tables), cost.bytesBilled())
                    : cost.bytesBilled();
        }
    }

    private BigQueryCostBenchmark() {}

    public static void main(String[] args) throws Exception {
        int learners = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int held = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        if (held < CHANGES || held > learners) {
            throw new IllegalArgumentException("need " + CHANGES + " <= held <= learners");
        }
        try (BigQueryFakeServer fake = BigQueryFakeServer.start()) {
            load(fake, learners, held);
            new BigQueryCostBenchmark().run(fake, learners, held);
        }
    }

    /**
     * {@code src.learners}: a member ({@code weekly_minutes >= 60}) is chosen by {@code (id * 7919) % learners < held}
     * (a permutation when 7919 does not divide learners), so exactly {@code held} learners are members; {@code bio}
     * is a wide column no statement should read.
     */
    static void load(BigQueryFakeServer fake, int learners, int held) {
        fake.reset().execute("DROP SCHEMA IF EXISTS src CASCADE", "DROP SCHEMA IF EXISTS masync_state CASCADE");
        fake.createTable(
                "src",
                "learners",
                FakeField.of("learner_id", "INT64"),
                FakeField.of("email", "STRING"),
                FakeField.of("plan", "STRING"),
                FakeField.of("country", "STRING"),
                FakeField.of("weekly_minutes", "INT64"),
                FakeField.of("streak_days", "INT64"),
                FakeField.of("exam_date", "DATE"),
                FakeField.of("bio", "STRING"));
        fake.execute(("INSERT INTO src.learners SELECT range, 'learner' || range || '@example.test',"
                        + " CASE range %% 3 WHEN 0 THEN 'free' WHEN 1 THEN 'plus' ELSE 'premium' END,"
                        + " CASE range %% 4 WHEN 0 THEN 'JP' WHEN 1 THEN 'US' WHEN 2 THEN 'DE' ELSE 'BR' END,"
                        + " CASE WHEN (range * 7919) %% %1$d < %2$d THEN 60 + range %% 120 ELSE range %% 60 END,"
                        + " range %% 365, DATE '2026-12-01' + (range %% 90)::INTEGER,"
                        + " repeat('learns at night, prefers short lessons; ', 3) || range"
                        + " FROM range(%1$d)")
                .formatted(learners, held));
        fake.createDataset("masync_state");
    }

    private final List<Call> calls = new ArrayList<>();
    private String step = "";
    private String phase = "";
    private String stateKey = "";

    void run(BigQueryFakeServer fake, int learners, int held) throws Exception {
        BigQueryWarehouse bigQuery = new BigQueryWarehouse(new BigQuerySettings(
                "test-project", "src", null, fake.url(), null, true, 1000, Duration.ofMinutes(2), null, FAST, FAST));
        Warehouse warehouse = new Recording(bigQuery);
        Catalog catalog = new CatalogReader(
                        new CatalogSpec(
                                "learners", "learner_id", List.of(), Map.of(), Map.of(), 50, Duration.ofHours(1)),
                        Clock.systemUTC())
                .read(bigQuery);
        SegmentCompiler compiler =
                new SegmentCompiler(warehouse.dialect(), catalog, ZoneId.of("UTC"), key -> Optional.empty());
        Rule rule = RuleParser.parse(
                        new ObjectMapper().readTree("{\"attribute\":\"weekly_minutes\",\"op\":\"gte\",\"value\":60}"),
                        "")
                .rule();
        SyncDefinition definition = new SyncDefinition(
                "premium_crm",
                "premium_crm",
                "engaged",
                "crm",
                new SyncDefinition.Identity("email", "email"),
                List.of(
                        new SyncDefinition.FieldMapping("streak_days", "streak", SyncDefinition.Format.AUTO),
                        new SyncDefinition.FieldMapping("exam_date", "exam_date", SyncDefinition.Format.DATE),
                        new SyncDefinition.FieldMapping("plan", "plan", SyncDefinition.Format.AUTO)),
                Optional.empty(),
                SyncDefinition.Mode.MIRROR,
                Optional.empty(),
                false,
                SyncDefinition.Guard.DEFAULT,
                Optional.empty(),
                OptionalLong.empty());
        SyncPlan plan = SyncPlan.of(definition, "learner_id");
        stateKey = plan.stateKey();
        BigQueryStateStore store = new BigQueryStateStore(
                warehouse, new BigQueryDialect("test-project", "masync_state"), new InMemoryConfirmationJournal());

        step = "segment count";
        phase = "segment";
        long members = count(warehouse, compiler.count(rule, AS_OF));
        step = "segment members";
        warehouse.query(compiler.members(rule, AS_OF, plan.columns(), null, Integer.MAX_VALUE), r -> true);

        Map<String, DiffCounts> diffs = new LinkedHashMap<>();
        long runId = 0;
        diffs.put("first push", run(store, plan, compiler, rule, ++runId, "first push"));
        diffs.put("no change", run(store, plan, compiler, rule, ++runId, "no change"));
        String compacted = null;
        for (int i = 1; i <= MAX_INCREMENTAL_RUNS && compacted == null; i++) {
            change(fake, i, held);
            String name = "incremental " + i;
            diffs.put(name, run(store, plan, compiler, rule, ++runId, name));
            if (calls.stream().anyMatch(c -> c.step().equals(name) && c.what().startsWith("compact MERGE"))) {
                compacted = name;
            }
        }

        System.out.printf(
                Locale.ROOT,
                "BigQuery cost of a sync's runs (fake): %,d learners, %,d members (count query: %,d), %d changed per"
                        + " incremental run, batches of %d; bytes from job statistics%n%n",
                learners,
                held,
                members,
                CHANGES,
                BATCH);
        long segment = sum("segment members", null, false);
        printSummary(diffs, segment);
        System.out.println();
        List<String> detailed = new ArrayList<>(
                List.of("segment count", "segment members", "first push", "no change", "incremental 1"));
        if (compacted != null && !detailed.contains(compacted)) {
            detailed.add(compacted);
        }
        printStatements(detailed);
        System.out.println();
        System.out.println("after the last run (dry runs):");
        printColumns(warehouse);
        if (compacted == null) {
            System.out.printf("%nno compaction within %d incremental runs%n", MAX_INCREMENTAL_RUNS);
        }
    }

    /** One run as the engine drives it: recover, diff, load, stream, per batch sending and confirm, finish. */
    private DiffCounts run(
            BigQueryStateStore store, SyncPlan plan, SegmentCompiler compiler, Rule rule, long run, String name) {
        step = name;
        phase = "recover";
        store.recover(plan, run);
        phase = "diff";
        DiffCounts counts = store.diff(plan, run, compiler, rule, AS_OF, false);
        phase = "load";
        store.load(plan, run);
        phase = "stream";
        List<ChangeRow> rows = new ArrayList<>();
        store.stream(plan, rows::add);
        phase = "send";
        for (int i = 0; i < rows.size(); i += BATCH) {
            long from = rows.get(i).seq();
            long to = rows.get(Math.min(rows.size(), i + BATCH) - 1).seq();
            store.sending(plan, run, from, to, List.of());
            store.confirm(plan, run, from, to, List.of());
        }
        phase = "finish";
        store.finish(plan, run);
        return counts;
    }

    /** Changes the streak of the {@code run}-th 200 members (by key, wrapping around): 200 changed records. */
    private static void change(BigQueryFakeServer fake, int run, int held) {
        long offset = ((long) (run - 1) * CHANGES) % (held - held % CHANGES);
        fake.execute(("UPDATE src.learners SET streak_days = streak_days + 1 WHERE learner_id IN (SELECT learner_id"
                        + " FROM src.learners WHERE weekly_minutes >= 60 ORDER BY learner_id LIMIT %d OFFSET %d)")
                .formatted(CHANGES, offset));
    }

    private static long count(Warehouse warehouse, BoundQuery query) {
        long[] n = new long[1];
        warehouse.query(query, r -> {
            n[0] = ((Number) r.get(0)).longValue();
            return true;
        });
        return n[0];
    }

    private void printSummary(Map<String, DiffCounts> diffs, long segment) {
        String head = "%-16s %-22s %5s %12s %12s %12s %12s %12s %9s%n";
        String row = "%-16s %-22s %5d %,12d %,12d %,12d %,12d %,12d %8.2fx%n";
        System.out.printf(
                Locale.ROOT,
                head,
                "step",
                "diff (e/c/l)",
                "stmts",
                "processed",
                "billed",
                "fold",
                "compaction",
                "billed≥10MB",
                "÷segment");
        List<String> steps = new ArrayList<>(List.of("segment count", "segment members"));
        steps.addAll(diffs.keySet());
        for (String s : steps) {
            List<Call> of = calls.stream().filter(c -> c.step().equals(s)).toList();
            DiffCounts d = diffs.get(s);
            long billed = of.stream().mapToLong(c -> c.cost().bytesBilled()).sum();
            System.out.printf(
                    Locale.ROOT,
                    row,
                    s,
                    d == null ? "-" : d.entered() + "/" + d.changed() + "/" + d.left(),
                    of.size(),
                    of.stream().mapToLong(c -> c.cost().bytesProcessed()).sum(),
                    billed,
                    sum(s, "fold", true),
                    sum(s, "compact", true),
                    of.stream().mapToLong(Call::floored).sum(),
                    segment == 0 ? 0.0 : (double) billed / segment);
        }
        System.out.println("fold = the INSERTs into the state log; compaction = the log-size check, MERGE into the"
                + " base table and DELETE of the applied log rows; ÷segment = billed ÷ billed by the members query;"
                + " billed≥10MB = with BigQuery's 10 MiB minimum per table read (estimate).\nThe fake estimates by"
                + " words: a statement with a * outside COUNT(*) (the diff's SELECT *, ... FROM c) bills every column of"
                + " every table it names, and a column named anywhere (the fold's INSERT column list) is billed for"
                + " every table it names; see the per-column sizes at the end.");
    }

    private void printStatements(List<String> steps) {
        String fmt = "%-16s %-8s %-58s %,12d %,12d %,12d%n";
        System.out.printf(
                Locale.ROOT,
                "%-16s %-8s %-58s %12s %12s %12s%n",
                "step",
                "phase",
                "statement",
                "processed",
                "billed",
                "billed≥10MB");
        for (String s : steps) {
            for (Call c : calls) {
                if (c.step().equals(s)) {
                    System.out.printf(
                            Locale.ROOT,
                            fmt,
                            s,
                            c.phase(),
                            c.what(),
                            c.cost().bytesProcessed(),
                            c.cost().bytesBilled(),
                            c.floored());
                }
            }
        }
    }

    /**
     * What a scan of each column of the learners, the state's base table and its log would bill now (dry runs), to
     * tell which columns a statement's bytes are made of.
     */
    private void printColumns(Warehouse warehouse) {
        List<String> learners =
                warehouse.describe("learners").stream().map(ColumnInfo::name).toList();
        printColumns(warehouse, "`test-project.src.learners`", "learners", learners);
        printColumns(
                warehouse,
                "`test-project.masync_state.state__" + stateKey + "`",
                "state",
                List.of("k", "dk", "h", "fh", "fp"));
        printColumns(
                warehouse,
                "`test-project.masync_state.statelog__" + stateKey + "`",
                "statelog",
                List.of("k", "dk", "h", "fh", "fp", "v", "run", "del"));
    }

    private void printColumns(Warehouse warehouse, String table, String name, List<String> columns) {
        long[] rows = new long[1];
        warehouse.query(BoundQuery.of("SELECT COUNT(*) FROM " + table), r -> {
            rows[0] = ((Number) r.get(0)).longValue();
            return true;
        });
        List<String> parts = new ArrayList<>();
        for (String column : columns) {
            OptionalLong bytes = warehouse.estimateBytes(BoundQuery.of("SELECT " + column + " FROM " + table));
            parts.add(String.format(Locale.ROOT, "%s %,d", column, bytes.orElse(-1)));
        }
        System.out.printf(
                Locale.ROOT, "%-8s %,7d rows, bytes per column: %s%n", name, rows[0], String.join(", ", parts));
    }

    /** Bytes billed by a step's calls; with {@code what}, only calls labelled so ({@code prefix}: starting so). */
    private long sum(String s, String what, boolean prefix) {
        return calls.stream()
                .filter(c -> c.step().equals(s))
                .filter(c -> what == null
                        || (prefix ? c.what().startsWith(what) : c.what().equals(what)))
                .mapToLong(c -> c.cost().bytesBilled())
                .sum();
    }

    /** A warehouse whose every call records its SQL's label and its job statistics under the current step. */
    private final class Recording implements Warehouse {
        private final Warehouse delegate;

        Recording(Warehouse delegate) {
            this.delegate = delegate;
        }

        private QueryMeter meter(BoundQuery q) {
            String what = StatementLabel.of(q.sql(), stateKey);
            int tables = StatementLabel.tablesRead(q.sql());
            if (Boolean.getBoolean("bench.sql")) {
                System.err.println("-- " + step + " / " + phase + "\n" + q.sql());
            }
            return (call, cost) -> calls.add(new Call(step, phase, what, tables, cost));
        }

        @Override
        public String kind() {
            return delegate.kind();
        }

        @Override
        public SqlDialect dialect() {
            return delegate.dialect();
        }

        @Override
        public List<ColumnInfo> describe(String table) {
            return delegate.describe(table);
        }

        @Override
        public long query(BoundQuery query, RowConsumer consumer) {
            return delegate.query(query, consumer, meter(query));
        }

        @Override
        public long execute(BoundQuery statement) {
            return delegate.execute(statement, meter(statement));
        }

        @Override
        public OptionalLong estimateBytes(BoundQuery query) {
            return delegate.estimateBytes(query);
        }

        @Override
        public void ping() {
            delegate.ping();
        }

        @Override
        public void close() {}
    }
}
