package dev.masync.warehouse.bigquery.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.sql.Blob;
import java.sql.SQLException;
import java.sql.Struct;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Type plumbing between BigQuery's REST shapes and DuckDB: schema fields from DuckDB type names, DDL types from
 * fields, query parameters to bound JDBC values, and result cells to BigQuery's JSON row encoding.
 */
final class FakeTypes {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** A TIMESTAMP cell, kept as epoch microseconds until the response format is known. */
    record Micros(long value) {}

    /** A declared query parameter as DuckDB binds it. */
    record Bound(String name, String duckType, Object value, String elementDuckType) {
        boolean isArray() {
            return elementDuckType != null;
        }
    }

    /** A parameter value BigQuery would reject; reported as 400 invalid. */
    static final class BadParameter extends Exception {
        BadParameter(String message) {
            super(message);
        }
    }

    private FakeTypes() {}

    // ---- schema ----

    /** The field BigQuery would report for a DuckDB column type ({@code VARCHAR[]}, {@code STRUCT(a INTEGER)}...). */
    static FakeField field(String name, String duckType) {
        String t = duckType.trim();
        if (t.matches("(?s).*\\[\\d*]")) {
            FakeField element = field(name, t.substring(0, t.lastIndexOf('[')));
            return new FakeField(name, element.isRepeated() ? "STRING" : element.type(), "REPEATED", element.fields());
        }
        String upper = t.toUpperCase(Locale.ROOT);
        if (upper.startsWith("STRUCT(") && upper.endsWith(")")) {
            List<FakeField> fields = new ArrayList<>();
            for (String member : splitTopLevel(t.substring(7, t.length() - 1))) {
                String[] nameAndType = splitMember(member.trim());
                fields.add(field(nameAndType[0], nameAndType[1]));
            }
            return new FakeField(name, "RECORD", "NULLABLE", fields);
        }
        if (upper.startsWith("DECIMAL") || upper.startsWith("NUMERIC")) {
            int scale = 3;
            int comma = t.indexOf(',');
            if (comma > 0) {
                scale = Integer.parseInt(t.substring(comma + 1, t.indexOf(')')).trim());
            }
            return FakeField.of(name, scale > 9 ? "BIGNUMERIC" : "NUMERIC");
        }
        String base = upper.replaceAll("\\(.*", "").trim();
        String type = switch (base) {
            case "BIGINT",
                    "INTEGER",
                    "INT",
                    "INT4",
                    "INT8",
                    "SMALLINT",
                    "TINYINT",
                    "HUGEINT",
                    "UBIGINT",
                    "UINTEGER",
                    "USMALLINT",
                    "UTINYINT",
                    "UHUGEINT",
                    "NULL",
                    "\"NULL\"" -> "INTEGER";
            case "DOUBLE", "FLOAT", "REAL", "FLOAT4", "FLOAT8" -> "FLOAT";
            case "BOOLEAN", "BOOL" -> "BOOLEAN";
            case "DATE" -> "DATE";
            case "TIME", "TIME WITH TIME ZONE" -> "TIME";
            case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATETIME" -> "DATETIME";
            case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> "TIMESTAMP";
            case "BLOB", "BYTEA" -> "BYTES";
            case "JSON" -> "JSON";
            case "INTERVAL" -> "INTERVAL";
            default -> "STRING"; // VARCHAR, UUID, ENUM, MAP, unions...
        };
        return FakeField.of(name, type);
    }

