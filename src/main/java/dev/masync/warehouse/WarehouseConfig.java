package dev.masync.warehouse;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Where learners and their events are read from. */
@ConfigMapping(prefix = "masync.warehouse")
public interface WarehouseConfig {

    enum Kind {
        DUCKDB,
        BIGQUERY
    }

    /** {@code duckdb} (embedded) or {@code bigquery}. */
    @WithDefault("duckdb")
    Kind kind();

    /** Table or view with one row per learner: the attributes segments filter on. */
    @WithDefault("learner_status")
    String learnersTable();

    /** Key column of the learners table. */
    @WithDefault("learner_id")
    String learnerKey();

    /** Event tables segments may aggregate per learner. */
    @WithDefault("lecture_views,quiz_attempts")
    List<String> eventTables();

    /**
     * Per event table overrides ({@code masync.warehouse.event-table."lecture_views".timestamp-column=viewed_at}).
     * Without them the learner-key column is the one named like {@link #learnerKey()} and the timestamp column is
     * the table's only TIMESTAMP column.
     */
    Map<String, EventTable> eventTable();

    /** String columns with at most this many distinct values list them in the catalog. */
    @WithDefault("50")
    int knownValuesLimit();

    /** How long known values of string columns are reused before they are scanned again. */
    @WithDefault("1h")
    Duration knownValuesRefresh();

    /** How often the catalog is re-read from the warehouse. */
    @WithDefault("5m")
    Duration catalogRefresh();

    DuckDb duckdb();

    BigQuery bigquery();

    interface EventTable {
        Optional<String> learnerKey();

        Optional<String> timestampColumn();
    }

    interface DuckDb {
        /** DuckDB file holding the learners and event tables. */
        Path path();

        /** DuckDB {@code memory_limit}; beyond it DuckDB spills to {@code data-dir/duckdb-tmp}. */
        @WithDefault("1GB")
        String memoryLimit();

        /** DuckDB worker threads; default: DuckDB's own (all cores). */
        OptionalInt threads();

        /**
         * DuckDB file where syncs keep what each destination holds from us; attached read-write beside the source,
         * so the diff runs in one query while the source stays read-only. The embedded default is
         * {@code ${masync.data-dir}/sync-state.duckdb}; without it syncs cannot run on DuckDB.
         */
        Optional<Path> statePath();
    }

    interface BigQuery {
        /** Project that runs the jobs and holds the dataset. */
        Optional<String> project();

        /** Dataset holding the learners and event tables. */
        Optional<String> dataset();

        /** Location of the dataset, e.g. {@code asia-northeast1}. */
        Optional<String> location();

        /** Dataset where ma-sync may keep sync state. */
        Optional<String> stateDataset();

        /** API root override, e.g. a local emulator or fake ({@code http://127.0.0.1:9050}). */
        Optional<String> host();

        /** Service-account key file; default: Application Default Credentials. */
        Optional<Path> credentialsFile();

        /** Send no credentials at all (emulators and fakes only). */
        @WithDefault("false")
        boolean anonymous();

        /** Rows fetched per result page. */
        @WithDefault("10000")
        int pageSize();

        /** Longest a query may run before it is cancelled. */
        @WithDefault("5m")
        Duration queryTimeout();

        /** Queries that would bill more bytes than this fail instead of running. */
        OptionalLong maximumBytesBilled();

        /**
         * Share of a sync's state rows its state log may hold before a fold compacts it into the state table (one
         * MERGE that bills the state table): lower compacts more often, higher makes every diff read a longer log.
         */
        @WithDefault("0.25")
        double stateLogFraction();
    }
}
