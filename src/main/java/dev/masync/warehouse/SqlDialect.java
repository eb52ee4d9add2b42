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
}
