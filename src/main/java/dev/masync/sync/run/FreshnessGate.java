package dev.masync.sync.run;

import dev.masync.platform.MasyncConfig;
import dev.masync.sync.SyncDefinition;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * A sync with a freshness rule runs on schedule only when the learners table was refreshed since its last successful
 * run (and, with {@code maxAge}, recently enough).
 */
@ApplicationScoped
public class FreshnessGate {
    /** The freshness seen (null without a rule or without data) and, when the run must not go on, why. */
    public record Verdict(String freshness, String staleReason) {
        static final Verdict NONE = new Verdict(null, null);

        public boolean stale() {
            return staleReason != null;
        }
    }

    private final WarehouseConfig warehouseConfig;
    private final MasyncConfig masync;
    private final Clock clock;

    FreshnessGate(WarehouseConfig warehouseConfig, MasyncConfig masync, Clock clock) {
        this.warehouseConfig = warehouseConfig;
        this.masync = masync;
        this.clock = clock;
    }

    /**
     * Reads the freshness of a run's data.
     *
     * @param gated whether staleness stops the run (scheduled, not forced)
     */
    public Verdict check(Warehouse warehouse, RunSnapshot run, boolean gated) {
        if (run.definition().freshness().isEmpty()) {
            return Verdict.NONE;
        }
        SyncDefinition.Freshness f = run.definition().freshness().get();
        return verdict(f, freshness(warehouse, f), run.lastFreshness(), gated);
    }

    /** The verdict on a freshness read now, given the one of the last successful run. */
    Verdict verdict(SyncDefinition.Freshness f, String freshness, String lastFreshness, boolean gated) {
        return new Verdict(freshness, gated ? staleReason(f, freshness, lastFreshness) : null);
    }

    private String freshness(Warehouse warehouse, SyncDefinition.Freshness f) {
        Object[] value = new Object[1];
        warehouse.query(
                new SqlBuilder(warehouse.dialect())
                        .sql("SELECT max(")
                        .ident(f.attribute())
                        .sql(") AS v FROM ")
                        .table(warehouseConfig.learnersTable())
                        .build(),
                row -> {
                    value[0] = row.values().get(0);
                    return false;
                });
        return value[0] == null ? null : String.valueOf(value[0]);
    }

    private String staleReason(SyncDefinition.Freshness f, String freshness, String lastFreshness) {
        if (freshness == null) {
            return "the learners table has no " + f.attribute() + " yet; nothing fresh to send";
        }
        if (freshness.equals(lastFreshness)) {
            return "max(" + f.attribute() + ") is still " + freshness + " as at the last successful run;"
                    + " the data has not been refreshed";
        }
        if (f.maxAge().isPresent()) {
            Instant at = instantOf(freshness);
            if (at != null && at.plus(f.maxAge().get()).isBefore(clock.instant())) {
                return "max(" + f.attribute() + ") is " + freshness + ", older than "
                        + f.maxAge().get();
            }
        }
        return null;
    }

    /** An instant, a local timestamp (in the configured zone) or a date (its end); null for anything else. */
    Instant instantOf(String text) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            // not an instant
        }
        try {
            return LocalDateTime.parse(text).atZone(masync.timeZone()).toInstant();
        } catch (RuntimeException e) {
            // not a local timestamp
        }
        try {
            return LocalDate.parse(text)
                    .plusDays(1)
                    .atStartOfDay(masync.timeZone())
                    .toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
