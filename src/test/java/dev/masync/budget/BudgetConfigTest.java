package dev.masync.budget;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the defaults and the full property mapping of {@link BudgetConfig}. */
class BudgetConfigTest {

    private static BudgetConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(BudgetConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(BudgetConfig.class);
    }

    @Test
    void defaults() {
        BudgetConfig c = config(Map.of());
        assertThat(c.leaseSpan()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maxWait()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.replicas()).isEqualTo(1);
    }

    @Test
    void fullMapping() {
        BudgetConfig c = config(Map.of(
                "masync.budget.lease-span", "250ms",
                "masync.budget.max-wait", "30s",
                "masync.budget.replicas", "3"));
        assertThat(c.leaseSpan()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.maxWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.replicas()).isEqualTo(3);
    }
}
