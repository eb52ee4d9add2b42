package dev.masync.catalog;

import dev.masync.warehouse.WarehouseConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which tables form the catalog.
 *
 * @param eventKeyOverrides       event table → its learner-key column, where it is not named like the learners key
 * @param eventTimestampOverrides event table → its timestamp column, where the table has not exactly one timestamp
 */
public record CatalogSpec(
        String learnersTable,
        String learnerKey,
        List<String> eventTables,
        Map<String, String> eventKeyOverrides,
        Map<String, String> eventTimestampOverrides,
        int knownValuesLimit,
        Duration knownValuesMaxAge) {
    public CatalogSpec {
        Objects.requireNonNull(learnersTable, "learnersTable");
        Objects.requireNonNull(learnerKey, "learnerKey");
        eventTables = List.copyOf(eventTables);
        eventKeyOverrides = Map.copyOf(eventKeyOverrides);
        eventTimestampOverrides = Map.copyOf(eventTimestampOverrides);
    }

    public static CatalogSpec from(WarehouseConfig config) {
        Map<String, String> keys = new java.util.HashMap<>();
        Map<String, String> timestamps = new java.util.HashMap<>();
        config.eventTable().forEach((table, c) -> {
            c.learnerKey().ifPresent(k -> keys.put(table, k));
            c.timestampColumn().ifPresent(t -> timestamps.put(table, t));
        });
        List<String> events = config.eventTables().stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        return new CatalogSpec(
                config.learnersTable(),
                config.learnerKey(),
                events,
                keys,
                timestamps,
                config.knownValuesLimit(),
                config.knownValuesRefresh());
    }

    Optional<String> keyOverride(String table) {
        return Optional.ofNullable(eventKeyOverrides.get(table));
    }

    Optional<String> timestampOverride(String table) {
        return Optional.ofNullable(eventTimestampOverrides.get(table));
    }
}
