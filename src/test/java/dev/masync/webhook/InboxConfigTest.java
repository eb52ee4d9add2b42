package dev.masync.webhook;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pins the defaults and the full property mapping of {@link InboxConfig}. */
class InboxConfigTest {

    private static InboxConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(InboxConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(InboxConfig.class);
    }

    @Test
    void defaults() {
        InboxConfig c = config(Map.of());
        assertThat(c.maxAttempts()).isEqualTo(8);
        assertThat(c.backoffBase()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.backoffMax()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.retentionProcessed()).isEqualTo(Duration.ofDays(7));
        assertThat(c.retentionQuarantined()).isEqualTo(Duration.ofDays(30));
        assertThat(c.retentionEvery()).isEqualTo(Duration.ofHours(1));
        assertThat(c.backoff()).isEqualTo(new Backoff(8, Duration.ofSeconds(5), Duration.ofMinutes(15)));
        JdbcWebhookInbox.check(c);
    }

    @Test
    void fullMapping() {
        InboxConfig c = config(Map.of(
                "masync.webhooks.inbox.max-attempts", "3",
                "masync.webhooks.inbox.backoff-base", "250ms",
                "masync.webhooks.inbox.backoff-max", "2m",
                "masync.webhooks.inbox.lease", "30s",
                "masync.webhooks.inbox.retention-processed", "1d",
                "masync.webhooks.inbox.retention-quarantined", "90d",
                "masync.webhooks.inbox.retention-every", "10m"));
        assertThat(c.maxAttempts()).isEqualTo(3);
        assertThat(c.backoffBase()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.backoffMax()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.retentionProcessed()).isEqualTo(Duration.ofDays(1));
        assertThat(c.retentionQuarantined()).isEqualTo(Duration.ofDays(90));
        assertThat(c.retentionEvery()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void settingsThatCannotWorkNameTheProperty() {
        assertThatThrownBy(() -> JdbcWebhookInbox.check(config(Map.of("masync.webhooks.inbox.max-attempts", "0"))))
                .hasMessageContaining("max-attempts");
        assertThatThrownBy(() -> JdbcWebhookInbox.check(config(Map.of("masync.webhooks.inbox.backoff-max", "1s"))))
                .hasMessageContaining("backoff-max");
        assertThatThrownBy(() -> JdbcWebhookInbox.check(config(Map.of("masync.webhooks.inbox.lease", "0s"))))
                .hasMessageContaining("masync.webhooks.inbox.lease");
    }
}
