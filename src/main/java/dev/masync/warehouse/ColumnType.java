package dev.masync.warehouse;

import java.util.List;

/**
 * Logical column types shared by every warehouse. Rules, validation and the catalog speak these types; each
 * warehouse maps its native types onto them.
 */
public enum ColumnType {
    STRING(List.of("eq", "neq", "in", "not_in", "contains", "starts_with", "ends_with", "is_null", "is_not_null")),
    INTEGER(List.of("eq", "neq", "lt", "lte", "gt", "gte", "between", "in", "not_in", "is_null", "is_not_null")),
    NUMBER(List.of("eq", "neq", "lt", "lte", "gt", "gte", "between", "in", "not_in", "is_null", "is_not_null")),
    BOOLEAN(List.of("is_true", "is_false", "is_null")),
    DATE(List.of(
            "before",
            "after",
            "between",
            "within_last",
            "before_last",
            "within_next",
            "after_next",
            "is_null",
            "is_not_null")),
    /** A timestamp without zone; read in {@code masync.time-zone}. */
    TIMESTAMP(DATE.operators),
    /** An absolute instant. */
    TIMESTAMP_TZ(DATE.operators),
    ARRAY(List.of("contains", "contains_any", "contains_all", "is_null", "is_not_null")),
    /** Anything rules cannot filter on (structs, blobs, intervals...). Listed in the catalog, not usable in rules. */
    OTHER(List.of());

    private final List<String> operators;

    ColumnType(List<String> operators) {
        this.operators = operators;
    }

    /** Operators a segment rule may apply to a column of this type. */
    public List<String> operators() {
        return operators;
    }

    public boolean isTemporal() {
        return this == DATE || this == TIMESTAMP || this == TIMESTAMP_TZ;
    }

    public boolean isNumeric() {
        return this == INTEGER || this == NUMBER;
    }

    /** Lower-case name used in JSON. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
