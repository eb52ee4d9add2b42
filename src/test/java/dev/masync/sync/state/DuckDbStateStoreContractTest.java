package dev.masync.sync.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The state-store protocol on DuckDB: a source file with the state file attached; a new store per "process". */
class DuckDbStateStoreContractTest extends StateStoreContract {
    @TempDir
    Path dir;

    PeopleWarehouse people;

    @BeforeEach
    void setUp() throws Exception {
        people = PeopleWarehouse.create(dir, 100, "DATE '2026-12-01' + (range % 3)::INTEGER");
        init(people.compiler(), people.rule());
    }

    @AfterEach
    void close() {
        people.close();
    }

    @Override
    StateStore newStore() {
        return new DuckDbStateStore(people.warehouse());
    }

    @Override
    void update(String set, String where) throws Exception {
        people.update("UPDATE people SET " + set + " WHERE " + where);
    }

    @Override
    void delete(String where) throws Exception {
        people.update("DELETE FROM people WHERE " + where);
    }

    @Override
    void execute(String sql) throws Exception {
        people.update(sql);
    }

    @Override
    boolean readsValuesAtLoad() {
        return true;
    }

    @Override
    String warehouseName() {
        return "duckdb";
    }

    @Override
    long stateRows(String stateKey) {
        return DuckDbStateStoreTest.count(people.warehouse(), "masync_state.state__" + stateKey);
    }
}
