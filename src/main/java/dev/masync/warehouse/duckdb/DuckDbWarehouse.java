package dev.masync.warehouse.duckdb;

import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnInfo;
import dev.masync.warehouse.QueryMeter;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.RowConsumer;
import dev.masync.warehouse.SqlDialect;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseException;
import dev.masync.warehouse.WarehouseException.Kind;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * The embedded warehouse: one DuckDB file, opened once; every call runs on its own duplicate of that connection, so
 * calls are concurrent. Results stream ({@code jdbc_stream_results}), so a large result never sits in memory whole.
 */
public final class DuckDbWarehouse implements Warehouse {

    /**
     * How the file is opened. {@code statePath}, when set, is a second DuckDB file attached read-write as
     * {@value #STATE_CATALOG}, where the sync engine keeps what each destination holds, beside a source that may be
     * read-only.
     */
    public record Settings(
            Path path, boolean readOnly, String memoryLimit, Integer threads, Path tempDirectory, Path statePath) {
        public Settings {
            Objects.requireNonNull(path, "path");
        }

        public Settings(Path path, boolean readOnly, String memoryLimit, Integer threads, Path tempDirectory) {
            this(path, readOnly, memoryLimit, threads, tempDirectory, null);
        }
    }

    /** The catalog name of the attached sync-state file. */
    public static final String STATE_CATALOG = "masync_state";

    /**
     * The catalog name of an in-memory database attached with the state file, for scratch tables of one run that need
     * not survive the process (the sync engine's pending diff). It counts against {@code memory_limit}; beyond it
     * DuckDB spills it to the temp directory.
     */
    public static final String SCRATCH_CATALOG = "masync_scratch";

    private static final DuckDbDialect DIALECT = new DuckDbDialect();

    /** How often a query past its deadline is cancelled again. */
    static final java.time.Duration CANCEL_RETRY = java.time.Duration.ofMillis(50);

