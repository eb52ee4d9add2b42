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

    /** Fewer points than on DuckDB (each run is a handful of jobs on the fake): a window's first batch and others. */
    @Override
    int[] crashBatches() {
        return new int[] {0, 4, 12, 29};
    }

    @Override
    long stateRows(String stateKey) {
        return setup.stateRows(setup.store(journal), stateKey);
    }
}
