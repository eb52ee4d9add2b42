package dev.masync.connector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.sync.bench.BenchFigures;
import dev.masync.sync.bench.BenchSupport;
import dev.masync.sync.bench.BenchSupport.Api;
import dev.masync.testing.process.DaemonProcess;
import dev.masync.testing.process.VendorFakeProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The CRM connectors' benchmark (issue 10, "Targets"): the packaged daemon pushes the demo warehouse to a vendor fake
 * ({@link dev.masync.testing.vendor.VendorFakeMain}) configured at the vendor's real limits, each process pinned to
 * its own CPU (daemons on CPU 0, the fake on CPU 1), and every target is printed with its figure and met / not met;
 * all figures also go to {@code <work>/crm-bench-result.json}.
 *
 * <p>Per vendor ({@code hubspot}: 100 inputs per call, 190 calls per 10 s, ceiling 1,900 records/s; {@code
 * salesforce}: 200 records per collection request at the configured rate, {@code --sf-rate}, default 10 per 1 s, so
 * 2,000 records/s, and the Bulk API 2.0 path), one daemon runs, on a fresh fake each:
 *
 * <ul>
 *   <li><b>steady</b>: one mirror sync of every learner (a full push): records/s between one window after the first
 *       request and one before the last answer, against the ceiling; throttle answers; requests against
 *       Σ ceil(changed / batch cap); what the fake holds afterwards;
 *   <li><b>two syncs</b>: two syncs of complementary segments to two destinations on the same account, run at once;
 *   <li><b>faults</b>: the steady push with 1 % of requests answered 503 (seeded) and one burst of throttle answers
 *       a third of the way in (HubSpot's 429s carry {@code Retry-After}, {@code --retry-after}); its drain time (first
 *       request to last answer) against 1.10 × the steady run's plus the waits the vendor asked for;
 *   <li><b>cpu</b>: the push against an unthrottled fake (no window, the destination's limit lifted): daemon
 *       CPU-seconds per million pushed records, over the whole run and after the first {@code --cpu-mark} records;
 *   <li><b>bulk</b> (Salesforce): the full push above the bulk threshold, through a Bulk API 2.0 job that the fake
 *       processes at {@code --bulk-rate} records/s (each job its rows at that rate): delivered records/s against that rate;
 * </ul>
 *
 * <p>then <b>two daemons</b>: two daemon processes sharing one control DB (a PostgreSQL schema of its own), each
 * running one of the two complementary syncs to the same account at once.
 *
 * <p>Flags: {@code --vendor all|hubspot|salesforce}, {@code --scenarios steady,two-syncs,faults,cpu,bulk,two-daemons}
 * (default all), {@code --learners N} (default 100,000; the demo warehouse is generated once into the work dir and
 * copied per daemon), {@code --work DIR} (default {@code /tmp/ma-sync-bench}), {@code --pg-url URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user {@code --pg-user postgres}; {@code --control-db h2} to run on the
 * embedded H2 instead, which skips the two daemons), {@code --sf-rate N/PT1S}, {@code --bulk-rate N}, {@code
 * --retry-after S}, {@code --fault-rate F}, {@code --burst N}, {@code --cpu-mark N}, {@code --engine-batch N|connector}
 * (the destinations' {@code batchSize}; default none, so the connector's own batch limit: HubSpot 500 records per
 * engine batch in calls of 100, Salesforce 10,000 in calls of 200, which is also what lets a big run take the Bulk
 * path), {@code --no-pin}. The daemon jar
 * must be the PostgreSQL flavour for the default control DB: {@code mvn -B package -DskipTests
 * -Dquarkus.datasource.db-kind=postgresql}. Never part of the test suite: it is a {@code main}.
 */
public final class CrmBenchmark {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalDate ANCHOR = LocalDate.parse("2026-11-02");
    static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
    /** Steady rates leave out one such window after the first request and one before the last answer. */
    static final Duration EDGE = Duration.ofSeconds(10);

    static final String ALL_RULE = "{\"attribute\": \"learner_id\", \"op\": \"is_not_null\"}";
    static final String A_RULE = "{\"attribute\": \"lectures_completed_28d\", \"op\": \"gte\", \"value\": 1}";
    static final String B_RULE = "{\"not\": " + A_RULE + "}";
    static final String HUBSPOT_TOKEN = "bench-hubspot-private-app-token";
    static final String SF_CLIENT_ID = "bench-client-id";
    static final String SF_CLIENT_SECRET = "bench-client-secret";
    static final String ADMIN_KEY = "bench-admin-key";

    /** One line of the summary: a target, what was measured, whether it was met ({@code null}: information). */
    record Row(String target, String measured, Boolean met) {}

    /** What one measured push left: the runs, the fake's counters and samples, the daemons' CPU. */
    record Outcome(
            String label,
            List<JsonNode> runs,
            JsonNode stats,
            List<BenchFigures.Sample> samples,
            double cpuSeconds,
            double cpuAtMark,
            long recordsAtMark,
            long wallMs,
            boolean timedOut) {
        long records() {
            return stats.path("records").asLong();
        }

        long requests() {
            return stats.path("requests").asLong();
        }

        long throttles() {
            return stats.path("throttles").asLong();
        }

        Instant first() {
            long t = stats.path("firstRequestAt").asLong(-1);
            return t < 0 ? null : Instant.ofEpochMilli(t);
        }

        Instant lastOk() {
            long t = stats.path("lastOkAt").asLong(-1);
            return t < 0 ? null : Instant.ofEpochMilli(t);
        }

        /** First request to last successful answer at the fake, ms; -1 without one. */
        long drainMs() {
            return first() == null || lastOk() == null
                    ? -1
                    : Duration.between(first(), lastOk()).toMillis();
        }

        double steadyRate() {
            if (first() == null || lastOk() == null) return Double.NaN;
            return BenchFigures.steadyRate(samples, first(), lastOk(), EDGE);
        }

        double wholeRate() {
            long d = drainMs();
            return d <= 0 ? Double.NaN : records() * 1000.0 / d;
        }

        /**
         * The vendor calls the daemon took from the account's budget ({@code drain.calls} of each run); a run without
         * a budget counts its batches ({@code counts.requests}), which are the calls when a batch is one call.
         */
        long vendorCalls() {
            return runs.stream()
                    .mapToLong(r -> r.path("drain").path("calls").isNumber()
                            ? r.path("drain").path("calls").asLong()
                            : r.path("counts").path("requests").asLong())
                    .sum();
        }

        long counts(String name) {
            return runs.stream()
                    .mapToLong(r -> r.path("counts").path(name).asLong())
                    .sum();
        }

        String statuses() {
            return String.join(
                    "/", runs.stream().map(r -> r.path("status").asText()).toList());
        }

        /**
         * Every run ended and accounted for every record it sent: succeeded, or partially failed only by records the
         * vendor refused one by one (the demo has a few malformed e-mail addresses on purpose), nothing failed.
         */
        boolean allSucceeded() {
            return !timedOut
                    && runs.stream().allMatch(r -> {
                        String status = r.path("status").asText();
                        JsonNode c = r.path("counts");
                        return (status.equals("succeeded") || status.equals("partially_failed"))
                                && c.path("failed").asLong() == 0
                                && c.path("confirmed").asLong()
                                                + c.path("rejected").asLong()
                                        == c.path("sent").asLong();
                    });
        }
    }

    /** What differs between the vendors: the fake's flags, the destination and the sync definitions. */
    interface Vendor {
        String name();

        /** Records per request. */
        int cap();

        /** Calls per window the account allows (the configured rate), and the window. */
        int windowCalls();

        Duration window();

        default double ceiling() {
            return cap() * (double) windowCalls() / (window().toMillis() / 1000.0);
        }

        List<String> fakeFlags(Mode mode, long records);

        /** A destination on {@code account} at {@code url}. */
        String destination(String key, String account, String url, Mode mode);

        String sync(String key, String segment, String destination);

        /** What the fake holds of the pushed records. */
        long held(JsonNode stats);
    }

    enum Mode {
        /** The vendor's real limits. */
        REAL,
        /** The real limits, and throttle answers carry a Retry-After. */
        FAULTS,
        /** No window at the fake, the destination's limit lifted. */
        UNTHROTTLED,
        /** Salesforce: the full push goes through a Bulk API 2.0 job. */
        BULK
    }

    private final Path work;
    private final int learners;
    private final Set<String> scenarios;
    private final boolean pin;
    private final boolean postgres;
    private final String pgUrl;
    private final String pgUser;
    private final int retryAfter;
    private final double faultRate;
    private final int burst;
    private final long cpuMark;
    private final int bulkRate;
    private final int sfRequests;
    private final Duration sfPer;
    /** The destinations' {@code batchSize} (records per engine batch), or empty for the connector's own limit. */
    private final java.util.Optional<Integer> engineBatch;

    private final List<Row> table = new ArrayList<>();
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<String> loads = new ArrayList<>();
    private Path demo;

    private CrmBenchmark(Map<String, String> o, Set<String> scenarios, boolean pin) {
        this.work = Path.of(o.get("work")).toAbsolutePath();
        this.learners = Integer.parseInt(o.get("learners"));
        this.scenarios = scenarios;
        this.pin = pin;
        this.postgres = o.get("control-db").equals("postgresql");
        this.pgUrl = o.get("pg-url");
        this.pgUser = o.get("pg-user");
        this.retryAfter = Integer.parseInt(o.get("retry-after"));
        this.faultRate = Double.parseDouble(o.get("fault-rate"));
        this.burst = Integer.parseInt(o.get("burst"));
        this.cpuMark = Long.parseLong(o.get("cpu-mark"));
        this.bulkRate = Integer.parseInt(o.get("bulk-rate"));
        String[] rate = o.get("sf-rate").split("/", 2);
        this.sfRequests = Integer.parseInt(rate[0]);
        this.sfPer = Duration.parse(rate[1]);
        this.engineBatch = o.get("engine-batch").equals("connector")
                ? java.util.Optional.empty()
                : java.util.Optional.of(Integer.valueOf(o.get("engine-batch")));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("vendor", "all");
        o.put("scenarios", "steady,two-syncs,faults,cpu,bulk,two-daemons");
        o.put("learners", "100000");
        o.put("work", "/tmp/ma-sync-bench");
        o.put("control-db", "postgresql");
        o.put("pg-url", "jdbc:postgresql://127.0.0.1:5432/test");
        o.put("pg-user", "postgres");
        o.put("sf-rate", "10/PT1S");
        o.put("bulk-rate", "10000");
        o.put("retry-after", "2");
        o.put("fault-rate", "0.01");
        o.put("burst", "5");
        o.put("cpu-mark", "20000");
        o.put("engine-batch", "connector");
        boolean pin = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-pin")) {
                pin = false;
            } else if (a.startsWith("--") && o.containsKey(a.substring(2)) && i + 1 < args.length) {
                o.put(a.substring(2), args[++i]);
            } else {
                System.err.println("unknown flag " + a + "; flags: "
                        + String.join(
                                ", ",
                                o.keySet().stream()
                                        .map(k -> "--" + k + " (" + o.get(k) + ")")
                                        .toList()) + ", --no-pin");
                System.exit(2);
            }
        }
        boolean canPin = pin
                && Runtime.getRuntime().availableProcessors() >= 2
                && Files.isExecutable(Path.of("/usr/bin/taskset"));
        Set<String> scenarios = new LinkedHashSet<>(List.of(o.get("scenarios").split(",")));
        CrmBenchmark bench = new CrmBenchmark(o, scenarios, canPin);
        if (bench.postgres) {
            // DaemonProcess gives each daemon its own schema of this database (the two daemons share one)
            System.setProperty("quarkus.datasource.db-kind", "postgresql");
            System.setProperty("quarkus.datasource.jdbc.url", bench.pgUrl);
        }
        Files.createDirectories(bench.work);
        String load0 = BenchSupport.loadAverage();
        bench.log(
                "start: vendors %s, scenarios %s, %,d learners, control DB %s, pinning %s, load %s",
                o.get("vendor"),
                scenarios,
                bench.learners,
                bench.postgres ? bench.pgUrl : "H2 (embedded)",
                canPin ? "daemons CPU 0, fake CPU 1" : "off",
                load0);
        bench.prepareDemo();
        List<Vendor> vendors = new ArrayList<>();
        if (!o.get("vendor").equals("salesforce")) vendors.add(bench.new HubSpot());
        if (!o.get("vendor").equals("hubspot")) vendors.add(bench.new Salesforce());
        for (Vendor v : vendors) {
            try {
                bench.vendor(v);
            } catch (Exception e) {
                bench.log("%s: the benchmark stopped: %s", v.name(), e);
                e.printStackTrace(System.out);
                bench.table.add(new Row(v.name() + ": benchmark completed", "stopped: " + e, false));
            }
        }
        String load1 = BenchSupport.loadAverage();
        bench.figures.put("loadAtStart", load0);
        bench.figures.put("loadAtEnd", load1);
        bench.figures.put("loadPerRun", bench.loads);
        bench.table.add(new Row(
                "machine load (/proc/loadavg: 1, 5, 15 min) at start / end (information)",
                load0.replaceAll(" \\S+ \\S+$", "") + " / " + load1.replaceAll(" \\S+ \\S+$", ""),
                null));
        bench.printSummary();
    }

    // ------------------------------------------------------------------------------------------------- one vendor

    private void vendor(Vendor v) throws Exception {
        Outcome steady = null;
        Path dir = BenchSupport.fresh(work.resolve("crm-" + v.name()));
        if (scenarios.stream().anyMatch(s -> !s.equals("two-daemons"))) {
            DaemonProcess daemon = daemon("crm-" + v.name(), dir.resolve("daemon"), null, true);
            Api api = new Api(daemon);
            try {
                segments(api);
                long all = api.get("/api/v1/demo").path("learners").asLong();
                if (scenarios.contains("steady")) {
                    steady = single(v, api, "steady", Mode.REAL, all, dir);
                    rateRows(v, steady, true);
                    requestsRow(v, steady);
                    heldRow(v, steady, all);
                }
                if (scenarios.contains("two-syncs")) {
                    Outcome two = pair(v, List.of(api, api), "two-syncs", dir);
                    rateRows(v, two, true);
                    requestsRow(v, two);
                }
                if (scenarios.contains("faults")) {
                    Outcome faults = single(v, api, "faults", Mode.FAULTS, all, dir);
                    faultRows(v, faults, steady, all);
                }
                if (scenarios.contains("cpu")) {
                    Outcome cpu = single(v, api, "cpu", Mode.UNTHROTTLED, all, dir);
                    cpuRow(v, cpu);
                }
                if (scenarios.contains("bulk") && v instanceof Salesforce) {
                    Outcome bulk = single(v, api, "bulk", Mode.BULK, all, dir);
                    bulkRow(v, bulk, all);
                }
            } finally {
                if (daemon.isAlive()) daemon.stop();
            }
        }
        if (scenarios.contains("two-daemons")) {
            if (!postgres) {
                table.add(new Row(
                        v.name() + ": two daemons sharing one control DB",
                        "skipped: needs --control-db postgresql (and the PostgreSQL flavour of the jar)",
                        null));
                return;
            }
            String schema = "masync_crm_bench_" + v.name() + "_shared";
            DaemonProcess a = daemon("crm-" + v.name() + "-a", dir.resolve("daemon-a"), schema, true);
            DaemonProcess b = null;
            try {
                b = daemon("crm-" + v.name() + "-b", dir.resolve("daemon-b"), schema, false);
                Api apiA = new Api(a);
                segments(apiA);
                Outcome two = pair(v, List.of(apiA, new Api(b)), "two-daemons", dir);
                rateRows(v, two, true);
                requestsRow(v, two);
            } finally {
                if (a.isAlive()) a.stop();
                if (b != null && b.isAlive()) b.stop();
            }
        }
    }

    private void segments(Api api) {
        api.post("/api/v1/segments", segment("bench_all", ALL_RULE));
        api.post("/api/v1/segments", segment("bench_a", A_RULE));
        api.post("/api/v1/segments", segment("bench_b", B_RULE));
    }

    /** One sync of every learner to a destination of its own account, on a fresh fake. */
    private Outcome single(Vendor v, Api api, String scenario, Mode mode, long records, Path dir) throws Exception {
        String key = v.name() + "_" + scenario.replace('-', '_');
        try (VendorFakeProcess fake = fake(v, mode, records, dir.resolve("fake-" + scenario + ".log"))) {
            api.post("/api/v1/destinations", v.destination(key, account(scenario), fake.url(), mode));
            api.post("/api/v1/syncs", v.sync(key, "bench_all", key));
            if (mode == Mode.FAULTS) {
                long expected = BenchFigures.requestsFor(records, v.cap());
                fake.faults(String.format(
                        Locale.ROOT,
                        "{\"serverErrorRate\": %s, \"serverErrorStatus\": 503, \"burst\": %d, \"burstAt\": %d}",
                        faultRate,
                        burst,
                        Math.max(1, expected / 3)));
            }
            return drive(v, scenario, fake, List.of(new Start(api, key)));
        }
    }

    /**
     * Two syncs of complementary segments (together every learner) to two destinations on one account, started at
     * once: on one daemon ({@code apis} twice the same) or one on each of two daemons sharing a control DB.
     */
    private Outcome pair(Vendor v, List<Api> apis, String scenario, Path dir) throws Exception {
        String key = v.name() + "_" + scenario.replace('-', '_');
        try (VendorFakeProcess fake = fake(v, Mode.REAL, 0, dir.resolve("fake-" + scenario + ".log"))) {
            Api first = apis.get(0);
            first.post("/api/v1/destinations", v.destination(key + "_a", account(scenario), fake.url(), Mode.REAL));
            first.post("/api/v1/destinations", v.destination(key + "_b", account(scenario), fake.url(), Mode.REAL));
            first.post("/api/v1/syncs", v.sync(key + "_a", "bench_a", key + "_a"));
            first.post("/api/v1/syncs", v.sync(key + "_b", "bench_b", key + "_b"));
            // the second daemon reads the definitions from the shared control DB
            apis.get(1).get("/api/v1/syncs/" + key + "_b");
            return drive(
                    v, scenario, fake, List.of(new Start(apis.get(0), key + "_a"), new Start(apis.get(1), key + "_b")));
        }
    }

    record Start(Api api, String sync) {}

    /** A numeric account id per scenario (HubSpot portal ids are numbers): each scenario has an account of its own. */
    private static String account(String scenario) {
        return Integer.toString(4700
                + List.of("steady", "two-syncs", "faults", "cpu", "bulk", "two-daemons")
                        .indexOf(scenario));
    }

    /** Starts the runs together and polls the fake every 250 ms and the runs every second until all ended. */
    private Outcome drive(Vendor v, String scenario, VendorFakeProcess fake, List<Start> starts) throws Exception {
        String label = v.name() + " " + scenario;
        fake.reset();
        String load = BenchSupport.loadAverage();
        loads.add(label + ": " + load);
        log("%s: load %s", label, load);
        Map<Long, Double> cpu0 = new LinkedHashMap<>();
        for (Start s : starts)
            cpu0.putIfAbsent(
                    s.api().daemon().pid(),
                    BenchSupport.cpuSeconds(s.api().daemon().pid()));
        long t0 = System.nanoTime();
        List<Long> ids = new ArrayList<>();
        for (Start s : starts)
            ids.add(s.api()
                    .post("/api/v1/syncs/" + s.sync() + "/runs", "{}")
                    .path("id")
                    .asLong());
        List<BenchFigures.Sample> samples = new ArrayList<>();
        List<JsonNode> runs = new ArrayList<>();
        double cpuAtMark = Double.NaN;
        long recordsAtMark = -1;
        long windowMs = v.window().toMillis();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        boolean timedOut = false;
        Instant lastLog = Instant.now();
        for (int i = 0; ; i++) {
            Thread.sleep(250);
            JsonNode s = fake.stats(windowMs);
            long records = s.path("records").asLong();
            samples.add(new BenchFigures.Sample(
                    Instant.now(),
                    records,
                    s.path("requests").asLong(),
                    s.path("throttles").asLong()));
            if (recordsAtMark < 0 && records >= cpuMark) {
                cpuAtMark = cpu(cpu0);
                recordsAtMark = records;
            }
            if (i % 4 == 3) {
                runs.clear();
                for (int k = 0; k < starts.size(); k++) {
                    runs.add(starts.get(k).api().get("/api/v1/runs/" + ids.get(k)));
                }
                if (runs.stream().noneMatch(r -> r.path("status").asText().equals("running"))) break;
                if (Instant.now().isAfter(deadline)) {
                    timedOut = true;
                    log("%s: still running after 10 minutes; giving up on it", label);
                    break;
                }
                if (Duration.between(lastLog, Instant.now()).toSeconds() >= 30) {
                    lastLog = Instant.now();
                    log(
                            "  … %,d records, %d requests, %d throttled",
                            records,
                            s.path("requests").asLong(),
                            s.path("throttles").asLong());
                }
            }
        }
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        double cpu = cpu(cpu0);
        JsonNode stats = fake.stats(windowMs);
        samples.add(new BenchFigures.Sample(
                Instant.now(),
                stats.path("records").asLong(),
                stats.path("requests").asLong(),
                stats.path("throttles").asLong()));
        Outcome out =
                new Outcome(label, List.copyOf(runs), stats, samples, cpu, cpuAtMark, recordsAtMark, wallMs, timedOut);
        log(
                "%s: %s in %.1f s; fake %s; daemon CPU %.1f s; runs %s",
                label,
                out.statuses(),
                wallMs / 1000.0,
                stats,
                cpu,
                runs.stream()
                        .map(r -> r.path("counts").toString() + " "
                                + r.path("reason").asText(""))
                        .toList());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("load", load);
        f.put("runs", runs);
        f.put("fake", stats);
        f.put("daemonCpuSeconds", cpu);
        f.put("cpuSecondsAtMark", cpuAtMark);
        f.put("recordsAtMark", recordsAtMark);
        f.put("wallMs", wallMs);
        f.put("drainMs", out.drainMs());
        f.put("steadyRecordsPerSecond", out.steadyRate());
        f.put("wholeRecordsPerSecond", out.wholeRate());
        f.put("timedOut", timedOut);
        figures.put(label, f);
        return out;
    }

    private static double cpu(Map<Long, Double> cpu0) {
        double sum = 0;
        for (Map.Entry<Long, Double> e : cpu0.entrySet()) sum += BenchSupport.cpuSeconds(e.getKey()) - e.getValue();
        return sum;
    }

    // ------------------------------------------------------------------------------------------------- the rows

    private void rateRows(Vendor v, Outcome o, boolean withRequestsWindow) {
        double steady = o.steadyRate();
        boolean measurable = !Double.isNaN(steady);
        table.add(new Row(
                String.format(Locale.ROOT, "records/s ≥ 95 %% of %,.0f/s (%s)", v.ceiling(), o.label()),
                measurable
                        ? String.format(
                                Locale.ROOT,
                                "steady %,.0f/s = %.1f %% of the ceiling (whole push %,.0f/s over %.1f s); runs %s",
                                steady,
                                100 * steady / v.ceiling(),
                                o.wholeRate(),
                                o.drainMs() / 1000.0,
                                o.statuses())
                        : String.format(
                                Locale.ROOT,
                                "not measurable: push of %.1f s (shorter than three %d s windows), %,d records; runs"
                                        + " %s",
                                o.drainMs() / 1000.0,
                                EDGE.toSeconds(),
                                o.records(),
                                o.statuses()),
                measurable ? steady >= 0.95 * v.ceiling() && o.allSucceeded() : false));
        long admitted = o.stats().path("maxAdmittedInWindow").asLong();
        double share = o.requests() == 0 ? 0 : (double) o.throttles() / o.requests();
        table.add(new Row(
                "throttle answers ≤ 0.5 % of requests (" + o.label() + ")",
                String.format(
                        Locale.ROOT,
                        "%d of %d (%.2f %%)%s",
                        o.throttles(),
                        o.requests(),
                        100 * share,
                        withRequestsWindow
                                ? String.format(
                                        Locale.ROOT,
                                        "; most admitted in one %d s window %d of %d",
                                        v.window().toSeconds(),
                                        admitted,
                                        v.windowCalls())
                                : ""),
                o.requests() > 0 && share <= 0.005));
    }

    private void requestsRow(Vendor v, Outcome o) {
        long expected = 0;
        for (JsonNode r : o.runs()) {
            JsonNode c = r.path("counts");
            expected += BenchFigures.requestsFor(
                    c.path("entered").asLong()
                            + c.path("changed").asLong()
                            + c.path("left").asLong(),
                    v.cap());
        }
        JsonNode s = o.stats();
        long faults = o.throttles()
                + s.path("serverErrors").asLong()
                + s.path("clientErrors").asLong()
                + s.path("dropped").asLong();
        long daemonRequests = o.vendorCalls();
        boolean met = o.requests() == expected && daemonRequests == expected && faults == 0 && o.allSucceeded();
        table.add(new Row(
                "requests = Σ ceil(changed / " + v.cap() + "), no faults (" + o.label() + ")",
                String.format(
                        Locale.ROOT,
                        "fake %d API requests, daemon %d vendor calls (%d engine batches), expected %d (entered %,d, changed"
                                + " %,d, left %,d);"
                                + " %d faults, %d retried; runs %s",
                        o.requests(),
                        daemonRequests,
                        o.counts("requests"),
                        expected,
                        o.counts("entered"),
                        o.counts("changed"),
                        o.counts("left"),
                        faults,
                        o.counts("retried"),
                        o.statuses()),
                met));
    }

    private void heldRow(Vendor v, Outcome o, long all) {
        long held = v.held(o.stats());
        table.add(new Row(
                "the fake holds every record the daemon confirmed, the others were refused one by one (" + o.label()
                        + ")",
                String.format(
                        Locale.ROOT,
                        "%,d held of %,d learners; %,d records written; confirmed %,d, rejected %,d",
                        held,
                        all,
                        o.records(),
                        o.counts("confirmed"),
                        o.counts("rejected")),
                held == o.counts("confirmed") && o.counts("confirmed") + o.counts("rejected") == all));
    }

    private void faultRows(Vendor v, Outcome f, Outcome steady, long all) {
        JsonNode s = f.stats();
        long asked = s.path("askedWaitMs").asLong();
        String measured = String.format(
                Locale.ROOT,
                "drain %.1f s with %d × 503 and %d throttle answers (%d injected, a burst of %d),"
                        + " %d API requests for %d needed, %d retried; vendor asked %.1f s of waits; runs %s;"
                        + " %,d held, %,d confirmed, %,d refused one by one, of %,d",
                f.drainMs() / 1000.0,
                s.path("serverErrors").asLong(),
                f.throttles(),
                s.path("injectedThrottles").asLong(),
                burst,
                f.requests(),
                BenchFigures.requestsFor(all, v.cap()),
                f.counts("retried"),
                asked / 1000.0,
                f.statuses(),
                v.held(s),
                f.counts("confirmed"),
                f.counts("rejected"),
                all);
        if (steady == null || steady.drainMs() <= 0) {
            table.add(new Row(
                    "drain with 1 % 5xx and a throttle burst ≤ 1.10 × fault-free + asked waits (" + f.label() + ")",
                    measured + "; no fault-free run to compare",
                    null));
            return;
        }
        double bound = 1.10 * steady.drainMs() + asked;
        table.add(new Row(
                "drain with 1 % 5xx and a throttle burst ≤ 1.10 × fault-free + asked waits (" + f.label() + ")",
                String.format(
                        Locale.ROOT,
                        "%s; bound 1.10 × %.1f s + %.1f s = %.1f s (%.2f× the fault-free drain)",
                        measured,
                        steady.drainMs() / 1000.0,
                        asked / 1000.0,
                        bound / 1000.0,
                        (double) f.drainMs() / steady.drainMs()),
                f.drainMs() > 0 && f.drainMs() <= bound && f.allSucceeded() && v.held(s) >= f.counts("confirmed")));
    }

    private void cpuRow(Vendor v, Outcome o) {
        long sent = o.records();
        double whole = BenchFigures.perMillion(o.cpuSeconds(), sent);
        double after = BenchFigures.perMillionAfter(o.cpuSeconds(), o.cpuAtMark(), sent, o.recordsAtMark());
        table.add(new Row(
                "daemon CPU ≤ 10 CPU-s per million pushed records, unthrottled fake (" + o.label() + ")",
                String.format(
                        Locale.ROOT,
                        "whole run (diff and JIT warm-up included): %s CPU-s per 1 M (%.1f CPU-s for %,d records"
                                + " in %.1f s, %,.0f records/s); after the first %,d: %s; runs %s",
                        BenchFigures.fmt("%.1f", whole),
                        o.cpuSeconds(),
                        sent,
                        o.drainMs() / 1000.0,
                        o.wholeRate(),
                        cpuMark,
                        o.recordsAtMark() < 0 ? "mark not reached" : BenchFigures.fmt("%.1f", after),
                        o.statuses()),
                sent > 0 && whole <= 10 && o.allSucceeded()));
    }

    private void bulkRow(Vendor v, Outcome o, long all) {
        double rate = o.wholeRate();
        table.add(new Row(
                String.format(
                        Locale.ROOT,
                        "Bulk API 2.0 path: records/s ≥ 95 %% of the fake's job rate %,d/s (%s)",
                        bulkRate,
                        o.label()),
                String.format(
                        Locale.ROOT,
                        "%,d records in %.1f s from the first API request to the last answer = %,.0f/s (%.1f %%);"
                                + " %d API requests, %d Bulk jobs; %,d held; runs %s",
                        o.records(),
                        o.drainMs() / 1000.0,
                        rate,
                        100 * rate / bulkRate,
                        o.requests(),
                        o.stats().path("held").path("bulkJobs").asLong(),
                        v.held(o.stats()),
                        o.statuses()),
                !Double.isNaN(rate)
                        && rate >= 0.95 * bulkRate
                        && o.allSucceeded()
                        && v.held(o.stats()) == o.counts("confirmed")
                        && o.stats().path("held").path("bulkJobs").asLong() > 0));
    }

    // ------------------------------------------------------------------------------------------------- processes

    private VendorFakeProcess fake(Vendor v, Mode mode, long records, Path log) {
        List<String> prefix = pin ? List.of("taskset", "-c", "1") : List.of();
        VendorFakeProcess fake = VendorFakeProcess.start(prefix, List.of("-Xmx1g"), v.fakeFlags(mode, records), log);
        log("%s fake (%s) at %s, pid %d, log %s", v.name(), mode, fake.url(), fake.pid(), log);
        return fake;
    }

    /**
     * The packaged daemon on its own copy of the demo warehouse, pinned to CPU 0 once ready. {@code sharedSchema}:
     * the PostgreSQL schema it shares with another daemon ({@code cleanFirst}: the first of them cleans it), or
     * {@code null} for a schema of its own.
     */
    private DaemonProcess daemon(String name, Path dir, String sharedSchema, boolean cleanFirst) throws Exception {
        Files.createDirectories(dir.resolve("connectors/destinations"));
        Files.createDirectories(dir.resolve("connectors/syncs"));
        Path warehouse = dir.resolve("warehouse.duckdb");
        Files.copy(demo, warehouse, StandardCopyOption.REPLACE_EXISTING);
        DaemonProcess.Builder b = DaemonProcess.builder(name)
                .dataDir(dir.resolve("data"))
                .fresh(cleanFirst)
                .adminKey(ADMIN_KEY)
                .env("MASYNC_SECRET_BENCH_HUBSPOT_TOKEN", HUBSPOT_TOKEN)
                .env("MASYNC_SECRET_BENCH_SF_CLIENT_ID", SF_CLIENT_ID)
                .env("MASYNC_SECRET_BENCH_SF_CLIENT_SECRET", SF_CLIENT_SECRET)
                .jvmArg("-Xmx256m")
                .property("masync.connectors.dir", dir.resolve("connectors").toString())
                .property("masync.connectors.http.allow-loopback", "true")
                .property("masync.demo.enabled", "true")
                .property("masync.warehouse.duckdb.path", warehouse.toString())
                .property("masync.warehouse.duckdb.threads", "1")
                .property("masync.sync.instance-id", name);
        if (postgres) {
            b.property("quarkus.datasource.username", pgUser);
            if (sharedSchema != null) {
                b.property(
                        "quarkus.datasource.jdbc.url",
                        pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + sharedSchema);
                b.property("quarkus.flyway.schemas", sharedSchema);
                b.property("quarkus.flyway.default-schema", sharedSchema);
                // two daemons share the account's concurrency (README "Rate budgets")
                b.property("masync.budget.replicas", "2");
            }
        }
        DaemonProcess daemon = b.start();
        log(
                "daemon %s ready in %d ms (pid %d, control DB %s, log %s)",
                name,
                daemon.lastStartToReady().toMillis(),
                daemon.pid(),
                sharedSchema != null ? "postgresql:" + sharedSchema : daemon.controlDb(),
                daemon.logFile());
        if (postgres && Files.exists(daemon.dataDir().resolve("control.mv.db"))) {
            daemon.stop();
            throw new IllegalStateException("the daemon wrote an H2 control DB: the jar is not the PostgreSQL flavour;"
                    + " build it with mvn -B package -DskipTests -Dquarkus.datasource.db-kind=postgresql, or run with"
                    + " --control-db h2");
        }
        if (pin) BenchSupport.exec(List.of("taskset", "-a", "-pc", "0", Long.toString(daemon.pid())));
        return daemon;
    }

    private void prepareDemo() throws Exception {
        demo = work.resolve("demo-" + learners + "-seed42-" + ANCHOR + ".duckdb");
        if (!Files.exists(demo)) {
            log("generating the demo warehouse %s (%,d learners)", demo, learners);
            BenchSupport.generateDemo(demo, learners, ANCHOR, ZONE);
        }
    }

    // ------------------------------------------------------------------------------------------------- vendors

    private static final List<String[]> HUBSPOT_MAPPING = List.of(
            new String[] {"grade", "grade", "auto", "string"},
            new String[] {"plan", "plan", "auto", "string"},
            new String[] {"plan_status", "plan_status", "auto", "string"},
            new String[] {"streak_days", "streak_days", "auto", "number"},
            new String[] {"favorite_subject", "favorite_subject", "auto", "string"},
            new String[] {"last_active_at", "last_active_at", "datetime", "datetime"});

    private static final List<String[]> SALESFORCE_MAPPING = List.of(
            new String[] {"learner_id", "LastName", "auto", null},
            new String[] {"email", "Email", "auto", null},
            new String[] {"grade", "Grade__c", "auto", "string"},
            new String[] {"plan", "Plan__c", "auto", "string"},
            new String[] {"plan_status", "Plan_Status__c", "auto", "string"},
            new String[] {"streak_days", "Streak_Days__c", "auto", "number"},
            new String[] {"favorite_subject", "Favorite_Subject__c", "auto", "string"},
            new String[] {"last_active_at", "Last_Active_At__c", "datetime", "datetime"});

    final class HubSpot implements Vendor {
        static final String MEMBERSHIP = "in_bench_segment";

        @Override
        public String name() {
            return "hubspot";
        }

        @Override
        public int cap() {
            return 100;
        }

        @Override
        public int windowCalls() {
            return 190;
        }

        @Override
        public Duration window() {
            return Duration.ofSeconds(10);
        }

        @Override
        public List<String> fakeFlags(Mode mode, long records) {
            List<String> f =
                    new ArrayList<>(List.of("--vendor", "hubspot", "--token", HUBSPOT_TOKEN, "--max-batch", "100"));
            if (mode == Mode.UNTHROTTLED) {
                f.addAll(List.of("--burst", "1000000/PT1S", "--daily", "1000000000"));
            } else {
                // a Professional account: 190 per 10 s, 650,000 a day
                f.addAll(List.of("--burst", "190/PT10S", "--daily", "650000"));
            }
            if (mode == Mode.FAULTS) f.addAll(List.of("--retry-after", Integer.toString(retryAfter)));
            for (String[] m : HUBSPOT_MAPPING) f.addAll(List.of("--property", m[1] + ":" + m[3]));
            f.addAll(List.of("--property", MEMBERSHIP + ":bool"));
            return f;
        }

        @Override
        public String destination(String key, String account, String url, Mode mode) {
            ObjectNode d = JSON.createObjectNode();
            d.put("key", key);
            d.put("name", "Benchmark HubSpot " + key);
            d.put("type", "hubspot");
            ObjectNode s = d.putObject("settings");
            s.put("portalId", account);
            s.put("token", "env:MASYNC_SECRET_BENCH_HUBSPOT_TOKEN");
            s.put("baseUrl", url);
            engineBatch.ifPresent(n -> d.put("batchSize", n));
            if (mode == Mode.UNTHROTTLED) {
                s.put("callsPerDay", "1000000000");
                d.putObject("rateLimit").put("requests", 100_000).put("per", "PT1S");
            } else {
                s.put("callsPerDay", "650000");
                d.putObject("rateLimit").put("requests", 190).put("per", "PT10S");
            }
            return d.toString();
        }

        @Override
        public String sync(String key, String segment, String destination) {
            ObjectNode s = syncBase(key, segment, destination);
            s.putObject("identity")
                    .put("attribute", "email")
                    .put("field", "email")
                    .put("kind", "email");
            var m = s.putArray("mapping");
            for (String[] f : HUBSPOT_MAPPING)
                m.addObject().put("source", f[0]).put("target", f[1]).put("format", f[2]);
            s.putObject("membership").put("style", "boolean").put("field", MEMBERSHIP);
            return s.toString();
        }

        @Override
        public long held(JsonNode stats) {
            return stats.path("held").path("contacts").asLong();
        }
    }

    final class Salesforce implements Vendor {
        static final String MEMBERSHIP = "In_Bench_Segment__c";
        static final String EXTERNAL_ID = "Learner_Key__c";

        @Override
        public String name() {
            return "salesforce";
        }

        @Override
        public int cap() {
            return 200;
        }

        @Override
        public int windowCalls() {
            return sfRequests;
        }

        @Override
        public Duration window() {
            return sfPer;
        }

        @Override
        public List<String> fakeFlags(Mode mode, long records) {
            List<String> f = new ArrayList<>(List.of(
                    "--vendor",
                    "salesforce",
                    "--client-id",
                    SF_CLIENT_ID,
                    "--client-secret",
                    SF_CLIENT_SECRET,
                    "--object",
                    "Contact",
                    "--external-id",
                    EXTERNAL_ID,
                    // an Enterprise org's base allocation; the fake counts every request running at once
                    "--daily",
                    mode == Mode.UNTHROTTLED ? "1000000000" : "100000",
                    "--max-concurrent",
                    "25"));
            if (mode == Mode.BULK) {
                // every job takes its rows at the job rate, whatever the connector's job size
                f.addAll(List.of(
                        "--bulk-queue",
                        "PT0S",
                        "--bulk-processing",
                        "PT0S",
                        "--bulk-rate",
                        Integer.toString(bulkRate)));
            }
            for (String[] m : SALESFORCE_MAPPING) {
                if (m[3] != null) f.addAll(List.of("--field", m[1] + ":" + m[3]));
            }
            f.addAll(List.of("--field", MEMBERSHIP + ":bool"));
            return f;
        }

        @Override
        public String destination(String key, String account, String url, Mode mode) {
            ObjectNode d = JSON.createObjectNode();
            d.put("key", key);
            d.put("name", "Benchmark Salesforce " + key);
            d.put("type", "salesforce");
            ObjectNode s = d.putObject("settings");
            // the account is the instance URL: one fake per scenario
            s.put("instanceUrl", url);
            s.put("loginUrl", url);
            s.put("clientId", "env:MASYNC_SECRET_BENCH_SF_CLIENT_ID");
            s.put("clientSecret", "env:MASYNC_SECRET_BENCH_SF_CLIENT_SECRET");
            s.put("object", "Contact");
            // only the bulk scenario goes through Bulk API 2.0 (its default threshold is 10,000)
            if (mode != Mode.BULK) s.put("bulkThreshold", "1000000000");
            s.put("callsPerDay", mode == Mode.UNTHROTTLED ? "1000000000" : "100000");
            engineBatch.ifPresent(n -> d.put("batchSize", n));
            if (mode == Mode.UNTHROTTLED) {
                d.putObject("rateLimit").put("requests", 100_000).put("per", "PT1S");
            } else {
                d.putObject("rateLimit").put("requests", sfRequests).put("per", sfPer.toString());
            }
            return d.toString();
        }

        @Override
        public String sync(String key, String segment, String destination) {
            ObjectNode s = syncBase(key, segment, destination);
            s.putObject("identity")
                    .put("attribute", "learner_id")
                    .put("field", EXTERNAL_ID)
                    .put("kind", "external_id");
            var m = s.putArray("mapping");
            for (String[] f : SALESFORCE_MAPPING) {
                m.addObject().put("source", f[0]).put("target", f[1]).put("format", f[2]);
            }
            s.putObject("membership").put("style", "boolean").put("field", MEMBERSHIP);
            return s.toString();
        }

        @Override
        public long held(JsonNode stats) {
            return stats.path("held").path("Contact").asLong();
        }
    }

    private static ObjectNode syncBase(String key, String segment, String destination) {
        ObjectNode s = JSON.createObjectNode();
        s.put("key", key);
        s.put("name", "Benchmark " + key);
        s.put("segment", segment);
        s.put("destination", destination);
        s.put("mode", "mirror");
        return s;
    }

    private static String segment(String key, String rule) {
        return "{\"key\": \"" + key + "\", \"name\": \"Benchmark " + key + "\", \"rule\": " + rule + "}";
    }

    // ------------------------------------------------------------------------------------------------- output

    private void printSummary() throws Exception {
        System.out.println();
        System.out.println("| target | measured | met |");
        System.out.println("| --- | --- | --- |");
        for (Row r : table) {
            System.out.println("| " + r.target() + " | " + r.measured() + " | "
                    + (r.met() == null ? "-" : r.met() ? "met" : "NOT met") + " |");
        }
        Path out = work.resolve("crm-bench-result.json");
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("summary", table);
        all.put("figures", figures);
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), all);
        System.out.println();
        System.out.println("figures: " + out);
    }

    private void log(String format, Object... args) {
        System.out.println("[" + Instant.now() + "] " + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
