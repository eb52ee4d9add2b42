package dev.masync.warehouse;

/**
 * A feature that writes into the DuckDB warehouse file (the demo generates and advances it). The file opens
 * read-write when one of them says so, read-only otherwise: a user's file is never written. Implement it as a bean;
 * the warehouse knows no feature.
 */
public interface WarehouseWriter {

    /** Whether this feature writes the DuckDB file in this configuration. */
    boolean writesDuckDb();
}
