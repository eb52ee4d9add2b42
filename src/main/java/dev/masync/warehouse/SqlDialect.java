package dev.masync.warehouse;

/**
 * The small seam between compiled SQL and a warehouse: identifier quoting, table naming, parameter placeholders,
 * operators, and what the sync state needs (hashing, type names, DDL). Callers never write dialect SQL themselves.
 *
 * <p>Templates: methods documented as templates return text whose {@code {0}}, {@code {1}}... stand for operands
 * (compiled expressions or placeholders). Operands may appear in any order and more than once: callers emit each
 * occurrence with its own placeholder, in text order.
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

    // Segment rule operators. Each returns a template whose {0} and {1} stand for already compiled operands (column
    // expressions or placeholders). Operands may appear in any order and more than once: callers emit each
    // occurrence with its own placeholder, in text order.

    /** {0} (a string) contains {1} (a string), case-sensitive. */
    String textContains();

    /** {0} starts with {1}. */
    String textStartsWith();

    /** {0} ends with {1}. */
    String textEndsWith();

    /** Array {0} contains the element {1}; NULL or false if {0} is NULL. */
    String arrayContains();

    /** Array {0} shares at least one element with array {1}. */
    String arrayContainsAny();

    /** Array {0} contains every element of array {1}. */
    String arrayContainsAll();

    /**
     * An aggregate of the up to {@code limit} smallest values of {@code expression} over the rows where
     * {@code filter} is true, as an ascending array (empty, not NULL, when there are none). Both arguments are
     * trusted SQL without parameters.
     */
    String smallestValues(String expression, String filter, int limit);

    // Sync state: type names, hashing and DDL.

    /** The SQL type of a state column holding {@code STRING}, {@code INTEGER} (64-bit) or {@code BOOLEAN} values. */
    String typeName(ColumnType type);

    /** The type of a 64-bit hash as {@link #saltedHash()} and {@link #rowHash()} return it. */
    String hashType();

    /** An array type of {@code elementType}. */
    String arrayType(String elementType);

    /** An empty array of {@code elementType} (typed, never NULL). */
    String emptyArray(String elementType);

    /** Element {@code offset} (0-based) of an array expression; NULL when the array is shorter. */
    String arrayElement(String array, int offset);

    /** Template: a 64-bit hash of the value {0} (any type, NULL allowed) salted with the string {1}; never NULL. */
    String saltedHash();

    /** Template: a 64-bit hash of a 64-bit integer {0}, a string {1} (NULL allowed) and an array of hashes {2}. */
    String rowHash();

    /** A hash literal that no computed hash is expected to equal (odds 2^-64): marks a record as uncertain. */
    String sentinelHash();

    /** An aggregate counting the rows where the trusted {@code condition} holds; 0 over no rows. */
    String countIf(String condition);

    /**
     * Template: a subquery turning the parallel array parameters {0}, {1}... into rows, one column per array named
     * by {@code aliases} in order (all arrays have the same length).
     */
    String zipArrays(java.util.List<String> aliases);

    /**
     * {@code CREATE TABLE IF NOT EXISTS} of a qualified, quoted {@code table} with the columns given as pairs of
     * (unquoted name, type name from this dialect).
     */
    /**
     * The keyword(s) between {@code name AS} and the body of a CTE that several parts of a query read, so that it is
     * computed once ({@code MATERIALIZED } on DuckDB, which otherwise may inline it at every reference); empty where
     * the warehouse decides itself.
     */
    default String sharedCte() {
        return "";
    }

    /** An aggregate collecting the values of {@code expression} of a group into an array. */
    String arrayAgg(String expression);

    default String createTableIfNotExists(String table, java.util.List<java.util.Map.Entry<String, String>> columns) {
        StringBuilder sb =
                new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            sb.append(i == 0 ? "" : ", ")
                    .append(quoteIdentifier(columns.get(i).getKey()))
                    .append(' ')
                    .append(columns.get(i).getValue());
        }
        return sb.append(')').toString();
    }

    /** The start of a statement replacing {@code table} by the result of the query that follows. */
    default String createOrReplaceTableAs(String table) {
        return "CREATE OR REPLACE TABLE " + table + " AS\n";
    }

    /** {@code DROP TABLE IF EXISTS} of a qualified, quoted table. */
    default String dropTableIfExists(String table) {
        return "DROP TABLE IF EXISTS " + table;
    }
}
