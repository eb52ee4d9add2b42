package dev.masync.webhook;

import dev.masync.connector.spi.SecretPolicy;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the defaults and the full mapping of masync.webhooks.*. */
class WebhooksConfigTest {

    static WebhooksConfig config(Map<String, String> properties) {
        SmallRyeConfig c = new SmallRyeConfigBuilder()
                .withMapping(WebhooksConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return c.getConfigMapping(WebhooksConfig.class);
    }

    @Test
    void defaults() {
        WebhooksConfig c = config(Map.of());
        assertThat(c.publicUrl()).isEmpty();
        assertThat(c.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(c.timestampTolerance()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.hubspot().enabled()).isTrue();
        assertThat(c.hubspot().clientSecret()).isEmpty();
        assertThat(c.salesforce().enabled()).isTrue();
        assertThat(c.salesforce().organizationIds()).isEmpty();
        assertThat(c.salesforce().token()).isEmpty();
        assertThat(c.generic()).isEmpty();
    }

    @Test
    void fullMapping() {
        WebhooksConfig c = config(Map.ofEntries(
                Map.entry("masync.webhooks.public-url", "https://sync.example.com"),
                Map.entry("masync.webhooks.max-body-bytes", "2048"),
                Map.entry("masync.webhooks.timestamp-tolerance", "2m"),
                Map.entry("masync.webhooks.hubspot.enabled", "false"),
                Map.entry("masync.webhooks.hubspot.client-secret", "env:MASYNC_SECRET_HUBSPOT_APP"),
                Map.entry("masync.webhooks.salesforce.enabled", "false"),
                Map.entry("masync.webhooks.salesforce.organization-ids", "00D5g0000012345,00D000000000001AAA"),
                Map.entry("masync.webhooks.salesforce.token", "file:/etc/masync/secrets/sf-token"),
                Map.entry("masync.webhooks.generic.crm.secrets", "env:MASYNC_SECRET_CRM_A,env:MASYNC_SECRET_CRM_B"),
                Map.entry("masync.webhooks.generic.crm.enabled", "false")));

        assertThat(c.publicUrl()).contains("https://sync.example.com");
        assertThat(c.maxBodyBytes()).isEqualTo(2048);
        assertThat(c.timestampTolerance()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.hubspot().enabled()).isFalse();
        assertThat(c.hubspot().clientSecret()).contains("env:MASYNC_SECRET_HUBSPOT_APP");
        assertThat(c.salesforce().enabled()).isFalse();
        assertThat(c.salesforce().organizationIds()).contains(List.of("00D5g0000012345", "00D000000000001AAA"));
        assertThat(c.salesforce().token()).contains("file:/etc/masync/secrets/sf-token");
        assertThat(c.generic()).containsOnlyKeys("crm");
        assertThat(c.generic().get("crm").enabled()).isFalse();
        assertThat(c.generic().get("crm").secrets())
                .containsExactly("env:MASYNC_SECRET_CRM_A", "env:MASYNC_SECRET_CRM_B");
    }

    @Test
    void referencesAreCheckedAgainstThePolicyNamingThePropertyNeverTheValue() {
        SecretPolicy policy =
                new SecretPolicy(List.of(Path.of("/etc/masync/secrets")), List.of("MASYNC_SECRET_"), Set.of(), 65536);
        WebhooksConfig c = config(Map.of(
                "masync.webhooks.hubspot.client-secret", "s3cr3t-value",
                "masync.webhooks.salesforce.token", "env:QUARKUS_DATASOURCE_PASSWORD",
                "masync.webhooks.generic.crm.secrets", "env:MASYNC_SECRET_CRM,file:/home/me/key"));

        List<String> problems = WebhookSecrets.problems(c, policy);

        assertThat(problems).hasSize(3);
        assertThat(problems.get(0))
                .startsWith("masync.webhooks.hubspot.client-secret: ")
                .contains("env:NAME");
        assertThat(problems.get(1)).startsWith("masync.webhooks.salesforce.token: ");
        assertThat(problems.get(2))
                .startsWith("masync.webhooks.generic.\"crm\".secrets: ")
                .contains("/home/me/key");
        assertThat(String.join(" ", problems)).doesNotContain("s3cr3t-value");
        assertThat(WebhookSecrets.problems(
                        config(Map.of(
                                "masync.webhooks.hubspot.client-secret", "env:MASYNC_SECRET_HS",
                                "masync.webhooks.generic.crm.secrets", "file:/etc/masync/secrets/crm")),
                        policy))
                .isEmpty();
    }
}
