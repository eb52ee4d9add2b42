package dev.masync.sync;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the defaults and the full property mapping of {@link SyncConfig}. */
class SyncConfigTest {

    private static SyncConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(SyncConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build()
                .getConfigMapping(SyncConfig.class);
    }

    @Test
    void defaults() {
        SyncConfig c = config(Map.of());
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.tick()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.quarantineAfter()).isEqualTo(5);
        assertThat(c.instanceId()).isEmpty();
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.retry().maxRetries()).isEqualTo(4);
        assertThat(c.retry().delay()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.retry().maxDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.retry().jitter()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.retry().maxRetryAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.retry().breakerVolume()).isEqualTo(20);
        assertThat(c.retry().breakerRatio()).isEqualTo(0.8);
        assertThat(c.retry().breakerDelay()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fullMapping() {
        SyncConfig c = config(Map.ofEntries(
                Map.entry("masync.sync.workers", "4"),
                Map.entry("masync.sync.tick", "1s"),
                Map.entry("masync.sync.lease", "2m"),
                Map.entry("masync.sync.quarantine-after", "3"),
                Map.entry("masync.sync.instance-id", "pod-a"),
                Map.entry("masync.sync.shutdown-grace", "5s"),
                Map.entry("masync.sync.retry.max-retries", "2"),
                Map.entry("masync.sync.retry.delay", "100ms"),
                Map.entry("masync.sync.retry.max-delay", "5s"),
                Map.entry("masync.sync.retry.jitter", "10ms"),
                Map.entry("masync.sync.retry.max-retry-after", "2m"),
                Map.entry("masync.sync.retry.breaker-volume", "10"),
                Map.entry("masync.sync.retry.breaker-ratio", "0.5"),
                Map.entry("masync.sync.retry.breaker-delay", "1m")));
        assertThat(c.workers()).isEqualTo(4);
        assertThat(c.tick()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.lease()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.quarantineAfter()).isEqualTo(3);
        assertThat(c.instanceId()).contains("pod-a");
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.retry().maxRetries()).isEqualTo(2);
        assertThat(c.retry().delay()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.retry().maxDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.retry().jitter()).isEqualTo(Duration.ofMillis(10));
        assertThat(c.retry().maxRetryAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.retry().breakerVolume()).isEqualTo(10);
        assertThat(c.retry().breakerRatio()).isEqualTo(0.5);
        assertThat(c.retry().breakerDelay()).isEqualTo(Duration.ofMinutes(1));
    }
}
