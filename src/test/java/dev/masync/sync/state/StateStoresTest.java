package dev.masync.sync.state;

import dev.masync.platform.DomainException;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseConfig;
import dev.masync.warehouse.bigquery.BigQueryDialect;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Which state store a run gets for the configured warehouse, and the conflict when there is none. */
class StateStoresTest {
    static final InMemoryConfirmationJournal JOURNAL = new InMemoryConfirmationJournal();

    /** A config interface answering from {@code values}; unset optionals are empty. */
    @SuppressWarnings("unchecked")
    static <T> T config(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            if (method.getReturnType() == Optional.class) {
                return Optional.empty();
            }
            throw new UnsupportedOperationException(method.getName());
        });
    }

    static WarehouseConfig bigQuery(Optional<String> project, Optional<String> stateDataset) {
        return config(
                WarehouseConfig.class,
                Map.of(
                        "kind",
                        WarehouseConfig.Kind.BIGQUERY,
                        "bigquery",
                        config(
                                WarehouseConfig.BigQuery.class,
                                Map.of("project", project, "stateDataset", stateDataset, "stateLogFraction", 0.25))));
    }

    static Warehouse warehouse() {
        return config(Warehouse.class, Map.of("dialect", new BigQueryDialect("resolved-project", "learning")));
    }

    @Test
    void bigQueryWithAStateDatasetKeepsStateThere() {
        assertThat(StateStores.of(
                        bigQuery(Optional.of("my-project"), Optional.of("ma_sync_state")), warehouse(), JOURNAL))
                .isInstanceOf(BigQueryStateStore.class);
        assertThat(StateStores.of(bigQuery(Optional.empty(), Optional.of("ma_sync_state")), warehouse(), JOURNAL))
                .as("project resolved by the warehouse")
                .isInstanceOf(BigQueryStateStore.class);
    }

    @Test
    void bigQueryWithoutAStateDatasetIsAConflictSayingWhatToSet() {
        assertThatExceptionOfType(DomainException.class)
                .isThrownBy(() ->
                        StateStores.of(bigQuery(Optional.of("my-project"), Optional.empty()), warehouse(), JOURNAL))
                .satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(DomainException.Kind.CONFLICT);
                    assertThat(e.code()).isEqualTo("state_unavailable");
                })
                .withMessageContaining("masync.warehouse.bigquery.state-dataset");
        assertThatExceptionOfType(DomainException.class)
                .isThrownBy(() -> StateStores.of(
                        bigQuery(Optional.of("my-project"), Optional.of("no-dashes")), warehouse(), JOURNAL))
                .satisfies(e -> assertThat(e.code()).isEqualTo("state_unavailable"))
                .withMessageContaining("not a BigQuery dataset id: 'no-dashes'")
                .withMessageContaining(".state-dataset");
    }

    @Test
    void duckDbNeedsItsStateFile() {
        WarehouseConfig withFile = config(
                WarehouseConfig.class,
                Map.of(
                        "kind",
                        WarehouseConfig.Kind.DUCKDB,
                        "duckdb",
                        config(WarehouseConfig.DuckDb.class, Map.of("statePath", Optional.of(Path.of("s.duckdb"))))));
        assertThat(StateStores.of(withFile, warehouse(), JOURNAL)).isInstanceOf(DuckDbStateStore.class);
        WarehouseConfig without = config(
                WarehouseConfig.class,
                Map.of("kind", WarehouseConfig.Kind.DUCKDB, "duckdb", config(WarehouseConfig.DuckDb.class, Map.of())));
        assertThatExceptionOfType(DomainException.class)
                .isThrownBy(() -> StateStores.of(without, warehouse(), JOURNAL))
                .satisfies(e -> assertThat(e.code()).isEqualTo("state_unavailable"));
    }
}
