package dev.masync.app;

import dev.masync.warehouse.WarehouseConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The configuration checks that stop the process at start with one clear line. */
class StartupTest {

    @Test
    void bigQueryWithoutDatasetIsRejectedAtStart() {
        WarehouseConfig w = new SmallRyeConfigBuilder()
                .withMapping(WarehouseConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(
                        Map.of("masync.warehouse.kind", "bigquery", "masync.warehouse.duckdb.path", "x"), "test", 100))
                .build()
                .getConfigMapping(WarehouseConfig.class);
        assertThatThrownBy(() -> Startup.validate(w))
                .hasMessageContaining("masync.warehouse.bigquery.dataset is required");
    }
}
