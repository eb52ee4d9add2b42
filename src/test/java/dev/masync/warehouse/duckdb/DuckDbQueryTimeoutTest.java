package dev.masync.warehouse.duckdb;

import dev.masync.testing.DuckDbFiles;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.QueryCost;
import dev.masync.warehouse.QueryMeter;
import dev.masync.warehouse.WarehouseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A query given a time limit through its {@link QueryMeter} is cancelled at the deadline (duckdb_jdbc 1.5.2.0:
 * {@code PreparedStatement.cancel()} interrupts the running statement) and fails with {@code TIMED_OUT}; without
 * a limit, or within it, queries run as before.
 */
class DuckDbQueryTimeoutTest {
    static DuckDbWarehouse warehouse;

    @BeforeAll
    static void create() {
        Path file = DuckDbFiles.create(
                Path.of("target", "test-data", "duckdb-timeout", "big.duckdb"),
                "CREATE TABLE events AS SELECT i % 50000 AS k, i AS v FROM range(2000000) t(i)");
        warehouse = DuckDbWarehouse.open(new DuckDbWarehouse.Settings(file, true, null, null, null));
    }

    @AfterAll
    static void close() {
        warehouse.close();
    }

    static QueryMeter limit(Duration timeout, List<QueryCost> recorded) {
        return new QueryMeter() {
            @Override
            public void record(String call, QueryCost cost) {
                recorded.add(cost);
            }

            @Override
            public Optional<Duration> timeout() {
                return Optional.of(timeout);
            }
        };
    }

    @Test
    void slowQueriesOfEveryShapeAreCancelledAtTheDeadline() {
        List<String> slow = List.of(
                // an aggregate over a cross join that would run for minutes
                "SELECT count(*) FROM events a, range(100000) b WHERE a.v + b.range < 0",
                // a streamed result, cut off while rows are read
                "SELECT a.k, b.range FROM events a, range(1000) b ORDER BY a.v + b.range DESC",
                // a grouped sample
                "SELECT a.k, count(*) FROM events a JOIN events b ON a.k = b.k GROUP BY a.k ORDER BY 2 LIMIT 10");
        for (String sql : slow) {
            List<Object> rows = new ArrayList<>();
            assertThatThrownBy(() -> warehouse.query(
                            BoundQuery.of(sql), rows::add, limit(Duration.ofMillis(200), new ArrayList<>())))
                    .as(sql)
                    .isInstanceOfSatisfying(WarehouseException.class, e -> {
                        assertThat(e.kind()).isEqualTo(WarehouseException.Kind.TIMED_OUT);
                        assertThat(e.getMessage()).contains("PT0.2S");
                    });
        }
    }

    @Test
    void aLimitOfOneNanosecondFailsEvenAQueryThatCompletes() {
        assertThatThrownBy(() -> warehouse.query(
                        BoundQuery.of("SELECT k, sum(v) FROM events GROUP BY k"),
                        row -> true,
                        limit(Duration.ofNanos(1), new ArrayList<>())))
                .isInstanceOfSatisfying(
                        WarehouseException.class,
                        e -> assertThat(e.kind()).isEqualTo(WarehouseException.Kind.TIMED_OUT));
    }

    @Test
    void queriesWithinTheirLimitOrWithoutOneRunAndReportTheirRows() {
        List<QueryCost> recorded = new ArrayList<>();
        List<Object> rows = new ArrayList<>();
        long n = warehouse.query(
                BoundQuery.of("SELECT k FROM events WHERE v < 5 ORDER BY k"),
                rows::add,
                limit(Duration.ofMinutes(1), recorded));
        assertThat(n).isEqualTo(5);
        assertThat(recorded).containsExactly(QueryCost.rows(5));
        assertThat(warehouse.query(BoundQuery.of("SELECT count(*) FROM events"), row -> true, QueryMeter.NONE))
                .isEqualTo(1);
    }
}
