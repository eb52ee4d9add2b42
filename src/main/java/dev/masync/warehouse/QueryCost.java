package dev.masync.warehouse;

/**
 * What one warehouse call cost, as far as the warehouse tells: BigQuery reports the bytes a job processed and billed
 * (on-demand pricing bills the latter); DuckDB bills nothing and reports only the rows it returned or changed.
 *
 * @param bytesProcessed bytes the call scanned; 0 where the warehouse does not say
 * @param bytesBilled    bytes the call was billed for; 0 where nothing is billed
 * @param rows           rows returned by a query, or affected by a statement; 0 where unknown
 */
public record QueryCost(long bytesProcessed, long bytesBilled, long rows) {

    public static final QueryCost NONE = new QueryCost(0, 0, 0);

    public QueryCost {
        if (bytesProcessed < 0 || bytesBilled < 0 || rows < 0) {
            throw new IllegalArgumentException("costs are not negative");
        }
    }

    public static QueryCost rows(long rows) {
        return new QueryCost(0, 0, Math.max(0, rows));
    }
}
