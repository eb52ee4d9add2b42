package dev.masync.webhook.targeted;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the defaults and the full property mapping of {@link TargetedSyncConfig}. */
class TargetedSyncConfigTest {

    private static TargetedSyncConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(TargetedSyncConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(TargetedSyncConfig.class);
    }

    @Test
    void defaults() {
        TargetedSyncConfig c = config(Map.of());
        assertThat(c.enabled()).isTrue();
        assertThat(c.every()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.gather()).isEqualTo(Duration.ofMillis(300));
        assertThat(c.maxEvents()).isEqualTo(500);
        assertThat(c.claimFor()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fullMapping() {
        TargetedSyncConfig c = config(Map.of(
                "masync.webhooks.targeted.enabled", "false",
                "masync.webhooks.targeted.every", "250ms",
                "masync.webhooks.targeted.gather", "1s",
                "masync.webhooks.targeted.max-events", "50",
                "masync.webhooks.targeted.claim-for", "2m"));
        assertThat(c.enabled()).isFalse();
        assertThat(c.every()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.gather()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maxEvents()).isEqualTo(50);
        assertThat(c.claimFor()).isEqualTo(Duration.ofMinutes(2));
    }
}
