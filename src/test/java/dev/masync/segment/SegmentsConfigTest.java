package dev.masync.segment;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the defaults and the full property mapping of {@link SegmentsConfig}. */
class SegmentsConfigTest {

    private static SegmentsConfig config(Map<String, String> properties) {
        SmallRyeConfig c = new SmallRyeConfigBuilder()
                .withMapping(SegmentsConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return c.getConfigMapping(SegmentsConfig.class);
    }

    @Test
    void defaults() {
        SegmentsConfig s = config(Map.of());
        assertThat(s.dir()).isEqualTo(Path.of("segments"));
        assertThat(s.previewTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.previewMaximumBytesBilled()).isEqualTo(100L * 1024 * 1024 * 1024);
    }

    @Test
    void fullMapping() {
        SegmentsConfig s = config(Map.of(
                "masync.segments.dir", "/defs/segments",
                "masync.segments.preview-timeout", "5s",
                "masync.segments.preview-maximum-bytes-billed", "1000000"));
        assertThat(s.dir()).isEqualTo(Path.of("/defs/segments"));
        assertThat(s.previewTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.previewMaximumBytesBilled()).isEqualTo(1_000_000L);
    }
}
