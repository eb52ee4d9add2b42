package dev.masync.sync.state;

import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.duckdb.DuckDbWarehouse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The {@link ConfirmationJournal} of DuckDB state, in the state file beside the state tables:
 * {@code masync_journal} (one row per append) and {@code masync_owners} (the run owning each state key). An append
 * is one single-row INSERT that writes only while its run owns the key, so it is durable and fenced when it returns;
 * {@link DuckDbStateStore} runs such inserts in one transaction with the copy of a batch's rows ({@link #insert}).
 */
final class DuckDbJournal implements ConfirmationJournal {
    private static final String JOURNAL = DuckDbWarehouse.STATE_CATALOG + ".masync_journal";
    private static final String OWNERS = DuckDbWarehouse.STATE_CATALOG + ".masync_owners";
    private static final String IDS = DuckDbWarehouse.STATE_CATALOG + ".masync_journal_id";

    private final Warehouse warehouse;
    private volatile boolean created;

    DuckDbJournal(Warehouse warehouse) {
        this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    }

    void create() {
        if (created) {
            return;
        }
        exec(sql().sql("CREATE SEQUENCE IF NOT EXISTS " + IDS));
        exec(sql().sql("CREATE TABLE IF NOT EXISTS " + JOURNAL
                + " (id BIGINT, state_key VARCHAR, run BIGINT, kind VARCHAR, lo BIGINT, hi BIGINT, x VARCHAR[])"));
        exec(sql().sql("CREATE TABLE IF NOT EXISTS " + OWNERS + " (state_key VARCHAR PRIMARY KEY, run BIGINT)"));
        created = true;
    }

    @Override
    public long claim(String stateKey, long run) {
        long previous = owner(stateKey);
        exec(sql().sql("INSERT OR REPLACE INTO " + OWNERS + " VALUES (")
                .param(ColumnType.STRING, stateKey)
                .sql(", ")
                .param(ColumnType.INTEGER, run)
                .sql(")"));
        return previous;
    }

    @Override
    public long owner(String stateKey) {
        create();
        long[] owner = {0};
        warehouse.query(
                sql().sql("SELECT run FROM " + OWNERS + " WHERE state_key = ")
                        .param(ColumnType.STRING, stateKey)
                        .build(),
                row -> {
                    owner[0] = ((Number) row.values().get(0)).longValue();
                    return true;
                });
        return owner[0];
    }

    @Override
    public void append(String stateKey, long run, Kind kind, long fromSeq, long toSeq, Collection<String> excluded) {
        create();
        if (warehouse.execute(
                        insert(stateKey, run, List.of(new Entry(run, kind, fromSeq, toSeq, List.copyOf(excluded)))))
                != 1) {
            throw new StateFencedException(stateKey, run, owner(stateKey));
        }
    }

    /**
     * One statement appending entries of {@code run} in order, for a caller that may run it in a transaction with
     * other writes: it inserts every entry while {@code run} owns the key and none otherwise. Creates the tables first
     * if needed.
     */
    BoundQuery insert(String stateKey, long run, List<Entry> entries) {
        create();
        SqlBuilder b = sql().sql("INSERT INTO " + JOURNAL + " SELECT nextval('" + IDS + "'), ")
                .param(ColumnType.STRING, stateKey)
                .sql(", ")
                .param(ColumnType.INTEGER, run)
                .sql(", e.kind, e.lo, e.hi, e.x FROM (SELECT * FROM (VALUES ");
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            b.sql(i == 0 ? "(" : ", (")
                    .sql(i + ", ")
                    .param(ColumnType.STRING, e.kind().name())
                    .sql(", ")
                    .param(ColumnType.INTEGER, e.fromSeq())
                    .sql(", ")
                    .param(ColumnType.INTEGER, e.toSeq())
                    .sql(", CAST(")
                    .param(new QueryParam("x", ColumnType.ARRAY, ColumnType.STRING, e.excluded()))
                    .sql(" AS VARCHAR[]))");
        }
        b.sql(") AS v(i, kind, lo, hi, x) ORDER BY i) AS e WHERE ");
        return owns(b, stateKey, run).build();
    }

    /** Appends a condition that holds while {@code run} owns the key. */
    SqlBuilder owns(SqlBuilder b, String stateKey, long run) {
        return b.sql("EXISTS (SELECT 1 FROM " + OWNERS + " WHERE state_key = ")
                .param(ColumnType.STRING, stateKey)
                .sql(" AND run = ")
                .param(ColumnType.INTEGER, run)
                .sql(")");
    }

    @Override
    public List<Entry> entries(String stateKey) {
        create();
        List<Entry> out = new ArrayList<>();
        warehouse.query(
                sql().sql("SELECT run, kind, lo, hi, x FROM " + JOURNAL + " WHERE state_key = ")
                        .param(ColumnType.STRING, stateKey)
                        .sql(" ORDER BY id")
                        .build(),
                row -> {
                    List<Object> v = row.values();
                    List<String> excluded = new ArrayList<>();
                    for (Object o : (List<?>) v.get(4)) {
                        excluded.add((String) o);
                    }
                    out.add(new Entry(
                            ((Number) v.get(0)).longValue(),
                            Kind.valueOf((String) v.get(1)),
                            ((Number) v.get(2)).longValue(),
                            ((Number) v.get(3)).longValue(),
                            excluded));
                    return true;
                });
        return List.copyOf(out);
    }

    @Override
    public void clear(String stateKey) {
        create();
        exec(sql().sql("DELETE FROM " + JOURNAL + " WHERE state_key = ").param(ColumnType.STRING, stateKey));
    }

    /** Forgets the key's entries atomically with the ownership check. */
    @Override
    public void clear(String stateKey, long owner) {
        if (warehouse.execute(clearIfOwned(stateKey, owner)) == 0 && owner(stateKey) != owner) {
            throw new StateFencedException(stateKey, owner, owner(stateKey));
        }
    }

    /** One statement deleting the key's entries while {@code owner} owns the key, none otherwise. */
    BoundQuery clearIfOwned(String stateKey, long owner) {
        create();
        SqlBuilder b = sql().sql("DELETE FROM " + JOURNAL + " WHERE state_key = ")
                .param(ColumnType.STRING, stateKey)
                .sql(" AND ");
        return owns(b, stateKey, owner).build();
    }

    @Override
    public void forget(String stateKey) {
        clear(stateKey);
        exec(sql().sql("DELETE FROM " + OWNERS + " WHERE state_key = ").param(ColumnType.STRING, stateKey));
    }

    private SqlBuilder sql() {
        return new SqlBuilder(warehouse.dialect());
    }

    private long exec(SqlBuilder b) {
        return warehouse.execute(b.build());
    }
}
