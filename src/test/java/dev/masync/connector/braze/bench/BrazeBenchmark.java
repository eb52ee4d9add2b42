package dev.masync.connector.braze.bench;

import dev.masync.connector.braze.BrazeConnector;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.Secret;
import dev.masync.testing.receiver.Sleeper;
import dev.masync.testing.vendor.BrazeFake;
import dev.masync.testing.vendor.BrazeFakeConfig;
import okhttp3.OkHttpClient;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes {@code records} changes (4 changed attributes each) through the Braze connector to the Braze fake in
 * batches of 75 on {@code threads} threads, without a rate limit, and prints requests (must be ceil(records / 75)),
 * throttle answers, records per second and the process CPU seconds per million records (connector, OkHttp and the
 * fake together: an upper bound for the connector).
 *
 * <p>{@code src/bench/bench-main.sh dev.masync.connector.braze.bench.BrazeBenchmark [records] [threads]}
 */
public final class BrazeBenchmark {
    private BrazeBenchmark() {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String key = "bench-key";
        try (BrazeFake fake = BrazeFake.start(
                BrazeFakeConfig.defaults().withRate(Integer.MAX_VALUE, java.time.Duration.ofSeconds(3)),
                Clock.systemUTC(),
                Sleeper.REAL)) {
            fake.addApiKey(key);
            BrazeConnector connector = new BrazeConnector(
                    new OkHttpClient.Builder()
                            .dispatcher(new okhttp3.Dispatcher())
                            .connectionPool(
                                    new okhttp3.ConnectionPool(threads * 2, 5, java.util.concurrent.TimeUnit.MINUTES))
                            .build(),
                    Clock.systemUTC(),
                    BrazeConnector.Options.forTests());
            DestinationContext context = new DestinationContext(
                    "bench",
                    Map.of("restEndpoint", fake.url(), "apiKey", "env:K"),
                    ref -> new Secret(key),
                    CallBudget.UNLIMITED);
            // warm-up
            run(connector, context, 20_000, threads, "w");
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            int before = fake.calls("POST", BrazeFake.TRACK).size();
            long cpu0 = os.getProcessCpuTime();
            PUSH_CPU.set(0);
            long t0 = System.nanoTime();
            long confirmed = run(connector, context, records, threads, "m");
            long wall = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            var calls = fake.calls("POST", BrazeFake.TRACK);
            long requests = calls.size() - before;
            long throttled =
                    calls.stream().skip(before).filter(c -> c.status() == 429).count();
            System.out.printf(
                    "records %d confirmed %d threads %d: requests %d (ceil(records/75) = %d), 429s %d, %.0f records/s,"
                            + " %.2f CPU-s per million records (connector + fake), %.2f in the pushing threads"
                            + " (connector + OkHttp)%n",
                    records,
                    confirmed,
                    threads,
                    requests,
                    (records + 74) / 75,
                    throttled,
                    records / (wall / 1e9),
                    cpu / 1e9 / (records / 1e6),
                    PUSH_CPU.get() / 1e9 / (records / 1e6));
        }
    }

    /** CPU time of the pushing threads (connector and OkHttp client side), nanoseconds. */
    private static final AtomicLong PUSH_CPU = new AtomicLong();

    private static long run(
            BrazeConnector connector, DestinationContext context, int records, int threads, String prefix)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong confirmed = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int from = 0; from < records; from += 75) {
            int start = from;
            int end = Math.min(records, from + 75);
            futures.add(pool.submit(() -> {
                List<RecordChange> changes = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("plan_tier", "pro");
                    fields.put("streak", i % 30);
                    fields.put("minutes_7d", i % 500);
                    fields.put("in_math_slipping", true);
                    changes.add(RecordChange.upsert("L" + i, prefix + i, fields));
                }
                var mx = ManagementFactory.getThreadMXBean();
                long c0 = mx.getCurrentThreadCpuTime();
                BatchResult r = connector.push(
                        context,
                        new Batch(prefix + start, "bench", changes, Optional.empty(), Optional.of("external_id")));
                PUSH_CPU.addAndGet(mx.getCurrentThreadCpuTime() - c0);
                confirmed.addAndGet(
                        r.outcomes().stream().filter(RecordOutcome::isConfirmed).count());
            }));
        }
        for (Future<?> f : futures) f.get();
        pool.shutdown();
        return confirmed.get();
    }
}
