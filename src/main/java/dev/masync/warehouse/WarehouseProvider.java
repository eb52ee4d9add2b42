package dev.masync.warehouse;

import dev.masync.platform.MasyncConfig;
import dev.masync.warehouse.bigquery.BigQuerySettings;
import dev.masync.warehouse.bigquery.BigQueryWarehouse;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Owns the one {@link Warehouse} of the process. Opening may fail (missing file, unreachable project); the daemon
 * then keeps running, reports the reason through readiness and answers 503, and tries again at most every
 * {@link #REOPEN_INTERVAL}.
 */
@ApplicationScoped
public class WarehouseProvider {
    private static final Logger LOG = Logger.getLogger(WarehouseProvider.class);
    static final Duration REOPEN_INTERVAL = Duration.ofSeconds(10);

    private final WarehouseConfig config;
    private final MasyncConfig masync;
    private final Clock clock;
    private final Instance<WarehouseWriter> writers;
    private final MeterRegistry meters;

    private volatile Warehouse warehouse;
    private volatile WarehouseException lastError;
    private volatile Instant lastAttempt = Instant.MIN;

    WarehouseProvider(
            WarehouseConfig config,
            MasyncConfig masync,
            Instance<WarehouseWriter> writers,
            Clock clock,
            MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
        this.writers = writers;
        this.masync = masync;
        this.clock = clock;
    }

    /** The open warehouse; opens it if needed, or throws the reason it cannot be opened. */
    public Warehouse get() {
        Warehouse w = warehouse;
        if (w != null) {
            return w;
        }
        synchronized (this) {
            if (warehouse != null) {
                return warehouse;
            }
            Instant now = clock.instant();
            if (lastError != null && now.isBefore(lastAttempt.plus(REOPEN_INTERVAL))) {
                throw lastError;
            }
            lastAttempt = now;
            try {
                warehouse = new MeteredWarehouse(open(), meters);
                lastError = null;
                LOG.infof("warehouse %s opened", describe());
                return warehouse;
            } catch (WarehouseException e) {
                if (lastError == null || !String.valueOf(lastError.getMessage()).equals(e.getMessage())) {
                    LOG.warnf("warehouse %s unavailable: %s", describe(), e.getMessage());
                }
                lastError = e;
                throw e;
            }
        }
    }

    /** The DuckDB warehouse, for the demo that writes into it; fails if the warehouse is not DuckDB. */
    public DuckDbWarehouse duckDb() {
        Warehouse w = get();
        if (w instanceof MeteredWarehouse m && m.delegate() instanceof DuckDbWarehouse d) {
            return d;
        }
        throw new WarehouseException(WarehouseException.Kind.UNAVAILABLE, "the warehouse is not DuckDB");
    }

    /** Closes the warehouse so the next {@link #get()} reopens it (e.g. after the demo rewrote the file). */
    public synchronized void reset() {
        if (warehouse != null) {
            warehouse.close();
            warehouse = null;
        }
        lastError = null;
        lastAttempt = Instant.MIN;
    }

    /** Human-readable location of the configured warehouse. */
    public String describe() {
        return switch (config.kind()) {
            case DUCKDB -> "duckdb:" + config.duckdb().path().toAbsolutePath();
            case BIGQUERY ->
                "bigquery:" + config.bigquery().project().orElse("?") + "."
                        + config.bigquery().dataset().orElse("?");
        };
    }

    public DuckDbWarehouse.Settings duckDbSettings(boolean readOnly) {
        WarehouseConfig.DuckDb d = config.duckdb();
        return new DuckDbWarehouse.Settings(
                d.path(),
                readOnly,
                d.memoryLimit(),
                d.threads().isPresent() ? d.threads().getAsInt() : null,
                masync.dataDir().resolve("duckdb-tmp"),
                d.statePath().orElse(null));
    }

    /** Whether this process may write the DuckDB file (a {@link WarehouseWriter} owns it; a user's file is read-only). */
    public boolean duckDbWritable() {
        return config.kind() == WarehouseConfig.Kind.DUCKDB && writers.stream().anyMatch(WarehouseWriter::writesDuckDb);
    }

    private Warehouse open() {
        return switch (config.kind()) {
            case DUCKDB -> DuckDbWarehouse.open(duckDbSettings(!duckDbWritable()));
            case BIGQUERY -> {
                try {
                    yield BigQueryWarehouse.open(BigQuerySettings.from(config.bigquery()));
                } catch (IllegalArgumentException e) {
                    throw new WarehouseException(WarehouseException.Kind.UNAVAILABLE, e.getMessage(), e);
                }
            }
        };
    }

    void onStop(@Observes ShutdownEvent event) {
        reset();
    }
}
