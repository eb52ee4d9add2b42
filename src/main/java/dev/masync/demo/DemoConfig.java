package dev.masync.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.LocalDate;
import java.util.Optional;

/** The generated demo warehouse (DuckDB only). */
@ConfigMapping(prefix = "masync.demo")
public interface DemoConfig {

    /** Generate the demo warehouse on start when the DuckDB file does not exist. */
    @WithDefault("true")
    boolean enabled();

    /** Learners to generate. */
    @WithDefault("100000")
    int learners();

    /** Seed: the same seed and anchor give the same warehouse. */
    @WithDefault("42")
    long seed();

    /** The demo's "today" at generation; default: today in {@code masync.time-zone}. */
    Optional<LocalDate> anchor();
}
