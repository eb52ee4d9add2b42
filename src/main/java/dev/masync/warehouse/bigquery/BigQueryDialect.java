package dev.masync.warehouse.bigquery;

import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.SqlDialect;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * GoogleSQL (standard SQL) for one BigQuery dataset: backtick-quoted identifiers, tables qualified as
 * {@code `project.dataset.table`} and named {@code @name} parameters.
 *
 * <p>Identifiers are escaped, never trusted: backslashes and backticks inside a name are escaped the way BigQuery
 * reads quoted identifiers, and names that cannot be a single BigQuery identifier (empty, control characters, dots,
 * which BigQuery would read as a path) are rejected with {@link IllegalArgumentException}.
 */
public final class BigQueryDialect implements SqlDialect {
    /** Project ids: lower-case letters, digits and hyphens, optionally prefixed by a domain ({@code example.com:}). */
    private static final Pattern PROJECT = Pattern.compile("(?:[a-z0-9][a-z0-9.-]*:)?[a-z][a-z0-9-]*[a-z0-9]");

    private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9_]{1,1024}");
    /** Table names: letters, marks, numbers, connectors (underscore), dashes and spaces. */
    private static final Pattern TABLE = Pattern.compile("[\\p{L}\\p{M}\\p{N}\\p{Pc}\\p{Pd} ]{1,1024}");

    private static final Pattern PARAMETER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private final String project;
    private final String dataset;

    public BigQueryDialect(String project, String dataset) {
        this.project = Objects.requireNonNull(project, "project");
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        if (!PROJECT.matcher(project).matches()) {
            throw new IllegalArgumentException("not a BigQuery project id: '" + project + "'");
        }
        if (!DATASET.matcher(dataset).matches()) {
            throw new IllegalArgumentException("not a BigQuery dataset id: '" + dataset + "'");
        }
    }

    public String project() {
        return project;
    }

    public String dataset() {
        return dataset;
    }

    @Override
    public String quoteIdentifier(String identifier) {
        Objects.requireNonNull(identifier, "identifier");
        if (identifier.isEmpty()) {
            throw new IllegalArgumentException("empty identifier");
        }
        StringBuilder out = new StringBuilder(identifier.length() + 2).append('`');
        for (int i = 0; i < identifier.length(); i++) {
            char ch = identifier.charAt(i);
            if (Character.isISOControl(ch) || ch == '.') {
                throw new IllegalArgumentException(
                        "identifier contains a character BigQuery cannot quote: " + describe(identifier));
            }
            if (ch == '`' || ch == '\\') {
                out.append('\\');
            }
            out.append(ch);
        }
        return out.append('`').toString();
    }

    @Override
    public String table(String tableName) {
        Objects.requireNonNull(tableName, "tableName");
        if (!TABLE.matcher(tableName).matches()) {
            throw new IllegalArgumentException("not a BigQuery table name: " + describe(tableName));
        }
        if (project.indexOf('.') >= 0) {
            // A domain-scoped project ("example.com:p") contains a dot, so each part gets its own quotes.
            return "`" + project + "`.`" + dataset + "`.`" + tableName + "`";
        }
        return "`" + project + "." + dataset + "." + tableName + "`";
    }

    @Override
    public String placeholder(QueryParam param) {
        if (!PARAMETER.matcher(param.name()).matches()) {
            throw new IllegalArgumentException("not a BigQuery parameter name: " + describe(param.name()));
        }
        return "@" + param.name();
    }

    @Override
    public String approxCountDistinct(String expression) {
        return "APPROX_COUNT_DISTINCT(" + expression + ")";
    }

    @Override
    public String distinctValuesArray(String quotedColumn, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return "ARRAY_AGG(DISTINCT " + quotedColumn + " IGNORE NULLS LIMIT " + limit + ")";
    }

    @Override
    public String textContains() {
        return "STRPOS({0}, {1}) > 0";
    }

    @Override
    public String textStartsWith() {
        return "STARTS_WITH({0}, {1})";
    }

    @Override
    public String textEndsWith() {
        return "ENDS_WITH({0}, {1})";
    }

    @Override
    public String arrayAgg(String expression) {
        return "ARRAY_AGG(" + expression + ")";
    }

    @Override
    public String arrayContains() {
        return "{1} IN UNNEST({0})";
    }

    @Override
    public String arrayContainsAny() {
        return "EXISTS (SELECT 1 FROM UNNEST({0}) AS e WHERE e IN UNNEST({1}))";
    }

    @Override
    public String arrayContainsAll() {
        return "(SELECT COUNT(DISTINCT e) FROM UNNEST({0}) AS e WHERE e IN UNNEST({1}))"
                + " = (SELECT COUNT(DISTINCT e) FROM UNNEST({1}) AS e)";
    }

    @Override
    public String smallestValues(String expression, String filter, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return "ARRAY_AGG(IF(" + filter + ", " + expression + ", NULL) IGNORE NULLS ORDER BY " + expression + " LIMIT "
                + limit + ")";
    }

    @Override
    public String typeName(ColumnType type) {
        return switch (type) {
            case STRING -> "STRING";
            case INTEGER -> "INT64";
            case BOOLEAN -> "BOOL";
            default -> throw new IllegalArgumentException("no state column type for " + type);
        };
    }

    @Override
    public String hashType() {
        return "INT64";
    }

    @Override
    public String arrayType(String elementType) {
        return "ARRAY<" + elementType + ">";
    }

    @Override
    public String emptyArray(String elementType) {
        return arrayType(elementType) + "[]";
    }

    @Override
    public String arrayElement(String array, int offset) {
        return array + "[SAFE_OFFSET(" + offset + ")]";
    }

    /** {@code FARM_FINGERPRINT} over the salt and the value's JSON text ({@code null} for NULL). */
    @Override
    public String saltedHash() {
        return "FARM_FINGERPRINT(CONCAT({1}, TO_JSON_STRING({0})))";
    }

    /** {@code FARM_FINGERPRINT} over the JSON text of a struct of the three. */
    @Override
    public String rowHash() {
        return "FARM_FINGERPRINT(TO_JSON_STRING(STRUCT({0} AS fp, {1} AS dk, {2} AS fh)))";
    }

    @Override
    public String sentinelHash() {
        return "0";
    }

    @Override
    public String countIf(String condition) {
        return "COUNTIF(" + condition + ")";
    }

    /** The first array is unnested with its offsets, the others are read at the same offset. */
    @Override
    public String zipArrays(List<String> aliases) {
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < aliases.size(); i++) {
            sb.append(i == 0 ? "" : ", ");
            if (i == 0) {
                sb.append("zipped");
            } else {
                sb.append('{').append(i).append("}[OFFSET(o)]");
            }
            sb.append(" AS ").append(quoteIdentifier(aliases.get(i)));
        }
        return sb.append(" FROM UNNEST({0}) AS zipped WITH OFFSET AS o").toString();
    }

    private static String describe(String s) {
        StringBuilder out = new StringBuilder("'");
        s.codePoints().limit(80).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.append(s.length() > 80 ? "...'" : "'").toString();
    }
}
