package dev.masync.warehouse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.List;

/**
 * Times every warehouse call ({@code masync_warehouse_calls_seconds{kind,call,outcome}}), counts rows read and the
 * bytes processed and billed where the warehouse reports them.
 */
final class MeteredWarehouse implements Warehouse {
    private final Warehouse delegate;
    private final MeterRegistry meters;

    MeteredWarehouse(Warehouse delegate, MeterRegistry meters) {
        this.delegate = delegate;
        this.meters = meters;
    }

    Warehouse delegate() {
        return delegate;
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
        return timed("describe", () -> delegate.describe(table));
    }

    @Override
    public long query(BoundQuery query, RowConsumer consumer) {
        return query(query, consumer, QueryMeter.NONE);
    }

    @Override
    public long query(BoundQuery query, RowConsumer consumer, QueryMeter meter) {
        long rows = timed("query", () -> delegate.query(query, consumer, counted(meter)));
        Counter.builder("masync.warehouse.rows.read")
                .description("rows the warehouse returned to ma-sync, by warehouse kind")
                .tag("kind", kind())
                .register(meters)
                .increment(rows);
        return rows;
    }

    @Override
    public long execute(BoundQuery statement) {
        return execute(statement, QueryMeter.NONE);
    }

    @Override
    public long execute(BoundQuery statement, QueryMeter meter) {
        return timed("execute", () -> delegate.execute(statement, counted(meter)));
    }

    /** Adds the bytes each call processed and billed to {@code masync.warehouse.bytes{kind,what}}, then tells meter. */
    private QueryMeter counted(QueryMeter meter) {
        return new QueryMeter() {
            @Override
            public void record(String call, QueryCost cost) {
                if (cost.bytesProcessed() > 0) {
                    bytes("processed").increment(cost.bytesProcessed());
                }
                if (cost.bytesBilled() > 0) {
                    bytes("billed").increment(cost.bytesBilled());
                }
                meter.record(call, cost);
            }

            @Override
            public java.util.OptionalLong remainingBytesBilled() {
                return meter.remainingBytesBilled();
            }

            @Override
            public java.util.Optional<java.time.Duration> timeout() {
                return meter.timeout();
            }
        };
    }

    private Counter bytes(String what) {
        return Counter.builder("masync.warehouse.bytes")
                .description("bytes the warehouse processed or billed for ma-sync's queries (what), by warehouse kind")
                .tags("kind", kind(), "what", what)
                .register(meters);
    }

    @Override
    public long[] executeAtomically(List<BoundQuery> statements) {
        return timed("execute", () -> delegate.executeAtomically(statements));
    }

    @Override
    public java.util.OptionalLong estimateBytes(BoundQuery query) {
        return timed("estimate", () -> delegate.estimateBytes(query));
    }

    @Override
    public void ping() {
        timed("ping", () -> {
            delegate.ping();
            return null;
        });
    }

    @Override
    public void close() {
        delegate.close();
    }

    private <T> T timed(String call, java.util.function.Supplier<T> body) {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            return body.get();
        } catch (WarehouseException e) {
            outcome = e.kind().name().toLowerCase(java.util.Locale.ROOT);
            throw e;
        } catch (RuntimeException e) {
            outcome = "error";
            throw e;
        } finally {
            sample.stop(Timer.builder("masync.warehouse.calls")
                    .description("Warehouse calls by kind, call and outcome")
                    .tags("kind", kind(), "call", call, "outcome", outcome)
                    .register(meters));
        }
    }
}
