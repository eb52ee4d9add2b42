package dev.masync.connector.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The fields records have at a destination, by name (as a sync's mapping names them).
 *
 * @param createsFields whether the destination creates a field the first time a record carries it (Braze custom
 *     attributes): a name not listed is then not a mistake, only the listed fields are checked
 */
public record DestinationSchema(Map<String, Field> fields, boolean createsFields) {

    /** The kind of value a field takes. */
    public enum FieldType {
        STRING,
        NUMBER,
        BOOLEAN,
        DATE,
        DATETIME,
        /** One of {@link Field#options()}. */
        ENUMERATION,
        /** Anything else (references, compound fields); values are sent as given. */
        OTHER
    }

    /**
     * @param writable  whether records' values for it can be set (not calculated, not read-only)
     * @param unique    whether records can be found by it (HubSpot {@code email} or a unique-value property, a
     *                  Salesforce external id), so a sync may use it as its identity
     * @param maxLength the longest text value, when the destination says
     * @param options   the allowed values of an {@link FieldType#ENUMERATION}; empty otherwise
     */
    public record Field(
            String name,
            FieldType type,
            boolean writable,
            boolean unique,
            OptionalInt maxLength,
            List<String> options) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(maxLength, "maxLength");
            options = List.copyOf(Objects.requireNonNull(options, "options"));
        }
    }

    public DestinationSchema {
        fields = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(fields, "fields")));
    }

    /** A destination whose records have only the listed fields. */
    public DestinationSchema(Map<String, Field> fields) {
        this(fields, false);
    }

    public Optional<Field> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }
}
