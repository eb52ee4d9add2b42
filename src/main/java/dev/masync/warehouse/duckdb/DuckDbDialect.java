package dev.masync.warehouse.duckdb;

import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.SqlDialect;

import java.util.List;

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
    public String sharedCte() {
        return "MATERIALIZED ";
    }

    @Override
    public String arrayAgg(String expression) {
        return "list(" + expression + ")";
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

    @Override
    public String typeName(ColumnType type) {
        return switch (type) {
            case STRING -> "VARCHAR";
            case INTEGER -> "BIGINT";
            case BOOLEAN -> "BOOLEAN";
            default -> throw new IllegalArgumentException("no state column type for " + type);
        };
    }

    @Override
    public String hashType() {
        return "UBIGINT";
    }

    @Override
    public String arrayType(String elementType) {
        return elementType + "[]";
    }

    @Override
    public String emptyArray(String elementType) {
        return "CAST([] AS " + arrayType(elementType) + ")";
    }

    @Override
    public String arrayElement(String array, int offset) {
        return array + "[" + (offset + 1) + "]";
    }

    /** DuckDB's {@code hash} of the salt and the value (NULL hashes too). */
    @Override
    public String saltedHash() {
        return "hash(CAST({1} AS VARCHAR), {0})";
    }

    @Override
    public String rowHash() {
        return "hash(CAST({0} AS BIGINT), {1}, {2})";
    }

    @Override
    public String sentinelHash() {
        return "CAST(0 AS UBIGINT)";
    }

    @Override
    public String countIf(String condition) {
        return "count(*) FILTER (WHERE " + condition + ")";
    }

    /** Several {@code unnest} in one SELECT zip their lists. */
    @Override
    public String zipArrays(List<String> aliases) {
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < aliases.size(); i++) {
            sb.append(i == 0 ? "" : ", ")
                    .append("unnest({")
                    .append(i)
                    .append("}) AS ")
                    .append(quoteIdentifier(aliases.get(i)));
        }
        return sb.toString();
    }
}
