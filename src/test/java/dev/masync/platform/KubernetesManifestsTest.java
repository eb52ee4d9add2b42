package dev.masync.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests as rendered per overlay (base ConfigMap and Deployment with the overlay's patches): the heap,
 * DuckDB's memory and a JVM overhead budget fit the container limit; shutdown fits the grace period; production does
 * not read or run the demo.
 */
class KubernetesManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final long MI = 1024 * 1024;
    /** Metaspace, code cache, thread stacks, GC structures, direct buffers: at least this much beside heap and DuckDB. */
    private static final long MIN_OVERHEAD = 384 * MI;

    private static JsonNode yaml(String path) throws IOException {
        return YAML.readTree(Files.readString(Path.of("k8s", path)));
    }

    private static Map<String, String> config(String overlay) throws IOException {
        Map<String, String> env = new HashMap<>();
        yaml("base/configmap.yaml")
                .get("data")
                .fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        yaml("overlays/" + overlay + "/config-patch.yaml")
                .get("data")
                .fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    private static long memoryLimit(String overlay) throws IOException {
        JsonNode patched = yaml("overlays/" + overlay + "/deployment-patch.yaml")
                .at("/spec/template/spec/containers/0/resources/limits/memory");
        JsonNode base = yaml("base/deployment.yaml").at("/spec/template/spec/containers/0/resources/limits/memory");
        return bytes(patched.isMissingNode() ? base.asText() : patched.asText());
    }

    static long bytes(String quantity) {
        Matcher m =
                Pattern.compile("(\\d+)\\s*(Ki|Mi|Gi|KiB|MiB|GiB|KB|MB|GB)?").matcher(quantity.trim());
        assertThat(m.matches()).as(quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
        return switch (unit) {
            case "KI", "KIB" -> n * 1024;
            case "MI", "MIB" -> n * MI;
            case "GI", "GIB" -> n * 1024 * MI;
            case "KB" -> n * 1000;
            case "MB" -> n * 1000_000;
            case "GB" -> n * 1000_000_000L;
            default -> n;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void heapPlusDuckDbPlusOverheadFitTheContainerLimit(String overlay) throws IOException {
        Map<String, String> env = config(overlay);
        long limit = memoryLimit(overlay);
        Matcher pct = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)").matcher(env.get("JAVA_OPTS_APPEND"));
        assertThat(pct.find()).as("JAVA_OPTS_APPEND sets MaxRAMPercentage").isTrue();
        long heap = (long) (limit * Double.parseDouble(pct.group(1)) / 100);
        boolean duckdb = !"bigquery".equals(env.get("MASYNC_WAREHOUSE_KIND"));
        long duck = 0;
        if (duckdb) {
            assertThat(env)
                    .as("DuckDB's memory_limit is set, not DuckDB's default (80 %% of RAM)")
                    .containsKey("MASYNC_WAREHOUSE_DUCKDB_MEMORY_LIMIT");
            duck = bytes(env.get("MASYNC_WAREHOUSE_DUCKDB_MEMORY_LIMIT"));
        }
        assertThat(heap + duck + MIN_OVERHEAD)
                .as(
                        "%s: heap %d Mi + DuckDB %d Mi + overhead %d Mi <= limit %d Mi",
                        overlay, heap / MI, duck / MI, MIN_OVERHEAD / MI, limit / MI)
                .isLessThanOrEqualTo(limit);
        assertThat(env.get("JAVA_OPTS_APPEND")).contains("-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void baseAloneFitsItsLimitToo() throws IOException {
        Map<String, String> env = new HashMap<>();
        yaml("base/configmap.yaml")
                .get("data")
                .fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        long limit = bytes(yaml("base/deployment.yaml")
                .at("/spec/template/spec/containers/0/resources/limits/memory")
                .asText());
        Matcher pct = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(env.get("JAVA_OPTS_APPEND"));
        assertThat(pct.find()).isTrue();
        long heap = limit * Long.parseLong(pct.group(1)) / 100;
        long duck = bytes(env.get("MASYNC_WAREHOUSE_DUCKDB_MEMORY_LIMIT"));
        assertThat(heap + duck + MIN_OVERHEAD).isLessThanOrEqualTo(limit);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void shutdownFinishesWithinTheGracePeriod(String overlay) throws IOException {
        Map<String, String> env = config(overlay);
        long grace = yaml("base/deployment.yaml")
                .at("/spec/template/spec/terminationGracePeriodSeconds")
                .asLong();
        JsonNode patched = yaml("overlays/" + overlay + "/deployment-patch.yaml")
                .at("/spec/template/spec/terminationGracePeriodSeconds");
        if (!patched.isMissingNode()) {
            grace = patched.asLong();
        }
        Duration http =
                Duration.parse("PT" + env.get("QUARKUS_SHUTDOWN_TIMEOUT").toUpperCase(Locale.ROOT));
        Duration runs =
                Duration.parse("PT" + env.get("MASYNC_SYNC_SHUTDOWN_GRACE").toUpperCase(Locale.ROOT));
        // closing the pools, the warehouse and the control DB after the drain: keep 5 s for it
        assertThat(http.plus(runs).plusSeconds(5).toSeconds()).isLessThanOrEqualTo(grace);
    }

    @Test
    void productionNeitherEnablesTheDemoNorReadsTheImagesDemoDefinitions() throws IOException {
        Map<String, String> env = config("prod");
        assertThat(env.get("MASYNC_DEMO_ENABLED")).isEqualTo("false");
        assertThat(env.get("MASYNC_WAREHOUSE_KIND")).isEqualTo("bigquery");
        assertThat(env.get("MASYNC_SEGMENTS_DIR")).doesNotStartWith("/deployments");
        assertThat(env.get("MASYNC_CONNECTORS_DIR")).doesNotStartWith("/deployments");
        assertThat(config("dev").get("MASYNC_DEMO_ENABLED")).isEqualTo("true");
        assertThat(yaml("base/configmap.yaml").at("/data/MASYNC_DEMO_ENABLED").asText())
                .isEqualTo("false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void eachReplicaKnowsHowManyShareTheAccountsConcurrency(String overlay) throws IOException {
        JsonNode patched =
                yaml("overlays/" + overlay + "/deployment-patch.yaml").at("/spec/replicas");
        int replicas = patched.isMissingNode()
                ? yaml("base/deployment.yaml").at("/spec/replicas").asInt()
                : patched.asInt();
        assertThat(Integer.parseInt(config(overlay).getOrDefault("MASYNC_BUDGET_REPLICAS", "1")))
                .as("masync.budget.replicas is the deployment's replicas")
                .isEqualTo(replicas);
    }

    @Test
    void theProductionImageDoesNotShipTheDemoDefinitions() throws IOException {
        String dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
        String prod = dockerfile.substring(dockerfile.indexOf(" AS prod"), dockerfile.indexOf(" AS demo"));
        assertThat(prod.lines().filter(l -> l.startsWith("COPY")))
                .isNotEmpty()
                .noneMatch(l -> l.contains("segments/") || l.contains("connectors/"));
        assertThat(dockerfile.substring(dockerfile.indexOf(" AS demo"))).contains("connectors/syncs/");
    }
}
