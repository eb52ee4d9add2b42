package dev.masync.warehouse;

import java.util.Objects;

/**
 * One column as the warehouse describes it.
 *
 * @param name        column name exactly as in the warehouse
 * @param type        logical type
 * @param elementType for {@link ColumnType#ARRAY}, the element type; otherwise {@code null}
 * @param nativeType  the warehouse's own type name (e.g. {@code VARCHAR}, {@code INT64})
 */
public record ColumnInfo(String name, ColumnType type, ColumnType elementType, String nativeType) {
    public ColumnInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(nativeType, "nativeType");
    }
}
