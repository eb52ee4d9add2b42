package dev.masync.destination;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the defaults and the full property mapping of {@link SchemaCacheConfig}. */
class SchemaCacheConfigTest {

    private static SchemaCacheConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(SchemaCacheConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(SchemaCacheConfig.class);
    }

    @Test
    void defaults() {
        SchemaCacheConfig c = config(Map.of());
        assertThat(c.cacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.maxConcurrentReads()).isEqualTo(8);
    }

    @Test
    void fullMapping() {
        SchemaCacheConfig c = config(Map.of(
                "masync.connectors.schema.cache-ttl", "30s",
                "masync.connectors.schema.read-timeout", "2s",
                "masync.connectors.schema.max-concurrent-reads", "2"));
        assertThat(c.cacheTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.maxConcurrentReads()).isEqualTo(2);
    }
}