    /** Cancels queries at their deadline; one daemon thread for all DuckDB warehouses, idle without time limits. */
    private static final java.util.concurrent.ScheduledExecutorService CANCELLER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "duckdb-query-deadline");
                t.setDaemon(true);
                return t;
            });

    private final Settings settings;
    private final DuckDBConnection root;

    private DuckDbWarehouse(Settings settings, DuckDBConnection root) {
        this.settings = settings;
        this.root = root;
    }

    /** Opens an existing DuckDB file. */
    public static DuckDbWarehouse open(Settings settings) {
        Path path = settings.path().toAbsolutePath();
        if (!Files.exists(path)) {
            throw new WarehouseException(
                    Kind.UNAVAILABLE,
                    "DuckDB warehouse file " + path + " does not exist;"
                            + " set masync.warehouse.duckdb.path to an existing file or enable masync.demo.enabled");
        }
        if (!Files.isReadable(path)) {
            throw new WarehouseException(Kind.UNAVAILABLE, "DuckDB warehouse file " + path + " is not readable");
        }
        try {
            DuckDBConnection root = connect(settings);
            if (settings.statePath() != null) {
                attachState(root, settings.statePath());
            }
            return new DuckDbWarehouse(settings, root);
        } catch (SQLException e) {
            throw new WarehouseException(
                    Kind.UNAVAILABLE, "cannot open DuckDB warehouse " + path + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** Opens (creating if needed) a DuckDB file for writing, e.g. to generate the demo warehouse. */
    public static Connection openForWrite(Settings settings) throws SQLException {
        return connect(new Settings(
                settings.path(), false, settings.memoryLimit(), settings.threads(), settings.tempDirectory()));
    }

    private static DuckDBConnection connect(Settings s) throws SQLException {
        Properties props = new Properties();
        props.setProperty(DuckDBDriver.JDBC_STREAM_RESULTS, "true");
        if (s.readOnly()) {
            props.setProperty(DuckDBDriver.DUCKDB_READONLY_PROPERTY, "true");
        }
        if (s.memoryLimit() != null) {
            props.setProperty("memory_limit", s.memoryLimit());
        }
        if (s.threads() != null) {
            props.setProperty("threads", String.valueOf(s.threads()));
        }
        if (s.tempDirectory() != null) {
            props.setProperty(
                    "temp_directory", s.tempDirectory().toAbsolutePath().toString());
        }
        // The driver directly, not DriverManager: it must work from any class loader (Quarkus, tests, CLI).
        return (DuckDBConnection)
                new DuckDBDriver().connect("jdbc:duckdb:" + s.path().toAbsolutePath(), props);
    }

    private static void attachState(DuckDBConnection root, Path statePath) throws SQLException {
        try {
            Files.createDirectories(statePath.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create the folder of " + statePath + ": " + e.getMessage(), e);
        }
        // ATTACH takes no parameters; the path comes from configuration, quoted as a string literal.
        String literal = "'" + statePath.toAbsolutePath().toString().replace("'", "''") + "'";
        try (var s = root.createStatement()) {
            s.execute("ATTACH " + literal + " AS " + STATE_CATALOG + " (READ_WRITE)");
            // READ_WRITE: the default would inherit a read-only source's mode, which an in-memory database refuses
            s.execute("ATTACH ':memory:' AS " + SCRATCH_CATALOG + " (READ_WRITE)");
        } catch (SQLException e) {
            root.close();
            throw e;
        }
    }

    public Settings settings() {
        return settings;
    }

    /** A new connection to the same database (writable unless opened read-only); the caller closes it. */
    public Connection connection() {
        try {
            return root.duplicate();
        } catch (SQLException e) {
            throw new WarehouseException(Kind.UNAVAILABLE, "DuckDB connection is closed: " + e.getMessage(), e);
        }
    }

    @Override
    public String kind() {
        return "duckdb";
    }

    @Override
    public SqlDialect dialect() {
        return DIALECT;
    }

    @Override
    public List<ColumnInfo> describe(String table) {
        String schema = null;
        String name = table;
        int dot = table.lastIndexOf('.');
        if (dot > 0) {
            schema = table.substring(0, dot);
            name = table.substring(dot + 1);
        }
        String sql = "SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_name = ? AND table_schema = coalesce(?, current_schema())"
                + " AND table_catalog = current_database() ORDER BY ordinal_position";
        List<ColumnInfo> columns = new ArrayList<>();
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(DuckDbTypes.column(rs.getString(1), rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            throw translate(e);
        }
        if (columns.isEmpty()) {
            throw new WarehouseException(
                    Kind.NOT_FOUND,
                    "table '" + table + "' not found in DuckDB warehouse "
                            + settings.path().toAbsolutePath());
        }
        return List.copyOf(columns);
    }

    @Override
    public long query(BoundQuery query, RowConsumer consumer) {
        return query(query, consumer, (java.time.Duration) null);
    }

    /** Runs the query within the meter's {@link QueryMeter#timeout()}, if any; reports the rows delivered. */
    @Override
    public long query(BoundQuery query, RowConsumer consumer, QueryMeter meter) {
        long rows = query(query, consumer, meter.timeout().orElse(null));
        meter.record("query", dev.masync.warehouse.QueryCost.rows(rows));
        return rows;
    }

    /**
     * A query with an optional time limit. At the deadline the statement is cancelled (DuckDB interrupts it), and
     * again every {@link #CANCEL_RETRY} while it still runs (a cancel that lands between execution and fetching is
     * a no-op); rows are no longer delivered. A query that ends after its deadline, even with all its rows, fails
     * with {@link Kind#TIMED_OUT}, so the outcome depends on the limit and not on where the cancel landed.
     */
    private long query(BoundQuery query, RowConsumer consumer, java.time.Duration timeout) {
        // measured here too: on a busy machine the canceller may run only after the query ended
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> canceller = null;
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement(query.sql())) {
            if (timeout != null) {
                canceller = CANCELLER.scheduleAtFixedRate(
                        () -> {
                            late.set(true);
                            try {
                                ps.cancel();
                            } catch (SQLException | RuntimeException ignored) {
                                // closed meanwhile: the query is over
                            }
                        },
                        Math.max(1, timeout.toNanos()),
                        CANCEL_RETRY.toNanos(),
                        java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            long count = rows(c, ps, query, consumer, late);
            if (late.get() || pastDeadline(start, timeout)) {
                throw timedOut(timeout, null);
            }
            return count;
        } catch (SQLException e) {
            throw late.get() || pastDeadline(start, timeout) ? timedOut(timeout, e) : translate(e);
        } finally {
            if (canceller != null) {
                canceller.cancel(false);
            }
        }
    }

    private static boolean pastDeadline(long start, java.time.Duration timeout) {
        return timeout != null && System.nanoTime() - start >= timeout.toNanos();
    }

    private static WarehouseException timedOut(java.time.Duration timeout, Exception cause) {
        return new WarehouseException(
                Kind.TIMED_OUT, "the query ran longer than its limit of " + timeout + " and was cancelled", cause);
    }

    private long rows(
            Connection c,
            PreparedStatement ps,
            BoundQuery query,
            RowConsumer consumer,
            java.util.concurrent.atomic.AtomicBoolean late)
            throws SQLException {
        try {
            bind(c, ps, query.params());
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                List<String> names = new ArrayList<>(n);
                int[] types = new int[n];
                for (int i = 1; i <= n; i++) {
                    names.add(md.getColumnLabel(i));
                    types[i - 1] = md.getColumnType(i);
                }
                Row.Factory rows = Row.factory(names);
                long count = 0;
                while (!late.get() && rs.next()) {
                    Object[] values = new Object[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = read(rs, i + 1, types[i]);
                    }
                    count++;
                    if (!consumer.accept(rows.row(values))) {
                        break;
                    }
                }
                return count;
            }
        } catch (SQLException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("row consumer failed: " + e.getMessage(), e);
        }
    }

    @Override
    public long execute(BoundQuery statement) {
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement(statement.sql())) {
            bind(c, ps, statement.params());
            ps.execute();
            return ps.getUpdateCount();
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** One transaction on a connection of its own: commit after the last statement, rollback on any failure. */
    @Override
    public long[] executeAtomically(List<BoundQuery> statements) {
        long[] counts = new long[statements.size()];
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                for (int i = 0; i < counts.length; i++) {
                    BoundQuery statement = statements.get(i);
                    try (PreparedStatement ps = c.prepareStatement(statement.sql())) {
                        bind(c, ps, statement.params());
                        ps.execute();
                        counts[i] = ps.getUpdateCount();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            return counts;
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    @Override
    public void ping() {
        try (Connection c = connection();
                var s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    @Override
    public void close() {
        try {
            root.close();
        } catch (SQLException ignored) {
            // closing is best effort
        }
    }

    private static void bind(Connection c, PreparedStatement ps, List<QueryParam> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            QueryParam p = params.get(i);
            Object v = p.value();
            int index = i + 1;
            if (v == null) {
                ps.setNull(index, Types.NULL);
            } else if (v instanceof Instant instant) {
                ps.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            } else if (v instanceof List<?> list) {
                Array array = c.createArrayOf(DuckDbTypes.nativeName(p.elementType()), list.toArray());
                ps.setArray(index, array);
            } else {
                ps.setObject(index, v);
            }
        }
    }

    private static Object read(ResultSet rs, int i, int sqlType) throws SQLException {
        if (sqlType == Types.TIMESTAMP) {
            return rs.getObject(i, java.time.LocalDateTime.class); // one conversion, no Timestamp in between
        }
        Object v = rs.getObject(i);
        return v == null ? null : normalize(v, null);
    }

    private static Object normalize(Object v, Object localDateTime) throws SQLException {
        if (localDateTime != null) {
            return localDateTime;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigInteger b) {
            return new java.math.BigDecimal(b);
        }
        if (v instanceof Timestamp ts) {
            return ts.toLocalDateTime();
        }
        if (v instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof Array array) {
            Object[] elements = (Object[]) array.getArray();
            List<Object> out = new ArrayList<>(elements.length);
            for (Object e : elements) {
                out.add(e == null ? null : normalize(e, null));
            }
            return java.util.Collections.unmodifiableList(out);
        }
        return v;
    }

    private WarehouseException translate(SQLException e) {
        String msg = firstLine(e.getMessage());
        if (msg.contains("Catalog Error") && msg.contains("does not exist")) {
            return new WarehouseException(Kind.NOT_FOUND, msg, e);
        }
        if (msg.contains("Parser Error")
                || msg.contains("Binder Error")
                || msg.contains("Conversion Error")
                || msg.contains("Catalog Error")
                || msg.contains("Invalid Input Error")) {
            return new WarehouseException(Kind.INVALID_QUERY, msg, e);
        }
        if (msg.contains("Out of Memory") || msg.contains("Interrupt")) {
            return new WarehouseException(Kind.TRANSIENT, msg, e);
        }
        return new WarehouseException(Kind.UNAVAILABLE, msg, e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
