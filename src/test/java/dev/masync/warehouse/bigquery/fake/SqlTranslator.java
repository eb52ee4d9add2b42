package dev.masync.warehouse.bigquery.fake;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Mechanical GoogleSQL-to-DuckDB translation, just enough for the SQL ma-sync generates.
 *
 * <ul>
 *   <li>string literals ({@code '..'}, {@code ".."}, {@code r'..'}, backslash escapes) become DuckDB literals;</li>
 *   <li>backtick identifiers become double-quoted ones, {@code `project.dataset.table`} (or
 *       {@code `project`.`dataset`.`table`}) becomes {@code "dataset"."table"} (the project is dropped when it is the
 *       fake's);</li>
 *   <li>{@code @name} becomes {@code CAST(? AS <declared type>)}, bound in order;</li>
 *   <li>a few BigQuery-only forms: {@code x IN UNNEST(a)}, {@code FROM UNNEST(a) AS x},
 *       {@code ARRAY_AGG(.. IGNORE NULLS LIMIT n)}, {@code SAFE_CAST}, {@code COUNTIF(x)} (as
 *       {@code count(CASE WHEN x THEN 1 END)}: 0 over no rows), {@code CURRENT_TIMESTAMP()},
 *       {@code TIMESTAMP/DATETIME/DATE _ADD, _SUB, _DIFF, _TRUNC}, type names after {@code AS},
 *       {@code TIMESTAMP '..'} and {@code DATETIME '..'} literals;</li>
 *   <li>sync-state forms:
 *     <ul>
 *       <li>{@code FROM UNNEST(a) AS x WITH OFFSET AS o} becomes
 *           {@code (SELECT unnest(a) AS x, unnest(range(len(a))) AS o) AS x(x, o)} ({@code a} is bound twice);</li>
 *       <li>{@code a[OFFSET(i)]}, {@code [SAFE_OFFSET(i)]}, {@code [ORDINAL(i)]}, {@code [SAFE_ORDINAL(i)]} on a
 *           column or parameter become {@code bq_offset(a, i)}... (macros of the fake: 0- or 1-based, an error or
 *           NULL out of bounds, as in BigQuery); a bare {@code a[i]} is refused rather than read 1-based;</li>
 *       <li>{@code ARRAY<T>[..]} becomes {@code CAST([..] AS T[])}, other {@code ARRAY<T>} the DuckDB type;</li>
 *       <li>{@code STRUCT(x AS a, col)} becomes {@code struct_pack("a" := x, "col" := col)} (every field named);</li>
 *       <li>{@code TO_JSON_STRING(x)} becomes {@code COALESCE(CAST(to_json(x) AS VARCHAR), 'null')}: same shape,
 *           DuckDB's spelling of dates, timestamps and floats;</li>
 *       <li>column types of {@code CREATE TABLE t (..)} ({@code INT64}, {@code ARRAY<T>}, {@code STRUCT<..>},
 *           {@code TIMESTAMP}...) become DuckDB types; a type BigQuery does not know is refused;</li>
 *       <li>{@code MERGE [INTO] t ..} becomes {@code MERGE INTO t .. RETURNING merge_action} (the fake counts
 *           inserted, updated and deleted rows from it), plus a check query ({@link Result#check}) finding a
 *           target row that more than one source row matches, which BigQuery refuses.</li>
 *     </ul>
 *     {@code FARM_FINGERPRINT}, {@code RANGE_BUCKET} and {@code IS DISTINCT FROM} pass through: the fake defines
 *     the first two (see {@link BigQueryFakeServer}), DuckDB has the third.</li>
 * </ul>
 * Everything else passes through unchanged; DuckDB reports what it does not understand. The statement is also
 * classified as BigQuery does ({@code statementType}) with the table it creates, drops or changes.
 */
final class SqlTranslator {

    /**
     * The translation plus what a dry run needs to estimate the bytes read, and what the job statistics report.
     *
     * @param statementType BigQuery's name: {@code SELECT}, {@code CREATE_TABLE}, {@code CREATE_TABLE_AS_SELECT},
     *                      {@code DROP_TABLE}, {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MERGE}...
     * @param target        the table a DDL or DML statement creates, drops or changes ({@code [dataset,] table}),
     *                      or {@code null}
     * @param ddl           {@code OR REPLACE}, {@code IF NOT EXISTS} / {@code IF EXISTS} of a DDL statement
     * @param check         for MERGE with WHEN MATCHED: a query returning a row if a target row has several matches
     */
    record Result(
            String sql,
            List<String> bindOrder,
            Set<List<String>> paths,
            Set<String> words,
            boolean star,
            String statementType,
            List<String> target,
            Set<String> ddl,
            Check check) {
        boolean isSelect() {
            return statementType.equals("SELECT");
        }
    }

    /** A query the fake runs before the statement; a row means BigQuery would refuse the statement. */
    record Check(String sql, List<String> bindOrder, String error) {}

    /** The SQL cannot be translated (unclosed literal, undeclared parameter...); reported as invalidQuery. */
    static final class SqlError extends Exception {
        SqlError(String message) {
            super(message);
        }
    }

    private enum Kind {
        SPACE,
        STRING,
        PATH,
        NUMBER,
        PARAM,
        OTHER
    }

    private record Part(String name, boolean quoted) {}

    private record Token(Kind kind, String text, List<Part> parts) {
        static Token of(Kind kind, String text) {
            return new Token(kind, text, List.of());
        }

        boolean isWord(String word) {
            return kind == Kind.PATH
                    && parts.size() == 1
                    && !parts.get(0).quoted()
                    && parts.get(0).name().equalsIgnoreCase(word);
        }

        boolean is(String symbol) {
            return kind == Kind.OTHER && text.equals(symbol);
        }
    }

    private static final Map<String, String> CAST_TYPES = Map.of(
            "INT64",
            "BIGINT",
            "FLOAT64",
            "DOUBLE",
            "STRING",
            "VARCHAR",
            "BOOL",
            "BOOLEAN",
            "NUMERIC",
            "DECIMAL(38,9)",
            "BIGNUMERIC",
            "DECIMAL(38,9)",
            "BYTES",
            "BLOB",
            "DATETIME",
            "TIMESTAMP",
            "TIMESTAMP",
            "TIMESTAMPTZ");

    private final String project;
    private final Function<String, String> parameterTypes;
    private final List<String> bindOrder = new ArrayList<>();
    private final Set<List<String>> paths = new LinkedHashSet<>();
    private final Set<String> words = new LinkedHashSet<>();
    private boolean star;

    private SqlTranslator(String project, Function<String, String> parameterTypes) {
        this.project = project;
        this.parameterTypes = parameterTypes;
    }

    /**
     * @param project        the fake's project; {@code project.dataset.table} paths lose it
     * @param parameterTypes DuckDB type of each declared parameter, {@code null} if not declared
     */
    static Result translate(String sql, String project, Function<String, String> parameterTypes) throws SqlError {
        SqlTranslator t = new SqlTranslator(project, parameterTypes);
        List<Token> tokens = tokenize(sql);
        Statement st = classify(tokens);
        StringBuilder out = new StringBuilder(sql.length() + 16);
        Check check = null;
        if (st.type().equals("MERGE")) {
            check = t.emitMerge(tokens, st, out);
        } else if (st.columnsOpen() >= 0) {
            t.emit(tokens, 0, st.columnsOpen() + 1, out);
            t.emitColumns(tokens, st.columnsOpen(), st.columnsClose(), out);
            t.emit(tokens, st.columnsClose(), tokens.size(), out);
        } else {
            t.emit(tokens, 0, tokens.size(), out);
        }
        List<String> target = st.target() < 0 ? null : t.pathNames(tokens.get(st.target()));
        return new Result(
                out.toString(), List.copyOf(t.bindOrder), t.paths, t.words, t.star, st.type(), target, st.ddl(), check);
    }

    // ---- statements ----

    /**
     * What kind of statement it is, the token of the table it writes ({@code -1} if none), its DDL modifiers, and
     * for {@code CREATE TABLE t (..)} the parentheses of the column list.
     */
    private record Statement(String type, int target, Set<String> ddl, int columnsOpen, int columnsClose) {}

    private static Statement classify(List<Token> tokens) throws SqlError {
        List<Integer> sig = new ArrayList<>();
        for (int k = 0; k < tokens.size(); k++) {
            if (tokens.get(k).kind() != Kind.SPACE) {
                sig.add(k);
            }
        }
        if (sig.isEmpty()) {
            return new Statement("SELECT", -1, Set.of(), -1, -1);
        }
        Token first = tokens.get(sig.get(0));
        if (first.is("(") || first.isWord("SELECT") || first.isWord("WITH")) {
            return new Statement("SELECT", -1, Set.of(), -1, -1);
        }
        int p = 1;
        Set<String> ddl = new LinkedHashSet<>();
        String word = first.kind() == Kind.PATH ? first.text().toUpperCase(Locale.ROOT) : first.text();
        switch (word) {
            case "CREATE" -> {
                if (isWord(tokens, sig, p, "OR") && isWord(tokens, sig, p + 1, "REPLACE")) {
                    ddl.add("OR REPLACE");
                    p += 2;
                }
                if (isWord(tokens, sig, p, "TEMP") || isWord(tokens, sig, p, "TEMPORARY")) {
                    p++;
                }
                if (!isWord(tokens, sig, p, "TABLE")) {
                    String what = p < sig.size() ? tokens.get(sig.get(p)).text().toUpperCase(Locale.ROOT) : "";
                    return new Statement("CREATE_" + what, -1, ddl, -1, -1);
                }
                p++;
                if (isWord(tokens, sig, p, "IF")
                        && isWord(tokens, sig, p + 1, "NOT")
                        && isWord(tokens, sig, p + 2, "EXISTS")) {
                    ddl.add("IF NOT EXISTS");
                    p += 3;
                }
                int target = p < sig.size() ? sig.get(p) : -1;
                int open = -1;
                int close = -1;
                boolean select = false;
                if (p + 1 < sig.size() && tokens.get(sig.get(p + 1)).is("(")) {
                    open = sig.get(p + 1);
                    close = matching(tokens, open, tokens.size());
                    int after = nextIndex(tokens, close, tokens.size());
                    select = after < tokens.size() && tokens.get(after).isWord("AS");
                } else {
                    select = isWord(tokens, sig, p + 1, "AS");
                }
                return new Statement(select ? "CREATE_TABLE_AS_SELECT" : "CREATE_TABLE", target, ddl, open, close);
            }
            case "DROP" -> {
                if (!isWord(tokens, sig, p, "TABLE")) {
                    String what = p < sig.size() ? tokens.get(sig.get(p)).text().toUpperCase(Locale.ROOT) : "";
                    return new Statement("DROP_" + what, -1, ddl, -1, -1);
                }
                p++;
                if (isWord(tokens, sig, p, "IF") && isWord(tokens, sig, p + 1, "EXISTS")) {
                    ddl.add("IF EXISTS");
                    p += 2;
                }
                return new Statement("DROP_TABLE", p < sig.size() ? sig.get(p) : -1, ddl, -1, -1);
            }
            case "INSERT", "DELETE", "MERGE" -> {
                String optional = word.equals("DELETE") ? "FROM" : "INTO";
                if (isWord(tokens, sig, p, optional)) {
                    p++;
                }
                return new Statement(word, p < sig.size() ? sig.get(p) : -1, ddl, -1, -1);
            }
            case "UPDATE" -> {
                return new Statement(word, p < sig.size() ? sig.get(p) : -1, ddl, -1, -1);
            }
            default -> {
                return new Statement(word, -1, ddl, -1, -1);
            }
        }
    }

    private static boolean isWord(List<Token> tokens, List<Integer> sig, int p, String word) {
        return p < sig.size() && tokens.get(sig.get(p)).isWord(word);
    }

    /** The parts of a table path as the fake stores them: without the fake's project. */
    private List<String> pathNames(Token path) throws SqlError {
        if (path.kind() != Kind.PATH) {
            throw new SqlError("Syntax error: Expected a table name but got \"" + path.text() + "\"");
        }
        List<Part> parts = path.parts();
        if (parts.size() >= 3 && parts.get(0).name().equalsIgnoreCase(project)) {
            parts = parts.subList(1, parts.size());
        }
        List<String> out = new ArrayList<>();
        for (Part p : parts) {
            out.add(p.name());
        }
        return List.copyOf(out);
    }

    /**
     * {@code MERGE [INTO] target [AS] t USING source [AS] s ON cond WHEN ..}: DuckDB wants {@code INTO}, and
     * {@code RETURNING merge_action} tells the fake what each row did.
     */
    private Check emitMerge(List<Token> tokens, Statement st, StringBuilder out) throws SqlError {
        int targetStart = st.target();
        if (targetStart < 0) {
            throw new SqlError("Syntax error: Expected a table name after MERGE");
        }
        int using = topLevelWord(tokens, targetStart, tokens.size(), "USING");
        int on = using < 0 ? -1 : topLevelWord(tokens, using + 1, tokens.size(), "ON");
        int when = on < 0 ? -1 : topLevelWord(tokens, on + 1, tokens.size(), "WHEN");
        if (using < 0 || on < 0 || when < 0) {
            throw new SqlError("Syntax error: MERGE needs USING .. ON .. WHEN ..");
        }
        int end = tokens.size();
        while (end > 0
                && (tokens.get(end - 1).kind() == Kind.SPACE
                        || tokens.get(end - 1).is(";"))) {
            end--;
        }
        out.append("MERGE INTO ");
        emit(tokens, targetStart, end, out);
        out.append(" RETURNING merge_action");

        boolean matched = false;
        for (int k = when; k < end; k++) {
            if (tokens.get(k).isWord("WHEN")
                    && tokens.get(nextIndex(tokens, k, end)).isWord("MATCHED")) {
                matched = true;
            }
        }
        if (!matched) {
            return null;
        }
        // alias of the target: the last word before USING, else the table's own name
        List<Integer> targetWords = new ArrayList<>();
        for (int k = targetStart; k < using; k++) {
            if (tokens.get(k).kind() == Kind.PATH && !tokens.get(k).isWord("AS")) {
                targetWords.add(k);
            }
        }
        Token aliasToken = tokens.get(targetWords.get(targetWords.size() - 1));
        List<Part> aliasParts = aliasToken.parts();
        Part alias = aliasParts.get(aliasParts.size() - 1);
        SqlTranslator sub = new SqlTranslator(project, parameterTypes);
        StringBuilder check = new StringBuilder("SELECT 1 FROM ");
        sub.emit(tokens, targetStart, using, check);
        check.append(" JOIN ");
        sub.emit(tokens, using + 1, on, check);
        check.append(" ON ");
        sub.emit(tokens, on + 1, when, check);
        check.append(" GROUP BY ")
                .append(alias.quoted() ? quoteDuck(alias.name()) : alias.name())
                .append(".rowid HAVING count(*) > 1 LIMIT 1");
        return new Check(
                check.toString(),
                List.copyOf(sub.bindOrder),
                "UPDATE/MERGE must match at most one source row for each target row");
    }

    /** Index of {@code word} outside parentheses in {@code [from, to)}, or -1. */
    private static int topLevelWord(List<Token> tokens, int from, int to, String word) {
        int depth = 0;
        for (int k = from; k < to; k++) {
            Token t = tokens.get(k);
            if (t.is("(")) {
                depth++;
            } else if (t.is(")")) {
                depth--;
            } else if (depth == 0 && t.isWord(word)) {
                return k;
            }
        }
        return -1;
    }

    /** The column list of {@code CREATE TABLE t (name TYPE [NOT NULL], ..)} with DuckDB types. */
    private void emitColumns(List<Token> tokens, int open, int close, StringBuilder out) throws SqlError {
        int start = open + 1;
        int depth = 0;
        List<int[]> columns = new ArrayList<>();
        for (int k = open + 1; k < close; k++) {
            Token t = tokens.get(k);
            if (t.is("(") || t.is("<")) {
                depth++;
            } else if (t.is(")") || t.is(">")) {
                depth--;
            } else if (depth == 0 && t.is(",")) {
                columns.add(new int[] {start, k});
                start = k + 1;
            }
        }
        columns.add(new int[] {start, close});
        for (int c = 0; c < columns.size(); c++) {
            int from = columns.get(c)[0];
            int to = columns.get(c)[1];
            int name = from;
            while (name < to && tokens.get(name).kind() == Kind.SPACE) {
                name++;
            }
            Token n = tokens.get(name);
            if (n.kind() != Kind.PATH || n.parts().size() != 1) {
                throw new SqlError("Syntax error: Expected a column name but got \"" + n.text() + "\"");
            }
            Part p = n.parts().get(0);
            out.append(c > 0 ? ", " : "")
                    .append(p.quoted() ? quoteDuck(p.name()) : p.name())
                    .append(' ');
            Typed type = type(tokens, nextIndex(tokens, name, to), to);
            out.append(type.duckType());
            emit(tokens, type.next(), to, out);
        }
    }

    /** A translated type and the index just past its last token. */
    private record Typed(String duckType, int next) {}

    private static int skipSpace(List<Token> tokens, int k, int to) {
        while (k < to && tokens.get(k).kind() == Kind.SPACE) {
            k++;
        }
        return k;
    }

    private static final Map<String, String> SCALAR_TYPES = Map.ofEntries(
            Map.entry("INT64", "BIGINT"),
            Map.entry("INT", "BIGINT"),
            Map.entry("INTEGER", "BIGINT"),
            Map.entry("BIGINT", "BIGINT"),
            Map.entry("SMALLINT", "BIGINT"),
            Map.entry("TINYINT", "BIGINT"),
            Map.entry("BYTEINT", "BIGINT"),
            Map.entry("FLOAT64", "DOUBLE"),
            Map.entry("STRING", "VARCHAR"),
            Map.entry("BOOL", "BOOLEAN"),
            Map.entry("BOOLEAN", "BOOLEAN"),
            Map.entry("BYTES", "BLOB"),
            Map.entry("NUMERIC", "DECIMAL(38,9)"),
            Map.entry("DECIMAL", "DECIMAL(38,9)"),
            Map.entry("BIGNUMERIC", "DECIMAL(38,9)"),
            Map.entry("BIGDECIMAL", "DECIMAL(38,9)"),
            Map.entry("DATE", "DATE"),
            Map.entry("DATETIME", "TIMESTAMP"),
            Map.entry("TIMESTAMP", "TIMESTAMPTZ"),
            Map.entry("TIME", "TIME"),
            Map.entry("JSON", "JSON"),
            Map.entry("GEOGRAPHY", "VARCHAR"),
            Map.entry("INTERVAL", "INTERVAL"));

    /** Reads a BigQuery type ({@code INT64}, {@code STRING(10)}, {@code ARRAY<T>}, {@code STRUCT<a T, ..>}). */
    private static Typed type(List<Token> tokens, int i, int to) throws SqlError {
        Token t = i < to ? tokens.get(i) : Token.of(Kind.SPACE, "");
        if (t.kind() != Kind.PATH || t.parts().size() != 1 || t.parts().get(0).quoted()) {
            throw new SqlError("Syntax error: Expected a type but got \"" + t.text() + "\"");
        }
        String name = t.text().toUpperCase(Locale.ROOT);
        int n = nextIndex(tokens, i, to);
        if (name.equals("ARRAY") || name.equals("STRUCT")) {
            if (n >= to || !tokens.get(n).is("<")) {
                throw new SqlError("Syntax error: Expected \"<\" after " + name);
            }
            StringBuilder duck = new StringBuilder(name.equals("STRUCT") ? "STRUCT(" : "");
            int k = nextIndex(tokens, n, to);
            if (name.equals("ARRAY")) {
                if (k < to && tokens.get(k).isWord("ARRAY")) {
                    throw new SqlError("Arrays of arrays are not supported");
                }
                Typed element = type(tokens, k, to);
                duck.append(element.duckType()).append("[]");
                k = skipSpace(tokens, element.next(), to);
            } else {
                boolean firstField = true;
                while (k < to && !tokens.get(k).is(">")) {
                    if (!firstField) {
                        if (!tokens.get(k).is(",")) {
                            throw new SqlError("Syntax error: Expected \",\" or \">\" in STRUCT");
                        }
                        k = nextIndex(tokens, k, to);
                    }
                    Token field = tokens.get(k);
                    Typed member = type(tokens, nextIndex(tokens, k, to), to);
                    duck.append(firstField ? "" : ", ")
                            .append(quoteDuck(field.parts().get(0).name()))
                            .append(' ')
                            .append(member.duckType());
                    firstField = false;
                    k = skipSpace(tokens, member.next(), to);
                }
                duck.append(')');
            }
            if (k >= to || !tokens.get(k).is(">")) {
                throw new SqlError("Syntax error: Expected \">\" closing " + name);
            }
            return new Typed(duck.toString(), k + 1);
        }
        String duck = SCALAR_TYPES.get(name);
        if (duck == null) {
            throw new SqlError("Type not found: " + t.text());
        }
        if (n < to && tokens.get(n).is("(")) {
            // parameterized types: STRING(10), BYTES(5), NUMERIC(10, 2)
            int close = matching(tokens, n, to);
            if (name.equals("NUMERIC") || name.equals("DECIMAL")) {
                StringBuilder args = new StringBuilder();
                for (int k = n + 1; k < close; k++) {
                    args.append(tokens.get(k).text());
                }
                duck = "DECIMAL(" + args.toString().trim() + ")";
            }
            return new Typed(duck, close + 1);
        }
        return new Typed(duck, i + 1);
    }

    private static String quoteDuck(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    // ---- emitting ----

    private void emit(List<Token> tokens, int from, int to, StringBuilder out) throws SqlError {
        int i = from;
        while (i < to) {
            Token tok = tokens.get(i);
            if (tok.kind() == Kind.PATH || tok.kind() == Kind.PARAM) {
                int next = emitSubscript(tokens, i, to, out);
                if (next >= 0) {
                    i = next;
                    continue;
                }
            }
            switch (tok.kind()) {
                case PATH -> i = emitPath(tokens, i, to, out);
                case PARAM -> {
                    emitParam(tok, out);
                    i++;
                }
                case OTHER -> {
                    if (tok.is("*")
                            && !(prev(tokens, i).is("(") && next(tokens, i, to).is(")"))) {
                        star = true;
                    }
                    out.append(tok.text());
                    i++;
                }
                default -> {
                    out.append(tok.text());
                    i++;
                }
            }
        }
    }

    private void emitParam(Token tok, StringBuilder out) throws SqlError {
        String type = parameterTypes.apply(tok.text());
        if (type == null) {
            throw new SqlError("Query parameter '" + tok.text() + "' not found");
        }
        bindOrder.add(tok.text());
        out.append("CAST(? AS ").append(type).append(')');
    }

    /** Words after which {@code [} opens an array literal, not a subscript. */
    private static final Set<String> BEFORE_LITERALS = Set.of(
            "SELECT",
            "THEN",
            "ELSE",
            "WHEN",
            "AND",
            "OR",
            "NOT",
            "IN",
            "AS",
            "BY",
            "ON",
            "WHERE",
            "HAVING",
            "VALUES",
            "RETURN",
            "SET",
            "DISTINCT",
            "ALL",
            "EXISTS",
            "IS",
            "LIKE",
            "BETWEEN",
            "CASE",
            "ANY",
            "SOME",
            "INTERVAL",
            "QUALIFY",
            "UNION",
            "RETURNING");

    private static final List<String> SUBSCRIPTS = List.of("OFFSET", "SAFE_OFFSET", "ORDINAL", "SAFE_ORDINAL");

    /**
     * {@code a[OFFSET(i)]} and its kin on a column or parameter {@code a}: {@code bq_offset(a, i)}... Returns the
     * next index, or -1 when {@code [} does not follow (or starts an array literal after a keyword).
     */
    private int emitSubscript(List<Token> tokens, int i, int to, StringBuilder out) throws SqlError {
        Token tok = tokens.get(i);
        int open = nextIndex(tokens, i, to);
        if (open >= to || !tokens.get(open).is("[")) {
            return -1;
        }
        if (tok.kind() == Kind.PATH
                && tok.parts().size() == 1
                && !tok.parts().get(0).quoted()
                && BEFORE_LITERALS.contains(tok.text().toUpperCase(Locale.ROOT))) {
            return -1;
        }
        int close = matchingBracket(tokens, open, to);
        int w = nextIndex(tokens, open, to);
        String fn = null;
        for (String f : SUBSCRIPTS) {
            if (tokens.get(w).isWord(f)) {
                fn = f;
            }
        }
        int paren = nextIndex(tokens, w, to);
        if (fn == null || paren >= close || !tokens.get(paren).is("(")) {
            throw new SqlError("The fake translates only [OFFSET(i)], [SAFE_OFFSET(i)], [ORDINAL(i)] and"
                    + " [SAFE_ORDINAL(i)] subscripts; a bare [i] would be read 1-based by DuckDB");
        }
        int parenClose = matching(tokens, paren, close);
        if (nextIndex(tokens, parenClose, to) != close) {
            throw new SqlError("Syntax error: Expected \"]\" after " + fn + "(..)");
        }
        out.append("bq_").append(fn.toLowerCase(Locale.ROOT)).append('(');
        if (tok.kind() == Kind.PARAM) {
            emitParam(tok, out);
        } else {
            appendPath(register(tok), out);
        }
        out.append(", ");
        emit(tokens, paren + 1, parenClose, out);
        out.append(')');
        return close + 1;
    }

    private int emitPath(List<Token> tokens, int i, int to, StringBuilder out) throws SqlError {
        List<Part> parts = register(tokens.get(i));
        if (parts.size() == 1 && !parts.get(0).quoted()) {
            int next = rewriteWord(tokens, i, to, out);
            if (next >= 0) {
                return next;
            }
        }
        appendPath(parts, out);
        return i + 1;
    }

    /** Notes a path for byte estimates; returns its parts without the fake's project. */
    private List<Part> register(Token tok) {
        List<Part> parts = tok.parts();
        if (parts.size() >= 3 && parts.get(0).name().equalsIgnoreCase(project)) {
            parts = parts.subList(1, parts.size());
        }
        List<String> lower = new ArrayList<>();
        for (Part p : parts) {
            lower.add(p.name().toLowerCase(Locale.ROOT));
            words.add(p.name().toLowerCase(Locale.ROOT));
        }
        paths.add(List.copyOf(lower));
        return parts;
    }

    private static void appendPath(List<Part> parts, StringBuilder out) {
        for (int k = 0; k < parts.size(); k++) {
            if (k > 0) {
                out.append('.');
            }
            Part p = parts.get(k);
            out.append(p.quoted() ? quoteDuck(p.name()) : p.name());
        }
    }

    /** Rewrites a bare word and what follows it; returns the next index, or -1 to emit the word as is. */
    private int rewriteWord(List<Token> tokens, int i, int to, StringBuilder out) throws SqlError {
        Token tok = tokens.get(i);
        String word = tok.parts().get(0).name().toUpperCase(Locale.ROOT);
        int n1 = nextIndex(tokens, i, to);
        Token next = n1 < to ? tokens.get(n1) : Token.of(Kind.SPACE, "");
        switch (word) {
            case "IN" -> {
                int n2 = nextIndex(tokens, n1, to);
                if (next.isWord("UNNEST") && n2 < to && tokens.get(n2).is("(")) {
                    int close = matching(tokens, n2, to);
                    out.append("IN (SELECT UNNEST(");
                    emit(tokens, n2 + 1, close, out);
                    out.append("))");
                    return close + 1;
                }
            }
            case "ARRAY_AGG" -> {
                if (next.is("(")) {
                    return rewriteArrayAgg(tokens, n1, matching(tokens, n1, to), out);
                }
            }
            case "CURRENT_TIMESTAMP", "CURRENT_DATE" -> {
                int n2 = nextIndex(tokens, n1, to);
                if (next.is("(") && n2 < to && tokens.get(n2).is(")")) {
                    out.append(word.toLowerCase(Locale.ROOT));
                    return n2 + 1;
                }
            }
            case "UNNEST" -> {
                // FROM UNNEST(a) AS x: BigQuery's x is the element; DuckDB's would be a one-column row
                int n2 = next.is("(") ? matching(tokens, n1, to) : -1;
                int as = n2 < 0 ? to : nextIndex(tokens, n2, to);
                int alias = as < to && tokens.get(as).isWord("AS") ? nextIndex(tokens, as, to) : to;
                if (alias < to
                        && tokens.get(alias).kind() == Kind.PATH
                        && tokens.get(alias).parts().size() == 1) {
                    Part a = tokens.get(alias).parts().get(0);
                    String name = a.quoted() ? '"' + a.name().replace("\"", "\"\"") + '"' : a.name();
                    int with = nextIndex(tokens, alias, to);
                    int offset = nextIndex(tokens, with, to);
                    if (with < to
                            && tokens.get(with).isWord("WITH")
                            && offset < to
                            && tokens.get(offset).isWord("OFFSET")) {
                        // WITH OFFSET [AS o]: the element's 0-based position, named "offset" without an alias
                        int end = offset + 1;
                        String position = "\"offset\"";
                        int as2 = nextIndex(tokens, offset, to);
                        if (as2 < to && tokens.get(as2).isWord("AS")) {
                            int o = nextIndex(tokens, as2, to);
                            if (o >= to
                                    || tokens.get(o).kind() != Kind.PATH
                                    || tokens.get(o).parts().size() != 1) {
                                throw new SqlError("Syntax error: Expected an alias after WITH OFFSET AS");
                            }
                            Part op = tokens.get(o).parts().get(0);
                            position = op.quoted() ? quoteDuck(op.name()) : op.name();
                            end = o + 1;
                        }
                        out.append("(SELECT unnest(");
                        emit(tokens, n1 + 1, n2, out);
                        out.append(") AS ").append(name).append(", unnest(range(len(");
                        emit(tokens, n1 + 1, n2, out);
                        out.append("))) AS ")
                                .append(position)
                                .append(") AS ")
                                .append(name)
                                .append('(')
                                .append(name)
                                .append(", ")
                                .append(position)
                                .append(')');
                        return end;
                    }
                    out.append("UNNEST(");
                    emit(tokens, n1 + 1, n2, out);
                    out.append(") AS ").append(name).append('(').append(name).append(')');
                    return alias + 1;
                }
            }
            case "TIMESTAMP_ADD", "TIMESTAMP_SUB", "DATETIME_ADD", "DATETIME_SUB", "DATE_ADD", "DATE_SUB" -> {
                if (next.is("(")) {
                    int close = matching(tokens, n1, to);
                    List<String> args = arguments(tokens, n1, close);
                    if (args.size() == 2) {
                        String sum = "((" + args.get(0) + ")" + (word.endsWith("_ADD") ? " + " : " - ") + "("
                                + args.get(1) + "))";
                        out.append(word.startsWith("DATE_") ? "CAST(" + sum + " AS DATE)" : sum);
                        return close + 1;
                    }
                }
            }
            case "TIMESTAMP_DIFF", "DATETIME_DIFF", "DATE_DIFF" -> {
                if (next.is("(")) {
                    int close = matching(tokens, n1, to);
                    List<int[]> ranges = argumentRanges(tokens, n1, close);
                    if (ranges.size() == 3) {
                        // BigQuery: (end, start, PART); DuckDB: (part, start, end); bound in output order
                        out.append(word.equals("TIMESTAMP_DIFF") ? "date_sub('" : "date_diff('")
                                .append(text(tokens, ranges.get(2)).trim().toLowerCase(Locale.ROOT))
                                .append("', ");
                        emit(tokens, ranges.get(1)[0], ranges.get(1)[1], out);
                        out.append(", ");
                        emit(tokens, ranges.get(0)[0], ranges.get(0)[1], out);
                        out.append(')');
                        return close + 1;
                    }
                }
            }
            case "TIMESTAMP_TRUNC", "DATETIME_TRUNC", "DATE_TRUNC" -> {
                if (next.is("(")) {
                    int close = matching(tokens, n1, to);
                    List<int[]> ranges = argumentRanges(tokens, n1, close);
                    if (ranges.size() == 2) {
                        out.append("date_trunc('")
                                .append(text(tokens, ranges.get(1)).trim().toLowerCase(Locale.ROOT))
                                .append("', ");
                        emit(tokens, ranges.get(0)[0], ranges.get(0)[1], out);
                        out.append(')');
                        return close + 1;
                    }
                }
            }
            case "ARRAY" -> {
                if (next.is("<")) {
                    // ARRAY<T>[..] is a typed literal; ARRAY<T> elsewhere (CAST(x AS ARRAY<T>)) a type
                    Typed t = type(tokens, i, to);
                    int open = skipSpace(tokens, t.next(), to);
                    if (open < to && tokens.get(open).is("[")) {
                        int close = matchingBracket(tokens, open, to);
                        out.append("CAST([");
                        emit(tokens, open + 1, close, out);
                        out.append("] AS ").append(t.duckType()).append(')');
                        return close + 1;
                    }
                    out.append(t.duckType());
                    return t.next();
                }
            }
            case "STRUCT" -> {
                if (next.is("<")) {
                    throw new SqlError("The fake does not translate typed STRUCT<..>(..); name the fields with AS");
                }
                if (next.is("(")) {
                    int close = matching(tokens, n1, to);
                    out.append("struct_pack(");
                    List<int[]> fields = argumentRanges(tokens, n1, close);
                    for (int f = 0; f < fields.size(); f++) {
                        int[] r = fields.get(f);
                        int as = -1;
                        int depth = 0;
                        for (int k = r[0]; k < r[1]; k++) {
                            Token t = tokens.get(k);
                            depth += t.is("(") ? 1 : t.is(")") ? -1 : 0;
                            if (depth == 0 && t.isWord("AS")) {
                                as = k;
                            }
                        }
                        int exprEnd = as >= 0 ? as : r[1];
                        Part name;
                        if (as >= 0) {
                            Token alias = tokens.get(nextIndex(tokens, as, r[1]));
                            name = alias.parts().isEmpty()
                                    ? null
                                    : alias.parts().get(alias.parts().size() - 1);
                        } else {
                            int only = skipSpace(tokens, r[0], r[1]);
                            Token t = tokens.get(only);
                            name = t.kind() == Kind.PATH && skipSpace(tokens, only + 1, r[1]) == r[1]
                                    ? t.parts().get(t.parts().size() - 1)
                                    : null;
                        }
                        if (name == null) {
                            throw new SqlError("The fake translates STRUCT fields only with a name: write"
                                    + " `expression AS name`");
                        }
                        out.append(f > 0 ? ", " : "")
                                .append(quoteDuck(name.name()))
                                .append(" := ");
                        emit(tokens, r[0], exprEnd, out);
                    }
                    out.append(')');
                    return close + 1;
                }
            }
            case "TO_JSON_STRING" -> {
                if (next.is("(")) {
                    int close = matching(tokens, n1, to);
                    if (argumentRanges(tokens, n1, close).size() != 1) {
                        throw new SqlError("The fake translates TO_JSON_STRING with one argument only");
                    }
                    out.append("COALESCE(CAST(to_json(");
                    emit(tokens, n1 + 1, close, out);
                    out.append(") AS VARCHAR), 'null')");
                    return close + 1;
                }
            }
            case "SAFE_CAST" -> {
                out.append("TRY_CAST");
                return i + 1;
            }
            case "COUNTIF" -> {
                // not DuckDB's count_if: that is NULL (and HUGEINT) over no rows, BigQuery's COUNTIF 0
                if (next.is("(")) {
                    int close = matching(tokens, n1, to);
                    out.append("count(CASE WHEN (");
                    emit(tokens, n1 + 1, close, out);
                    out.append(") THEN 1 END)");
                    return close + 1;
                }
            }
            default -> {
                // below
            }
        }
        if (next.kind() == Kind.STRING && (word.equals("TIMESTAMP") || word.equals("DATETIME"))) {
            out.append(word.equals("TIMESTAMP") ? "TIMESTAMPTZ" : "TIMESTAMP");
            return i + 1;
        }
        if (CAST_TYPES.containsKey(word) && prev(tokens, i).isWord("AS") && (next.is(")") || next.is("["))) {
            out.append(CAST_TYPES.get(word));
            return i + 1;
        }
        return -1;
    }

    /** {@code ARRAY_AGG([DISTINCT] x [IGNORE NULLS] [ORDER BY ..] [LIMIT n])} in DuckDB terms. */
    private int rewriteArrayAgg(List<Token> tokens, int open, int close, StringBuilder out) throws SqlError {
        List<Token> inner = new ArrayList<>(tokens.subList(open + 1, close));
        boolean ignoreNulls = false;
        String limit = null;
        int depth = 0;
        int exprStart = 0;
        int exprEnd = inner.size();
        for (int k = 0; k < inner.size(); k++) {
            Token t = inner.get(k);
            if (t.is("(")) {
                depth++;
            } else if (t.is(")")) {
                depth--;
            }
            if (depth != 0 || t.kind() != Kind.PATH) {
                continue;
            }
            int after = nextIndex(inner, k, inner.size());
            Token following = after < inner.size() ? inner.get(after) : Token.of(Kind.SPACE, "");
            if ((t.isWord("IGNORE") || t.isWord("RESPECT")) && following.isWord("NULLS")) {
                ignoreNulls = t.isWord("IGNORE");
                exprEnd = Math.min(exprEnd, k);
                inner.set(k, Token.of(Kind.SPACE, " "));
                inner.set(after, Token.of(Kind.SPACE, " "));
            } else if (t.isWord("LIMIT") && following.kind() == Kind.NUMBER) {
                limit = following.text();
                exprEnd = Math.min(exprEnd, k);
                inner.set(k, Token.of(Kind.SPACE, " "));
                inner.set(after, Token.of(Kind.SPACE, " "));
            } else if (t.isWord("ORDER")) {
                exprEnd = Math.min(exprEnd, k);
            } else if (t.isWord("DISTINCT") && exprStart == 0) {
                exprStart = k + 1;
            }
        }
        StringBuilder agg = new StringBuilder("array_agg(");
        emit(inner, 0, inner.size(), agg);
        agg.append(')');
        if (ignoreNulls) {
            agg.append(" FILTER (WHERE (");
            emit(inner, exprStart, exprEnd, agg);
            agg.append(") IS NOT NULL)");
        }
        out.append(limit == null ? agg : "list_slice(" + agg + ", 1, " + limit + ")");
        return close + 1;
    }

    /** The translated arguments of a call whose parentheses are at {@code open} and {@code close}. */
    private List<String> arguments(List<Token> tokens, int open, int close) throws SqlError {
        List<String> out = new ArrayList<>();
        for (int[] r : argumentRanges(tokens, open, close)) {
            StringBuilder arg = new StringBuilder();
            emit(tokens, r[0], r[1], arg);
            out.add(arg.toString());
        }
        return out;
    }

    private static List<int[]> argumentRanges(List<Token> tokens, int open, int close) {
        List<int[]> ranges = new ArrayList<>();
        int depth = 0;
        int start = open + 1;
        for (int k = open + 1; k < close; k++) {
            Token t = tokens.get(k);
            if (t.is("(") || t.is("[")) {
                depth++;
            } else if (t.is(")") || t.is("]")) {
                depth--;
            } else if (depth == 0 && t.is(",")) {
                ranges.add(new int[] {start, k});
                start = k + 1;
            }
        }
        ranges.add(new int[] {start, close});
        return ranges;
    }

    /** Source text of a token range (for date-part keywords). */
    private static String text(List<Token> tokens, int[] range) {
        StringBuilder s = new StringBuilder();
        for (int k = range[0]; k < range[1]; k++) {
            s.append(tokens.get(k).text());
        }
        return s.toString();
    }

    private static int matching(List<Token> tokens, int open, int to) throws SqlError {
        int depth = 0;
        for (int k = open; k < to; k++) {
            if (tokens.get(k).is("(")) {
                depth++;
            } else if (tokens.get(k).is(")") && --depth == 0) {
                return k;
            }
        }
        throw new SqlError("Syntax error: Unclosed parenthesis");
    }

    private static int matchingBracket(List<Token> tokens, int open, int to) throws SqlError {
        int depth = 0;
        for (int k = open; k < to; k++) {
            if (tokens.get(k).is("[")) {
                depth++;
            } else if (tokens.get(k).is("]") && --depth == 0) {
                return k;
            }
        }
        throw new SqlError("Syntax error: Unclosed bracket");
    }

    private static int nextIndex(List<Token> tokens, int i, int to) {
        int k = i + 1;
        while (k < to && tokens.get(k).kind() == Kind.SPACE) {
            k++;
        }
        return k;
    }

    private static Token next(List<Token> tokens, int i, int to) {
        int k = nextIndex(tokens, i, to);
        return k < to ? tokens.get(k) : Token.of(Kind.SPACE, "");
    }

    private static Token prev(List<Token> tokens, int i) {
        int k = i - 1;
        while (k >= 0 && tokens.get(k).kind() == Kind.SPACE) {
            k--;
        }
        return k >= 0 ? tokens.get(k) : Token.of(Kind.SPACE, "");
    }

    // ---- tokenizing ----

    private static List<Token> tokenize(String sql) throws SqlError {
        List<Token> raw = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                int j = i;
                while (j < n && Character.isWhitespace(sql.charAt(j))) {
                    j++;
                }
                raw.add(Token.of(Kind.SPACE, sql.substring(i, j)));
                i = j;
            } else if (c == '#' || (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-')) {
                int j = sql.indexOf('\n', i);
                i = j < 0 ? n : j;
                raw.add(Token.of(Kind.SPACE, " "));
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int j = sql.indexOf("*/", i + 2);
                if (j < 0) {
                    throw new SqlError("Syntax error: Unclosed comment");
                }
                raw.add(Token.of(Kind.SPACE, " "));
                i = j + 2;
            } else if (c == '\'' || c == '"' || (isStringPrefix(sql, i) >= 0)) {
                int prefix = Math.max(0, isStringPrefix(sql, i));
                String flags = sql.substring(i, i + prefix).toLowerCase(Locale.ROOT);
                int[] end = new int[1];
                String value = readQuoted(sql, i + prefix, flags.contains("r"), end);
                String literal = "'" + value.replace("'", "''") + "'";
                raw.add(Token.of(Kind.STRING, flags.contains("b") ? literal + "::BLOB" : literal));
                i = end[0];
            } else if (c == '`') {
                int[] end = new int[1];
                String name = readQuoted(sql, i, false, end);
                List<Part> parts = new ArrayList<>();
                for (String p : name.split("\\.", -1)) {
                    if (p.isEmpty()) {
                        throw new SqlError("Syntax error: Invalid empty identifier in `" + name + "`");
                    }
                    parts.add(new Part(p, true));
                }
                raw.add(new Token(Kind.PATH, name, parts));
                i = end[0];
            } else if (c == '@') {
                int j = i + 1;
                boolean system = j < n && sql.charAt(j) == '@';
                if (system) {
                    j++;
                }
                int start = j;
                while (j < n && isWordChar(sql.charAt(j))) {
                    j++;
                }
                if (j == start) {
                    throw new SqlError("Syntax error: Unexpected \"@\"");
                }
                raw.add(
                        system
                                ? Token.of(Kind.OTHER, sql.substring(i, j))
                                : Token.of(Kind.PARAM, sql.substring(start, j)));
                i = j;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n && isWordChar(sql.charAt(j))) {
                    j++;
                }
                String word = sql.substring(i, j);
                raw.add(new Token(Kind.PATH, word, List.of(new Part(word, false))));
                i = j;
            } else if (Character.isDigit(c)
                    || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)) && !endsPath(raw))) {
                int j = i;
                while (j < n
                        && (Character.isLetterOrDigit(sql.charAt(j))
                                || sql.charAt(j) == '.'
                                || ((sql.charAt(j) == '+' || sql.charAt(j) == '-')
                                        && Character.toLowerCase(sql.charAt(j - 1)) == 'e'
                                        && !sql.startsWith("0x", i)))) {
                    j++;
                }
                raw.add(Token.of(Kind.NUMBER, sql.substring(i, j)));
                i = j;
            } else {
                raw.add(Token.of(Kind.OTHER, String.valueOf(c)));
                i++;
            }
        }
        return mergePaths(raw);
    }

    /** Joins {@code a.b.c} (words or backtick parts, no spaces) into one path token. */
    private static List<Token> mergePaths(List<Token> raw) {
        List<Token> out = new ArrayList<>(raw.size());
        for (int k = 0; k < raw.size(); k++) {
            Token t = raw.get(k);
            if (t.kind() != Kind.PATH) {
                out.add(t);
                continue;
            }
            List<Part> parts = new ArrayList<>(t.parts());
            while (k + 2 < raw.size()
                    && raw.get(k + 1).is(".")
                    && raw.get(k + 2).kind() == Kind.PATH) {
                parts.addAll(raw.get(k + 2).parts());
                k += 2;
            }
            out.add(new Token(Kind.PATH, t.text(), List.copyOf(parts)));
        }
        return out;
    }

    private static boolean endsPath(List<Token> raw) {
        return !raw.isEmpty() && raw.get(raw.size() - 1).kind() == Kind.PATH;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** Length of a string prefix (r, b, rb, br) directly followed by a quote at {@code i}, or -1. */
    private static int isStringPrefix(String sql, int i) {
        if (i > 0 && isWordChar(sql.charAt(i - 1))) {
            return -1;
        }
        for (int len = 1; len <= 2 && i + len < sql.length(); len++) {
            String p = sql.substring(i, i + len).toLowerCase(Locale.ROOT);
            if (!p.matches("[rb]{1,2}") || (len == 2 && p.charAt(0) == p.charAt(1))) {
                return -1;
            }
            char q = sql.charAt(i + len);
            if (q == '\'' || q == '"') {
                return len;
            }
        }
        return -1;
    }

    /** Reads a quoted literal or identifier starting at the quote; sets {@code end[0]} past the closing quote. */
    private static String readQuoted(String sql, int start, boolean raw, int[] end) throws SqlError {
        char q = sql.charAt(start);
        boolean triple = q != '`' && sql.startsWith(String.valueOf(q).repeat(3), start);
        String close = triple ? String.valueOf(q).repeat(3) : String.valueOf(q);
        StringBuilder value = new StringBuilder();
        int i = start + close.length();
        while (true) {
            if (i >= sql.length()) {
                throw new SqlError(
                        q == '`'
                                ? "Syntax error: Unclosed identifier literal"
                                : "Syntax error: Unclosed string literal");
            }
            if (sql.startsWith(close, i)) {
                end[0] = i + close.length();
                return value.toString();
            }
            char c = sql.charAt(i);
            if (!triple && c == '\n') {
                throw new SqlError("Syntax error: Unclosed string literal");
            }
            if (c == '\\' && i + 1 < sql.length()) {
                if (raw) {
                    value.append(c).append(sql.charAt(i + 1));
                    i += 2;
                    continue;
                }
                i = unescape(sql, i + 1, value);
                continue;
            }
            value.append(c);
            i++;
        }
    }

    private static int unescape(String sql, int i, StringBuilder out) throws SqlError {
        char e = sql.charAt(i);
        switch (e) {
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'v' -> out.append('\u000b');
            case '\\', '?', '"', '\'', '`' -> out.append(e);
            case 'x', 'X' -> {
                out.append((char) hex(sql, i + 1, 2));
                return i + 3;
            }
            case 'u' -> {
                out.append((char) hex(sql, i + 1, 4));
                return i + 5;
            }
            case 'U' -> {
                out.appendCodePoint(hex(sql, i + 1, 8));
                return i + 9;
            }
            default -> {
                if (e >= '0' && e <= '7' && i + 2 < sql.length()) {
                    out.append((char) Integer.parseInt(sql.substring(i, i + 3), 8));
                    return i + 3;
                }
                throw new SqlError("Syntax error: Illegal escape sequence: \\" + e);
            }
        }
        return i + 1;
    }

    private static int hex(String sql, int from, int digits) throws SqlError {
        try {
            return Integer.parseInt(sql.substring(from, from + digits), 16);
        } catch (RuntimeException e) {
            throw new SqlError("Syntax error: Illegal escape sequence");
        }
    }
}
