package dev.masync.warehouse;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/** A view of a warehouse whose queries and statements report to one {@link QueryMeter} (see {@link Warehouse#meteredBy}). */
final class MeteredBy implements Warehouse {
    private final Warehouse delegate;
    private final QueryMeter meter;

    MeteredBy(Warehouse delegate, QueryMeter meter) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.meter = Objects.requireNonNull(meter, "meter");
    }

    @Override
    public String kind() {
        return delegate.kind();
    }

    @Override
    public SqlDialect dialect() {
        return delegate.dialect();
    }

    @Override
    public List<ColumnInfo> describe(String table) {
        return delegate.describe(table);
    }

    @Override
    public long query(BoundQuery query, RowConsumer consumer) {
        return delegate.query(query, consumer, meter);
    }

    @Override
    public long query(BoundQuery query, RowConsumer consumer, QueryMeter other) {
        return delegate.query(query, consumer, both(other));
    }

    @Override
    public long execute(BoundQuery statement) {
        return delegate.execute(statement, meter);
    }

    @Override
    public long execute(BoundQuery statement, QueryMeter other) {
        return delegate.execute(statement, both(other));
    }

    /** One statement goes through {@link #execute(BoundQuery)} (metered and capped); several report their rows. */
    @Override
    public long[] executeAtomically(List<BoundQuery> statements) {
        if (statements.size() == 1) {
            return new long[] {execute(statements.get(0))};
        }
        long[] rows = delegate.executeAtomically(statements);
        for (long r : rows) {
            meter.record("execute", QueryCost.rows(r));
        }
        return rows;
    }

    @Override
    public OptionalLong estimateBytes(BoundQuery query) {
        return delegate.estimateBytes(query);
    }

    @Override
    public void ping() {
        delegate.ping();
    }

    /** The view does not own the warehouse. */
    @Override
    public void close() {}

    private QueryMeter both(QueryMeter other) {
        return new QueryMeter() {
            @Override
            public void record(String call, QueryCost cost) {
                meter.record(call, cost);
                other.record(call, cost);
            }

            @Override
            public OptionalLong remainingBytesBilled() {
                OptionalLong a = meter.remainingBytesBilled();
                OptionalLong b = other.remainingBytesBilled();
                if (a.isEmpty()) {
                    return b;
                }
                return b.isEmpty() ? a : OptionalLong.of(Math.min(a.getAsLong(), b.getAsLong()));
            }

            @Override
            public java.util.Optional<java.time.Duration> timeout() {
                java.util.Optional<java.time.Duration> a = meter.timeout();
                java.util.Optional<java.time.Duration> b = other.timeout();
                return a.isEmpty()
                        ? b
                        : b.isEmpty() ? a : java.util.Optional.of(a.get().compareTo(b.get()) <= 0 ? a.get() : b.get());
            }
        };
    }
}
