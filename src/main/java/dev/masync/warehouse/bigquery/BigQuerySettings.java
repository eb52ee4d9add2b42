package dev.masync.warehouse.bigquery;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.ServiceOptions;
import dev.masync.warehouse.WarehouseConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link BigQueryWarehouse} reaches BigQuery and runs its queries.
 *
 * @param project            project that runs the jobs and holds the dataset
 * @param dataset            dataset holding the learner tables (also the queries' default dataset)
 * @param location           job location (e.g. {@code asia-northeast1}); {@code null} lets BigQuery infer it
 * @param host               API root override for emulators and fakes; {@code null} for Google's endpoint
 * @param credentialsFile    service-account key; {@code null} for Application Default Credentials
 * @param anonymous          send no credentials at all (emulators and fakes only)
 * @param pageSize           rows fetched per result page
 * @param queryTimeout       longest a query job may run; BigQuery cancels it after this ({@code jobTimeoutMs})
 * @param maximumBytesBilled queries that would bill more fail instead of running; {@code null} for no limit
 * @param retry              the client's retries of failed calls (rate limits, backend errors, lost connections)
 * @param polling            how often the client polls a running job; its total timeout is derived from
 *                           {@code queryTimeout}
 */
public record BigQuerySettings(
        String project,
        String dataset,
        String location,
        String host,
        Path credentialsFile,
        boolean anonymous,
        int pageSize,
        Duration queryTimeout,
        Long maximumBytesBilled,
        RetrySettings retry,
        RetrySettings polling) {

    /** Rate limits and backend errors: a few attempts over at most half a minute. */
    public static final RetrySettings DEFAULT_RETRY = RetrySettings.newBuilder()
            .setInitialRetryDelayDuration(Duration.ofMillis(250))
            .setRetryDelayMultiplier(2.0)
            .setMaxRetryDelayDuration(Duration.ofSeconds(8))
            .setTotalTimeoutDuration(Duration.ofSeconds(30))
            .setMaxAttempts(6)
            .build();

    /** Job polling: BigQuery long-polls each request for up to 10 s, so short pauses in between suffice. */
    public static final RetrySettings DEFAULT_POLLING = RetrySettings.newBuilder()
            .setInitialRetryDelayDuration(Duration.ofMillis(200))
            .setRetryDelayMultiplier(1.5)
            .setMaxRetryDelayDuration(Duration.ofSeconds(5))
            .setTotalTimeoutDuration(Duration.ofMinutes(5))
            .build();

    public BigQuerySettings {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(polling, "polling");
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive: " + pageSize);
        }
        if (queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException("queryTimeout must be positive: " + queryTimeout);
        }
    }

    /**
     * Settings from configuration. Without {@code project}, the project of the Application Default Credentials
     * environment is used.
     *
     * @throws IllegalArgumentException if project or dataset cannot be determined
     */
    public static BigQuerySettings from(WarehouseConfig.BigQuery config) {
        String project = config.project()
                .filter(p -> !p.isBlank())
                .orElseGet(() -> config.anonymous() ? null : ServiceOptions.getDefaultProjectId());
        if (project == null) {
            throw new IllegalArgumentException(
                    "masync.warehouse.bigquery.project is not set and the environment" + " names no default project");
        }
        String dataset = config.dataset()
                .filter(d -> !d.isBlank())
                .orElseThrow(() -> new IllegalArgumentException("masync.warehouse.bigquery.dataset is not set"));
        return new BigQuerySettings(
                project,
                dataset,
                config.location().orElse(null),
                config.host().orElse(null),
                config.credentialsFile().orElse(null),
                config.anonymous(),
                config.pageSize(),
                config.queryTimeout(),
                config.maximumBytesBilled().isPresent()
                        ? config.maximumBytesBilled().getAsLong()
                        : null,
                DEFAULT_RETRY,
                DEFAULT_POLLING);
    }

    /** A copy with other retry and polling behaviour (tests use millisecond delays). */
    public BigQuerySettings withRetry(RetrySettings retry, RetrySettings polling) {
        return new BigQuerySettings(
                project,
                dataset,
                location,
                host,
                credentialsFile,
                anonymous,
                pageSize,
                queryTimeout,
                maximumBytesBilled,
                retry,
                polling);
    }

    public BigQuerySettings withPageSize(int pageSize) {
        return new BigQuerySettings(
                project,
                dataset,
                location,
                host,
                credentialsFile,
                anonymous,
                pageSize,
                queryTimeout,
                maximumBytesBilled,
                retry,
                polling);
    }

    public BigQuerySettings withMaximumBytesBilled(Long maximumBytesBilled) {
        return new BigQuerySettings(
                project,
                dataset,
                location,
                host,
                credentialsFile,
                anonymous,
                pageSize,
                queryTimeout,
                maximumBytesBilled,
                retry,
                polling);
    }
}
