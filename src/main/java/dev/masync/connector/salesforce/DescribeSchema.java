package dev.masync.connector.salesforce;

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
 * An sObject describe ({@code GET sobjects/{object}/describe}) as a {@link DestinationSchema}: Salesforce types
 * mapped to field types, createable or updateable = writable, External ID = unique (only External ID fields can key
 * an upsert; {@code idLookup} fields such as Email cannot), active picklist values as options, text length.
 */
final class DescribeSchema {
    private DescribeSchema() {}

    static DestinationSchema read(JsonNode describe) {
        JsonNode fields = describe.path("fields");
        if (!fields.isArray()) {
            throw new RetryableException("malformed_response: a Salesforce describe answer has no fields; try again");
        }
        Map<String, DestinationSchema.Field> out = new LinkedHashMap<>();
        for (JsonNode f : fields) {
            String name = f.path("name").asText(null);
            if (name == null) continue;
            String type = f.path("type").asText("");
            List<String> options = new ArrayList<>();
            for (JsonNode p : f.path("picklistValues")) {
                if (p.path("active").asBoolean(true) && p.hasNonNull("value"))
                    options.add(p.path("value").asText());
            }
            int length = f.path("length").asInt(0);
            out.put(
                    name,
                    new DestinationSchema.Field(
                            name,
                            type(type),
                            f.path("createable").asBoolean(false)
                                    || f.path("updateable").asBoolean(false),
                            f.path("externalId").asBoolean(false),
                            length > 0 ? OptionalInt.of(length) : OptionalInt.empty(),
                            type(type) == FieldType.ENUMERATION ? options : List.of()));
        }
        return new DestinationSchema(out);
    }

    static FieldType type(String salesforceType) {
        return switch (salesforceType) {
            case "string", "textarea", "email", "phone", "url", "id", "encryptedstring" -> FieldType.STRING;
            case "boolean" -> FieldType.BOOLEAN;
            case "double", "currency", "percent", "int", "long" -> FieldType.NUMBER;
            case "date" -> FieldType.DATE;
            case "datetime" -> FieldType.DATETIME;
            case "picklist", "multipicklist" -> FieldType.ENUMERATION;
            default -> FieldType.OTHER;
        };
    }
}
