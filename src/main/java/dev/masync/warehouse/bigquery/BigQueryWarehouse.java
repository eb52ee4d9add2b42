package dev.masync.warehouse.bigquery;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.RetryOption;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobException;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatistics;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import com.google.cloud.http.HttpTransportOptions;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnInfo;
import dev.masync.warehouse.QueryCost;
import dev.masync.warehouse.QueryMeter;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.RowConsumer;
import dev.masync.warehouse.SqlDialect;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseConfig;
import dev.masync.warehouse.WarehouseException;
import dev.masync.warehouse.WarehouseException.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The production warehouse: GoogleSQL query jobs in one BigQuery dataset.
 *
 * <p>A query is one job ({@code jobs.insert}) with named parameters, the configured dataset as default dataset, a
 * job timeout and optionally a bytes-billed cap. The client polls the job ({@code jobs.getQueryResults}) and then
 * reads the result page by page ({@code tabledata.list}); rows are handed to the consumer as each page arrives, so
 * at most one page is held in memory. Rate limits, server errors and lost connections are retried under
 * {@link BigQuerySettings#retry()} (by the client, and here for server errors, which the client does not retry);
 * what still fails becomes a {@link WarehouseException}.
 *
 * <p>Thread-safe: the client is.
 */
public final class BigQueryWarehouse implements Warehouse {
    /** Extra time the client waits past the job timeout, for BigQuery to report the cancelled job. */
    private static final Duration POLL_GRACE = Duration.ofSeconds(30);

    private static final int CONNECT_TIMEOUT_MS = 20_000;
    private static final int READ_TIMEOUT_MS = 60_000;
    private static final Set<Integer> SERVER_ERRORS = Set.of(500, 502, 503, 504);

    private final BigQuery client;
    private final BigQuerySettings settings;
    private final BigQueryDialect dialect;

    /** Uses a ready client, e.g. one pointed at a fake; {@code settings} still give dataset, paging and limits. */
    public BigQueryWarehouse(BigQuery client, BigQuerySettings settings) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.dialect = new BigQueryDialect(settings.project(), settings.dataset());
    }

    public BigQueryWarehouse(BigQuerySettings settings) {
        this(createClient(settings), settings);
    }

    /**
     * Opens the configured warehouse and checks that its dataset answers.
     *
     * @throws WarehouseException {@code UNAVAILABLE} for incomplete configuration or unreadable credentials, or
     *                            the kind of the failed {@link #ping()}
     */
    public static BigQueryWarehouse open(WarehouseConfig.BigQuery config) {
        BigQuerySettings settings;
        try {
            settings = BigQuerySettings.from(config);
        } catch (IllegalArgumentException e) {
            throw new WarehouseException(Kind.UNAVAILABLE, e.getMessage(), e);
        }
        return open(settings);
    }

    /**
     * Opens a warehouse with the given settings and checks that its dataset answers.
     *
     * @throws WarehouseException {@code UNAVAILABLE} for unreadable credentials or an invalid project or dataset
     *                            id, or the kind of the failed {@link #ping()}
     */
    public static BigQueryWarehouse open(BigQuerySettings settings) {
        BigQueryWarehouse warehouse;
        try {
            warehouse = new BigQueryWarehouse(settings);
        } catch (IllegalArgumentException e) {
            throw new WarehouseException(Kind.UNAVAILABLE, e.getMessage(), e);
        }
        warehouse.ping();
        return warehouse;
    }

    /**
     * A client for the settings: project, location, host override, credentials, retries and HTTP timeouts.
     *
     * @throws WarehouseException {@code UNAVAILABLE} if the credentials file cannot be read
     */
    public static BigQuery createClient(BigQuerySettings s) {
        BigQueryOptions.Builder b = BigQueryOptions.newBuilder()
                .setProjectId(s.project())
                .setRetrySettings(s.retry())
                .setTransportOptions(HttpTransportOptions.newBuilder()
                        .setConnectTimeout(CONNECT_TIMEOUT_MS)
                        .setReadTimeout(READ_TIMEOUT_MS)
                        .build());
        if (s.location() != null) {
            b.setLocation(s.location());
        }
        if (s.host() != null) {
            b.setHost(s.host());
        }
        if (s.anonymous()) {
            b.setCredentials(NoCredentials.getInstance());
        } else if (s.credentialsFile() != null) {
            try (InputStream in = Files.newInputStream(s.credentialsFile())) {
                b.setCredentials(GoogleCredentials.fromStream(in));
            } catch (IOException | RuntimeException e) {
                throw new WarehouseException(
                        Kind.UNAVAILABLE,
                        "cannot read BigQuery credentials " + s.credentialsFile() + ": " + e.getMessage(),
                        e);
            }
        }
        return b.build().getService();
    }

    public BigQuerySettings settings() {
        return settings;
    }

    @Override
    public String kind() {
        return "bigquery";
    }

    @Override
    public SqlDialect dialect() {
        return dialect;
    }

    @Override
    public List<ColumnInfo> describe(String table) {
        TableId id = TableId.of(settings.project(), settings.dataset(), table);
        String name = qualified(table);
        Table found;
        try {
            found = read(() -> client.getTable(id));
        } catch (InterruptedException e) {
            throw interrupted(e);
        } catch (BigQueryException e) {
            if (BigQueryErrors.kind(e.getCode(), e.getReason(), e.getCause()) == Kind.NOT_FOUND) {
                throw notFound(name, e);
            }
            throw BigQueryErrors.translate(e, "describing " + name);
        }
        if (found == null) {
            throw notFound(name, null);
        }
        Schema schema =
                found.getDefinition() == null ? null : found.getDefinition().getSchema();
        if (schema == null) {
            return List.of();
        }
        List<ColumnInfo> columns = new ArrayList<>();
        for (Field field : schema.getFields()) {
            columns.add(BigQueryTypes.column(field));
        }
        return List.copyOf(columns);
    }

    @Override
    public long query(BoundQuery query, RowConsumer consumer) {
        return query(query, consumer, QueryMeter.NONE);
    }

    /** Reports the job's bytes processed and billed; the meter's remaining bytes cap the job's bytes billed. */
    @Override
    public long query(BoundQuery query, RowConsumer consumer, QueryMeter meter) {
        Objects.requireNonNull(consumer, "consumer");
        QueryJobConfiguration config = configure(query, meter).build();
        try {
            JobInfo info = JobInfo.of(newJobId(), config);
            Job created = call(() -> client.create(info));
            Job job = call(() -> awaitDone(created));
            TableResult result =
                    read(() -> job.getQueryResults(BigQuery.QueryResultsOption.pageSize(settings.pageSize())));
            long rows = stream(job, result, consumer);
            meter.record("query", cost(job, rows));
            return rows;
        } catch (BigQueryException e) {
            throw BigQueryErrors.translate(e, "query");
        } catch (JobException e) {
            throw BigQueryErrors.translate(e, "query");
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /**
     * Runs a DDL or DML statement as one job and waits for it to finish; no result is read.
     *
     * @return the rows a DML statement inserted, updated or deleted ({@code numDmlAffectedRows}); -1 for DDL
     */
    @Override
    public long execute(BoundQuery statement) {
        return execute(statement, QueryMeter.NONE);
    }

    /** Reports the job's bytes processed and billed; the meter's remaining bytes cap the job's bytes billed. */
    @Override
    public long execute(BoundQuery statement, QueryMeter meter) {
        QueryJobConfiguration config = configure(statement, meter).build();
        try {
            JobInfo info = JobInfo.of(newJobId(), config);
            Job created = call(() -> client.create(info));
            Job job = call(() -> awaitDone(created));
            if (job.getStatus().getError() != null) {
                throw BigQueryErrors.translate(job.getStatus().getError(), "statement");
            }
            JobStatistics.QueryStatistics stats = job.getStatistics();
            Long rows = stats == null ? null : stats.getNumDmlAffectedRows();
            meter.record("execute", cost(job, rows == null ? 0 : rows));
            return rows == null ? -1 : rows;
        } catch (BigQueryException e) {
            throw BigQueryErrors.translate(e, "statement");
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /**
     * Validates a query without running it.
     *
     * @return the bytes the query would process (what on-demand pricing bills)
     * @throws WarehouseException {@code INVALID_QUERY} if BigQuery rejects the query
     */
    @Override
    public java.util.OptionalLong estimateBytes(BoundQuery query) {
        return java.util.OptionalLong.of(dryRun(query));
    }

    public long dryRun(BoundQuery query) {
        QueryJobConfiguration config =
                configure(query).setDryRun(true).setUseQueryCache(false).build();
        try {
            JobInfo info = JobInfo.of(newJobId(), config);
            Job job = call(() -> client.create(info));
            JobStatistics.QueryStatistics stats = job.getStatistics();
            Long bytes = stats == null ? null : stats.getTotalBytesProcessed();
            return bytes == null ? 0L : bytes;
        } catch (BigQueryException e) {
            throw BigQueryErrors.translate(e, "dry run");
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** Reads the dataset's metadata: proves the API answers, the credentials work and the dataset exists. */
    @Override
    public void ping() {
        String name = settings.project() + "." + settings.dataset();
        try {
            if (read(() -> client.getDataset(DatasetId.of(settings.project(), settings.dataset()))) == null) {
                throw new WarehouseException(Kind.NOT_FOUND, "BigQuery dataset " + name + " not found");
            }
        } catch (BigQueryException e) {
            throw BigQueryErrors.translate(e, "reading dataset " + name);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** Nothing to release: the client holds no connections between calls. */
    @Override
    public void close() {}

    private static QueryCost cost(Job job, long rows) {
        JobStatistics.QueryStatistics stats = job.getStatistics();
        Long processed = stats == null ? null : stats.getTotalBytesProcessed();
        Long billed = stats == null ? null : stats.getTotalBytesBilled();
        return new QueryCost(processed == null ? 0 : processed, billed == null ? 0 : billed, Math.max(0, rows));
    }

    /** The job configuration, its bytes billed capped by the configured limit and by the meter's remaining bytes. */
    private QueryJobConfiguration.Builder configure(BoundQuery query, QueryMeter meter) {
        QueryJobConfiguration.Builder b = configure(query);
        OptionalLong remaining = meter.remainingBytesBilled();
        if (remaining.isPresent()) {
            if (remaining.getAsLong() <= 0) {
                throw new WarehouseException(
                        Kind.BUDGET_EXCEEDED, "the budget of bytes billed is spent; the query was not started");
            }
            long cap = settings.maximumBytesBilled() == null
                    ? remaining.getAsLong()
                    : Math.min(settings.maximumBytesBilled(), remaining.getAsLong());
            b.setMaximumBytesBilled(cap);
        }
        return b;
    }

    private QueryJobConfiguration.Builder configure(BoundQuery query) {
        Map<String, QueryParameterValue> params = new LinkedHashMap<>();
        try {
            for (QueryParam p : query.params()) {
                params.put(p.name(), BigQueryTypes.parameter(p));
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new WarehouseException(Kind.INVALID_QUERY, e.getMessage(), e);
        }
        QueryJobConfiguration.Builder b = QueryJobConfiguration.newBuilder(query.sql())
                .setUseLegacySql(false)
                .setDefaultDataset(DatasetId.of(settings.project(), settings.dataset()))
                .setJobTimeoutMs(settings.queryTimeout().toMillis())
                .setNamedParameters(params);
        if (settings.maximumBytesBilled() != null) {
            b.setMaximumBytesBilled(settings.maximumBytesBilled());
        }
        return b;
    }

    private JobId newJobId() {
        JobId.Builder id = JobId.newBuilder().setProject(settings.project()).setRandomJob();
        if (settings.location() != null) {
            id.setLocation(settings.location());
        }
        return id.build();
    }

    /** Polls until the job is done; a job still running past its timeout is cancelled. */
    private Job awaitDone(Job job) throws InterruptedException {
        Duration total = settings.queryTimeout().plus(POLL_GRACE);
        Job done = job.waitFor(
                RetryOption.initialRetryDelayDuration(settings.polling().getInitialRetryDelayDuration()),
                RetryOption.retryDelayMultiplier(settings.polling().getRetryDelayMultiplier()),
                RetryOption.maxRetryDelayDuration(settings.polling().getMaxRetryDelayDuration()),
                RetryOption.totalTimeoutDuration(total));
        if (done == null) {
            throw new WarehouseException(
                    Kind.TRANSIENT, "BigQuery job " + job.getJobId().getJob() + " disappeared");
        }
        if (done.getStatus() == null || done.getStatus().getState() != JobStatus.State.DONE) {
            try {
                client.cancel(done.getJobId());
            } catch (BigQueryException ignored) {
                // the timeout below is the error that matters
            }
            throw new WarehouseException(
                    Kind.TRANSIENT,
                    "BigQuery job " + done.getJobId().getJob() + " did not finish within " + total.toSeconds()
                            + " s and was cancelled");
        }
        return done;
    }

    /**
     * Hands the rows to the consumer page by page. Later pages are listed here rather than through
     * {@code TableResult.iterateAll()}: the client would drop the page size after the first page.
     */
    private long stream(Job job, TableResult first, RowConsumer consumer) throws InterruptedException {
        Schema schema = first.getSchema();
        FieldList fields = schema == null ? FieldList.of() : schema.getFields();
        List<String> names = new ArrayList<>(fields.size());
        for (Field f : fields) {
            names.add(f.getName());
        }
        Row.Factory rows = Row.factory(names);
        TableId results = ((QueryJobConfiguration) job.getConfiguration()).getDestinationTable();
        long delivered = 0;
        TableResult page = first;
        while (page != null) {
            Iterable<FieldValueList> values = page.getValues();
            for (FieldValueList v : values == null ? List.<FieldValueList>of() : values) {
                Object[] row = new Object[fields.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = BigQueryTypes.value(fields.get(i), v.get(i));
                }
                delivered++;
                if (!accept(consumer, rows.row(row))) {
                    return delivered;
                }
            }
            String token = page.getNextPageToken();
            if (token == null || token.isEmpty()) {
                page = null;
            } else if (results == null) {
                TableResult current = page;
                page = call(current::getNextPage);
            } else {
                page = read(() -> client.listTableData(
                        results,
                        schema,
                        BigQuery.TableDataListOption.pageSize(settings.pageSize()),
                        BigQuery.TableDataListOption.pageToken(token)));
            }
        }
        return delivered;
    }

    /** One client call that may be repeated. */
    @FunctionalInterface
    private interface ClientCall<T> {
        T run() throws InterruptedException;
    }

    /**
     * Runs a job call ({@code jobs.insert}, {@code jobs.getQueryResults}, {@code jobs.get}), repeating it after HTTP
     * 500/502/503/504 under {@link BigQuerySettings#retry()}.
     *
     * <p>The client (2.59) retries lost connections itself, and rate limits on these calls, but not server errors:
     * its RPCs throw the raw HTTP exception, which its retry handler does not recognise
     * (googleapis/google-cloud-java#12885). Every call repeated here is idempotent: reads, and job inserts with a
     * fixed job id (a repeat of an insert that did reach BigQuery finds the job already there, which the client
     * then fetches).
     */
    private <T> T call(ClientCall<T> call) throws InterruptedException {
        return withRetry(call, false);
    }

    /**
     * Runs a metadata or page read ({@code tables.get}, {@code datasets.get}, {@code tabledata.list}), repeating it
     * after server errors and rate limits: the client retries neither on these calls. (Fetching a job's first
     * result page counts as a read: the client pages with {@code tabledata.list}.)
     */
    private <T> T read(ClientCall<T> call) throws InterruptedException {
        return withRetry(call, true);
    }

    private <T> T withRetry(ClientCall<T> call, boolean rateLimits) throws InterruptedException {
        RetrySettings retry = settings.retry();
        long deadline = System.nanoTime() + retry.getTotalTimeoutDuration().toNanos();
        long delayMs = Math.max(1, retry.getInitialRetryDelayDuration().toMillis());
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (BigQueryException e) {
                boolean retryable = SERVER_ERRORS.contains(e.getCode())
                        || (rateLimits && "rateLimitExceeded".equals(e.getReason()));
                boolean attemptsLeft = retry.getMaxAttempts() <= 0 || attempt < retry.getMaxAttempts();
                boolean timeLeft = System.nanoTime() + delayMs * 1_000_000L < deadline;
                if (!retryable || !attemptsLeft || !timeLeft) {
                    throw e;
                }
            }
            Thread.sleep(delayMs);
            delayMs = Math.min(
                    (long) (delayMs * retry.getRetryDelayMultiplier()),
                    Math.max(1, retry.getMaxRetryDelayDuration().toMillis()));
        }
    }

    private static WarehouseException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new WarehouseException(Kind.TRANSIENT, "interrupted while waiting for BigQuery", e);
    }

    private static boolean accept(RowConsumer consumer, Row row) {
        try {
            return consumer.accept(row);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("row consumer failed: " + e.getMessage(), e);
        }
    }

    private String qualified(String table) {
        return settings.project() + "." + settings.dataset() + "." + table;
    }

    private static WarehouseException notFound(String table, Throwable cause) {
        return new WarehouseException(Kind.NOT_FOUND, "BigQuery table " + table + " not found", cause);
    }
}