    /** The DuckDB column type that stores a BigQuery field. */
    static String duckType(FakeField f) {
        String base = switch (f.type()) {
            case "STRING", "GEOGRAPHY" -> "VARCHAR";
            case "BYTES" -> "BLOB";
            case "INTEGER" -> "BIGINT";
            case "FLOAT" -> "DOUBLE";
            case "NUMERIC", "BIGNUMERIC" -> "DECIMAL(38,9)";
            case "BOOLEAN" -> "BOOLEAN";
            case "DATE" -> "DATE";
            case "DATETIME" -> "TIMESTAMP";
            case "TIMESTAMP" -> "TIMESTAMPTZ";
            case "TIME" -> "TIME";
            case "JSON" -> "JSON";
            case "INTERVAL" -> "INTERVAL";
            case "RECORD" -> {
                StringBuilder s = new StringBuilder("STRUCT(");
                for (int i = 0; i < f.fields().size(); i++) {
                    FakeField sub = f.fields().get(i);
                    s.append(i > 0 ? ", " : "")
                            .append(quote(sub.name()))
                            .append(' ')
                            .append(duckType(sub));
                }
                yield s.append(')').toString();
            }
            default -> throw new IllegalArgumentException("unsupported BigQuery type " + f.type());
        };
        return f.isRepeated() ? base + "[]" : base;
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static String[] splitMember(String member) {
        if (member.startsWith("\"")) {
            int i = 1;
            StringBuilder name = new StringBuilder();
            while (i < member.length()) {
                char c = member.charAt(i);
                if (c == '"' && i + 1 < member.length() && member.charAt(i + 1) == '"') {
                    name.append('"');
                    i += 2;
                } else if (c == '"') {
                    break;
                } else {
                    name.append(c);
                    i++;
                }
            }
            return new String[] {name.toString(), member.substring(i + 1).trim()};
        }
        int space = member.indexOf(' ');
        return new String[] {
            member.substring(0, space), member.substring(space + 1).trim()
        };
    }

    // ---- parameters ----

    /** A {@code QueryParameter} JSON object as the DuckDB type and Java value to bind. */
    static Bound parameter(JsonNode p) throws BadParameter {
        String name = p.path("name").asText(null);
        if (name == null || name.isEmpty()) {
            throw new BadParameter("Positional parameters are not supported by the fake; name every parameter");
        }
        JsonNode type = p.path("parameterType");
        JsonNode value = p.path("parameterValue");
        String typeName = type.path("type").asText("");
        if (typeName.equals("ARRAY")) {
            String elementType = type.path("arrayType").path("type").asText("");
            String duckElement = duckParameterType(name, elementType);
            List<Object> elements = new ArrayList<>();
            for (JsonNode e : value.path("arrayValues")) {
                elements.add(scalar(name, elementType, e.path("value")));
            }
            return new Bound(name, duckElement + "[]", elements.toArray(), duckElement.replaceAll("\\(.*", ""));
        }
        return new Bound(name, duckParameterType(name, typeName), scalar(name, typeName, value.path("value")), null);
    }

    private static String duckParameterType(String name, String type) throws BadParameter {
        return switch (type) {
            case "STRING", "GEOGRAPHY" -> "VARCHAR";
            case "INT64" -> "BIGINT";
            case "FLOAT64" -> "DOUBLE";
            case "NUMERIC", "BIGNUMERIC" -> "DECIMAL(38,9)";
            case "BOOL" -> "BOOLEAN";
            case "BYTES" -> "BLOB";
            case "DATE" -> "DATE";
            case "DATETIME" -> "TIMESTAMP";
            case "TIMESTAMP" -> "TIMESTAMPTZ";
            case "TIME" -> "TIME";
            case "JSON" -> "JSON";
            default -> throw new BadParameter("Unsupported query parameter type " + type + " for parameter " + name);
        };
    }

    private static Object scalar(String name, String type, JsonNode v) throws BadParameter {
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        String s = v.asText();
        try {
            return switch (type) {
                case "INT64" -> Long.parseLong(s);
                case "FLOAT64" -> Double.parseDouble(s);
                case "NUMERIC", "BIGNUMERIC" -> new BigDecimal(s);
                case "BOOL" -> {
                    if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException(s);
                    }
                    yield Boolean.parseBoolean(s);
                }
                case "BYTES" -> Base64.getDecoder().decode(s);
                case "DATE" -> LocalDate.parse(s);
                case "DATETIME" -> LocalDateTime.parse(s.trim().replace(' ', 'T'));
                case "TIMESTAMP" -> timestamp(s);
                case "TIME" -> LocalTime.parse(s);
                default -> s;
            };
        } catch (RuntimeException e) {
            throw new BadParameter("Invalid " + type + " value for query parameter " + name + ": " + s);
        }
    }

    /** BigQuery's timestamp parameter text: {@code 2024-01-02 03:04:05.123456+00:00}, offset optional (UTC). */
    private static OffsetDateTime timestamp(String s) {
        String t = s.trim().replace(' ', 'T');
        if (t.endsWith("TUTC")) {
            t = t.substring(0, t.length() - 4) + "Z";
        } else if (t.endsWith("UTC")) {
            t = t.substring(0, t.length() - 3) + "Z";
        }
        if (t.matches(".*([+-]\\d{2}(:?\\d{2})?|Z)$") && t.length() > 10) {
            String withColon = t.replaceAll("([+-]\\d{2})(\\d{2})$", "$1:$2").replaceAll("([+-]\\d{2})$", "$1:00");
            return OffsetDateTime.parse(withColon);
        }
        return LocalDateTime.parse(t).atOffset(ZoneOffset.UTC);
    }

    // ---- results ----

