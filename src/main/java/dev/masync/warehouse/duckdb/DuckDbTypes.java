package dev.masync.warehouse.duckdb;

import dev.masync.warehouse.ColumnInfo;
import dev.masync.warehouse.ColumnType;

import java.util.Locale;

/** Maps DuckDB type names (as information_schema prints them) onto logical types. */
final class DuckDbTypes {
    private DuckDbTypes() {}

    static ColumnInfo column(String name, String nativeType) {
        String t = nativeType.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("]")) {
            String element = t.substring(0, t.lastIndexOf('['));
            return new ColumnInfo(name, ColumnType.ARRAY, scalar(element), nativeType);
        }
        return new ColumnInfo(name, scalar(t), null, nativeType);
    }

    static ColumnType scalar(String t) {
        if (t.startsWith("DECIMAL") || t.startsWith("NUMERIC")) {
            return ColumnType.NUMBER;
        }
        if (t.startsWith("ENUM")) {
            return ColumnType.STRING;
        }
        return switch (t) {
            case "VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR" -> ColumnType.STRING;
            case "TINYINT",
                    "SMALLINT",
                    "INTEGER",
                    "BIGINT",
                    "HUGEINT",
                    "UTINYINT",
                    "USMALLINT",
                    "UINTEGER",
                    "UBIGINT",
                    "UHUGEINT",
                    "INT",
                    "INT1",
                    "INT2",
                    "INT4",
                    "INT8" -> ColumnType.INTEGER;
            case "DOUBLE", "FLOAT", "REAL", "FLOAT4", "FLOAT8" -> ColumnType.NUMBER;
            case "BOOLEAN", "BOOL" -> ColumnType.BOOLEAN;
            case "DATE" -> ColumnType.DATE;
            case "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "DATETIME" -> ColumnType.TIMESTAMP;
            case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> ColumnType.TIMESTAMP_TZ;
            default -> ColumnType.OTHER;
        };
    }

    static String nativeName(ColumnType type) {
        return switch (type) {
            case STRING -> "VARCHAR";
            case INTEGER -> "BIGINT";
            case NUMBER -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case DATE -> "DATE";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMP_TZ -> "TIMESTAMPTZ";
            default -> throw new IllegalArgumentException("no DuckDB array element type for " + type);
        };
    }
}
