package dev.masync.warehouse;

/**
 * The small seam between compiled SQL and a warehouse: identifier quoting, table naming and parameter placeholders.
 * Later features add hashing, time functions and DDL here, never in callers.
 */
public interface SqlDialect {

    /** Quotes one identifier (column or table name) taken from the catalog. */
    String quoteIdentifier(String identifier);

    /** The fully qualified, quoted reference to a table of the configured source. */
    String table(String tableName);

    /** The placeholder text for a parameter ({@code ?} for positional dialects, {@code @name} for named ones). */
    String placeholder(QueryParam param);

    /** An approximate distinct count of an expression. */
    String approxCountDistinct(String expression);

    /** An aggregate returning up to {@code limit} distinct non-null values of a column as an array. */
    String distinctValuesArray(String quotedColumn, int limit);
}
