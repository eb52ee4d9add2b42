package dev.masync.connector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.bench.Vendor.Mode;
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
import java.util.Optional;
import java.util.Set;

/**
 * The CRM and MA connectors' benchmark (issues 10 and 11, "Targets"): the packaged daemon pushes the demo warehouse
 * to a vendor fake ({@link dev.masync.testing.vendor.VendorFakeMain}) configured at the vendor's limits, each process
 * pinned to its own CPU (daemons on CPU 0, the fake on CPU 1), and every target is printed with its figure and met /
 * not met; all figures also go to {@code <work>/crm-bench-result.json}.
 *
 * <p>Per vendor (what differs is a {@link Vendor}: {@link HubSpotVendor}, {@link SalesforceVendor}, {@link
 * BrazeVendor}, {@link MarketoVendor}, each with its limits and ceiling), one daemon runs, on a fresh fake each:
 *
 * <ul>
 *   <li><b>steady</b>: one mirror sync of every learner (a full push): records/s between one window after the first
 *       request and one before the last answer, against the ceiling; throttle answers; requests against
 *       Σ ceil(changed / batch cap); what the fake holds afterwards; for a vendor that bills data points (Braze) the
 *       data points sent and saved, and those of a second, incremental run after the demo advanced one day;
 *   <li><b>two syncs</b>: two syncs of complementary segments to two destinations on the same account, run at once;
 *   <li><b>faults</b>: the steady push with 1 % of requests answered 503 (seeded) and one burst of throttle answers
 *       a third of the way in (in the vendor's shape: HubSpot 429 with {@code Retry-After}, {@code --retry-after};
 *       Braze 429 with {@code X-RateLimit-*}; Marketo HTTP 200 {@code success:false} code 606); its drain time (first
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
 * <p>Flags: {@code --vendor all|crm|ma|hubspot|salesforce|braze|marketo} (a comma list; {@code crm} is HubSpot and
 * Salesforce, {@code ma} Braze and Marketo; default all), {@code --scenarios
 * steady,two-syncs,faults,cpu,bulk,two-daemons}
 * (default all), {@code --learners N} (default 100,000; the demo warehouse is generated once into the work dir and
 * copied per daemon), {@code --work DIR} (default {@code /tmp/ma-sync-bench}), {@code --pg-url URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user {@code --pg-user postgres}; {@code --control-db h2} to run on the
 * embedded H2 instead, which skips the two daemons), {@code --sf-rate N/PT1S}, {@code --bulk-rate N}, {@code
 * --retry-after S}, {@code --fault-rate F}, {@code --burst N}, {@code --cpu-mark N}, {@code --engine-batch N|connector}
 * (the destinations' {@code batchSize}; default none, so the connector's own batch limit: HubSpot 500 records per
 * engine batch in calls of 100, Salesforce 10,000 in calls of 200, which is also what lets a big run take the Bulk
 * path; Braze 75 per batch, Marketo 3,000 in calls of 300 side by side), {@code --braze-rate N/PT3S} (default
 * 60/PT3S), {@code --braze-latency PT0S}, {@code --marketo-latency PT0.3S} (the fakes' service time per request),
 * {@code --no-pin}. The daemon jar
 * must be the PostgreSQL flavour for the default control DB: {@code mvn -B package -DskipTests
 * -Dquarkus.datasource.db-kind=postgresql}. Never part of the test suite: it is a {@code main}.
 */
public final class CrmBenchmark {
    static final ObjectMapper JSON = Vendor.JSON;
    /** {@code --vendor}: a comma list of these, or of the groups {@code crm}, {@code ma} and {@code all}. */
    static final List<String> VENDORS = List.of("hubspot", "salesforce", "braze", "marketo");

    static final LocalDate ANCHOR = LocalDate.parse("2026-11-02");
    static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
    /** Steady rates leave out one such window after the first request and one before the last answer. */
    static final Duration EDGE = Duration.ofSeconds(10);

    static final String ALL_RULE = "{\"attribute\": \"learner_id\", \"op\": \"is_not_null\"}";
    static final String A_RULE = "{\"attribute\": \"lectures_completed_28d\", \"op\": \"gte\", \"value\": 1}";
    static final String B_RULE = "{\"not\": " + A_RULE + "}";
    static final String ADMIN_KEY = "bench-admin-key";

    private final Path work;
    private final int learners;
    private final Set<String> scenarios;
    private final boolean pin;
    private final boolean postgres;
    private final String pgUrl;
    private final String pgUser;
    private final double faultRate;
    private final int burst;
    private final long cpuMark;
    private final VendorOptions options;

