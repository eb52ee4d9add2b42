package dev.masync.sync;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

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
        try {
            Cron cron = parse(expression);
            if (ExecutionTime.forCron(cron)
                    .nextExecution(ZonedDateTime.now(ZoneId.of("UTC")))
                    .isEmpty()) {
                return Optional.of("the cron expression never fires; check its fields");
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("invalid cron expression (" + e.getMessage() + "); use five fields like"
                    + " \"*/15 * * * *\" (minute hour day month weekday) or Quartz's six like \"0 0 6 * * ?\"");
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
