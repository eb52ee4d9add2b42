package dev.masync.sync.state;

import dev.masync.platform.DomainException;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseConfig;
import dev.masync.warehouse.bigquery.BigQueryDialect;

/** Picks the state store of the configured warehouse. */
public final class StateStores {
    private StateStores() {}

    /**
     * The state store of the configured warehouse.
     *
     * @throws DomainException {@code CONFLICT state_unavailable} when the warehouse has nowhere to keep sync state
     */
    public static StateStore of(WarehouseConfig config, Warehouse warehouse, ConfirmationJournal journal) {
        return switch (config.kind()) {
            case DUCKDB -> {
                if (config.duckdb().statePath().isEmpty()) {
                    throw unavailable("syncs need a state file: set masync.warehouse.duckdb.state-path");
                }
                yield new DuckDbStateStore(warehouse);
            }
            case BIGQUERY -> {
                WarehouseConfig.BigQuery bq = config.bigquery();
                String dataset = bq.stateDataset()
                        .filter(d -> !d.isBlank())
                        .orElseThrow(() -> unavailable("syncs on BigQuery keep their state in a dataset of their own:"
                                + " create one in the location of the source dataset, grant ma-sync"
                                + " roles/bigquery.dataEditor on it and set masync.warehouse.bigquery.state-dataset"));
                // the project the warehouse resolved (configured, or the credentials' default)
                String project = bq.project()
                        .filter(p -> !p.isBlank())
                        .orElseGet(() -> warehouse.dialect() instanceof BigQueryDialect d ? d.project() : null);
                if (project == null) {
                    throw unavailable(
                            "set masync.warehouse.bigquery.project: the project of the state dataset is unknown");
                }
                try {
                    yield new BigQueryStateStore(
                            warehouse,
                            new BigQueryDialect(project, dataset),
                            journal,
                            BigQueryStateStore.PARAMETER_BUDGET,
                            bq.stateLogFraction());
                } catch (IllegalArgumentException e) {
                    throw unavailable("the state dataset " + project + "." + dataset
                            + " cannot be named (check masync.warehouse.bigquery.project and .state-dataset): "
                            + e.getMessage());
                }
            }
        };
    }

    private static DomainException unavailable(String message) {
        return new DomainException(DomainException.Kind.CONFLICT, "state_unavailable", message);
    }
}
