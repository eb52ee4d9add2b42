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
 *   <li>backtick identifiers become double-quoted ones, {@code `project.dataset.table`} becomes
 *       {@code "dataset"."table"} (the project is dropped when it is the fake's);</li>
 *   <li>{@code @name} becomes {@code CAST(? AS <declared type>)}, bound in order;</li>
 *   <li>a few BigQuery-only forms: {@code x IN UNNEST(a)}, {@code FROM UNNEST(a) AS x},
 *       {@code ARRAY_AGG(.. IGNORE NULLS LIMIT n)}, {@code SAFE_CAST}, {@code COUNTIF}, {@code CURRENT_TIMESTAMP()},
 *       {@code TIMESTAMP/DATETIME/DATE _ADD, _SUB, _DIFF, _TRUNC}, type names after {@code AS},
 *       {@code TIMESTAMP '..'} and {@code DATETIME '..'} literals.</li>
 * </ul>
 * Everything else passes through unchanged; DuckDB reports what it does not understand.
 */
final class SqlTranslator {

    /** The translation plus what a dry run needs to estimate the bytes read. */
    record Result(String sql, List<String> bindOrder, Set<List<String>> paths, Set<String> words, boolean star) {
    }

    /** The SQL cannot be translated (unclosed literal, undeclared parameter...); reported as invalidQuery. */
    static final class SqlError extends Exception {
        SqlError(String message) {
            super(message);
        }
    }

    private enum Kind { SPACE, STRING, PATH, NUMBER, PARAM, OTHER }

    private record Part(String name, boolean quoted) {
    }

    private record Token(Kind kind, String text, List<Part> parts) {
        static Token of(Kind kind, String text) {
            return new Token(kind, text, List.of());
        }

        boolean isWord(String word) {
            return kind == Kind.PATH && parts.size() == 1 && !parts.get(0).quoted()
                    && parts.get(0).name().equalsIgnoreCase(word);
        }

        boolean is(String symbol) {
            return kind == Kind.OTHER && text.equals(symbol);
        }
    }

    private static final Map<String, String> CAST_TYPES = Map.of(
            "INT64", "BIGINT", "FLOAT64", "DOUBLE", "STRING", "VARCHAR", "BOOL", "BOOLEAN",
            "NUMERIC", "DECIMAL(38,9)", "BIGNUMERIC", "DECIMAL(38,9)", "BYTES", "BLOB",
            "DATETIME", "TIMESTAMP", "TIMESTAMP", "TIMESTAMPTZ");

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
        StringBuilder out = new StringBuilder(sql.length() + 16);
        t.emit(tokens, 0, tokens.size(), out);
        return new Result(out.toString(), List.copyOf(t.bindOrder), t.paths, t.words, t.star);
    }

    // ---- emitting ----

    private void emit(List<Token> tokens, int from, int to, StringBuilder out) throws SqlError {
        int i = from;
        while (i < to) {
            Token tok = tokens.get(i);
            switch (tok.kind()) {
                case PATH -> i = emitPath(tokens, i, to, out);
                case PARAM -> {
                    String type = parameterTypes.apply(tok.text());
                    if (type == null) {
                        throw new SqlError("Query parameter '" + tok.text() + "' not found");
                    }
                    bindOrder.add(tok.text());
                    out.append("CAST(? AS ").append(type).append(')');
                    i++;
                }
                case OTHER -> {
                    if (tok.is("*") && !(prev(tokens, i).is("(") && next(tokens, i, to).is(")"))) {
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

    private int emitPath(List<Token> tokens, int i, int to, StringBuilder out) throws SqlError {
        Token tok = tokens.get(i);
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
        if (parts.size() == 1 && !parts.get(0).quoted()) {
            int next = rewriteWord(tokens, i, to, out);
            if (next >= 0) {
                return next;
            }
        }
        for (int k = 0; k < parts.size(); k++) {
            if (k > 0) {
                out.append('.');
            }
            Part p = parts.get(k);
            out.append(p.quoted() ? '"' + p.name().replace("\"", "\"\"") + '"' : p.name());
        }
        return i + 1;
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
                if (alias < to && tokens.get(alias).kind() == Kind.PATH && tokens.get(alias).parts().size() == 1) {
                    Part a = tokens.get(alias).parts().get(0);
                    String name = a.quoted() ? '"' + a.name().replace("\"", "\"\"") + '"' : a.name();
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
                                .append(text(tokens, ranges.get(2)).trim().toLowerCase(Locale.ROOT)).append("', ");
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
                                .append(text(tokens, ranges.get(1)).trim().toLowerCase(Locale.ROOT)).append("', ");
                        emit(tokens, ranges.get(0)[0], ranges.get(0)[1], out);
                        out.append(')');
                        return close + 1;
                    }
                }
            }
            case "SAFE_CAST" -> {
                out.append("TRY_CAST");
                return i + 1;
            }
            case "COUNTIF" -> {
                out.append("count_if");
                return i + 1;
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
            if (t.is("(")) {
                depth++;
            } else if (t.is(")")) {
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
                raw.add(system ? Token.of(Kind.OTHER, sql.substring(i, j)) : Token.of(Kind.PARAM, sql.substring(start, j)));
                i = j;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n && isWordChar(sql.charAt(j))) {
                    j++;
                }
                String word = sql.substring(i, j);
                raw.add(new Token(Kind.PATH, word, List.of(new Part(word, false))));
                i = j;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))
                    && !endsPath(raw))) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '.'
                        || ((sql.charAt(j) == '+' || sql.charAt(j) == '-')
                        && Character.toLowerCase(sql.charAt(j - 1)) == 'e' && !sql.startsWith("0x", i)))) {
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
            while (k + 2 < raw.size() && raw.get(k + 1).is(".") && raw.get(k + 2).kind() == Kind.PATH) {
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
                throw new SqlError(q == '`' ? "Syntax error: Unclosed identifier literal"
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
