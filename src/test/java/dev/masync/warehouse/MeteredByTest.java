package dev.masync.warehouse;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class MeteredByTest {

    /** A warehouse that bills nothing: three rows per query, two rows affected per statement. */
    static class ThreeRows implements Warehouse {
        @Override
        public String kind() {
            return "test";
        }

        @Override
        public SqlDialect dialect() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ColumnInfo> describe(String table) {
            return List.of();
        }

        @Override
        public long query(BoundQuery query, RowConsumer consumer) {
            Row.Factory rows = Row.factory(List.of("c"));
            try {
                for (int i = 0; i < 3; i++) {
                    if (!consumer.accept(rows.row(new Object[] {(long) i}))) {
                        return i + 1;
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return 3;
        }

        @Override
        public long execute(BoundQuery statement) {
            return 2;
        }

        @Override
        public void ping() {}

        @Override
        public void close() {}
    }

    @Test
    void reportsEveryCallMadeThroughTheViewWithItsRows() {
        List<String> seen = new ArrayList<>();
        Warehouse view = new ThreeRows().meteredBy((call, cost) -> seen.add(call + ":" + cost.rows()));

        view.query(BoundQuery.of("q"), r -> true);
        view.query(BoundQuery.of("q"), r -> false);
        view.execute(BoundQuery.of("s"));

        assertThat(seen).containsExactly("query:3", "query:1", "execute:2");
    }

    @Test
    void statementsRunTogetherReportEachStatementsRows() {
        List<String> seen = new ArrayList<>();
        Warehouse base = new ThreeRows() {
            @Override
            public long[] executeAtomically(List<BoundQuery> statements) {
                return new long[] {4, 5};
            }
        };

        base.meteredBy((call, cost) -> seen.add(call + ":" + cost.rows()))
                .executeAtomically(List.of(BoundQuery.of("a"), BoundQuery.of("b")));
        base.meteredBy((call, cost) -> seen.add(call + ":" + cost.rows()))
                .executeAtomically(List.of(BoundQuery.of("c")));

        assertThat(seen).containsExactly("execute:4", "execute:5", "execute:2");
    }

    @Test
    void aCallWithItsOwnMeterReportsToBothAndTheSmallerBudgetHolds() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        QueryMeter outer = budgeted(a, 100);
        QueryMeter inner = budgeted(b, 40);
        OptionalLong[] remaining = new OptionalLong[1];
        Warehouse base = new ThreeRows() {
            @Override
            public long query(BoundQuery query, RowConsumer consumer, QueryMeter meter) {
                remaining[0] = meter.remainingBytesBilled();
                return super.query(query, consumer, meter);
            }
        };
        base.meteredBy(outer).query(BoundQuery.of("q"), r -> true, inner);

        assertThat(remaining[0]).hasValue(40);
        assertThat(a).containsExactly("query");
        assertThat(b).containsExactly("query");
    }

    private static QueryMeter budgeted(List<String> calls, long remaining) {
        return new QueryMeter() {
            @Override
            public void record(String call, QueryCost cost) {
                calls.add(call);
            }

            @Override
            public OptionalLong remainingBytesBilled() {
                return OptionalLong.of(remaining);
            }
        };
    }
}
