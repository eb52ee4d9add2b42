package dev.masync.sync.run;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A run's projected drain against what happened, shown on the run ({@code drain}) and logged.
 *
 * @param account        the budget's account, or null without one
 * @param projectedCalls destination calls projected before pushing
 * @param projectedDrain how long they were projected to take (ISO-8601), or null without a limit
 * @param calls          destination calls taken, or null before the run ended
 * @param drain          how long pushing took (ISO-8601), or null before the run ended
 */
@Schema(
        name = "RunDrain",
        description = "The projected drain against what happened: the budget's account (null without one), calls"
                + " and duration projected (ISO-8601; null without a limit), calls taken and push duration (null"
                + " before the run ended)")
public record RunDrain(String account, long projectedCalls, String projectedDrain, Long calls, String drain) {

    static RunDrain projected(DrainForecast.Projection p) {
        Objects.requireNonNull(p, "projection");
        return new RunDrain(
                p.account().orElse(null),
                p.calls(),
                p.drain().map(d -> d.truncatedTo(ChronoUnit.MILLIS).toString()).orElse(null),
                null,
                null);
    }

    RunDrain withActual(long calls, Duration drain) {
        return new RunDrain(
                account,
                projectedCalls,
                projectedDrain,
                calls,
                drain.truncatedTo(ChronoUnit.MILLIS).toString());
    }
}
