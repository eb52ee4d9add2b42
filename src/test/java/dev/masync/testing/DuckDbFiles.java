package dev.masync.testing;

import dev.masync.warehouse.duckdb.DuckDbWarehouse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

/** Builds small DuckDB warehouse files for tests. */
public final class DuckDbFiles {
    private DuckDbFiles() {}

    /** Creates (replacing) a DuckDB file and runs the statements in it. */
    public static Path create(Path file, String... statements) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            try (Connection c =
                            DuckDbWarehouse.openForWrite(new DuckDbWarehouse.Settings(file, false, null, null, null));
                    var s = c.createStatement()) {
                for (String statement : statements) {
                    s.execute(statement);
                }
            }
            return file;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create test warehouse " + file + ": " + e.getMessage(), e);
        }
    }
}
