package dev.masync.sync.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A short label of a state-store or segment statement for {@link BigQueryCostBenchmark}: what it does, the table it
 * writes and the tables it reads, named without project, dataset and sync key ({@code fold INSERT statelog ←
 * changes__5}). Folds start with {@code fold}, compaction and its size check with {@code compact}.
 */
final class StatementLabel {
    /** A table as the BigQuery dialect quotes it: {@code `project.dataset.table`}. */
    private static final Pattern TABLE = Pattern.compile("`[^`.]+(?:\\.[^`.]+){1,2}`");

    private StatementLabel() {}

    static String of(String sql, String stateKey) {
        String s = sql.replaceAll("\\s+", " ").trim();
        String upper = s.toUpperCase(Locale.ROOT);
        List<String> tables = new ArrayList<>();
        Matcher m = TABLE.matcher(s);
        while (m.find()) {
            String t = shortName(m.group(), stateKey);
            if (!tables.contains(t)) {
                tables.add(t);
            }
        }
        String target = tables.isEmpty() ? "?" : tables.get(0);
        List<String> others = tables.size() > 1 ? tables.subList(1, tables.size()) : List.of();
        String reads = others.isEmpty() ? "" : " ← " + String.join(", ", others);
        if (upper.startsWith("CREATE TABLE")) {
            return "create " + target;
        }
        if (upper.startsWith("CREATE OR REPLACE TABLE")) {
            return (target.startsWith("pending") ? "diff" : "copy") + " CTAS " + target + reads;
        }
        if (upper.startsWith("DROP")) {
            return "drop " + target;
        }
        if (upper.startsWith("INSERT")) {
            return (target.startsWith("statelog") ? "fold INSERT " : "INSERT ") + target + reads;
        }
        if (upper.startsWith("MERGE")) {
            return (target.startsWith("state") ? "compact MERGE " : "MERGE ") + target + reads;
        }
        if (upper.startsWith("DELETE")) {
            return (target.startsWith("statelog") ? "compact DELETE " : "DELETE ") + target + reads;
        }
        if (upper.contains(" AS LOG_ROWS")) {
            return "compact check SELECT " + String.join(", ", tables);
        }
        return (upper.startsWith("SELECT COUNT(*)") ? "count" : "SELECT") + " ← " + String.join(", ", tables);
    }

    /**
     * Tables a statement reads: those it names, less the table a {@code CREATE ... AS} or an {@code INSERT} writes
     * unless it also reads it (a {@code MERGE} or {@code DELETE} reads its target); none for other DDL. BigQuery bills at least 10 MB per
     * table a query references.
     */
    static int tablesRead(String sql) {
        String upper = sql.stripLeading().toUpperCase(Locale.ROOT);
        if (upper.startsWith("DROP") || upper.startsWith("CREATE TABLE")) {
            return 0;
        }
        boolean writesFirst = upper.startsWith("CREATE OR REPLACE TABLE") || upper.startsWith("INSERT");
        List<String> tables = new ArrayList<>();
        Matcher m = TABLE.matcher(sql);
        boolean first = true;
        while (m.find()) {
            if (!(first && writesFirst) && !tables.contains(m.group())) {
                tables.add(m.group());
            }
            first = false;
        }
        return tables.size();
    }

    /** {@code `p.masync_state.statelog__sync`} → {@code statelog}; {@code changes__sync__5} → {@code changes__5}. */
    static String shortName(String quoted, String stateKey) {
        String name = quoted.substring(quoted.lastIndexOf('.') + 1, quoted.length() - 1);
        String infix = "__" + stateKey;
        int at = name.indexOf(infix);
        return at < 0 ? name : name.substring(0, at) + name.substring(at + infix.length());
    }
}
