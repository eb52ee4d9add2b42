package dev.masync.connector.marketo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.DestinationSchema.FieldType;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The lead fields from {@code GET /rest/v1/leads/describe2.json}: {@code dataType} as the field type, {@code
 * updateable} as writable, and the {@code dedupeFields} and single-field {@code searchableFields} (what {@code
 * lookupField} accepts) as unique.
 */
final class MarketoSchema {
    private MarketoSchema() {}

    static DestinationSchema read(JsonNode describe2) {
        JsonNode lead = describe2.path("result").path(0);
        Set<String> unique = new HashSet<>();
        lead.path("dedupeFields").forEach(f -> unique.add(f.asText().toLowerCase(Locale.ROOT)));
        for (JsonNode s : lead.path("searchableFields")) {
            if (s.isArray() && s.size() == 1) unique.add(s.get(0).asText().toLowerCase(Locale.ROOT));
        }
        Map<String, DestinationSchema.Field> fields = new LinkedHashMap<>();
        for (JsonNode f : lead.path("fields")) {
            String name = f.path("name").asText("");
            if (name.isEmpty()) continue;
            OptionalInt length =
                    f.has("length") ? OptionalInt.of(f.path("length").asInt()) : OptionalInt.empty();
            fields.put(
                    name,
                    new DestinationSchema.Field(
                            name,
                            type(f.path("dataType").asText("")),
                            f.path("updateable").asBoolean(true) && !name.equals("id"),
                            unique.contains(name.toLowerCase(Locale.ROOT)),
                            length,
                            List.of()));
        }
        return new DestinationSchema(fields);
    }

    static FieldType type(String dataType) {
        return switch (dataType.toLowerCase(Locale.ROOT)) {
            case "string", "text", "email", "phone", "url", "textarea" -> FieldType.STRING;
            case "integer", "float", "currency", "percent", "score" -> FieldType.NUMBER;
            case "boolean" -> FieldType.BOOLEAN;
            case "date" -> FieldType.DATE;
            case "datetime" -> FieldType.DATETIME;
            default -> FieldType.OTHER;
        };
    }
}
