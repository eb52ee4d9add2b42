package dev.masync.segment.rule;

import java.time.Duration;
import java.time.Period;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * A positive ISO-8601 amount of time: calendar-based ({@code P7D}, {@code P1M}, {@code P1Y2M}, {@code P2W}) or exact
 * ({@code PT12H}, {@code P1DT6H}, {@code PT30M}). Calendar amounts move by local dates in the zone, so
 * {@code P1D} across a DST change is still "the same time yesterday".
 */
public record TimeAmount(String text, Period period, Duration duration) {
    public TimeAmount {
        Objects.requireNonNull(text, "text");
        if ((period == null) == (duration == null)) {
            throw new IllegalArgumentException("exactly one of period and duration");
        }
    }

    /** Longest amount a rule may use: a century is far beyond any learning window and keeps date math in range. */
    static final Duration MAX = Duration.ofDays(36_600);

    /** Parses a positive amount of at most a century; empty if the text is no such ISO-8601 duration. */
    public static Optional<TimeAmount> parse(String text) {
        try {
            if (text.contains("T")) {
                Duration d = Duration.parse(text);
                return d.isNegative() || d.isZero() || d.compareTo(MAX) > 0
                        ? Optional.empty()
                        : Optional.of(new TimeAmount(text, null, d));
            }
            Period p = Period.parse(text);
            long approxDays = p.toTotalMonths() * 31 + p.getDays();
            boolean tooLong = p.getYears() > 100
                    || p.toTotalMonths() > 1200
                    || approxDays > MAX.toDays()
                    || p.getDays() < 0
                    || p.toTotalMonths() < 0;
            return p.isNegative() || p.isZero() || tooLong
                    ? Optional.empty()
                    : Optional.of(new TimeAmount(text, p, null));
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    public ZonedDateTime before(ZonedDateTime t) {
        return period != null ? t.minus(period) : t.minus(duration);
    }

    public ZonedDateTime after(ZonedDateTime t) {
        return period != null ? t.plus(period) : t.plus(duration);
    }
}
