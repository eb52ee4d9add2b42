package dev.masync.sync.run;

import dev.masync.connector.spi.RecordChange;
import dev.masync.sync.SyncDefinition;
import dev.masync.sync.SyncDefinition.Format;
import dev.masync.sync.SyncDefinition.Membership;
import dev.masync.sync.state.ChangeRow;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns one diff row into the record changes a destination receives: only the fields that changed (all of them for a
 * new record or a changed definition), membership shown as the sync says, and leaving propagated only in mirror mode.
 */
public final class ChangeBuilder {
    private final SyncDefinition sync;
    private final ZoneId zone;

    public ChangeBuilder(SyncDefinition sync, ZoneId zone) {
        this.sync = Objects.requireNonNull(sync, "sync");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** The changes for a row; empty when nothing is sent (a leaver outside mirror mode). */
    public List<RecordChange> changes(ChangeRow row) {
        List<RecordChange> out = new ArrayList<>(2);
        if (row.op() == ChangeRow.Op.LEFT) {
            if (sync.mode() == SyncDefinition.Mode.MIRROR && row.previousKey() != null) {
                out.add(leave(row.learnerKey(), row.previousKey()));
            }
            return out;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        if (row.allFields()) {
            sync.membership()
                    .filter(m -> m.style() != Membership.Style.LIST)
                    .ifPresent(m ->
                            fields.put(m.field(), m.style() == Membership.Style.BOOLEAN ? Boolean.TRUE : m.value()));
        }
        List<SyncDefinition.FieldMapping> mapping = sync.mapping();
        for (int i = 0; i < mapping.size(); i++) {
            if (row.allFields() || row.changed()[i]) {
                fields.put(
                        mapping.get(i).target(),
                        format(row.values().get(i), mapping.get(i).format()));
            }
        }
        boolean moved = row.previousKey() != null && !row.previousKey().equals(row.destinationKey());
        if (moved && sync.mode() == SyncDefinition.Mode.MIRROR) {
            out.add(leave(row.learnerKey(), row.previousKey()));
        }
        // a record the destination must now hold in full is always sent, even with no field to write (key only):
        // confirming it without sending would remember it as held although the destination never heard of it
        if (!fields.isEmpty() || moved || row.allFields()) {
            out.add(
                    sync.mode() == SyncDefinition.Mode.UPDATE
                            ? RecordChange.update(row.learnerKey(), row.destinationKey(), fields)
                            : RecordChange.upsert(row.learnerKey(), row.destinationKey(), fields));
        }
        return out;
    }

    private RecordChange leave(String learnerKey, String destinationKey) {
        if (sync.membership().isPresent() && sync.membership().get().style() != Membership.Style.LIST) {
            Membership m = sync.membership().get();
            Map<String, Object> f = new LinkedHashMap<>();
            f.put(m.field(), m.style() == Membership.Style.BOOLEAN ? Boolean.FALSE : null);
            return RecordChange.upsert(learnerKey, destinationKey, f);
        }
        return RecordChange.remove(learnerKey, destinationKey);
    }

    /** A warehouse value as the destination receives it. */
    Object format(Object value, Format format) {
        if (value == null) {
            return null;
        }
        return switch (format) {
            case AUTO -> auto(value);
            case STRING -> String.valueOf(auto(value));
            case DATE -> localDate(value).toString();
            case DATETIME -> instant(value).toString();
            case EPOCH_MILLIS ->
                value instanceof LocalDate d
                        ? d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
                        : instant(value).toEpochMilli();
        };
    }

    private Object auto(Object value) {
        if (value instanceof LocalDate || value instanceof Instant) {
            return value.toString();
        }
        if (value instanceof LocalDateTime t) {
            return t.atZone(zone).toInstant().toString();
        }
        if (value instanceof BigDecimal b) {
            return b.stripTrailingZeros().scale() <= 0 && b.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0
                    ? (Object) b.longValueExact()
                    : b;
        }
        return value;
    }

    private LocalDate localDate(Object value) {
        if (value instanceof LocalDate d) {
            return d;
        }
        return instant(value).atZone(zone).toLocalDate();
    }

    private Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof LocalDateTime t) {
            return t.atZone(zone).toInstant();
        }
        if (value instanceof LocalDate d) {
            return d.atStartOfDay(zone).toInstant();
        }
        throw new IllegalArgumentException(
                "not a date or timestamp: " + value.getClass().getSimpleName());
    }
}
