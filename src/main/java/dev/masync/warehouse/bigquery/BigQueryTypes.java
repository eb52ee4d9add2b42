package dev.masync.warehouse.bigquery;

import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import dev.masync.warehouse.ColumnInfo;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Maps between BigQuery's types and the warehouse SPI: schema fields, query parameters and result values. */
final class BigQueryTypes {
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSxxx");
    /** NUMERIC holds 29 integer and 9 fractional digits; wider decimals go as BIGNUMERIC. */
    private static final int NUMERIC_SCALE = 9;

    private static final int NUMERIC_INTEGER_DIGITS = 29;

    private BigQueryTypes() {}

    // ---- schema ----

    static ColumnInfo column(Field field) {
        String type = field.getType().name().toUpperCase(Locale.ROOT);
        ColumnType logical = logical(type);
        String nativeType = standardName(type);
        if (field.getMode() == Field.Mode.REPEATED) {
            return new ColumnInfo(field.getName(), ColumnType.ARRAY, logical, "ARRAY<" + nativeType + ">");
        }
        return new ColumnInfo(field.getName(), logical, null, nativeType);
    }

    /** The logical type of a BigQuery type name, legacy ({@code INTEGER}) or standard ({@code INT64}). */
    static ColumnType logical(String type) {
        return switch (type) {
            case "STRING" -> ColumnType.STRING;
            case "INTEGER", "INT64" -> ColumnType.INTEGER;
            case "FLOAT", "FLOAT64", "NUMERIC", "BIGNUMERIC" -> ColumnType.NUMBER;
            case "BOOLEAN", "BOOL" -> ColumnType.BOOLEAN;
            case "DATE" -> ColumnType.DATE;
            case "DATETIME" -> ColumnType.TIMESTAMP;
            case "TIMESTAMP" -> ColumnType.TIMESTAMP_TZ;
            default -> ColumnType.OTHER; // RECORD/STRUCT, BYTES, GEOGRAPHY, JSON, TIME, INTERVAL, RANGE
        };
    }

    private static String standardName(String type) {
        return switch (type) {
            case "INTEGER" -> "INT64";
            case "FLOAT" -> "FLOAT64";
            case "BOOLEAN" -> "BOOL";
            case "RECORD" -> "STRUCT";
            default -> type;
        };
    }

    // ---- parameters ----

    /**
     * A typed query parameter.
     *
     * @throws IllegalArgumentException if the value does not have a Java type documented for its logical type
     */
    static QueryParameterValue parameter(QueryParam p) {
        if (p.type() != ColumnType.ARRAY) {
            return scalar(p.name(), p.type(), p.value(), sqlType(p.name(), p.type(), p.value()));
        }
        Collection<?> values;
        if (p.value() == null) {
            values = null;
        } else if (p.value() instanceof Collection<?> c) {
            values = c;
        } else {
            throw new IllegalArgumentException("parameter " + p.name() + ": an ARRAY needs a List, got "
                    + p.value().getClass().getSimpleName());
        }
        Object sample = values == null
                ? null
                : values.stream().filter(v -> v != null).findFirst().orElse(null);
        StandardSQLTypeName elementType = sqlType(p.name(), p.elementType(), sample);
        QueryParameterValue.Builder b = QueryParameterValue.newBuilder()
                .setType(StandardSQLTypeName.ARRAY)
                .setArrayType(elementType);
        if (values != null) {
            List<QueryParameterValue> elements = new ArrayList<>(values.size());
            for (Object v : values) {
                if (v == null) {
                    throw new IllegalArgumentException("parameter " + p.name() + ": BigQuery arrays cannot hold NULL");
                }
                elements.add(scalar(p.name(), p.elementType(), v, elementType));
            }
            b.setArrayValues(elements);
        }
        return b.build();
    }

    private static StandardSQLTypeName sqlType(String name, ColumnType type, Object sample) {
        return switch (type) {
            case STRING -> StandardSQLTypeName.STRING;
            case INTEGER -> StandardSQLTypeName.INT64;
            case NUMBER -> sample instanceof BigDecimal d ? decimalType(d) : StandardSQLTypeName.FLOAT64;
            case BOOLEAN -> StandardSQLTypeName.BOOL;
            case DATE -> StandardSQLTypeName.DATE;
            case TIMESTAMP -> StandardSQLTypeName.DATETIME;
            case TIMESTAMP_TZ -> StandardSQLTypeName.TIMESTAMP;
            case ARRAY, OTHER ->
                throw new IllegalArgumentException("parameter " + name + ": cannot bind a value of type "
                        + type.jsonName() + (type == ColumnType.ARRAY ? " inside an array" : ""));
        };
    }

