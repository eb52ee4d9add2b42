package dev.masync.sync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogReader;
import dev.masync.catalog.CatalogSpec;
import dev.masync.platform.problem.ProblemError;
import dev.masync.segment.rule.Parsed;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.RuleParser;
import dev.masync.segment.rule.RuleValidator;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.segment.rule.SegmentLookup;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline of the diff-efficiency target: DuckDB's own scan of the segment,
 * {@code SELECT sum(hash(<key>, <mapped columns>)) FROM (<the compiled segment>)}, run in its own JVM on the file
 * opened read-only, with the DuckDB settings the daemon uses. One warm-up, then {@code runs} timed runs; prints one
 * line {@code REFERENCE <json>} with every time, the median and the member count.
 *
 * <p>Arguments: {@code <duckdb-file> <learners-table> <learner-key> <event-tables,comma-separated|-> <rule-json>
 * <mapped-columns,comma-separated> <threads|-> <memory-limit> [runs]}. The segment is compiled by the engine's own
 * {@link SegmentCompiler} (the same members query the sync's diff wraps), so predicate and columns are the sync's.
 */
public final class ReferenceScan {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceScan() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 8) {
            System.err.println("usage: ReferenceScan <duckdb-file> <learners-table> <learner-key> <event-tables|->"
                    + " <rule-json> <mapped-columns> <threads|-> <memory-limit> [runs]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        String table = args[1];
        String key = args[2];
        List<String> events = args[3].equals("-") ? List.of() : List.of(args[3].split(","));
        JsonNode ruleJson = JSON.readTree(args[4]);
        List<String> columns = List.of(args[5].split(","));
        Integer threads = args[6].equals("-") ? null : Integer.valueOf(args[6]);
        String memoryLimit = args[7];
        int runs = args.length > 8 ? Integer.parseInt(args[8]) : 5;

        try (DuckDbWarehouse wh =
                DuckDbWarehouse.open(new DuckDbWarehouse.Settings(file, true, memoryLimit, threads, null))) {
            CatalogSpec spec = new CatalogSpec(table, key, events, Map.of(), Map.of(), 50, Duration.ofHours(1));
            Catalog catalog = new CatalogReader(spec, Clock.systemUTC()).read(wh);
            SegmentCompiler compiler =
                    new SegmentCompiler(wh.dialect(), catalog, ZoneId.of("Asia/Tokyo"), SegmentLookup.none());
            Rule rule = rule(ruleJson, catalog);
            BoundQuery scan = scan(wh, compiler, rule, key, columns);

            long[] members = new long[1];
            long[] ms = new long[runs];
            for (int i = -1; i < runs; i++) {
                long t0 = System.nanoTime();
                wh.query(scan, row -> {
                    members[0] = ((Number) row.values().get(1)).longValue();
                    return true;
                });
                long elapsed = (System.nanoTime() - t0) / 1_000_000;
                if (i >= 0) {
                    ms[i] = elapsed;
                }
            }
            long[] sorted = ms.clone();
            Arrays.sort(sorted);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("medianMs", sorted[runs / 2]);
            out.put("minMs", sorted[0]);
            out.put("maxMs", sorted[runs - 1]);
            out.put("runsMs", ms);
            out.put("members", members[0]);
            out.put("sql", scan.sql());
            System.out.println("REFERENCE " + JSON.writeValueAsString(out));
        }
    }

    /** {@code SELECT sum(hash(key, columns…)), count(*) FROM (<members of the rule>) AS m}. */
    static BoundQuery scan(DuckDbWarehouse wh, SegmentCompiler compiler, Rule rule, String key, List<String> columns) {
        SqlBuilder b = new SqlBuilder(wh.dialect()).sql("SELECT sum(hash(m.").ident(key);
        for (String c : columns) {
            b.sql(", m.").ident(c);
        }
        b.sql(")) AS h, count(*) AS n FROM (");
        compiler.appendMembers(b, rule, Instant.now(), columns);
        return b.sql(") AS m").build();
    }

    private static Rule rule(JsonNode json, Catalog catalog) {
        Parsed parsed = RuleParser.parse(json, "/rule");
        if (!parsed.ok()) {
            throw new IllegalStateException("rule does not parse: " + parsed.errors());
        }
        List<ProblemError> errors = RuleValidator.validate(parsed.rule(), "/rule", catalog, SegmentLookup.none(), null);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("rule is invalid: " + errors);
        }
        return parsed.rule();
    }
}
