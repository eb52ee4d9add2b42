package dev.masync.connector;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the defaults and the full property mapping of {@link ConnectorsConfig}. */
class ConnectorsConfigTest {

    private static ConnectorsConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ConnectorsConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(ConnectorsConfig.class);
    }

    @Test
    void defaults() {
        ConnectorsConfig c = config(Map.of());
        assertThat(c.dir()).isEqualTo(Path.of("connectors"));
        assertThat(c.http().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.http().readTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fullMapping() {
        ConnectorsConfig c = config(Map.of(
                "masync.connectors.dir", "/etc/ma-sync/connectors",
                "masync.connectors.http.connect-timeout", "2s",
                "masync.connectors.http.read-timeout", "1m"));
        assertThat(c.dir()).isEqualTo(Path.of("/etc/ma-sync/connectors"));
        assertThat(c.http().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.http().readTimeout()).isEqualTo(Duration.ofMinutes(1));
    }
}
