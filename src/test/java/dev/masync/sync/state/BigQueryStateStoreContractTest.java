package dev.masync.sync.state;

import dev.masync.warehouse.bigquery.fake.BigQueryFakeServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The state-store protocol on BigQuery, through the real client against the REST fake, with the journal in memory
 * (the control DB's is {@link dev.masync.sync.JpaConfirmationJournal}, tested on its own).
 */
class BigQueryStateStoreContractTest extends StateStoreContract {
    static BigQueryFakeServer fake;
    BigQueryStateStoreTest.Setup setup;
    final InMemoryConfirmationJournal journal = new InMemoryConfirmationJournal();

    @BeforeAll
    static void startFake() {
        fake = BigQueryFakeServer.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        setup = BigQueryStateStoreTest.Setup.of(fake);
        init(setup.compiler(), setup.rule());
    }

    @Override
    StateStore newStore() {
        return setup.store(journal);
    }

    @Override
    void update(String set, String where) {
        fake.execute("UPDATE src.people SET " + set + " WHERE " + where);
    }

    @Override
    void delete(String where) {
        fake.execute("DELETE FROM src.people WHERE " + where);
    }

    @Override
    void execute(String sql) {
        fake.execute(sql);
    }

    @Override
    boolean readsValuesAtLoad() {
        return false;
    }

    @Override
    String warehouseName() {
        return "bigquery";
    }

    @Override
    long stateRows(String stateKey) {
        return setup.count("state__" + stateKey);
    }
}