    private final List<Row> table = new ArrayList<>();
    private final TargetRows rows;
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
        this.faultRate = Double.parseDouble(o.get("fault-rate"));
        this.burst = Integer.parseInt(o.get("burst"));
        int bulkRate = Integer.parseInt(o.get("bulk-rate"));
        String[] sfRate = o.get("sf-rate").split("/", 2);
        String[] brazeRate = o.get("braze-rate").split("/", 2);
        this.options = new VendorOptions(
                Integer.parseInt(o.get("retry-after")),
                Integer.parseInt(sfRate[0]),
                Duration.parse(sfRate[1]),
                bulkRate,
                o.get("engine-batch").equals("connector")
                        ? Optional.empty()
                        : Optional.of(Integer.valueOf(o.get("engine-batch"))),
                Integer.parseInt(brazeRate[0]),
                Duration.parse(brazeRate[1]),
                Duration.parse(o.get("braze-latency")),
                Duration.parse(o.get("marketo-latency")));
        this.cpuMark = Long.parseLong(o.get("cpu-mark"));
        this.rows = new TargetRows(table, burst, cpuMark, bulkRate);
    }

    /** The vendors {@code --vendor} names, in their order of {@link #VENDORS}. */
    private List<Vendor> vendors(String names) {
        Set<String> wanted = new LinkedHashSet<>();
        for (String n : names.split(",")) {
            switch (n.strip()) {
                case "all" -> wanted.addAll(VENDORS);
                case "crm" -> wanted.addAll(List.of("hubspot", "salesforce"));
                case "ma" -> wanted.addAll(List.of("braze", "marketo"));
                default -> {
                    if (!VENDORS.contains(n.strip())) {
                        throw new IllegalArgumentException(
                                "--vendor " + n + ": all, crm, ma or a comma list of " + VENDORS);
                    }
                    wanted.add(n.strip());
                }
            }
        }
        List<Vendor> out = new ArrayList<>();
        for (String n : VENDORS) {
            if (!wanted.contains(n)) continue;
            out.add(
                    switch (n) {
                        case "hubspot" -> new HubSpotVendor(options);
                        case "salesforce" -> new SalesforceVendor(options);
                        case "braze" -> new BrazeVendor(options);
                        default -> new MarketoVendor(options);
                    });
        }
        return out;
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
        o.put("braze-rate", "60/PT3S");
        o.put("braze-latency", "PT0S");
        o.put("marketo-latency", "PT0.3S");
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
        List<Vendor> vendors;
        try {
            vendors = bench.vendors(o.get("vendor"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (bench.postgres) {
            // DaemonProcess gives each daemon its own schema of this database (the two daemons share one)
            System.setProperty("quarkus.datasource.db-kind", "postgresql");
            System.setProperty("quarkus.datasource.jdbc.url", bench.pgUrl);
        }
        Files.createDirectories(bench.work);
        String load0 = BenchSupport.loadAverage();
        bench.log(
                "start: vendors %s, scenarios %s, %,d learners, control DB %s, pinning %s, load %s",
                vendors.stream().map(Vendor::name).toList(),
                scenarios,
                bench.learners,
                bench.postgres ? bench.pgUrl : "H2 (embedded)",
                canPin ? "daemons CPU 0, fake CPU 1" : "off",
                load0);
        bench.prepareDemo();
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
                    List<Outcome> pushes = single(v, api, "steady", Mode.REAL, all, dir, v.billsDataPoints());
                    steady = pushes.get(0);
                    rows.rateRows(v, steady, true);
                    rows.requestsRow(v, steady);
                    rows.heldRow(v, steady, all);
                    if (v.billsDataPoints()) rows.dataPointsRow(steady, pushes.size() > 1 ? pushes.get(1) : null);
                }
                if (scenarios.contains("two-syncs")) {
                    Outcome two = pair(v, List.of(api, api), "two-syncs", dir);
                    rows.rateRows(v, two, true);
                    rows.requestsRow(v, two);
                }
                if (scenarios.contains("faults")) {
                    Outcome faults = single(v, api, "faults", Mode.FAULTS, all, dir);
                    rows.faultRows(v, faults, steady, all);
                }
                if (scenarios.contains("cpu")) {
                    Outcome cpu = single(v, api, "cpu", Mode.UNTHROTTLED, all, dir);
                    rows.cpuRow(v, cpu);
                }
                if (scenarios.contains("bulk") && v instanceof SalesforceVendor) {
                    Outcome bulk = single(v, api, "bulk", Mode.BULK, all, dir);
                    rows.bulkRow(v, bulk, all);
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
                rows.rateRows(v, two, true);
                rows.requestsRow(v, two);
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
        return single(v, api, scenario, mode, records, dir, false).get(0);
    }

    /**
     * {@link #single}, and with {@code incremental} a second run of the same sync after the demo advanced one day
     * (what a daily sync sends once the full upload is done): the full push, then the incremental one.
     */
    private List<Outcome> single(
            Vendor v, Api api, String scenario, Mode mode, long records, Path dir, boolean incremental)
            throws Exception {
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
            Outcome full = drive(v, scenario, fake, List.of(new Start(api, key)));
            if (!incremental) return List.of(full);
            log("%s: advancing the demo one day for an incremental run", v.name());
            api.post("/api/v1/demo/advance", "{\"days\": 1}");
            return List.of(full, drive(v, scenario + "-incremental", fake, List.of(new Start(api, key))));
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
        DaemonProcess.Builder b = DaemonProcess.builder(name);
        for (Vendor v : List.of(
                new HubSpotVendor(options),
                new SalesforceVendor(options),
                new BrazeVendor(options),
                new MarketoVendor(options))) {
            v.secrets().forEach(b::env);
        }
        b.dataDir(dir.resolve("data"))
                .fresh(cleanFirst)
                .adminKey(ADMIN_KEY)
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
