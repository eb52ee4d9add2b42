package dev.masync.warehouse.bigquery.fake;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A BigQuery schema field ({@code TableFieldSchema}): what {@code tables.get} and query results report.
 *
 * @param name   column name
 * @param type   BigQuery type as the REST API writes it: {@code STRING INTEGER FLOAT NUMERIC BIGNUMERIC BOOLEAN DATE
 *               DATETIME TIMESTAMP TIME BYTES GEOGRAPHY JSON INTERVAL RECORD}; standard names ({@code INT64},
 *               {@code FLOAT64}, {@code BOOL}, {@code STRUCT}) are accepted and normalised
 * @param mode   {@code NULLABLE}, {@code REQUIRED} or {@code REPEATED}
 * @param fields sub-fields of a {@code RECORD}; empty otherwise
 */
public record FakeField(String name, String type, String mode, List<FakeField> fields) {
    public FakeField {
        Objects.requireNonNull(name, "name");
        type = legacyName(Objects.requireNonNull(type, "type"));
        mode = mode == null ? "NULLABLE" : mode.toUpperCase(Locale.ROOT);
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    public static FakeField of(String name, String type) {
        return new FakeField(name, type, "NULLABLE", List.of());
    }

    public static FakeField repeated(String name, String type) {
        return new FakeField(name, type, "REPEATED", List.of());
    }

    public static FakeField record(String name, FakeField... fields) {
        return new FakeField(name, "RECORD", "NULLABLE", List.of(fields));
    }

    public boolean isRepeated() {
        return "REPEATED".equals(mode);
    }

    public boolean isRecord() {
        return "RECORD".equals(type);
    }

    /** The same field as one element of its array (mode NULLABLE). */
    FakeField element() {
        return new FakeField(name, type, "NULLABLE", fields);
    }

    FakeField renamed(String newName) {
        return new FakeField(newName, type, mode, fields);
    }

    static String legacyName(String type) {
        String t = type.toUpperCase(Locale.ROOT);
        return switch (t) {
            case "INT64" -> "INTEGER";
            case "FLOAT64" -> "FLOAT";
            case "BOOL" -> "BOOLEAN";
            case "STRUCT" -> "RECORD";
            default -> t;
        };
    }
}
