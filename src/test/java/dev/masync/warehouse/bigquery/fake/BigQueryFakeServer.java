package dev.masync.warehouse.bigquery.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.duckdb.DuckDBFunctions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A fake of the BigQuery REST API v2 on {@code 127.0.0.1} backed by an in-memory DuckDB, for driving the real
 * {@code google-cloud-bigquery} client in tests. Each BigQuery dataset is a DuckDB schema; submitted GoogleSQL is
 * translated mechanically to DuckDB (see {@link SqlTranslator}) and DuckDB's errors come back as BigQuery errors.
 *
 * <p>Endpoints (the ones the client uses for tables, datasets and query jobs):
 * <pre>
 * GET  /bigquery/v2/projects/{p}/datasets/{d}                  datasets.get
 * GET  /bigquery/v2/projects/{p}/datasets/{d}/tables/{t}       tables.get
 * GET  /bigquery/v2/projects/{p}/datasets/{d}/tables/{t}/data  tabledata.list
 * POST /bigquery/v2/projects/{p}/jobs                          jobs.insert (query jobs, dry runs)
 * GET  /bigquery/v2/projects/{p}/jobs/{j}                      jobs.get
 * POST /bigquery/v2/projects/{p}/jobs/{j}/cancel               jobs.cancel
 * POST /bigquery/v2/projects/{p}/queries                       jobs.query
 * GET  /bigquery/v2/projects/{p}/queries/{j}                   jobs.getQueryResults
 * </pre>
 * Query results are kept per job and served from an anonymous destination table, as BigQuery does.
 *
 * <p>DDL and DML ({@code CREATE TABLE}, {@code CREATE OR REPLACE TABLE .. AS}, {@code DROP TABLE}, {@code INSERT},
 * {@code UPDATE}, {@code DELETE}, {@code MERGE}) run as one DuckDB transaction each and report BigQuery's job
 * statistics: {@code statementType}, {@code ddlOperationPerformed} and {@code ddlTargetTable}, or
 * {@code numDmlAffectedRows} and {@code dmlStats}; they have no destination table. As BigQuery, the fake refuses an
 * array holding NULL (in a written table or a result) and stores a NULL array as an empty one, and refuses a MERGE
 * in which one target row matches several source rows.
 *
 * <p>Test controls: {@link #createTable}, {@link #execute}, {@link #setPageSizeCap}, {@link #completeJobsAfterPolls},
 * {@link #failNext}, and the request log ({@link #requests()}, {@link #requestCount}). Thread-safe.
 */
public final class BigQueryFakeServer implements AutoCloseable {
    public static final String DEFAULT_PROJECT = "test-project";
    public static final String LOCATION = "US";
    /** Dataset of the anonymous tables holding query results. */
    public static final String RESULTS_DATASET = "_fake_query_results";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY every response waits ~40 ms for
        // the client's delayed ACK. Read once, when the JVM's first HttpServer starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** One request as received (path and query decoded; body un-gzipped). */
    public record Request(String method, String path, String query, String operation, String body) {
        /** {@code GET /bigquery/v2/...?a=b}. */
        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query);
        }

        /** One query-string parameter, or {@code null}. */
        public String param(String name) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if ((eq < 0 ? pair : pair.substring(0, eq)).equals(name)) {
                    return eq < 0 ? "" : pair.substring(eq + 1);
                }
            }
            return null;
        }

        public JsonNode json() {
            try {
                return body.isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private record Fault(
            String operation,
            AtomicInteger remaining,
            int status,
            String reason,
            String message,
            boolean afterEffect) {}

    private final String project;
    private final HttpServer http;
    private final ExecutorService executor;
    private final DuckDBConnection root;
    private final Map<String, FakeJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, List<FakeField>> declaredSchemas = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private volatile int pageSizeCap = 100_000;
    private volatile int pollsBeforeDone;

    private BigQueryFakeServer(String project) throws IOException, SQLException {
        this.project = project;
        // The driver directly, not DriverManager: after a @QuarkusTest in the same JVM, DriverManager may no longer
        // see a driver loaded by another class loader.
        this.root = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
        defineFunctions(root);
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bigquery-fake");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
    }

    /**
     * BigQuery functions DuckDB lacks, under their BigQuery names where the translation keeps the call as is:
     * <ul>
     *   <li>{@code FARM_FINGERPRINT(STRING)}: Guava's {@code farmHashFingerprint64}, the same FarmHash
     *       Fingerprint64 BigQuery computes (its documented examples come out equal); other argument types are
     *       refused, as BigQuery refuses them; BYTES is not supported;</li>
     *   <li>{@code RANGE_BUCKET(point, array)}: the number of array elements {@code <= point}; NULL for a NULL
     *       point or array; an error for an unsorted array or one with NULLs;</li>
     *   <li>{@code bq_offset}, {@code bq_safe_offset}, {@code bq_ordinal}, {@code bq_safe_ordinal}: what
     *       {@link SqlTranslator} makes of {@code a[OFFSET(i)]}...: 0- or 1-based, NULL for a NULL array or index,
     *       out of bounds an error ({@code OFFSET}, {@code ORDINAL}) or NULL ({@code SAFE_...}).</li>
     * </ul>
     */
    private static void defineFunctions(DuckDBConnection c) throws SQLException {
        HashFunction farm = Hashing.farmHashFingerprint64();
        DuckDBFunctions.scalarFunction()
                .withName("farm_fingerprint")
                .withParameter(String.class)
                .withReturnType(Long.class)
                .withNullInNullOut()
                .withFunction((String text) ->
                        farm.hashString(text, StandardCharsets.UTF_8).asLong())
                .register(c);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE MACRO range_bucket(point, boundaries) AS CASE"
                    + " WHEN point IS NULL OR boundaries IS NULL THEN NULL"
                    + " WHEN len(list_filter(boundaries, x -> x IS NULL)) > 0"
                    + "  THEN error('Elements in input array to RANGE_BUCKET cannot be null')"
                    + " WHEN list_sort(boundaries) <> boundaries"
                    + "  THEN error('Elements in input array to RANGE_BUCKET must be in ascending order')"
                    + " ELSE len(list_filter(boundaries, x -> x <= point)) END");
            for (String[] f : new String[][] {{"offset", "0"}, {"ordinal", "1"}}) {
                String lowest = f[1];
                String position = lowest.equals("0") ? "i + 1" : "i";
                String inBounds = "i >= " + lowest + " AND i < len(a) + " + lowest;
                s.execute("CREATE MACRO bq_" + f[0] + "(a, i) AS CASE WHEN a IS NULL OR i IS NULL THEN NULL"
                        + " WHEN " + inBounds + " THEN a[" + position + "]"
                        + " ELSE error('Array index ' || i || ' is out of bounds ('"
                        + " || CASE WHEN i < " + lowest + " THEN 'underflow' ELSE 'overflow' END || ')') END");
                s.execute("CREATE MACRO bq_safe_" + f[0] + "(a, i) AS CASE WHEN " + inBounds + " THEN a[" + position
                        + "] END");
            }
        }
    }

    public static BigQueryFakeServer start() {
        return start(DEFAULT_PROJECT);
    }

    public static BigQueryFakeServer start(String project) {
        try {
            return new BigQueryFakeServer(project);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot start the BigQuery fake: " + e.getMessage(), e);
        }
    }

    /** API root to pass to {@code BigQueryOptions.Builder.setHost}. */
    public String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    public String project() {
        return project;
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        try {
            root.close();
        } catch (SQLException ignored) {
            // in-memory database; nothing to lose
        }
    }

    // ---- test controls ----

    public BigQueryFakeServer createDataset(String dataset) {
        return execute("CREATE SCHEMA IF NOT EXISTS " + FakeTypes.quote(dataset));
    }

    /** Creates a table with BigQuery-typed columns; {@code tables.get} reports exactly these fields. */
    public BigQueryFakeServer createTable(String dataset, String table, FakeField... columns) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE ")
                .append(FakeTypes.quote(dataset))
                .append('.')
                .append(FakeTypes.quote(table))
                .append(" (");
        for (int i = 0; i < columns.length; i++) {
            ddl.append(i > 0 ? ", " : "")
                    .append(FakeTypes.quote(columns[i].name()))
                    .append(' ')
                    .append(FakeTypes.duckType(columns[i]));
        }
        createDataset(dataset);
        execute(ddl.append(')').toString());
        declaredSchemas.put(key(dataset, table), List.of(columns));
        return this;
    }

    /** Runs DuckDB SQL directly (DDL, inserts); tables created this way report types mapped from DuckDB's. */
    public BigQueryFakeServer execute(String... duckDbSql) {
        try (Connection c = connection();
                Statement s = c.createStatement()) {
            for (String sql : duckDbSql) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException("DuckDB rejected the seed SQL: " + e.getMessage(), e);
        }
        return this;
    }

    /** Most rows one result page holds, whatever {@code maxResults} asks (BigQuery caps pages at ~10 MB). */
    public BigQueryFakeServer setPageSizeCap(int rows) {
        this.pageSizeCap = Math.max(1, rows);
        return this;
    }

    /**
     * New jobs report "not done" ({@code jobComplete=false}, state {@code RUNNING}) to the first {@code polls}
     * status reads ({@code jobs.query} answer, {@code jobs.get}, {@code jobs.getQueryResults}); 0 = done at once.
     */
    public BigQueryFakeServer completeJobsAfterPolls(int polls) {
        this.pollsBeforeDone = Math.max(0, polls);
        return this;
    }

    /** The next {@code times} requests (any operation) fail with this HTTP status and error reason. */
    public BigQueryFakeServer failNext(int times, int status, String reason) {
        return failNext(null, times, status, reason, null);
    }

    /**
     * The next {@code times} requests of {@code operation} (e.g. {@code jobs.insert}; {@code null} = any) fail.
     *
     * @param message BigQuery's error message; {@code null} for the usual one of the reason (a rate limit's says
     *                "Exceeded rate limits: ...", which is what makes the client retry it)
     */
    public BigQueryFakeServer failNext(String operation, int times, int status, String reason, String message) {
        faults.add(new Fault(operation, new AtomicInteger(times), status, reason, message, false));
        return this;
    }

    /**
     * The next {@code times} requests of {@code operation} take effect (a job is created...) but answer with an
     * error, as when BigQuery fails after acting or a response is lost.
     */
    public BigQueryFakeServer loseResponsesOfNext(String operation, int times, int status, String reason) {
        faults.add(new Fault(operation, new AtomicInteger(times), status, reason, null, true));
        return this;
    }

    /** Every request so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String operation) {
        return requests.stream().filter(r -> r.operation().equals(operation)).toList();
    }

    public int requestCount(String operation) {
        return requests(operation).size();
    }

    public BigQueryFakeServer clearRequests() {
        requests.clear();
        return this;
    }

    /** Forgets requests, faults, jobs and behaviour settings; keeps the data. */
    public BigQueryFakeServer reset() {
        requests.clear();
        faults.clear();
        jobs.clear();
        pageSizeCap = 100_000;
        pollsBeforeDone = 0;
        return this;
    }

    // ---- HTTP ----

    private void handle(HttpExchange ex) {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            String rawQuery = ex.getRequestURI().getRawQuery() == null
                    ? ""
                    : ex.getRequestURI().getRawQuery();
            String body = readBody(ex);
            List<String> seg = segments(path);
            String operation = operation(method, seg);
            requests.add(
                    new Request(method, path, URLDecoder.decode(rawQuery, StandardCharsets.UTF_8), operation, body));
            JsonNode response;
            int status = 200;
            try {
                Fault fault = takeFault(operation);
                if (fault != null && !fault.afterEffect()) {
                    throw FakeApiError.injected(fault.status(), fault.reason(), fault.message());
                }
                response = dispatch(operation, seg, parseQuery(rawQuery), body);
                if (fault != null) {
                    throw FakeApiError.injected(fault.status(), fault.reason(), fault.message());
                }
            } catch (FakeApiError e) {
                status = e.status;
                response = e.body();
            } catch (RuntimeException e) {
                status = 500;
                response = new FakeApiError(500, "internalError", "fake failure: " + e).body();
            }
            byte[] bytes = MAPPER.writeValueAsBytes(response);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    private static String readBody(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                raw = in.readAllBytes();
            }
        }
        return new String(raw, StandardCharsets.UTF_8);
    }

    private static List<String> segments(String path) {
        String p = path.startsWith("/bigquery/v2/") ? path.substring("/bigquery/v2/".length()) : path;
        List<String> out = new ArrayList<>();
        for (String s : p.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static String operation(String method, List<String> s) {
        if (s.size() < 2 || !s.get(0).equals("projects")) {
            return "unknown";
        }
        String shape = method + " "
                + String.join("/", s.subList(2, s.size()).stream().map(x -> "*").toList());
        String first = s.size() > 2 ? s.get(2) : "";
        return switch (first) {
            case "datasets" ->
                switch (shape) {
                    case "GET */*" -> "datasets.get";
                    case "GET */*/*/*" -> s.get(4).equals("tables") ? "tables.get" : "unknown";
                    case "GET */*/*/*/*" ->
                        s.get(4).equals("tables") && s.get(6).equals("data") ? "tabledata.list" : "unknown";
                    default -> "unknown";
                };
            case "jobs" ->
                switch (shape) {
                    case "POST *" -> "jobs.insert";
                    case "GET */*" -> "jobs.get";
                    case "POST */*/*" -> s.get(4).equals("cancel") ? "jobs.cancel" : "unknown";
                    default -> "unknown";
                };
            case "queries" ->
                switch (shape) {
                    case "POST *" -> "jobs.query";
                    case "GET */*" -> "jobs.getQueryResults";
                    default -> "unknown";
                };
            default -> "unknown";
        };
    }

    private Fault takeFault(String operation) {
        synchronized (faults) {
            for (Fault f : faults) {
                if ((f.operation() == null || f.operation().equals(operation))
                        && f.remaining().get() > 0) {
                    f.remaining().decrementAndGet();
                    return f;
                }
            }
        }
        return null;
    }

    private JsonNode dispatch(String operation, List<String> s, Map<String, String> q, String body)
            throws FakeApiError {
        if (operation.equals("unknown")) {
            throw FakeApiError.notFound("Not found: the fake does not implement this URL");
        }
        if (!s.get(1).equals(project)) {
            throw FakeApiError.notFound("Not found: Project " + s.get(1));
        }
        return switch (operation) {
            case "datasets.get" -> getDataset(s.get(3));
            case "tables.get" -> getTable(s.get(3), s.get(5));
            case "tabledata.list" -> listTableData(s.get(3), s.get(5), q);
            case "jobs.insert" -> insertJob(parse(body));
            case "jobs.get" -> getJob(s.get(3));
            case "jobs.cancel" -> cancelJob(s.get(3));
            case "jobs.query" -> query(parse(body));
            case "jobs.getQueryResults" -> getQueryResults(s.get(3), q);
            default -> throw FakeApiError.notFound("Not found: " + operation);
        };
    }

    // ---- datasets and tables ----

    private JsonNode getDataset(String dataset) throws FakeApiError {
        if (!schemaExists(dataset)) {
            throw FakeApiError.notFound("Not found: Dataset " + project + ":" + dataset);
        }
        ObjectNode d = JSON.objectNode();
        d.put("kind", "bigquery#dataset");
        d.put("id", project + ":" + dataset);
        d.putObject("datasetReference").put("projectId", project).put("datasetId", dataset);
        d.put("location", LOCATION);
        d.put("type", "DEFAULT");
        return d;
    }

    private JsonNode getTable(String dataset, String table) throws FakeApiError {
        TableInfo info = tableInfo(dataset, table);
        if (info == null) {
            throw FakeApiError.notFound("Not found: Table " + project + ":" + dataset + "." + table);
        }
        ObjectNode t = JSON.objectNode();
        t.put("kind", "bigquery#table");
        t.put("id", project + ":" + dataset + "." + table);
        t.putObject("tableReference")
                .put("projectId", project)
                .put("datasetId", dataset)
                .put("tableId", table);
        t.set("schema", schema(info.fields()));
        t.put("numRows", Long.toString(info.rows()));
        t.put("type", info.view() ? "VIEW" : "TABLE");
        t.put("location", LOCATION);
        t.put("creationTime", "1700000000000");
        return t;
    }

    private JsonNode listTableData(String dataset, String table, Map<String, String> q) throws FakeApiError {
        List<FakeField> fields;
        List<Object[]> rows;
        String scope;
        if (dataset.equals(RESULTS_DATASET)) {
            FakeJob job = jobs.values().stream()
                    .filter(j -> j.destinationTable().equals(table))
                    .findFirst()
                    .orElseThrow(
                            () -> FakeApiError.notFound("Not found: Table " + project + ":" + dataset + "." + table));
            fields = job.fields;
            rows = job.rows;
            scope = job.id;
        } else {
            if (tableInfo(dataset, table) == null) {
                throw FakeApiError.notFound("Not found: Table " + project + ":" + dataset + "." + table);
            }
            Execution all = select(
                    dataset, "SELECT * FROM " + FakeTypes.quote(dataset) + "." + FakeTypes.quote(table), List.of());
            fields = all.fields();
            rows = all.rows();
            scope = dataset + "." + table;
        }
        Page page = page(rows, q, scope);
        ObjectNode out = JSON.objectNode();
        out.put("kind", "bigquery#tableDataList");
        out.put("etag", UUID.randomUUID().toString());
        out.put("totalRows", Long.toString(rows.size()));
        if (page.nextToken() != null) {
            out.put("pageToken", page.nextToken());
        }
        addRows(out, fields, rows, page, int64Timestamps(q.get("formatOptions.useInt64Timestamp")));
        return out;
    }

    // ---- jobs ----

    private JsonNode insertJob(JsonNode body) throws FakeApiError {
        JsonNode ref = body.path("jobReference");
        String jobId = ref.path("jobId").asText(UUID.randomUUID().toString());
        String location = ref.path("location").asText(LOCATION);
        JsonNode config = body.path("configuration");
        if (!config.has("query")) {
            throw FakeApiError.invalid("The fake only runs query jobs");
        }
        boolean dryRun = config.path("dryRun").asBoolean(false);
        if (!dryRun && jobs.containsKey(jobId)) {
            throw new FakeApiError(409, "duplicate", "Already Exists: Job " + project + ":" + location + "." + jobId);
        }
        FakeJob job = newJob(jobId, location, (ObjectNode) config.deepCopy(), dryRun);
        if (dryRun) {
            if (job.error != null) {
                throw job.error;
            }
            return jobJson(job, true);
        }
        jobs.put(jobId, job);
        return jobJson(job, job.polls.get() == 0);
    }

    private JsonNode getJob(String jobId) throws FakeApiError {
        FakeJob job = job(jobId);
        return jobJson(job, observeDone(job));
    }

    private JsonNode cancelJob(String jobId) throws FakeApiError {
        FakeJob job = job(jobId);
        if (job.polls.getAndSet(0) > 0 && job.error == null) {
            job.error = new FakeApiError(400, "stopped", "Job execution was cancelled: User requested cancellation");
        }
        ObjectNode out = JSON.objectNode();
        out.put("kind", "bigquery#jobCancelResponse");
        out.set("job", jobJson(job, true));
        return out;
    }

    private JsonNode query(JsonNode request) throws FakeApiError {
        ObjectNode query = JSON.objectNode();
        for (String f : List.of(
                "query",
                "queryParameters",
                "defaultDataset",
                "useLegacySql",
                "maximumBytesBilled",
                "useQueryCache",
                "parameterMode")) {
            if (request.has(f)) {
                query.set(f, request.get(f));
            }
        }
        ObjectNode config = JSON.objectNode();
        config.set("query", query);
        boolean dryRun = request.path("dryRun").asBoolean(false);
        if (dryRun) {
            config.put("dryRun", true);
        }
        String jobId = "job_" + UUID.randomUUID().toString().replace('-', '_');
        FakeJob job = newJob(jobId, request.path("location").asText(LOCATION), config, dryRun);
        if (job.error != null && (dryRun || job.polls.get() == 0)) {
            throw job.error;
        }
        ObjectNode out = JSON.objectNode();
        out.put("kind", "bigquery#queryResponse");
        out.set("jobReference", jobReference(job));
        if (dryRun) {
            out.set("schema", schema(job.fields));
            out.put("totalBytesProcessed", Long.toString(job.bytes));
            out.put("jobComplete", true);
            out.put("cacheHit", false);
            return out;
        }
        jobs.put(jobId, job);
        if (!observeDone(job)) {
            out.put("jobComplete", false);
            return out;
        }
        Map<String, String> paging = new LinkedHashMap<>();
        if (request.has("maxResults")) {
            paging.put("maxResults", request.get("maxResults").asText());
        }
        completeResults(
                out,
                job,
                paging,
                request.path("formatOptions").path("useInt64Timestamp").asBoolean(false));
        return out;
    }

    private JsonNode getQueryResults(String jobId, Map<String, String> q) throws FakeApiError {
        FakeJob job = job(jobId);
        ObjectNode out = JSON.objectNode();
        out.put("kind", "bigquery#getQueryResultsResponse");
        out.put("etag", UUID.randomUUID().toString());
        out.set("jobReference", jobReference(job));
        if (!observeDone(job)) {
            out.put("jobComplete", false);
            return out;
        }
        if (job.error != null) {
            throw job.error;
        }
        completeResults(out, job, q, int64Timestamps(q.get("formatOptions.useInt64Timestamp")));
        return out;
    }

    private void completeResults(ObjectNode out, FakeJob job, Map<String, String> q, boolean int64)
            throws FakeApiError {
        Page page = page(job.rows, q, job.id);
        if ("SELECT".equals(job.statementType)) {
            out.set("schema", schema(job.fields));
        }
        if (job.dml != null) {
            out.put("numDmlAffectedRows", Long.toString(job.dml.affected()));
            ObjectNode stats = out.putObject("dmlStats");
            stats.put("insertedRowCount", Long.toString(job.dml.inserted()));
            stats.put("deletedRowCount", Long.toString(job.dml.deleted()));
            stats.put("updatedRowCount", Long.toString(job.dml.updated()));
        }
        out.put("totalRows", Long.toString(job.rows.size()));
        if (page.nextToken() != null) {
            out.put("pageToken", page.nextToken());
        }
        addRows(out, job.fields, job.rows, page, int64);
        out.put("totalBytesProcessed", Long.toString(job.bytes));
        out.put("jobComplete", true);
        out.put("cacheHit", false);
    }

    private FakeJob job(String jobId) throws FakeApiError {
        FakeJob job = jobs.get(jobId);
        if (job == null) {
            throw FakeApiError.notFound("Not found: Job " + project + ":" + jobId);
        }
        return job;
    }

    /** A status read: true once the job's "not done" polls are used up. */
    private static boolean observeDone(FakeJob job) {
        return job.polls.getAndUpdate(n -> n > 0 ? n - 1 : 0) == 0;
    }

    // ---- running queries ----

    private FakeJob newJob(String jobId, String location, ObjectNode config, boolean dryRun) {
        FakeJob job = new FakeJob(jobId, location, config, dryRun, dryRun ? 0 : pollsBeforeDone);
        ObjectNode query = (ObjectNode) config.get("query");
        try {
            if (!query.path("useLegacySql").isBoolean()
                    || query.path("useLegacySql").asBoolean()) {
                throw FakeApiError.invalidQuery(
                        "Legacy SQL is the API default and the fake does not speak it;" + " set useLegacySql=false");
            }
            String dataset = query.path("defaultDataset").path("datasetId").asText(null);
            if (dataset != null && !schemaExists(dataset)) {
                throw FakeApiError.notFound("Not found: Dataset " + project + ":" + dataset + " was not found in"
                        + " location " + location);
            }
            Map<String, FakeTypes.Bound> params = new LinkedHashMap<>();
            for (JsonNode p : query.path("queryParameters")) {
                FakeTypes.Bound b = FakeTypes.parameter(p);
                params.put(b.name().toLowerCase(Locale.ROOT), b);
            }
            SqlTranslator.Result sql = SqlTranslator.translate(
                    query.path("query").asText(""),
                    project,
                    name -> params.containsKey(name.toLowerCase(Locale.ROOT))
                            ? params.get(name.toLowerCase(Locale.ROOT)).duckType()
                            : null);
            job.bytes = estimateBytes(sql, dataset);
            if (query.hasNonNull("maximumBytesBilled")
                    && job.bytes > query.get("maximumBytesBilled").asLong()) {
                throw new FakeApiError(
                        400,
                        "bytesBilledLimitExceeded",
                        "Query exceeded limit for bytes billed: "
                                + query.get("maximumBytesBilled").asLong() + ". " + job.bytes + " or higher required.");
            }
            Execution result = dryRun ? describe(dataset, sql) : run(dataset, sql, params);
            job.fields = result.fields();
            job.rows = result.rows();
            job.statementType = result.statementType();
            job.dml = result.dml();
            job.ddlOperation = result.ddlOperation();
            job.ddlTarget = result.ddlTarget();
        } catch (FakeApiError e) {
            job.error = e;
        } catch (SqlTranslator.SqlError | FakeTypes.BadParameter e) {
            job.error = e instanceof FakeTypes.BadParameter
                    ? FakeApiError.invalid(e.getMessage())
                    : FakeApiError.invalidQuery(e.getMessage());
        }
        if (!dryRun && job.error == null && "SELECT".equals(job.statementType)) {
            // only queries write their result to an anonymous table; DDL and DML have none
            ObjectNode destination = query.putObject("destinationTable");
            destination
                    .put("projectId", project)
                    .put("datasetId", RESULTS_DATASET)
                    .put("tableId", job.destinationTable());
        }
        return job;
    }

    /** Rows a DML statement inserted, updated and deleted. */
    private record Dml(long inserted, long updated, long deleted) {
        long affected() {
            return inserted + updated + deleted;
        }
    }

    /**
     * @param dml          for INSERT, UPDATE, DELETE and MERGE; {@code null} otherwise
     * @param ddlOperation {@code CREATE}, {@code REPLACE}, {@code SKIP} or {@code DROP} for table DDL
     * @param ddlTarget    {@code [dataset, table]} the statement created, dropped or changed
     */
    private record Execution(
            List<FakeField> fields,
            List<Object[]> rows,
            String statementType,
            Dml dml,
            String ddlOperation,
            List<String> ddlTarget) {}

    private static List<FakeTypes.Bound> bindings(List<String> order, Map<String, FakeTypes.Bound> params) {
        List<FakeTypes.Bound> bindings = new ArrayList<>();
        for (String name : order) {
            bindings.add(params.get(name.toLowerCase(Locale.ROOT)));
        }
        return bindings;
    }

    private Execution run(String dataset, SqlTranslator.Result sql, Map<String, FakeTypes.Bound> params)
            throws FakeApiError {
        if (sql.isSelect()) {
            return select(dataset, sql.sql(), bindings(sql.bindOrder(), params));
        }
        List<String> target = sql.target() == null ? null : qualify(sql.target(), dataset);
        boolean existed = target != null && tableKeys().contains(key(target.get(0), target.get(1)));
        try (DuckDBConnection c = connection()) {
            use(c, dataset);
            // a BigQuery statement is atomic: what it wrote is rolled back when a check below refuses it
            c.setAutoCommit(false);
            try {
                if (sql.check() != null) {
                    try (PreparedStatement ps = prepare(
                                    c, sql.check().sql(), bindings(sql.check().bindOrder(), params));
                            ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            throw FakeApiError.invalidQuery(sql.check().error());
                        }
                    }
                }
                Dml dml = null;
                try (PreparedStatement ps = prepare(c, sql.sql(), bindings(sql.bindOrder(), params))) {
                    boolean hasResults = ps.execute();
                    switch (sql.statementType()) {
                        case "MERGE" -> {
                            long[] counts = new long[3];
                            if (hasResults) {
                                try (ResultSet rs = ps.getResultSet()) {
                                    while (rs.next()) {
                                        switch (rs.getString(1)) {
                                            case "INSERT" -> counts[0]++;
                                            case "UPDATE" -> counts[1]++;
                                            case "DELETE" -> counts[2]++;
                                            default -> {}
                                        }
                                    }
                                }
                            }
                            dml = new Dml(counts[0], counts[1], counts[2]);
                        }
                        case "INSERT" -> dml = new Dml(Math.max(0, ps.getUpdateCount()), 0, 0);
                        case "UPDATE" -> dml = new Dml(0, Math.max(0, ps.getUpdateCount()), 0);
                        case "DELETE" -> dml = new Dml(0, 0, Math.max(0, ps.getUpdateCount()));
                        default -> {}
                    }
                }
                if (target != null && !sql.statementType().equals("DROP_TABLE")) {
                    enforceArrayRules(c, target);
                }
                c.commit();
                return new Execution(
                        List.of(), List.of(), sql.statementType(), dml, ddlOperation(sql, existed), target);
            } catch (FakeApiError | SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e, dataset);
        }
    }

    /** {@code [dataset, table]} of a statement's target; BigQuery needs a dataset, explicit or default. */
    private List<String> qualify(List<String> target, String dataset) throws FakeApiError {
        if (target.size() == 2) {
            return target;
        }
        if (target.size() == 1 && dataset != null) {
            return List.of(dataset, target.get(0));
        }
        if (target.size() == 1) {
            throw FakeApiError.invalidQuery(
                    "Table \"" + target.get(0) + "\" must be qualified with a dataset" + " (e.g. dataset.table).");
        }
        throw FakeApiError.notFound("Not found: Project " + target.get(0));
    }

    private static String ddlOperation(SqlTranslator.Result sql, boolean existed) {
        return switch (sql.statementType()) {
            case "CREATE_TABLE", "CREATE_TABLE_AS_SELECT" ->
                !existed ? "CREATE" : sql.ddl().contains("OR REPLACE") ? "REPLACE" : "SKIP";
            case "DROP_TABLE" -> existed ? "DROP" : "SKIP";
            default -> null;
        };
    }

    /**
     * What BigQuery does when it writes a table: an array holding NULL fails the statement ("Array cannot have a
     * null element"), and a NULL array is stored as an empty one.
     */
    private static void enforceArrayRules(DuckDBConnection c, List<String> target) throws SQLException, FakeApiError {
        String table = FakeTypes.quote(target.get(0)) + "." + FakeTypes.quote(target.get(1));
        List<String[]> arrays = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? AND data_type LIKE '%[]' ORDER BY ordinal_position")) {
            ps.setString(1, target.get(0));
            ps.setString(2, target.get(1));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    arrays.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String[] a : arrays) {
                String column = FakeTypes.quote(a[0]);
                try (ResultSet rs = s.executeQuery("SELECT 1 FROM " + table + " WHERE len(list_filter(" + column
                        + ", x -> x IS NULL)) > 0 LIMIT 1")) {
                    if (rs.next()) {
                        throw FakeApiError.invalidQuery(
                                "Array cannot have a null element; error in writing field " + a[0]);
                    }
                }
                s.execute("UPDATE " + table + " SET " + column + " = CAST([] AS " + a[1] + ") WHERE " + column
                        + " IS NULL");
            }
        }
    }

    private static PreparedStatement prepare(DuckDBConnection c, String sql, List<FakeTypes.Bound> bindings)
            throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < bindings.size(); i++) {
                bind(c, ps, i + 1, bindings.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
        return ps;
    }

    private Execution select(String dataset, String duckSql, List<FakeTypes.Bound> bindings) throws FakeApiError {
        try (DuckDBConnection c = connection()) {
            use(c, dataset);
            try (PreparedStatement ps = prepare(c, duckSql, bindings)) {
                if (!ps.execute()) {
                    return new Execution(List.of(), List.of(), "SELECT", null, null, null);
                }
                try (ResultSet rs = ps.getResultSet()) {
                    List<FakeField> fields = fields(rs.getMetaData());
                    List<Object[]> rows = new ArrayList<>();
                    while (rs.next()) {
                        Object[] cells = new Object[fields.size()];
                        for (int i = 0; i < cells.length; i++) {
                            FakeField f = fields.get(i);
                            Object v = f.type().equals("DATETIME") && !f.isRepeated()
                                    ? rs.getObject(i + 1, LocalDateTime.class)
                                    : rs.getObject(i + 1);
                            cells[i] = FakeTypes.cell(f, v);
                            if (f.isRepeated()) {
                                for (Object e : (List<?>) cells[i]) {
                                    if (e == null) {
                                        // results go to a table too
                                        throw FakeApiError.invalidQuery("Array cannot have a null element; error in"
                                                + " writing field " + f.name());
                                    }
                                }
                            }
                        }
                        rows.add(cells);
                    }
                    return new Execution(fields, List.copyOf(rows), "SELECT", null, null, null);
                }
            }
        } catch (SQLException e) {
            throw translate(e, dataset);
        }
    }

    /** Validates a query like a dry run: DuckDB plans it without running it. */
    private Execution describe(String dataset, SqlTranslator.Result sql) throws FakeApiError {
        try (DuckDBConnection c = connection()) {
            use(c, dataset);
            try (PreparedStatement ps = c.prepareStatement(sql.sql())) {
                ResultSetMetaData md = sql.isSelect() ? ps.getMetaData() : null;
                return new Execution(
                        md == null ? List.of() : fields(md), List.of(), sql.statementType(), null, null, null);
            }
        } catch (SQLException e) {
            throw translate(e, dataset);
        }
    }

    private static void use(Connection c, String dataset) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            s.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'"); // BigQuery's NULL ordering
            if (dataset != null) {
                s.execute("SET schema = '" + dataset.replace("'", "''") + "'");
            }
        }
    }

    private static void bind(DuckDBConnection c, PreparedStatement ps, int index, FakeTypes.Bound b)
            throws SQLException {
        if (b.isArray()) {
            ps.setObject(index, c.createArrayOf(b.elementDuckType(), (Object[]) b.value()));
        } else if (b.value() == null) {
            ps.setObject(index, null);
        } else if (b.value() instanceof byte[] bytes) {
            ps.setBytes(index, bytes);
        } else {
            ps.setObject(index, b.value());
        }
    }

    /** Result columns as BigQuery names them: expressions without an alias become {@code f0_}, {@code f1_}... */
    private static List<FakeField> fields(ResultSetMetaData md) throws SQLException, FakeApiError {
        List<FakeField> fields = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int anonymous = 0;
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String name = md.getColumnLabel(i);
            if (name.contains("(")
                    || name.contains(")")
                    || name.startsWith("'")
                    || name.matches("[0-9.]+")
                    || name.isEmpty()) {
                name = "f" + anonymous++ + "_";
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw FakeApiError.invalidQuery(
                        "Duplicate column names in the result are not supported." + " Found duplicate(s): " + name);
            }
            fields.add(FakeTypes.field(name, md.getColumnTypeName(i)));
        }
        return fields;
    }

    private FakeApiError translate(SQLException e, String dataset) {
        String message = e.getMessage() == null ? "unknown DuckDB error" : e.getMessage();
        int marker = message.lastIndexOf("\nError: ");
        if (marker >= 0) {
            message = message.substring(marker + "\nError: ".length());
        }
        message = message.lines().findFirst().orElse(message).trim();
        if (message.startsWith("Invalid Input Error: ")) {
            // raised by error() in the fake's macros, with BigQuery's own words
            message = message.substring("Invalid Input Error: ".length());
        }
        java.util.regex.Matcher table = java.util.regex.Pattern.compile(
                        "Catalog Error: Table with name (\\S+) does not exist")
                .matcher(message);
        if (table.find()) {
            String name = table.group(1);
            String qualified = name.contains(".") ? name : (dataset == null ? "" : dataset + ".") + name;
            return FakeApiError.notFound(
                    "Not found: Table " + project + ":" + qualified + " was not found in location " + LOCATION);
        }
        java.util.regex.Matcher exists = java.util.regex.Pattern.compile(
                        "Catalog Error: Table with name (\\S+?)!? already exists")
                .matcher(message);
        if (exists.find()) {
            String name = exists.group(1);
            String qualified = name.contains(".") ? name : (dataset == null ? "" : dataset + ".") + name;
            return new FakeApiError(409, "duplicate", "Already Exists: Table " + project + ":" + qualified);
        }
        java.util.regex.Matcher schema = java.util.regex.Pattern.compile(
                        "Catalog Error: Schema with name (\\S+) does not exist")
                .matcher(message);
        if (schema.find()) {
            return FakeApiError.notFound(
                    "Not found: Dataset " + project + ":" + schema.group(1) + " was not found in location " + LOCATION);
        }
        return FakeApiError.invalidQuery(message);
    }

    /**
     * Bytes a query would read, BigQuery-style: for each table it names, the logical size of the columns it
     * mentions (all of them for {@code *}); NULLs are free.
     */
    private long estimateBytes(SqlTranslator.Result sql, String defaultDataset) throws FakeApiError {
        long total = 0;
        Set<String> counted = new HashSet<>();
        Set<String> existing = tableKeys();
        for (List<String> path : sql.paths()) {
            String dataset = path.size() == 2 ? path.get(0) : path.size() == 1 ? defaultDataset : null;
            String table = path.get(path.size() - 1);
            if (dataset == null
                    || path.size() > 2
                    || !existing.contains(key(dataset, table))
                    || !counted.add(key(dataset, table))) {
                continue;
            }
            TableInfo info = tableInfo(dataset, table);
            if (info == null) {
                continue;
            }
            List<String> sizes = new ArrayList<>();
            for (FakeField f : info.fields()) {
                if (sql.star() || sql.words().contains(f.name().toLowerCase(Locale.ROOT))) {
                    sizes.add(FakeTypes.bytesExpression(f, FakeTypes.quote(f.name())));
                }
            }
            if (sizes.isEmpty()) {
                continue;
            }
            String q = "SELECT COALESCE(SUM(" + String.join(" + ", sizes) + "), 0) FROM " + FakeTypes.quote(dataset)
                    + "." + FakeTypes.quote(table);
            try (Connection c = connection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(q)) {
                rs.next();
                total += rs.getLong(1);
            } catch (SQLException e) {
                throw translate(e, dataset);
            }
        }
        return total;
    }

    // ---- catalog ----

    private record TableInfo(List<FakeField> fields, long rows, boolean view) {}

    private TableInfo tableInfo(String dataset, String table) throws FakeApiError {
        String sql = "SELECT t.table_type, c.column_name, c.data_type FROM information_schema.tables t"
                + " JOIN information_schema.columns c ON c.table_schema = t.table_schema"
                + " AND c.table_name = t.table_name WHERE t.table_schema = ? AND t.table_name = ?"
                + " ORDER BY c.ordinal_position";
        List<FakeField> fields = new ArrayList<>();
        boolean view = false;
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, dataset);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    view = "VIEW".equals(rs.getString(1));
                    fields.add(FakeTypes.field(rs.getString(2), rs.getString(3)));
                }
            }
            if (fields.isEmpty()) {
                return null;
            }
            long rows;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT count(*) FROM " + FakeTypes.quote(dataset) + "." + FakeTypes.quote(table))) {
                rs.next();
                rows = rs.getLong(1);
            }
            List<FakeField> declared = declaredSchemas.get(key(dataset, table));
            return new TableInfo(declared != null ? declared : List.copyOf(fields), rows, view);
        } catch (SQLException e) {
            throw translate(e, dataset);
        }
    }

    /** {@code dataset.table} (lower case) of every table and view. */
    private Set<String> tableKeys() throws FakeApiError {
        Set<String> keys = new HashSet<>();
        try (Connection c = connection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT schema_name, table_name FROM duckdb_tables()"
                        + " UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal")) {
            while (rs.next()) {
                keys.add(key(rs.getString(1), rs.getString(2)));
            }
        } catch (SQLException e) {
            throw translate(e, null);
        }
        return keys;
    }

    private boolean schemaExists(String dataset) throws FakeApiError {
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.schemata"
                        + " WHERE schema_name = ? AND catalog_name = current_database()")) {
            ps.setString(1, dataset);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw translate(e, null);
        }
    }

    private DuckDBConnection connection() {
        try {
            synchronized (root) {
                return (DuckDBConnection) root.duplicate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the fake's DuckDB is closed", e);
        }
    }

    private static String key(String dataset, String table) {
        return (dataset + "." + table).toLowerCase(Locale.ROOT);
    }

    // ---- JSON shapes ----

    private ObjectNode jobJson(FakeJob job, boolean done) {
        ObjectNode j = JSON.objectNode();
        j.put("kind", "bigquery#job");
        j.put("etag", Integer.toHexString(job.id.hashCode()));
        j.put("id", project + ":" + job.location + "." + job.id);
        j.put("selfLink", url() + "/bigquery/v2/projects/" + project + "/jobs/" + job.id + "?location=" + job.location);
        j.put("user_email", "fake-user@example.com");
        ObjectNode config = job.configuration.deepCopy();
        config.put("jobType", "QUERY");
        j.set("configuration", config);
        j.set("jobReference", jobReference(job));
        ObjectNode stats = j.putObject("statistics");
        stats.put("creationTime", Long.toString(job.created));
        ObjectNode query = JSON.objectNode();
        if (job.dryRun || done) {
            stats.put("totalBytesProcessed", Long.toString(job.bytes));
            query.put("totalBytesProcessed", Long.toString(job.bytes));
            query.put("totalBytesBilled", job.dryRun ? "0" : Long.toString(job.bytes));
            query.put("cacheHit", false);
            if (job.statementType != null) {
                query.put("statementType", job.statementType);
            }
            if (job.error == null && job.fields != null && "SELECT".equals(job.statementType)) {
                query.set("schema", schema(job.fields));
            }
            if (job.error == null) {
                putDmlAndDdl(query, job);
            }
        }
        if (!job.dryRun) {
            stats.put("startTime", Long.toString(job.created + 1));
            if (done) {
                stats.put("endTime", Long.toString(job.created + 2));
            }
        }
        stats.set("query", query);
        ObjectNode status = j.putObject("status");
        status.put("state", done ? "DONE" : "RUNNING");
        if (done && job.error != null) {
            status.set("errorResult", job.error.errorProto(false));
            status.putArray("errors").add(job.error.errorProto(false));
        }
        return j;
    }

    /** {@code numDmlAffectedRows}, {@code dmlStats}, {@code ddlOperationPerformed} and {@code ddlTargetTable}. */
    private void putDmlAndDdl(ObjectNode out, FakeJob job) {
        if (job.dml != null) {
            out.put("numDmlAffectedRows", Long.toString(job.dml.affected()));
            ObjectNode stats = out.putObject("dmlStats");
            stats.put("insertedRowCount", Long.toString(job.dml.inserted()));
            stats.put("deletedRowCount", Long.toString(job.dml.deleted()));
            stats.put("updatedRowCount", Long.toString(job.dml.updated()));
        }
        if (job.ddlOperation != null) {
            out.put("ddlOperationPerformed", job.ddlOperation);
            out.putObject("ddlTargetTable")
                    .put("projectId", project)
                    .put("datasetId", job.ddlTarget.get(0))
                    .put("tableId", job.ddlTarget.get(1));
        }
    }

    private ObjectNode jobReference(FakeJob job) {
        ObjectNode ref = JSON.objectNode();
        ref.put("projectId", project);
        ref.put("jobId", job.id);
        ref.put("location", job.location);
        return ref;
    }

    private static ObjectNode schema(List<FakeField> fields) {
        ObjectNode schema = JSON.objectNode();
        schema.set("fields", fieldsJson(fields == null ? List.of() : fields));
        return schema;
    }

    private static ArrayNode fieldsJson(List<FakeField> fields) {
        ArrayNode out = JSON.arrayNode();
        for (FakeField f : fields) {
            ObjectNode n = out.addObject();
            n.put("name", f.name());
            n.put("type", f.type());
            n.put("mode", f.mode());
            if (!f.fields().isEmpty()) {
                n.set("fields", fieldsJson(f.fields()));
            }
        }
        return out;
    }

    private record Page(int from, int to, String nextToken) {}

    private Page page(List<Object[]> rows, Map<String, String> q, String scope) throws FakeApiError {
        int from = 0;
        if (q.get("pageToken") != null) {
            from = decodeToken(q.get("pageToken"), scope);
        } else if (q.get("startIndex") != null) {
            from = (int) Math.min(rows.size(), Long.parseLong(q.get("startIndex")));
        }
        long size =
                q.get("maxResults") == null ? pageSizeCap : Math.min(pageSizeCap, Long.parseLong(q.get("maxResults")));
        int to = (int) Math.min(rows.size(), from + size);
        return new Page(from, to, to < rows.size() ? encodeToken(scope, to) : null);
    }

    private static void addRows(ObjectNode out, List<FakeField> fields, List<Object[]> rows, Page page, boolean int64) {
        if (page.to() <= page.from()) {
            return;
        }
        ArrayNode array = out.putArray("rows");
        for (int i = page.from(); i < page.to(); i++) {
            array.add(FakeTypes.row(fields, rows.get(i), int64));
        }
    }

    private static String encodeToken(String scope, int offset) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((scope + "@" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeToken(String token, String scope) throws FakeApiError {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int at = decoded.lastIndexOf('@');
            if (at < 0 || !decoded.substring(0, at).equals(scope)) {
                throw new IllegalArgumentException(decoded);
            }
            return Integer.parseInt(decoded.substring(at + 1));
        } catch (IllegalArgumentException e) {
            throw FakeApiError.invalid("Invalid page token: " + token);
        }
    }

    private static boolean int64Timestamps(String flag) {
        return Boolean.parseBoolean(flag);
    }

    private static JsonNode parse(String body) throws FakeApiError {
        try {
            return body.isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
        } catch (IOException e) {
            throw FakeApiError.invalid("Invalid JSON payload received: " + e.getMessage());
        }
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    /** A query job: its configuration as submitted and, once run, its result or error. */
    private static final class FakeJob {
        final String id;
        final String location;
        final ObjectNode configuration;
        final boolean dryRun;
        final long created = System.currentTimeMillis();
        final AtomicInteger polls;
        volatile List<FakeField> fields = List.of();
        volatile List<Object[]> rows = List.of();
        volatile String statementType;
        volatile Dml dml;
        volatile String ddlOperation;
        volatile List<String> ddlTarget;
        volatile long bytes;
        volatile FakeApiError error;

        FakeJob(String id, String location, ObjectNode configuration, boolean dryRun, int polls) {
            this.id = id;
            this.location = location;
            this.configuration = configuration;
            this.dryRun = dryRun;
            this.polls = new AtomicInteger(polls);
        }

        String destinationTable() {
            return "anon" + id.replaceAll("[^A-Za-z0-9_]", "_");
        }
    }
}
