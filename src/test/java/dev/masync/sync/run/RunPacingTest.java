package dev.masync.sync.run;

import dev.masync.connector.spi.RateLimits;
import dev.masync.destination.DestinationDefinition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** How a destination's definition and its connector's defaults make the account's limits. */
class RunPacingTest {
    static final RateLimits HUBSPOT = new RateLimits(
            190, Duration.ofSeconds(10), 10, OptionalLong.of(250_000), Optional.of(ZoneId.of("America/New_York")));

    static DestinationDefinition destination(Optional<DestinationDefinition.RateLimit> rateLimit) {
        return new DestinationDefinition(
                "crm", "CRM", "hubspot", Map.of(), Optional.empty(), rateLimit, DestinationDefinition.SOURCE_API);
    }

    @Test
    void theDefinitionsRateLimitOverridesOnlyTheConnectorsWindow() {
        RateLimits limits = RunPacing.limits(
                HUBSPOT, destination(Optional.of(new DestinationDefinition.RateLimit(100, Duration.ofSeconds(10)))));
        assertThat(limits)
                .isEqualTo(new RateLimits(
                        100,
                        Duration.ofSeconds(10),
                        10,
                        OptionalLong.of(250_000),
                        Optional.of(ZoneId.of("America/New_York"))));
    }

    @Test
    void withoutARateLimitTheConnectorsDefaultsApply() {
        assertThat(RunPacing.limits(HUBSPOT, destination(Optional.empty()))).isEqualTo(HUBSPOT);
    }
}