    /**
     * A JDBC value as a result cell: a string in BigQuery's text form, {@link Micros} for TIMESTAMP, a list of cells
     * for REPEATED and RECORD, or {@code null}.
     */
    static Object cell(FakeField f, Object v) throws SQLException {
        if (v == null) {
            return f.isRepeated() ? List.of() : null;
        }
        if (f.isRepeated()) {
            Object[] elements = v instanceof java.sql.Array a
                    ? (Object[]) a.getArray()
                    : v instanceof List<?> l ? l.toArray() : new Object[] {v};
            List<Object> out = new ArrayList<>(elements.length);
            for (Object e : elements) {
                out.add(cell(f.element(), e));
            }
            return out;
        }
        if (f.isRecord()) {
            Object[] attributes = ((Struct) v).getAttributes();
            List<Object> out = new ArrayList<>(attributes.length);
            for (int i = 0; i < f.fields().size(); i++) {
                out.add(cell(f.fields().get(i), i < attributes.length ? attributes[i] : null));
            }
            return out;
        }
        return switch (f.type()) {
            case "INTEGER" -> v.toString();
            case "FLOAT" ->
                v instanceof Float fl
                        ? Double.toString(Double.parseDouble(fl.toString()))
                        : Double.toString(((Number) v).doubleValue());
            case "NUMERIC", "BIGNUMERIC" -> numeric(v instanceof BigDecimal d ? d : new BigDecimal(v.toString()));
            case "DATE" -> v instanceof java.sql.Date d ? d.toLocalDate().toString() : v.toString();
            case "DATETIME" -> datetime(v instanceof Timestamp ts ? ts.toLocalDateTime() : (LocalDateTime) v);
            case "TIMESTAMP" -> new Micros(micros(v));
            case "TIME" -> time((LocalTime) v);
            case "BYTES" ->
                Base64.getEncoder().encodeToString(v instanceof Blob b ? b.getBytes(1, (int) b.length()) : (byte[]) v);
            default -> v.toString();
        };
    }

    /** The {@code v} of one cell in BigQuery's JSON row encoding. */
    static JsonNode render(FakeField f, Object cell, boolean int64Timestamps) {
        if (cell == null) {
            return JSON.nullNode();
        }
        if (f.isRepeated()) {
            ArrayNode out = JSON.arrayNode();
            for (Object e : (List<?>) cell) {
                out.addObject().set("v", render(f.element(), e, int64Timestamps));
            }
            return out;
        }
        if (f.isRecord()) {
            return row(f.fields(), ((List<?>) cell).toArray(), int64Timestamps);
        }
        if (cell instanceof Micros m) {
            return JSON.textNode(int64Timestamps ? Long.toString(m.value()) : floatSeconds(m.value()));
        }
        return JSON.textNode(cell.toString());
    }

    /** One row: {@code {"f":[{"v":..},..]}}. */
    static ObjectNode row(List<FakeField> fields, Object[] cells, boolean int64Timestamps) {
        ObjectNode row = JSON.objectNode();
        ArrayNode f = row.putArray("f");
        for (int i = 0; i < fields.size(); i++) {
            f.addObject().set("v", render(fields.get(i), cells[i], int64Timestamps));
        }
        return row;
    }

    /** Bytes BigQuery bills for one column of a row, as a DuckDB expression. */
    static String bytesExpression(FakeField f, String column) {
        String size;
        if (f.isRepeated() || f.isRecord() || f.type().equals("INTERVAL")) {
            size = "2 + strlen(CAST(" + column + " AS VARCHAR))";
        } else {
            size = switch (f.type()) {
                case "STRING", "JSON", "GEOGRAPHY" -> "2 + strlen(CAST(" + column + " AS VARCHAR))";
                case "BYTES" -> "2 + octet_length(" + column + ")";
                case "BOOLEAN" -> "1";
                case "NUMERIC" -> "16";
                case "BIGNUMERIC" -> "32";
                default -> "8";
            };
        }
        return "CASE WHEN " + column + " IS NULL THEN 0 ELSE " + size + " END";
    }

    private static String numeric(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.signum() == 0 ? "0" : s.toPlainString();
    }

    private static String datetime(LocalDateTime t) {
        return SECONDS.format(t) + fraction(t.getNano());
    }

    private static String time(LocalTime t) {
        return TIME.format(t) + fraction(t.getNano());
    }

    private static String fraction(int nanos) {
        int micros = nanos / 1000;
        return micros == 0 ? "" : String.format(".%06d", micros);
    }

    private static long micros(Object v) {
        Instant i = v instanceof OffsetDateTime o
                ? o.toInstant()
                : v instanceof Instant in
                        ? in
                        : v instanceof Timestamp ts
                                ? ts.toInstant()
                                : OffsetDateTime.parse(v.toString()).toInstant();
        return ChronoUnit.MICROS.between(Instant.EPOCH, i);
    }

    /** BigQuery's default TIMESTAMP encoding: seconds since the epoch in E notation ({@code 1.7040672E9}). */
    static String floatSeconds(long micros) {
        BigDecimal seconds = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        if (seconds.signum() == 0) {
            return "0.0";
        }
        String digits = seconds.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - seconds.scale();
        String mantissa = digits.charAt(0) + "." + (digits.length() > 1 ? digits.substring(1) : "0");
        return (seconds.signum() < 0 ? "-" : "") + mantissa + "E" + exponent;
    }
}
