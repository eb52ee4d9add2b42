package dev.masync.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What segments may refer to, as read from the warehouse: the learners table with its key, and the event tables.
 *
 * @param warnings problems that did not stop the catalog (e.g. a configured event table that is missing)
 */
public record Catalog(
        String warehouse,
        CatalogTable learners,
        String learnerKey,
        List<EventTable> eventTables,
        List<String> warnings,
        Instant readAt) {
    public Catalog {
        Objects.requireNonNull(learners, "learners");
        Objects.requireNonNull(learnerKey, "learnerKey");
        eventTables = List.copyOf(eventTables);
        warnings = List.copyOf(warnings);
    }

    public Optional<EventTable> eventTable(String name) {
        return eventTables.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
