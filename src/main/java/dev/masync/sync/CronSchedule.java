package dev.masync.sync;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Cron expressions of sync schedules: five fields as in Unix cron ({@code 0 6 * * *}) or six/seven as in Quartz
 * ({@code 0 0 6 * * ?}), evaluated in {@code masync.time-zone}.
 */
public final class CronSchedule {
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser QUARTZ =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private CronSchedule() {}

    /** Why the expression cannot be used, or empty if it can. */
    public static Optional<String> problem(String expression) {
        return problem(expression, Duration.ZERO);
    }

    /**
     * Why the expression cannot be used, or empty if it can: it must parse, fire at all, and never fire twice within
     * {@code minInterval}.
     */
    public static Optional<String> problem(String expression, Duration minInterval) {
        try {
            Cron cron = parse(expression);
            if (ExecutionTime.forCron(cron)
                    .nextExecution(ZonedDateTime.now(ZoneId.of("UTC")))
                    .isEmpty()) {
                return Optional.of("the cron expression never fires; check its fields");
            }
            Optional<Duration> gap = shortestGap(expression.trim(), minInterval);
            if (gap.isPresent()) {
                return Optional.of(
                        "the cron expression fires " + gap.get().toSeconds() + "s apart; runs must be at" + " least "
                                + minInterval.toSeconds() + "s apart (e.g. \"*/15 * * * *\" or \"0/30 * * * * ?\")");
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("invalid cron expression (" + e.getMessage() + "); use five fields like"
                    + " \"*/15 * * * *\" (minute hour day month weekday) or Quartz's six like \"0 0 6 * * ?\"");
        }
    }

    /**
     * A gap shorter than {@code min} between two firings, if any. Firings closer than an hour come from the seconds
     * and minutes fields (a five-field expression fires at second 0), within a minute or across a minute or hour
     * boundary: those two fields with every hour (hour and day fields only remove firings) are walked over one hour
     * and its wrap into the next.
     */
    private static Optional<Duration> shortestGap(String expression, Duration min) {
        if (min.isZero() || min.isNegative()) {
            return Optional.empty();
        }
        String[] fields = expression.split("\\s+");
        boolean unix = fields.length == 5;
        if (unix && min.compareTo(Duration.ofMinutes(1)) <= 0) {
            return Optional.empty(); // at most once a minute
        }
        String seconds = unix ? "0" : fields[0];
        String minutes = unix ? fields[0] : fields[1];
        ExecutionTime time = ExecutionTime.forCron(QUARTZ.parse(seconds + " " + minutes + " * * * ?"));
        ZonedDateTime start =
                ZonedDateTime.of(2001, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC")).minusSeconds(1);
        ZonedDateTime end = start.plusHours(1).plusMinutes(2);
        ZonedDateTime previous = null;
        ZonedDateTime at = start;
        while (true) {
            Optional<ZonedDateTime> next = time.nextExecution(at);
            if (next.isEmpty() || next.get().isAfter(end)) {
                return Optional.empty();
            }
            if (previous != null) {
                Duration gap = Duration.between(previous, next.get());
                if (gap.compareTo(min) < 0) {
                    return Optional.of(gap);
                }
            }
            previous = next.get();
            at = next.get();
        }
    }

    /** The first firing strictly after {@code after}, if any. */
    public static Optional<Instant> next(String expression, Instant after, ZoneId zone) {
        Cron cron = parse(expression);
        return ExecutionTime.forCron(cron).nextExecution(after.atZone(zone)).map(ZonedDateTime::toInstant);
    }

    private static Cron parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("empty");
        }
        String trimmed = expression.trim();
        int fields = trimmed.split("\\s+").length;
        Cron cron = (fields == 5 ? UNIX : QUARTZ).parse(trimmed);
        cron.validate();
        return cron;
    }
}
