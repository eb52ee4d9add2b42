package dev.masync.connector.hubspot;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * One contact a push writes to: the batch's changes for its key merged into one input (HubSpot's behaviour for a
 * key named twice in one batch is unconfirmed, so a key is sent once), and what became of it. Mutable, owned by one
 * push.
 */
final class ContactTarget {
    /** The key as HubSpot matches it: e-mail addresses lower-cased, other unique values as given. */
    final String key;
    /** Positions of the batch's records this contact answers for. */
    final List<Integer> records = new ArrayList<>(1);
    /** The properties to write, as HubSpot's strings ({@code ""} clears a value). */
    final Map<String, String> properties = new LinkedHashMap<>();

    String recordId;
    /** {@link #recordId} was remembered, not read now: it may be stale (the contact merged or deleted since). */
    boolean remembered;
    /**
     * The record id HubSpot's write answer named for this contact ({@code results[].id} matched by key or id), null
     * when the answer confirmed it without one; what the push reports, never a remembered or looked-up id.
     */
    String answeredId;

    boolean confirmed;
    /** HubSpot does not know the record (a write by record id, or a read that found nothing). */
    boolean notFound;

    String rejectCode;
    String rejectMessage;

    ContactTarget(String key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    static String key(String idProperty, String destinationKey) {
        return idProperty.equals("email") ? destinationKey.strip().toLowerCase(Locale.ROOT) : destinationKey;
    }

    void put(Map<String, Object> fields) {
        fields.forEach((name, value) -> properties.put(name, value(value)));
    }

    void reject(String code, String message) {
        confirmed = false;
        rejectCode = Objects.requireNonNull(code, "code");
        rejectMessage = Objects.requireNonNull(message, "message");
    }

    boolean rejected() {
        return rejectCode != null;
    }

    boolean open() {
        return !confirmed && !rejected() && !notFound;
    }

    /**
     * A value as HubSpot takes it: strings; checkboxes {@code "true"}/{@code "false"}; numbers in plain notation;
     * multi-selects {@code ;}-joined; {@code null} as {@code ""}, which clears the property. Dates arrive already
     * formatted by the sync's mapping (epoch milliseconds or ISO-8601).
     */
    static String value(Object value) {
        if (value == null) return "";
        if (value instanceof String s) return s;
        if (value instanceof Boolean b) return b ? "true" : "false";
        if (value instanceof BigDecimal d) return d.toPlainString();
        if (value instanceof Double || value instanceof Float) {
            return BigDecimal.valueOf(((Number) value).doubleValue())
                    .stripTrailingZeros()
                    .toPlainString();
        }
        if (value instanceof Collection<?> values) {
            StringJoiner joined = new StringJoiner(";");
            values.forEach(v -> joined.add(value(v)));
            return joined.toString();
        }
        return String.valueOf(value);
    }
}
