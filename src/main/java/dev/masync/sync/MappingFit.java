package dev.masync.sync;

import dev.masync.catalog.CatalogColumn;
import dev.masync.catalog.CatalogTable;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.DestinationSchema.Field;
import dev.masync.connector.spi.DestinationSchema.FieldType;
import dev.masync.platform.NearNames;
import dev.masync.sync.SyncDefinition.FieldMapping;
import dev.masync.sync.SyncDefinition.Format;
import dev.masync.sync.SyncDefinition.Membership;
import dev.masync.warehouse.ColumnType;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a sync fits a destination's schema: every mapped target exists, can be written and can take what the
 * mapping sends (the attribute's warehouse type as its {@code format} turns it into a value); the identity field
 * exists and finds records ({@code unique}); a {@code boolean} membership field takes true/false and a {@code value}
 * membership field takes the value. Plain rules, no I/O: {@link MappingCheck} applies them when a sync is saved and
 * when its destination is tested.
 *
 * <p>What a mapping sends, by attribute type and format: {@code auto} sends strings as text, integers and numbers as
 * numbers, booleans as true/false, dates as {@code yyyy-MM-dd}, timestamps as ISO-8601 instants, arrays as lists;
 * {@code date} / {@code datetime} send those texts from any date or timestamp; {@code epoch_millis} sends a number
 * (midnight UTC for a date); {@code string} sends text (a date's or timestamp's text is still a date or date-time).
 * A text field takes any single value (the connector writes it as text), a number field numbers and epoch
 * milliseconds, a boolean field true/false, a date field a date or the epoch milliseconds of a date (midnight UTC), a
 * date-time field a date-time or epoch milliseconds, a pick-list text (checked against its options when the catalog
 * knows the attribute's values), a list, or true/false when its options are {@code true} and {@code false}; a field
 * of type {@code OTHER} takes anything. At a destination that {@linkplain DestinationSchema#createsFields() creates
 * fields} on first write, a mapped or membership field it does not list yet is fine; the identity field must still be
 * listed.
 */
public final class MappingFit {
    public static final String FIELD_MISSING = "mapping_field_missing";
    public static final String FIELD_READ_ONLY = "mapping_field_read_only";
    public static final String TYPE_MISMATCH = "mapping_type_mismatch";
    public static final String VALUE_NOT_ALLOWED = "mapping_value_not_allowed";
    public static final String VALUE_TOO_LONG = "mapping_value_too_long";
    public static final String IDENTITY_MISSING = "identity_field_missing";
    public static final String IDENTITY_NOT_UNIQUE = "identity_field_not_unique";
    public static final String MEMBERSHIP_MISSING = "membership_field_missing";
    public static final String MEMBERSHIP_READ_ONLY = "membership_field_read_only";
    public static final String MEMBERSHIP_TYPE_MISMATCH = "membership_type_mismatch";
    public static final String MEMBERSHIP_VALUE_NOT_ALLOWED = "membership_value_not_allowed";

    private static final int LISTED = 10;
    private static final Pattern MAPPING_POINTER = Pattern.compile("^/mapping/(\\d+)/");

    private MappingFit() {}

    /**
     * One way a sync does not fit.
     *
     * @param pointer where in the sync definition ({@code /mapping/2/target}, {@code /identity/field}…)
     * @param code    stable name of the problem ({@link #FIELD_MISSING}…)
     * @param message what is wrong and how to fix it, naming the field and the destination
     */
    public record Misfit(String pointer, String code, String message) {
        public Misfit {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        /** The message as a destination test shows it: {@code sync 'x': mapping[2] target 'y' does not exist…}. */
        public String inSync(String syncKey) {
            Matcher m = MAPPING_POINTER.matcher(pointer);
            return "sync '" + syncKey + "': " + (m.find() ? "mapping[" + m.group(1) + "] " : "") + message;
        }
    }

    /** What a mapping sends, as far as a destination field cares. */
    enum Sent {
        TEXT("text"),
        NUMBER("a number"),
        BOOLEAN("true/false"),
        DATE_TEXT("a date (yyyy-MM-dd)"),
        DATETIME_TEXT("a date-time (ISO-8601)"),
        EPOCH_MILLIS("epoch milliseconds"),
        EPOCH_MILLIS_MIDNIGHT("epoch milliseconds (midnight UTC)"),
        LIST("a list");

        final String words;

        Sent(String words) {
            this.words = words;
        }
    }

    /**
     * Every way {@code sync} does not fit {@code schema}: mapping, identity and membership, in that order.
     *
     * @param learners the catalog's learners table (the mapping's sources)
     * @param at       how messages name the destination ({@code "HubSpot"})
     */
    public static List<Misfit> check(SyncDefinition sync, CatalogTable learners, DestinationSchema schema, String at) {
        List<Misfit> out = new ArrayList<>();
        List<FieldMapping> mapping = sync.mapping();
        for (int i = 0; i < mapping.size(); i++) {
            FieldMapping m = mapping.get(i);
            mapping("/mapping/" + i + "/target", m, learners.column(m.source()), schema, at)
                    .ifPresent(out::add);
        }
        identity(sync.identity(), schema, at).ifPresent(out::add);
        sync.membership().flatMap(m -> membership(m, schema, at)).ifPresent(out::add);
        return out;
    }

    static Optional<Misfit> mapping(
            String pointer, FieldMapping m, Optional<CatalogColumn> source, DestinationSchema schema, String at) {
        Optional<Field> found = schema.field(m.target());
        if (found.isEmpty() && schema.createsFields()) {
            return Optional.empty(); // created by the first record that carries it
        }
        if (found.isEmpty()) {
            return Optional.of(new Misfit(
                    pointer,
                    FIELD_MISSING,
                    "target '" + m.target() + "' does not exist at " + at + "; "
                            + suggest(
                                    m.target(),
                                    schema.fields().keySet(),
                                    "create the field there or map to one" + " that exists")));
        }
        Field field = found.get();
        if (!field.writable()) {
            return Optional.of(new Misfit(
                    pointer,
                    FIELD_READ_ONLY,
                    "target '" + m.target() + "' is read-only at " + at + " (computed or set by " + at
                            + " itself); map to a field records can be written to"));
        }
        if (source.isEmpty()) {
            return Optional.empty(); // the definition's own check reports an unknown attribute
        }
        CatalogColumn column = source.get();
        Sent sent = sent(column.type(), m.format());
        if (!fits(sent, field)) {
            return Optional.of(new Misfit(
                    pointer,
                    TYPE_MISMATCH,
                    "target '" + m.target() + "' is " + kind(field) + " field at " + at + ", but '" + column.name()
                            + "' (" + column.type().jsonName()
                            + (m.format() == Format.AUTO ? "" : ", format " + name(m.format())) + ") is sent as "
                            + sent.words + "; " + hint(sent, column.type(), m.format(), field)));
        }
        if (sent == Sent.TEXT
                && column.type() == ColumnType.STRING
                && !column.knownValues().isEmpty()) {
            return values(pointer, m.target(), column, field, at);
        }
        return Optional.empty();
    }

    /** Values the catalog knows the attribute holds that the field cannot take (not an option, too long). */
    private static Optional<Misfit> values(
            String pointer, String target, CatalogColumn column, Field field, String at) {
        if (field.type() == FieldType.ENUMERATION && !field.options().isEmpty()) {
            List<String> outside = column.knownValues().stream()
                    .filter(v -> !field.options().contains(v))
                    .toList();
            if (!outside.isEmpty()) {
                return Optional.of(new Misfit(
                        pointer,
                        VALUE_NOT_ALLOWED,
                        "target '" + target + "' at " + at + " takes only its options (" + listed(field.options())
                                + "), but '" + column.name() + "' also holds " + listed(outside)
                                + "; add them as options there or map another attribute"));
            }
        }
        if (field.maxLength().isPresent()) {
            int max = field.maxLength().getAsInt();
            Optional<String> longest = column.knownValues().stream()
                    .filter(v -> v.length() > max)
                    .max(java.util.Comparator.comparingInt(String::length));
            if (longest.isPresent()) {
                return Optional.of(new Misfit(
                        pointer,
                        VALUE_TOO_LONG,
                        "target '" + target + "' at " + at + " holds at most " + max + " characters, but '"
                                + column.name() + "' holds values of up to "
                                + longest.get().length()
                                + " (e.g. '" + longest.get() + "'); lengthen the field there or map another"
                                + " attribute"));
            }
        }
        return Optional.empty();
    }

    static Optional<Misfit> identity(SyncDefinition.Identity identity, DestinationSchema schema, String at) {
        if (identity == null) {
            return Optional.empty();
        }
        String name = identity.field();
        List<String> unique = schema.fields().values().stream()
                .filter(Field::unique)
                .map(Field::name)
                .toList();
        String uniqueOnes = unique.isEmpty()
                ? "no field there can find records: create one with unique values (e.g. an external id)"
                : "fields that can find records there: " + listed(unique);
        Optional<Field> field = schema.field(name);
        if (field.isEmpty()) {
            String near = NearNames.didYouMean(name, schema.fields().keySet());
            return Optional.of(new Misfit(
                    "/identity/field",
                    IDENTITY_MISSING,
                    "identity field '" + name + "' does not exist at " + at + "; "
                            + (near.isEmpty() ? uniqueOnes : near + " (" + uniqueOnes + ")")));
        }
        if (!field.get().unique()) {
            return Optional.of(new Misfit(
                    "/identity/field",
                    IDENTITY_NOT_UNIQUE,
                    "identity field '" + name + "' cannot find records at " + at + " (its values are not unique"
                            + " there); " + uniqueOnes));
        }
        return Optional.empty();
    }

    static Optional<Misfit> membership(Membership m, DestinationSchema schema, String at) {
        if (m.style() == Membership.Style.LIST) {
            return Optional.empty(); // a list, not a field of the record
        }
        Optional<Field> found = schema.field(m.field());
        boolean bool = m.style() == Membership.Style.BOOLEAN;
        if (found.isEmpty() && schema.createsFields()) {
            return Optional.empty(); // created by the first record that carries it
        }
        if (found.isEmpty()) {
            return Optional.of(new Misfit(
                    "/membership/field",
                    MEMBERSHIP_MISSING,
                    "membership field '" + m.field() + "' does not exist at " + at + "; "
                            + suggest(
                                    m.field(),
                                    schema.fields().keySet(),
                                    bool ? "create a boolean (checkbox) field there" : "create the field there")));
        }
        Field field = found.get();
        if (!field.writable()) {
            return Optional.of(new Misfit(
                    "/membership/field",
                    MEMBERSHIP_READ_ONLY,
                    "membership field '" + m.field() + "' is read-only at " + at + "; pick a field records can be"
                            + " written to"));
        }
        if (bool) {
            boolean fits = field.type() == FieldType.BOOLEAN
                    || field.type() == FieldType.OTHER
                    || (field.type() == FieldType.ENUMERATION && trueFalse(field.options()));
            return fits
                    ? Optional.empty()
                    : Optional.of(new Misfit(
                            "/membership/field",
                            MEMBERSHIP_TYPE_MISMATCH,
                            "membership style boolean writes true or false, but '" + m.field() + "' is "
                                    + kind(field) + " field at " + at + "; pick a boolean (checkbox) field, or use"
                                    + " style value with a value the field takes"));
        }
        return valueProblem(m.value(), field, at)
                .map(problem -> new Misfit("/membership/value", MEMBERSHIP_VALUE_NOT_ALLOWED, problem));
    }

    /** Why {@code value} cannot be written to {@code field}, if it cannot. */
    static Optional<String> valueProblem(String value, Field field, String at) {
        String start = "membership value '" + value + "' ";
        String of = "'" + field.name() + "' at " + at;
        switch (field.type()) {
            case STRING -> {
                if (field.maxLength().isPresent()
                        && value.length() > field.maxLength().getAsInt()) {
                    return Optional.of(start + "has " + value.length() + " characters, but " + of + " holds at most "
                            + field.maxLength().getAsInt() + "; use a shorter value");
                }
            }
            case ENUMERATION -> {
                if (!field.options().isEmpty() && !field.options().contains(value)) {
                    String near = NearNames.didYouMean(value, field.options());
                    return Optional.of(start + "is not an option of " + of + "; "
                            + (near.isEmpty() ? "its options are " + listed(field.options()) : near));
                }
            }
            case NUMBER -> {
                try {
                    new BigDecimal(value.trim());
                } catch (NumberFormatException e) {
                    return Optional.of(
                            start + "is not a number, but " + of + " is a number field; use a number" + " such as 1");
                }
            }
            case BOOLEAN -> {
                if (!value.equals("true") && !value.equals("false")) {
                    return Optional.of(start + "is not true or false, but " + of + " is a boolean (checkbox) field;"
                            + " use style boolean");
                }
            }
            case DATE -> {
                try {
                    LocalDate.parse(value);
                } catch (DateTimeParseException e) {
                    return Optional.of(start + "is not a date, but " + of + " is a date field; use yyyy-MM-dd");
                }
            }
            case DATETIME -> {
                if (!dateTime(value)) {
                    return Optional.of(start + "is not a date-time, but " + of + " is a date-time field; use an"
                            + " ISO-8601 instant such as 2026-11-02T09:00:00Z");
                }
            }
            case OTHER -> {}
        }
        return Optional.empty();
    }

    /** What a mapping of an attribute of {@code type} with {@code format} sends. */
    static Sent sent(ColumnType type, Format format) {
        return switch (format) {
            case DATE -> Sent.DATE_TEXT;
            case DATETIME -> Sent.DATETIME_TEXT;
            case EPOCH_MILLIS -> type == ColumnType.DATE ? Sent.EPOCH_MILLIS_MIDNIGHT : Sent.EPOCH_MILLIS;
            case STRING ->
                type == ColumnType.DATE
                        ? Sent.DATE_TEXT
                        : type == ColumnType.TIMESTAMP || type == ColumnType.TIMESTAMP_TZ
                                ? Sent.DATETIME_TEXT
                                : Sent.TEXT;
            case AUTO ->
                switch (type) {
                    case INTEGER, NUMBER -> Sent.NUMBER;
                    case BOOLEAN -> Sent.BOOLEAN;
                    case DATE -> Sent.DATE_TEXT;
                    case TIMESTAMP, TIMESTAMP_TZ -> Sent.DATETIME_TEXT;
                    case ARRAY -> Sent.LIST;
                    case STRING, OTHER -> Sent.TEXT;
                };
        };
    }

    /** Whether a field of this type (and options) takes what is sent. */
    static boolean fits(Sent sent, Field field) {
        return switch (field.type()) {
            case OTHER -> true;
            case STRING -> sent != Sent.LIST;
            case NUMBER -> sent == Sent.NUMBER || sent == Sent.EPOCH_MILLIS || sent == Sent.EPOCH_MILLIS_MIDNIGHT;
            case BOOLEAN -> sent == Sent.BOOLEAN;
            case DATE -> sent == Sent.DATE_TEXT || sent == Sent.EPOCH_MILLIS_MIDNIGHT;
            case DATETIME ->
                sent == Sent.DATETIME_TEXT || sent == Sent.EPOCH_MILLIS || sent == Sent.EPOCH_MILLIS_MIDNIGHT;
            case ENUMERATION ->
                sent == Sent.TEXT || sent == Sent.LIST || (sent == Sent.BOOLEAN && trueFalse(field.options()));
        };
    }

    /** How to make the mapping fit, for a mapping that does not. */
    private static String hint(Sent sent, ColumnType type, Format format, Field field) {
        boolean temporal = type.isTemporal();
        return switch (field.type()) {
            case NUMBER -> {
                if (format == Format.STRING && type.isNumeric()) yield "remove format: string so it goes as a number";
                if (temporal) yield "add format: epoch_millis to send it as milliseconds, or map it to a date field";
                yield "map a numeric attribute (integer or number)";
            }
            case BOOLEAN ->
                format == Format.STRING && type == ColumnType.BOOLEAN
                        ? "remove format: string so it goes as true/false"
                        : "map a boolean attribute";
            case DATE ->
                temporal
                        ? (format == Format.EPOCH_MILLIS
                                ? "use format: date (the milliseconds of a timestamp are not a midnight)"
                                : "add format: date to send its day (in masync.time-zone)")
                        : "map a date attribute, or a timestamp with format: date";
            case DATETIME ->
                type == ColumnType.DATE
                        ? "add format: datetime or epoch_millis"
                        : temporal
                                ? "use format: datetime or epoch_millis (format date drops the time)"
                                : "map a timestamp attribute";
            case STRING -> "add format: string to send the list as text, or map it to a multi-select field";
            case ENUMERATION -> {
                if (sent == Sent.BOOLEAN) {
                    yield "its options are " + listed(field.options()) + "; map a string attribute holding them";
                }
                if (sent == Sent.NUMBER) yield "add format: string if its options are these numbers as text";
                yield "map a string attribute holding its options";
            }
            case OTHER -> "";
        };
    }

    /** "a date", "a text"… as in "is a date field". */
    static String kind(Field field) {
        return switch (field.type()) {
            case STRING -> "a text";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean (checkbox)";
            case DATE -> "a date";
            case DATETIME -> "a date-time";
            case ENUMERATION -> "a pick-list";
            case OTHER -> "an other";
        };
    }

    private static boolean trueFalse(List<String> options) {
        List<String> lower =
                options.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
        return lower.contains("true") && lower.contains("false");
    }

    private static boolean dateTime(String value) {
        try {
            Instant.parse(value);
            return true;
        } catch (DateTimeParseException e) {
            try {
                OffsetDateTime.parse(value);
                return true;
            } catch (DateTimeParseException again) {
                return false;
            }
        }
    }

    private static String suggest(String name, Collection<String> names, String otherwise) {
        String near = NearNames.didYouMean(name, names);
        return near.isEmpty() ? otherwise : near;
    }

    /** 'a', 'b', 'c' and up to {@value #LISTED}, then "… (n in all)". */
    static String listed(Collection<String> values) {
        List<String> quoted =
                values.stream().limit(LISTED).map(v -> "'" + v + "'").toList();
        return String.join(", ", quoted) + (values.size() > LISTED ? ", … (" + values.size() + " in all)" : "");
    }

    private static String name(Format format) {
        return format.name().toLowerCase(Locale.ROOT);
    }
}
