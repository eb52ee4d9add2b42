package dev.masync.catalog;

import java.util.Objects;

/** An event table segments may aggregate per learner. */
public record EventTable(CatalogTable table, String learnerKey, String timestampColumn) {
    public EventTable {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(learnerKey, "learnerKey");
        Objects.requireNonNull(timestampColumn, "timestampColumn");
    }

    public String name() {
        return table.name();
    }
}
