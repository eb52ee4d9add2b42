package dev.masync.warehouse.duckdb;

import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.SqlDialect;

/** DuckDB SQL: double-quoted identifiers, positional {@code ?} parameters. */
public final class DuckDbDialect implements SqlDialect {

    @Override
    public String quoteIdentifier(String identifier) {
        if (identifier == null || identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid identifier");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code schema.table} names are quoted part by part; a plain name is a table of the default schema. */
    @Override
    public String table(String tableName) {
        String[] parts = tableName.split("\\.", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append(quoteIdentifier(parts[i]));
        }
        return sb.toString();
    }

    @Override
    public String placeholder(QueryParam param) {
        return "?";
    }

    @Override
    public String approxCountDistinct(String expression) {
        return "approx_count_distinct(" + expression + ")";
    }

    @Override
    public String distinctValuesArray(String quotedColumn, int limit) {
        return "(list(DISTINCT " + quotedColumn + " ORDER BY " + quotedColumn + ") FILTER (WHERE " + quotedColumn
                + " IS NOT NULL))[1:" + limit + "]";
    }

    @Override
    public String textContains() {
        return "contains({0}, {1})";
    }

    @Override
    public String textStartsWith() {
        return "starts_with({0}, {1})";
    }

    @Override
    public String textEndsWith() {
        return "ends_with({0}, {1})";
    }

    @Override
    public String arrayContains() {
        return "list_contains({0}, {1})";
    }

    @Override
    public String arrayContainsAny() {
        return "list_has_any({0}, {1})";
    }

    @Override
    public String arrayContainsAll() {
        return "list_has_all({0}, {1})";
    }

    @Override
    public String smallestValues(String expression, String filter, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return "coalesce(min(" + expression + ", " + limit + ") FILTER (WHERE " + filter + "), [])";
    }
}
