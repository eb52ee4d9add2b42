package dev.masync.sync.run;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What a run cost, shown in the run ({@code cost}) and summed in metrics.
 *
 * @param warehouseQueries queries and statements the run sent to the warehouse (diff, state writes, folds)
 * @param bytesProcessed   bytes those calls scanned, where the warehouse reports it (BigQuery); 0 on DuckDB
 * @param bytesBilled      bytes those calls were billed for (BigQuery on-demand pricing); 0 on DuckDB
 * @param rowsRead         rows the warehouse returned to the run or changed for it
 * @param requests         requests to the destination, retries included
 * @param records          records handed to the destination (once per record, not per retry)
 * @param dataPoints       values written at the destination: each sent field and each membership change counts one
 *                         (what vendors that bill per data point, such as Braze, count)
 * @param maxBytesBilled   the sync's budget of bytes billed for one run, or null for none
 * @param fullUploadDataPoints the data points a full upload would have written instead of the diff: every member
 *                         now ({@code counts.evaluated}) with each mapped field and its membership; {@code
 *                         fullUploadDataPoints - dataPoints} is what sending only changes saved
 */
@Schema(
        name = "RunCost",
        description = "What the run cost: warehouse queries, bytes processed and billed (BigQuery; 0 on DuckDB), rows"
                + " read, destination requests, records and data points written, the sync's maxBytesBilled (null for"
                + " none) and the data points a full upload would have written")
public record RunCost(
        long warehouseQueries,
        long bytesProcessed,
        long bytesBilled,
        long rowsRead,
        long requests,
        long records,
        long dataPoints,
        Long maxBytesBilled,
        long fullUploadDataPoints) {

    public static final RunCost ZERO = new RunCost(0, 0, 0, 0, 0, 0, 0, null, 0);

    /** A cost without the full-upload comparison (runs that never reached the segment). */
    public RunCost(
            long warehouseQueries,
            long bytesProcessed,
            long bytesBilled,
            long rowsRead,
            long requests,
            long records,
            long dataPoints,
            Long maxBytesBilled) {
        this(warehouseQueries, bytesProcessed, bytesBilled, rowsRead, requests, records, dataPoints, maxBytesBilled, 0);
    }

    /** Data points the diff saved against a full upload (never negative: removals are not part of a full upload). */
    public long dataPointsSaved() {
        return Math.max(0, fullUploadDataPoints - dataPoints);
    }
}
