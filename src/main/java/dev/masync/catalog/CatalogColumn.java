package dev.masync.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.masync.warehouse.ColumnType;

import java.util.List;
import java.util.Objects;

/**
 * A column segments may refer to.
 *
 * @param knownValues for low-cardinality string columns, their distinct non-NULL values (sorted); empty otherwise
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record CatalogColumn(
        String name, ColumnType type, ColumnType elementType, String nativeType, List<String> knownValues) {
    public CatalogColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        knownValues = knownValues == null ? List.of() : List.copyOf(knownValues);
    }

    /**
     * Whether {@link #knownValues()} lists every value the column had when the catalog read it: the reader keeps
     * them only when there are at most {@code masync.warehouse.known-values-limit} of them, so a non-empty list is
     * complete. Empty for high-cardinality columns, non-strings and columns with only NULLs.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean knownValuesComplete() {
        return !knownValues.isEmpty();
    }

    /** Operators valid for this column's type. */
    public List<String> operators() {
        return type.operators();
    }
}