    private static StandardSQLTypeName decimalType(BigDecimal d) {
        boolean fits = d.scale() <= NUMERIC_SCALE && d.precision() - d.scale() <= NUMERIC_INTEGER_DIGITS;
        return fits ? StandardSQLTypeName.NUMERIC : StandardSQLTypeName.BIGNUMERIC;
    }

    private static QueryParameterValue scalar(String name, ColumnType type, Object value, StandardSQLTypeName sqlType) {
        return QueryParameterValue.newBuilder()
                .setType(sqlType)
                .setValue(value == null ? null : text(name, type, value, sqlType))
                .build();
    }

    private static String text(String name, ColumnType type, Object v, StandardSQLTypeName sqlType) {
        switch (type) {
            case STRING:
                if (v instanceof CharSequence s) {
                    return s.toString();
                }
                break;
            case INTEGER:
                if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                    return v.toString();
                }
                if (v instanceof java.math.BigInteger b) {
                    return String.valueOf(b.longValueExact());
                }
                break;
            case NUMBER:
                if (sqlType != StandardSQLTypeName.FLOAT64 && v instanceof BigDecimal d) {
                    return d.toPlainString();
                }
                if (sqlType == StandardSQLTypeName.FLOAT64
                        && (v instanceof Double || v instanceof Float || v instanceof Long || v instanceof Integer)) {
                    return Double.toString(((Number) v).doubleValue());
                }
                if (v instanceof BigDecimal d) {
                    return Double.toString(d.doubleValue());
                }
                if (v instanceof Double || v instanceof Float || v instanceof Long || v instanceof Integer) {
                    return BigDecimal.valueOf(((Number) v).doubleValue()).toPlainString();
                }
                break;
            case BOOLEAN:
                if (v instanceof Boolean b) {
                    return b.toString();
                }
                break;
            case DATE:
                if (v instanceof LocalDate d) {
                    return d.toString();
                }
                break;
            case TIMESTAMP:
                if (v instanceof LocalDateTime t) {
                    return DATETIME.format(t);
                }
                break;
            case TIMESTAMP_TZ:
                if (v instanceof Instant i) {
                    return TIMESTAMP.format(i.atOffset(ZoneOffset.UTC));
                }
                if (v instanceof OffsetDateTime o) {
                    return TIMESTAMP.format(o.toInstant().atOffset(ZoneOffset.UTC));
                }
                if (v instanceof ZonedDateTime z) {
                    return TIMESTAMP.format(z.toInstant().atOffset(ZoneOffset.UTC));
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException("parameter " + name + ": a " + type.jsonName() + " value cannot be a "
                + v.getClass().getSimpleName());
    }

    // ---- results ----

    /** The Java value of one result cell (types as documented on {@link dev.masync.warehouse.Row}). */
    static Object value(Field field, FieldValue v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (field.getMode() == Field.Mode.REPEATED) {
            List<FieldValue> elements = v.getRepeatedValue();
            List<Object> out = new ArrayList<>(elements.size());
            for (FieldValue e : elements) {
                out.add(e == null || e.isNull() ? null : scalar(field, e));
            }
            return Collections.unmodifiableList(out);
        }
        return scalar(field, v);
    }

    private static Object scalar(Field field, FieldValue v) {
        String type = field.getType().name().toUpperCase(Locale.ROOT);
        return switch (type) {
            case "STRING", "GEOGRAPHY", "JSON", "INTERVAL" -> v.getStringValue();
            case "INTEGER", "INT64" -> v.getLongValue();
            case "FLOAT", "FLOAT64" -> v.getDoubleValue();
            case "NUMERIC", "BIGNUMERIC" -> v.getNumericValue();
            case "BOOLEAN", "BOOL" -> v.getBooleanValue();
            case "DATE" -> LocalDate.parse(v.getStringValue());
            case "DATETIME" -> LocalDateTime.parse(v.getStringValue().replace(' ', 'T'));
            case "TIMESTAMP" -> v.getTimestampInstant();
            case "TIME" -> LocalTime.parse(v.getStringValue());
            case "BYTES" -> v.getBytesValue();
            case "RECORD", "STRUCT" -> record(field.getSubFields(), v.getRecordValue());
            default -> String.valueOf(v.getValue());
        };
    }

    private static Map<String, Object> record(FieldList fields, FieldValueList values) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            out.put(fields.get(i).getName(), value(fields.get(i), values.get(i)));
        }
        return Collections.unmodifiableMap(out);
    }
}
