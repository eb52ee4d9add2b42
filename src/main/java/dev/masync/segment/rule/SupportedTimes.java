package dev.masync.segment.rule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.Temporal;
import java.util.Optional;

/**
 * The dates and times the engine accepts: from 1900-01-01 to 9999-12-31, as written for dates and local times and in
 * UTC for instants. Both warehouses represent them (BigQuery's TIMESTAMP, DATETIME and DATE end at 9999-12-31; DuckDB
 * goes much further) and Java converts them without calendar surprises (no Julian dates, no local mean time). Every
 * time a client sends (an {@code asOf}, absolute dates and times in rules) is checked here.
 *
 * <p>Bounds the compiler derives (asOf minus a window of up to {@link TimeAmount#MAX}, a time shifted into the
 * configured zone) may leave that range; {@link #clamp} holds them to what the warehouses represent, which selects
 * the same rows because no stored value lies beyond.
 */
public final class SupportedTimes {
    public static final LocalDate FIRST_DAY = LocalDate.of(1900, 1, 1);
    public static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);
    public static final Instant MIN = FIRST_DAY.atStartOfDay().toInstant(ZoneOffset.UTC);
    /** The last microsecond of {@link #LAST_DAY} (both warehouses keep microseconds). */
    public static final Instant MAX =
            LAST_DAY.atTime(LocalTime.MAX).truncatedTo(ChronoUnit.MICROS).toInstant(ZoneOffset.UTC);

    /** The range as users read it in messages and the README. */
    public static final String RANGE = "from " + FIRST_DAY + " to " + LAST_DAY + " (instants in UTC)";

    private static final LocalDateTime WAREHOUSE_FIRST = LocalDate.of(1, 1, 1).atStartOfDay();
    private static final LocalDateTime WAREHOUSE_LAST = LocalDateTime.ofInstant(MAX, ZoneOffset.UTC);

    private SupportedTimes() {}

    /** Why the time cannot be used, or empty if it lies in the supported range. */
    public static Optional<String> problem(Temporal t) {
        boolean in;
        if (t instanceof Instant i) {
            in = !i.isBefore(MIN) && !i.isAfter(MAX);
        } else if (t instanceof OffsetDateTime o) {
            in = inDays(o.toLocalDate()) && problem(o.toInstant()).isEmpty();
        } else if (t instanceof ZonedDateTime z) {
            in = inDays(z.toLocalDate()) && problem(z.toInstant()).isEmpty();
        } else if (t instanceof LocalDateTime l) {
            in = inDays(l.toLocalDate());
        } else if (t instanceof LocalDate d) {
            in = inDays(d);
        } else {
            throw new IllegalArgumentException("not a date or time: " + t);
        }
        return in ? Optional.empty() : Optional.of("is outside the supported range; dates and times go " + RANGE);
    }

    private static boolean inDays(LocalDate d) {
        return !d.isBefore(FIRST_DAY) && !d.isAfter(LAST_DAY);
    }

    /** A derived bound held to the range the warehouses represent (years 1 to 9999). */
    static LocalDateTime clamp(LocalDateTime t) {
        return t.isBefore(WAREHOUSE_FIRST) ? WAREHOUSE_FIRST : t.isAfter(WAREHOUSE_LAST) ? WAREHOUSE_LAST : t;
    }

    static LocalDate clamp(LocalDate d) {
        return clamp(d.atStartOfDay()).toLocalDate();
    }

    static Instant clamp(Instant i) {
        return clamp(LocalDateTime.ofInstant(i, ZoneOffset.UTC)).toInstant(ZoneOffset.UTC);
    }
}
