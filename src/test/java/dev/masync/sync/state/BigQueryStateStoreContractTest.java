package dev.masync.sync.state;

import dev.masync.warehouse.bigquery.fake.BigQueryFakeServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

    /**
     * On BigQuery the owner lives in the control DB, so the fold's statements cannot check it: here the stale run's
     * check is made to pass (as if it ran just before the takeover). Its statements read the run's own copy of its
     * rows ({@code changes__<sync>__<run>}, which the new owner dropped after folding it), never the new run's
     * pending rows, and its fenced clearing refuses it.
     */
    @Override
    void staleFold(JournaledStateStore staleStore, String key, long stale) {
        ConfirmationJournal lying = new ConfirmationJournal() {
            @Override
            public long claim(String stateKey, long run) {
                return journal.claim(stateKey, run);
            }

            @Override
            public long owner(String stateKey) {
                return stale; // the check, just before the takeover
            }

            @Override
            public void append(
                    String stateKey, long run, Kind kind, long fromSeq, long toSeq, java.util.Collection<String> x) {
                journal.append(stateKey, run, kind, fromSeq, toSeq, x);
            }

            @Override
            public java.util.List<Entry> entries(String stateKey) {
                return journal.entries(stateKey);
            }

            @Override
            public void clear(String stateKey) {
                journal.clear(stateKey);
            }

            @Override
            public void clear(String stateKey, long owner) {
                journal.clear(stateKey, owner);
            }

            @Override
            public void forget(String stateKey) {
                journal.forget(stateKey);
            }
        };
        BigQueryStateStore late = setup.store(lying);
        // the stale run's journal as it was when it checked (the new owner has folded and cleared it since)
        journal.claim(key, stale);
        journal.append(key, stale, ConfirmationJournal.Kind.CONFIRMED, 1, 50, java.util.List.of());
        long owner = runs;
        journal.claim(key, owner);
        assertThatExceptionOfType(StateFencedException.class).isThrownBy(() -> late.fold(key, stale, stale, false));
        assertThat(journal.entries(key)).as("the new owner's entries stay").isNotEmpty();
        // back to the journal as the new owner left it
        java.util.List<ConfirmationJournal.Entry> own =
                journal.entries(key).stream().filter(e -> e.run() == owner).toList();
        journal.clear(key);
        for (ConfirmationJournal.Entry e : own) {
            journal.append(key, owner, e.kind(), e.fromSeq(), e.toSeq(), e.excluded());
        }
        super.staleFold(staleStore, key, stale);
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
        return setup.stateRows(setup.store(journal), stateKey);
    }
}
