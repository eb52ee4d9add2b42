package dev.masync.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/** Columns of {@code webhook_events} and their conversions, shared by the inbox, its listing and retention. */
final class InboxRows {
    static final String PENDING = "pending";
    static final String PROCESSING = "processing";
    static final String PROCESSED = "processed";
    static final String QUARANTINED = "quarantined";

    /** The event's own columns, in the order {@link #event} reads them. */
    static final String EVENT_COLUMNS = "source, account, dedup_key, kind, object_type, object_id, identities_json,"
            + " property, property_value, occurred_at, payload";

    /** What both databases can store (PostgreSQL's timestamp range, H2's and PostgreSQL's text without NUL). */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};

    private InboxRows() {}

    /** An instant as a bound value: UTC, microseconds (what both databases keep), within their range. */
    static OffsetDateTime ts(Instant at) {
        Instant clamped = at.isBefore(EARLIEST) ? EARLIEST : at.isAfter(LATEST) ? LATEST : at;
        return clamped.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet r, String column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Instant instant(ResultSet r, int column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Map<String, String> identities(String json) {
        try {
            return JSON.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook event has unreadable identities", e);
        }
    }

    /** Text as stored: PostgreSQL refuses NUL characters, which a sender can put in any JSON string. */
    static String text(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    /** At most {@code max} characters (errors and outcomes are free text of any length). */
    static String bounded(String s, int max) {
        String t = text(s);
        return t == null || t.length() <= max ? t : t.substring(0, max - 1) + "…";
    }

    static String json(Map<String, String> identities) {
        try {
            return JSON.writeValueAsString(identities);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Binds the event's columns from {@code first} on, in {@link #EVENT_COLUMNS} order. */
    static void bind(PreparedStatement s, int first, InboundEvent e) throws SQLException {
        int i = first;
        s.setString(i++, text(e.source()));
        s.setString(i++, text(e.account().orElse(null)));
        s.setString(i++, text(e.dedupKey()));
        s.setString(i++, e.kind().name().toLowerCase(java.util.Locale.ROOT));
        s.setString(i++, text(e.objectType()));
        s.setString(i++, text(e.objectId().orElse(null)));
        s.setString(i++, text(json(e.identities())));
        s.setString(i++, text(e.property().orElse(null)));
        s.setString(i++, text(e.value().orElse(null)));
        s.setObject(i++, ts(e.occurredAt()));
        s.setString(i, text(e.payload()));
    }

    /** The event of the current row (selected with {@link #EVENT_COLUMNS}). */
    static InboundEvent event(ResultSet r) throws SQLException {
        Map<String, String> identities = identities(r.getString("identities_json"));
        return new InboundEvent(
                r.getString("source"),
                Optional.ofNullable(r.getString("account")),
                r.getString("dedup_key"),
                InboundEvent.Kind.valueOf(r.getString("kind").toUpperCase(java.util.Locale.ROOT)),
                r.getString("object_type"),
                Optional.ofNullable(r.getString("object_id")),
                identities,
                Optional.ofNullable(r.getString("property")),
                Optional.ofNullable(r.getString("property_value")),
                instant(r, "occurred_at"),
                r.getString("payload"));
    }
}
