package dev.masync.warehouse;

import java.util.List;

/**
 * A read path into the learner warehouse (DuckDB embedded, BigQuery in production).
 *
 * <p>Contract: implementations are thread-safe; every method may be called concurrently. Queries take only bound
 * parameters ({@link BoundQuery}); results are streamed, so memory stays bounded whatever the result size. Failures
 * are {@link WarehouseException}s whose {@link WarehouseException.Kind} says what went wrong; the implementation's
 * client library does its own retry on rate limits and backend errors before giving up with
 * {@link WarehouseException.Kind#TRANSIENT}.
 */
public interface Warehouse extends AutoCloseable {

    /** {@code duckdb} or {@code bigquery}. */
    String kind();

    SqlDialect dialect();

    /**
     * Describes a table of the configured source, columns in table order.
     *
     * @throws WarehouseException with kind {@code NOT_FOUND} if the table does not exist
     */
    List<ColumnInfo> describe(String table);

    /**
     * Runs a query and streams its rows to {@code consumer} in result order.
     *
     * @return the number of rows delivered
     */
    long query(BoundQuery query, RowConsumer consumer);

    /**
     * Optional capability: the bytes the query would scan, where the warehouse bills by it (BigQuery dry run).
     * Empty where it does not apply.
     */
    default java.util.OptionalLong estimateBytes(BoundQuery query) {
        return java.util.OptionalLong.empty();
    }

    /**
     * Runs a statement that returns no rows: DDL and DML on the area where ma-sync keeps sync state (never on the
     * source). Each call is atomic on its own.
     *
     * @return the rows affected, or -1 if the warehouse does not say
     */
    default long execute(BoundQuery statement) {
        query(statement, row -> true);
        return -1;
    }

    /**
     * Runs a query like {@link #query(BoundQuery, RowConsumer)} and reports its cost to {@code meter}; a warehouse
     * that bills refuses to start it when it would bill more than the meter's remaining bytes
     * ({@link WarehouseException.Kind#BUDGET_EXCEEDED}). The default reports the rows delivered and bills nothing.
     */
    default long query(BoundQuery query, RowConsumer consumer, QueryMeter meter) {
        long rows = query(query, consumer);
        meter.record("query", QueryCost.rows(rows));
        return rows;
    }

    /** Runs a statement like {@link #execute(BoundQuery)} and reports its cost to {@code meter} (see above). */
    default long execute(BoundQuery statement, QueryMeter meter) {
        long rows = execute(statement);
        meter.record("execute", QueryCost.rows(rows));
        return rows;
    }

    /** This warehouse, with every query and statement made through the returned view reported to {@code meter}. */
    default Warehouse meteredBy(QueryMeter meter) {
        return new MeteredBy(this, meter);
    }

    /**
     * Runs statements like {@link #execute} in one transaction: all of them take effect, durably, or none does (the
     * statements see the same snapshot). Lets a caller pay one commit for several writes. The default supports a
     * single statement only; warehouses with multi-statement transactions override it.
     *
     * @return the rows each statement affected (-1 where the warehouse does not say), in order
     * @throws UnsupportedOperationException for several statements where the warehouse has no such transactions
     */
    default long[] executeAtomically(List<BoundQuery> statements) {
        if (statements.size() > 1) {
            throw new UnsupportedOperationException(kind() + " runs no multi-statement transactions");
        }
        return statements.isEmpty() ? new long[0] : new long[] {execute(statements.get(0))};
    }

    /** Cheap round trip proving the warehouse answers; throws {@link WarehouseException} if not. */
    void ping();

    @Override
    void close();
}
