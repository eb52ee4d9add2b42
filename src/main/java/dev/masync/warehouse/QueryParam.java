package dev.masync.warehouse;

import java.util.Objects;

/**
 * A bound query parameter. Values are plain Java values: {@code String}, {@code Long}, {@code Double},
 * {@code java.math.BigDecimal}, {@code Boolean}, {@code java.time.LocalDate}, {@code java.time.LocalDateTime}
 * (zone-less timestamp), {@code java.time.Instant} (absolute timestamp), or a {@code java.util.List} of those for
 * array parameters; {@code null} is allowed and typed by {@code type}.
 *
 * @param name parameter name, unique within its query ({@code p0}, {@code p1}...)
 * @param type the logical type the parameter is bound as; for arrays, {@code elementType} gives the element type
 */
public record QueryParam(String name, ColumnType type, ColumnType elementType, Object value) {
    public QueryParam {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (type == ColumnType.ARRAY) {
            Objects.requireNonNull(elementType, "elementType of an array parameter");
        }
    }

    public static QueryParam of(String name, ColumnType type, Object value) {
        return new QueryParam(name, type, null, value);
    }
}
