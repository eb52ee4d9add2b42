package dev.masync.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A warehouse table as the catalog knows it; columns in table order. */
public record CatalogTable(String name, List<CatalogColumn> columns) {
    public CatalogTable {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
    }

    public Optional<CatalogColumn> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public List<String> columnNames() {
        return columns.stream().map(CatalogColumn::name).toList();
    }

    Map<String, CatalogColumn> byName() {
        Map<String, CatalogColumn> m = new LinkedHashMap<>();
        columns.forEach(c -> m.put(c.name(), c));
        return m;
    }
}
