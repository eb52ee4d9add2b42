package dev.masync.sync.state;

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
 * is one single-row INSERT that writes only while its run owns the key, so it is durable and fenced when it returns.
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

    private void create() {
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
        long written = exec(sql().sql("INSERT INTO " + JOURNAL + " SELECT nextval('" + IDS + "'), ")
                .param(ColumnType.STRING, stateKey)
                .sql(", ")
                .param(ColumnType.INTEGER, run)
                .sql(", ")
                .param(ColumnType.STRING, kind.name())
                .sql(", ")
                .param(ColumnType.INTEGER, fromSeq)
                .sql(", ")
                .param(ColumnType.INTEGER, toSeq)
                .sql(", ")
                .param(new QueryParam("x", ColumnType.ARRAY, ColumnType.STRING, List.copyOf(excluded)))
                .sql(" FROM " + OWNERS + " WHERE state_key = ")
                .param(ColumnType.STRING, stateKey)
                .sql(" AND run = ")
                .param(ColumnType.INTEGER, run));
        if (written != 1) {
            throw new StateFencedException(stateKey, run, owner(stateKey));
        }
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
