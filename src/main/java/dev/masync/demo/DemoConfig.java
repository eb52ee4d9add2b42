package dev.masync.demo;

import dev.masync.platform.MasyncConfig;
import dev.masync.warehouse.WarehouseConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.LocalDate;
import java.util.Optional;

/** The generated demo warehouse (DuckDB only). */
@ConfigMapping(prefix = "masync.demo")
public interface DemoConfig {

    /**
     * Demo mode: generate the DuckDB warehouse on start when its file does not exist, and allow advancing it. Unset,
     * it is on only with the embedded defaults (DuckDB at {@code ${masync.data-dir}/warehouse.duckdb}) and off for any
     * other warehouse; {@code true} turns it on for another DuckDB file, {@code false} turns it off.
     */
    Optional<Boolean> enabled();

    /** Whether demo mode is on for this warehouse (see {@link #enabled()}); never for BigQuery. */
    static boolean active(DemoConfig demo, WarehouseConfig warehouse, MasyncConfig masync) {
        if (warehouse.kind() != WarehouseConfig.Kind.DUCKDB) {
            return false;
        }
        return demo.enabled()
                .orElseGet(() -> warehouse
                        .duckdb()
                        .path()
                        .toAbsolutePath()
                        .normalize()
                        .equals(masync.dataDir()
                                .resolve("warehouse.duckdb")
                                .toAbsolutePath()
                                .normalize()));
    }

    /** Learners to generate. */
    @WithDefault("100000")
    int learners();

    /** Seed: the same seed and anchor give the same warehouse. */
    @WithDefault("42")
    long seed();

    /** The demo's "today" at generation; default: today in {@code masync.time-zone}. */
    Optional<LocalDate> anchor();
}
