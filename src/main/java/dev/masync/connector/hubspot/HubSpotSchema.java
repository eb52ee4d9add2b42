package dev.masync.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.DestinationSchema.FieldType;
import dev.masync.connector.spi.RetryableException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Contact properties ({@code GET .../properties/contacts}) as a {@link DestinationSchema}: HubSpot's {@code type}
 * mapped to a field type, calculated and read-only properties not writable, {@code email} and properties with
 * {@code hasUniqueValue} unique (a sync may identify contacts by them), enumeration options listed.
 */
final class HubSpotSchema {
    static final String PROPERTIES = "properties/contacts";

    private HubSpotSchema() {}

    static DestinationSchema read(HubSpotCalls calls) {
        JsonNode answer = calls.get(calls.url(PROPERTIES));
        JsonNode results = answer.path("results");
        if (!results.isArray()) {
            throw new RetryableException("malformed_response: HubSpot's contact properties answer has no results");
        }
        Map<String, DestinationSchema.Field> fields = new LinkedHashMap<>();
        for (JsonNode p : results) {
            String name = p.path("name").asText(null);
            if (name == null || name.isBlank() || p.path("archived").asBoolean(false)) continue;
            fields.put(name, field(name, p));
        }
        return new DestinationSchema(fields);
    }

    static DestinationSchema.Field field(String name, JsonNode p) {
        String type = p.path("type").asText("");
        String fieldType = p.path("fieldType").asText("");
        FieldType mapped = switch (type) {
            case "string", "phone_number" -> FieldType.STRING;
            case "number" -> FieldType.NUMBER;
            case "bool" -> FieldType.BOOLEAN;
            case "date" -> FieldType.DATE;
            case "datetime" -> FieldType.DATETIME;
            case "enumeration" -> fieldType.equals("booleancheckbox") ? FieldType.BOOLEAN : FieldType.ENUMERATION;
            default -> FieldType.OTHER;
        };
        boolean readOnly = p.path("calculated").asBoolean(false)
                || p.path("modificationMetadata").path("readOnlyValue").asBoolean(false);
        boolean unique = name.equals("email") || p.path("hasUniqueValue").asBoolean(false);
        List<String> options = new ArrayList<>();
        if (mapped == FieldType.ENUMERATION) {
            for (JsonNode o : p.path("options")) {
                if (!o.path("hidden").asBoolean(false) && o.hasNonNull("value"))
                    options.add(o.path("value").asText());
            }
        }
        return new DestinationSchema.Field(name, mapped, !readOnly, unique, OptionalInt.empty(), options);
    }
}
