package dev.masync.webhook.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.sync.bench.BenchSupport;
import dev.masync.sync.bench.BenchSupport.Api;
import dev.masync.testing.process.DaemonProcess;
import dev.masync.testing.process.VendorFakeProcess;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The inbound-webhook benchmark (issue 12, "Targets"): the packaged daemon on embedded defaults (H2 control DB, the
 * DuckDB demo warehouse) with one mirror sync of every learner to a HubSpot fake (its own process), and a sender that
 * signs HubSpot deliveries exactly as HubSpot does (signature v3).
 *
 * <ul>
 *   <li><b>latency</b>: {@code --rate} (50) deliveries a second for {@code --seconds} (60), each one
 *       {@code contact.propertyChange} of the {@code email} property for a learner of the synced segment that was
 *       never pushed. Measured: the 2xx answer time at the sender (p50 / p99 / max, target p99 ≤ 50 ms), and received
 *       → pushed: the contact's {@code lastmodifieddate} at the fake (read back through its batch-read API) minus the
 *       moment the delivery was sent (target p99 ≤ 2 s).
 *   <li><b>burst</b>: {@code --burst-events} (10,000) events in {@code --burst-seconds} (60), a delivery each, of
 *       which {@code --dup} (5 %) are a later re-delivery of an earlier one (fresh timestamp and signature, as HubSpot
 *       retries) and {@code --bad} (5 %) carry a wrong signature; the daemon is SIGKILLed half-way and restarted; the
 *       sender retries a delivery that got no answer every second, as a sender does. Checked through the inbox API:
 *       every valid event stored once and processed, none quarantined, every bad delivery answered 401 and nothing of
 *       it stored.
 * </ul>
 *
 * <p>Flags: {@code --warmup S} (10: deliveries at the same rate before the measured ones, not measured), {@code --learners N} (100,000; the demo warehouse is generated once into {@code --work}, default {@code
 * /tmp/ma-sync-webhook-bench}), {@code --scenarios latency,burst}, {@code --rate}, {@code --seconds}, {@code
 * --burst-events}, {@code --burst-seconds}, {@code --dup}, {@code --bad}. A {@code main}, never part of the suite;
 * build first with {@code mvn -B package -DskipTests}.
 */
public final class WebhookBenchmark {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalDate ANCHOR = LocalDate.parse("2026-11-02");
    static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
    static final String HUBSPOT_TOKEN = "bench-hubspot-private-app-token";
    static final String CLIENT_SECRET = "bench-hubspot-app-client-secret";
    static final String PORTAL = "4711";
    static final String ADMIN_KEY = "bench-admin-key";
    static final String[][] MAPPING = {
        {"grade", "grade", "string"}, {"plan", "plan", "string"}, {"streak_days", "streak_days", "number"},
    };

    /** Object ids of the events: this plus the event id, so a scenario's events are told apart in the inbox. */
    static final long OBJECT_BASE = 90_000_000_000L;

    record Row(String target, String measured, Boolean met) {}

    private final Map<String, String> o;
    private final Path work;
    private final List<Row> table = new ArrayList<>();
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .executor(java.util.concurrent.Executors.newFixedThreadPool(8))
            .build();
    private final AtomicLong eventIds = new AtomicLong(1_000_000);

    private WebhookBenchmark(Map<String, String> o) {
        this.o = o;
        this.work = Path.of(o.get("work")).toAbsolutePath();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("learners", "100000");
        o.put("work", "/tmp/ma-sync-webhook-bench");
        o.put("scenarios", "latency,burst");
        o.put("rate", "50");
        o.put("seconds", "60");
        o.put("warmup", "10");
        o.put("burst-events", "10000");
        o.put("burst-seconds", "60");
        o.put("dup", "0.05");
        o.put("bad", "0.05");
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && o.containsKey(args[i].substring(2)) && i + 1 < args.length) {
                o.put(args[i].substring(2), args[++i]);
            } else {
                System.err.println("unknown flag " + args[i] + "; flags: " + o.keySet());
                System.exit(2);
            }
        }
        new WebhookBenchmark(o).run();
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        int learners = Integer.parseInt(o.get("learners"));
        Path demo = work.resolve("demo-" + learners + "-seed42-" + ANCHOR + ".duckdb");
        if (!Files.exists(demo)) {
            log("generating the demo warehouse %s (%,d learners)", demo, learners);
            BenchSupport.generateDemo(demo, learners, ANCHOR, ZONE);
        }
        List<String> emails = emails(demo);
        Collections.shuffle(emails, new Random(42));
        log("%,d learners with a well-formed e-mail; load %s", emails.size(), BenchSupport.loadAverage());
        figures.put("loadAtStart", BenchSupport.loadAverage());
        Path dir = BenchSupport.fresh(work.resolve("run"));
        int port = freePort();
        try (VendorFakeProcess fake =
                VendorFakeProcess.start(List.of(), List.of("-Xmx1g"), fakeFlags(), dir.resolve("fake.log"))) {
            DaemonProcess daemon = daemon(dir, demo, port);
            try {
                Api api = new Api(daemon);
                api.post(
                        "/api/v1/segments",
                        "{\"key\": \"wh_all\", \"name\": \"Webhook benchmark: everyone\","
                                + " \"rule\": {\"attribute\": \"learner_id\", \"op\": \"is_not_null\"}}");
                api.post("/api/v1/destinations", destination(fake.url()));
                api.post("/api/v1/syncs", sync());
                int used = 0;
                if (o.get("scenarios").contains("latency")) {
                    int n = Integer.parseInt(o.get("rate")) * Integer.parseInt(o.get("seconds"));
                    int warm = Integer.parseInt(o.get("rate")) * Integer.parseInt(o.get("warmup"));
                    if (warm > 0) {
                        // the same load, not measured: a daemon in service runs warm (JIT, pools, caches)
                        log("warm-up: %d s at the same rate", warm / Integer.parseInt(o.get("rate")));
                        send(
                                daemon,
                                emails.subList(0, warm),
                                new ConcurrentHashMap<>(),
                                new ArrayList<>(),
                                Collections.synchronizedList(new ArrayList<>()));
                    }
                    latency(daemon, fake, emails.subList(warm, warm + n));
                    used = warm + n;
                }
                if (o.get("scenarios").contains("burst")) {
                    int n = Integer.parseInt(o.get("burst-events"));
                    burst(daemon, api, emails.subList(used, used + n));
                }
            } finally {
                if (daemon.isAlive()) daemon.stop();
            }
        }
        figures.put("loadAtEnd", BenchSupport.loadAverage());
        printSummary();
    }

    // ------------------------------------------------------------------------------------------------ latency

    private void latency(DaemonProcess daemon, VendorFakeProcess fake, List<String> emails) throws Exception {
        int rate = Integer.parseInt(o.get("rate"));
        log("latency: %d deliveries/s for %s s, load %s", rate, o.get("seconds"), BenchSupport.loadAverage());
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<CompletableFuture<Long>> answers = new ArrayList<>();
        List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        send(daemon, emails, sentAt, answers, statuses);
        List<Double> answerMs = new ArrayList<>();
        for (CompletableFuture<Long> f : answers) answerMs.add(f.get() / 1e6);
        long ok = statuses.stream().filter(s -> s / 100 == 2).count();
        double p99 = percentile(answerMs, 0.99);
        table.add(new Row(
                "latency: 2xx answer p99 ≤ 50 ms",
                String.format(
                        Locale.ROOT,
                        "%,d deliveries, %,d answered 2xx; p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                        answerMs.size(),
                        ok,
                        percentile(answerMs, 0.5),
                        p99,
                        Collections.max(answerMs)),
                ok == answerMs.size() && p99 <= 50));
        // received → pushed, read back from the fake once everything had time to arrive
        List<Double> pushMs = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(60);
        Map<String, Long> pushedAt = new HashMap<>();
        while (pushedAt.size() < emails.size() && Instant.now().isBefore(deadline)) {
            pushedAt.putAll(modified(
                    fake, emails.stream().filter(e -> !pushedAt.containsKey(e)).toList()));
            if (pushedAt.size() < emails.size()) Thread.sleep(1000);
        }
        for (String e : emails) {
            Long p = pushedAt.get(e);
            if (p != null) pushMs.add((double) (p - sentAt.get(e)));
        }
        double pushP99 = pushMs.isEmpty() ? Double.NaN : percentile(pushMs, 0.99);
        table.add(new Row(
                "latency: webhook received → change pushed to the destination p99 ≤ 2 s",
                String.format(
                        Locale.ROOT,
                        "%,d of %,d learners pushed; p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                        pushMs.size(),
                        emails.size(),
                        pushMs.isEmpty() ? Double.NaN : percentile(pushMs, 0.5),
                        pushP99,
                        pushMs.isEmpty() ? Double.NaN : Collections.max(pushMs)),
                pushMs.size() == emails.size() && pushP99 <= 2000));
        figures.put("latencyAnswerMs", summary(answerMs));
        figures.put("latencyPushMs", summary(pushMs));
        figures.put("latencyDaemonRuns", new Api(daemon).get("/api/v1/syncs/wh_hubspot/runs?limit=5"));
    }

    /** One delivery per learner at {@code --rate}, answers awaited. */
    private void send(
            DaemonProcess daemon,
            List<String> emails,
            Map<String, Long> sentAt,
            List<CompletableFuture<Long>> answers,
            List<Integer> statuses)
            throws Exception {
        int rate = Integer.parseInt(o.get("rate"));
        long t0 = System.nanoTime();
        long periodNs = 1_000_000_000L / rate;
        for (int i = 0; i < emails.size(); i++) {
            long wait = t0 + i * periodNs - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            String email = emails.get(i);
            String body = "[" + event(email, "contact.propertyChange") + "]";
            sentAt.put(email, System.currentTimeMillis());
            long s0 = System.nanoTime();
            answers.add(http.sendAsync(signed(daemon, body, true), HttpResponse.BodyHandlers.discarding())
                    .thenApply(r -> {
                        statuses.add(r.statusCode());
                        return System.nanoTime() - s0;
                    }));
        }
        for (CompletableFuture<Long> f : answers) f.join();
    }

    /** {@code lastmodifieddate} of each contact the fake holds, by e-mail, through its batch-read API. */
    private Map<String, Long> modified(VendorFakeProcess fake, List<String> emails) throws Exception {
        Map<String, Long> out = new HashMap<>();
        for (int from = 0; from < emails.size(); from += 100) {
            ObjectNode req = JSON.createObjectNode();
            req.put("idProperty", "email");
            req.putArray("properties").add("lastmodifieddate").add("email");
            ArrayNode inputs = req.putArray("inputs");
            for (String e : emails.subList(from, Math.min(emails.size(), from + 100)))
                inputs.addObject().put("id", e);
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(fake.url() + "/crm/v3/objects/contacts/batch/read"))
                            .header("Authorization", "Bearer " + HUBSPOT_TOKEN)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(req.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 429) {
                Thread.sleep(1000);
                from -= 100;
                continue;
            }
            for (JsonNode c : JSON.readTree(r.body()).path("results")) {
                JsonNode p = c.path("properties");
                out.put(
                        p.path("email").asText(),
                        Instant.parse(p.path("lastmodifieddate").asText()).toEpochMilli());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ burst

    /** One delivery of the burst: its body, whether it is signed right, and whether it repeats an earlier one. */
    record Delivery(String body, boolean valid, boolean duplicate, String email) {}

    private void burst(DaemonProcess daemon, Api api, List<String> emails) throws Exception {
        int events = emails.size();
        long firstObject = OBJECT_BASE + eventIds.get() + 1; // the burst's events only, not the latency scenario's
        double dup = Double.parseDouble(o.get("dup"));
        double bad = Double.parseDouble(o.get("bad"));
        Random random = new Random(7);
        List<Delivery> plan = new ArrayList<>();
        List<Delivery> valid = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < events; i++) {
            double r = random.nextDouble();
            if (r < dup && !valid.isEmpty()) {
                Delivery again = valid.get(random.nextInt(valid.size()));
                plan.add(new Delivery(again.body(), true, true, again.email()));
            } else if (r < dup + bad) {
                String email = emails.get(next++);
                plan.add(new Delivery("[" + event(email, "contact.propertyChange") + "]", false, false, email));
            } else {
                String email = emails.get(next++);
                Delivery d = new Delivery("[" + event(email, "contact.propertyChange") + "]", true, false, email);
                valid.add(d);
                plan.add(d);
            }
        }
        long distinctValid =
                plan.stream().filter(d -> d.valid() && !d.duplicate()).count();
        long badCount = plan.stream().filter(d -> !d.valid()).count();
        log(
                "burst: %,d deliveries in %s s (%,d distinct valid, %,d duplicates, %,d badly signed), load %s",
                plan.size(),
                o.get("burst-seconds"),
                distinctValid,
                plan.size() - distinctValid - badCount,
                badCount,
                BenchSupport.loadAverage());
        long periodNs =
                Duration.ofSeconds(Long.parseLong(o.get("burst-seconds"))).toNanos() / events;
        AtomicLong refusedBad = new AtomicLong();
        AtomicLong acceptedBad = new AtomicLong();
        AtomicLong retries = new AtomicLong();
        AtomicLong unexpected = new AtomicLong();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        boolean killed = false;
        for (int i = 0; i < plan.size(); i++) {
            if (!killed && i == plan.size() / 2) {
                killed = true;
                int exit = daemon.kill();
                log("burst: SIGKILL at delivery %,d (exit %d); restarting", i, exit);
                CompletableFuture.runAsync(daemon::start)
                        .thenRun(() -> log(
                                "burst: daemon ready again in %d ms",
                                daemon.lastStartToReady().toMillis()));
            }
            long wait = t0 + i * periodNs - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            Delivery d = plan.get(i);
            done.add(deliver(daemon, d, 0, refusedBad, acceptedBad, retries, unexpected));
        }
        for (CompletableFuture<Void> f : done) f.get();
        log("burst: every delivery answered; waiting for the inbox to drain");
        // every valid event processed: poll the inbox until nothing is pending (bounded)
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        JsonNode counts = inboxCounts(api, firstObject);
        while (counts.path("pending").asLong() > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
            counts = inboxCounts(api, firstObject);
        }
        figures.put("burstInbox", counts);
        long stored = counts.path("total").asLong();
        long processed = counts.path("processed").asLong();
        table.add(new Row(
                "burst with SIGKILL: every valid event stored once and processed, none lost",
                String.format(
                        Locale.ROOT,
                        "%,d distinct valid events sent; inbox holds %,d (%,d processed, %,d pending,"
                                + " %,d quarantined); %,d re-sends after no answer",
                        distinctValid,
                        stored,
                        processed,
                        counts.path("pending").asLong(),
                        counts.path("quarantined").asLong(),
                        retries.get()),
                stored == distinctValid && processed == distinctValid));
        table.add(new Row(
                "burst: every badly signed delivery refused (401), nothing of it stored",
                String.format(
                        Locale.ROOT,
                        "%,d of %,d refused 401, %,d accepted; other answers %,d",
                        refusedBad.get(),
                        badCount,
                        acceptedBad.get(),
                        unexpected.get()),
                refusedBad.get() == badCount && acceptedBad.get() == 0 && unexpected.get() == 0));
    }

    /** Sends a delivery; without an answer (the daemon is down) it is sent again a second later, as a sender does. */
    private CompletableFuture<Void> deliver(
            DaemonProcess daemon,
            Delivery d,
            int attempt,
            AtomicLong refusedBad,
            AtomicLong acceptedBad,
            AtomicLong retries,
            AtomicLong unexpected) {
        return http.sendAsync(signed(daemon, d.body(), d.valid()), HttpResponse.BodyHandlers.discarding())
                .handle((r, e) -> {
                    if (e != null || r.statusCode() >= 500) {
                        if (attempt > 300) {
                            unexpected.incrementAndGet();
                            return CompletableFuture.<Void>completedFuture(null);
                        }
                        retries.incrementAndGet();
                        return CompletableFuture.runAsync(
                                        () -> {},
                                        CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS))
                                .thenCompose(x ->
                                        deliver(daemon, d, attempt + 1, refusedBad, acceptedBad, retries, unexpected));
                    }
                    if (!d.valid()) {
                        if (r.statusCode() == 401) refusedBad.incrementAndGet();
                        else if (r.statusCode() / 100 == 2) acceptedBad.incrementAndGet();
                        else unexpected.incrementAndGet();
                    } else if (r.statusCode() / 100 != 2) {
                        unexpected.incrementAndGet();
                    }
                    return CompletableFuture.<Void>completedFuture(null);
                })
                .thenCompose(f -> f);
    }

    /** Counts of the inbox's HubSpot events by status, through the inbox API (every page). */
    private JsonNode inboxCounts(Api api, long firstObject) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("total", 0L);
        for (String status : List.of("pending", "processed", "quarantined")) counts.put(status, 0L);
        String cursor = null;
        do {
            JsonNode page = api.get(
                    "/api/v1/webhooks/events?source=hubspot&limit=500" + (cursor == null ? "" : "&cursor=" + cursor));
            for (JsonNode e : page.path("items")) {
                if (Long.parseLong(e.path("objectId").asText("0")) < firstObject) continue;
                counts.merge("total", 1L, Long::sum);
                String s = e.path("status").asText();
                counts.merge(s.equals("processing") || s.equals("failed") ? "pending" : s, 1L, Long::sum);
            }
            cursor = page.path("nextCursor").isTextual()
                    ? page.path("nextCursor").asText()
                    : null;
        } while (cursor != null);
        return JSON.valueToTree(counts);
    }

    // ------------------------------------------------------------------------------------------------ HubSpot

    private String event(String email, String type) {
        long id = eventIds.incrementAndGet();
        ObjectNode e = JSON.createObjectNode();
        e.put("eventId", id);
        e.put("subscriptionId", 24_000);
        e.put("portalId", Long.parseLong(PORTAL));
        e.put("appId", 1_000_001);
        e.put("occurredAt", System.currentTimeMillis());
        e.put("subscriptionType", type);
        e.put("attemptNumber", 0);
        e.put("objectId", OBJECT_BASE + id);
        e.put("changeSource", "CRM_UI");
        e.put("propertyName", "email");
        e.put("propertyValue", email);
        return e.toString();
    }

    /** A HubSpot delivery signed with signature v3 (wrongly when {@code valid} is false). */
    private HttpRequest signed(DaemonProcess daemon, String body, boolean valid) {
        String uri = daemon.baseUrl() + "/webhooks/hubspot";
        String timestamp = Long.toString(System.currentTimeMillis());
        String signature;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(
                    (valid ? CLIENT_SECRET : "not-the-secret").getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            signature = Base64.getEncoder()
                    .encodeToString(mac.doFinal(("POST" + uri + body + timestamp).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-HubSpot-Signature-v3", signature)
                .header("X-HubSpot-Request-Timestamp", timestamp)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private List<String> fakeFlags() {
        List<String> f = new ArrayList<>(List.of(
                "--vendor",
                "hubspot",
                "--token",
                HUBSPOT_TOKEN,
                "--max-batch",
                "100",
                "--burst",
                "190/PT10S",
                "--daily",
                "650000"));
        for (String[] m : MAPPING) f.addAll(List.of("--property", m[1] + ":" + m[2]));
        f.addAll(List.of("--property", "in_wh_segment:bool"));
        return f;
    }

    private String destination(String url) {
        ObjectNode d = JSON.createObjectNode();
        d.put("key", "wh_hubspot");
        d.put("name", "Webhook benchmark HubSpot");
        d.put("type", "hubspot");
        ObjectNode s = d.putObject("settings");
        s.put("portalId", PORTAL);
        s.put("token", "env:MASYNC_SECRET_BENCH_HUBSPOT_TOKEN");
        s.put("baseUrl", url);
        s.put("callsPerDay", "650000");
        d.putObject("rateLimit").put("requests", 190).put("per", "PT10S");
        return d.toString();
    }

    private String sync() {
        ObjectNode s = JSON.createObjectNode();
        s.put("key", "wh_hubspot");
        s.put("name", "Webhook benchmark sync");
        s.put("segment", "wh_all");
        s.put("destination", "wh_hubspot");
        s.put("mode", "mirror");
        s.putObject("identity").put("attribute", "email").put("field", "email").put("kind", "email");
        ArrayNode m = s.putArray("mapping");
        for (String[] f : MAPPING)
            m.addObject().put("source", f[0]).put("target", f[1]).put("format", "auto");
        s.putObject("membership").put("style", "boolean").put("field", "in_wh_segment");
        return s.toString();
    }

    private DaemonProcess daemon(Path dir, Path demo, int port) throws Exception {
        Files.createDirectories(dir.resolve("connectors/destinations"));
        Files.createDirectories(dir.resolve("connectors/syncs"));
        Path warehouse = dir.resolve("warehouse.duckdb");
        Files.copy(demo, warehouse, StandardCopyOption.REPLACE_EXISTING);
        DaemonProcess daemon = DaemonProcess.builder("webhook-bench")
                .dataDir(dir.resolve("data"))
                .port(port)
                .fresh(true)
                .adminKey(ADMIN_KEY)
                .env("MASYNC_SECRET_BENCH_HUBSPOT_TOKEN", HUBSPOT_TOKEN)
                .env("MASYNC_SECRET_BENCH_HUBSPOT_CLIENT_SECRET", CLIENT_SECRET)
                .property("masync.connectors.dir", dir.resolve("connectors").toString())
                .property("masync.connectors.http.allow-loopback", "true")
                .property("masync.demo.enabled", "true")
                .property("masync.warehouse.duckdb.path", warehouse.toString())
                .property("masync.webhooks.public-url", "http://127.0.0.1:" + port)
                .property("masync.webhooks.hubspot.client-secret", "env:MASYNC_SECRET_BENCH_HUBSPOT_CLIENT_SECRET")
                .start();
        log(
                "daemon ready in %d ms (pid %d, log %s)",
                daemon.lastStartToReady().toMillis(), daemon.pid(), daemon.logFile());
        return daemon;
    }

    /** Learners' e-mails that a CRM would hold (well-formed), read from the demo warehouse before the daemon starts. */
    private static List<String> emails(Path demo) throws Exception {
        List<String> out = new ArrayList<>();
        try (var c = DriverManager.getConnection("jdbc:duckdb:" + demo, readOnly());
                var rs = c.createStatement().executeQuery("SELECT email FROM learner_status WHERE email IS NOT NULL")) {
            while (rs.next()) {
                String e = rs.getString(1);
                if (e.matches("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")) out.add(e);
            }
        }
        return out;
    }

    private static java.util.Properties readOnly() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("duckdb.read_only", "true");
        return p;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static double percentile(List<Double> values, double q) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static Map<String, Object> summary(List<Double> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", values.size());
        if (!values.isEmpty()) {
            m.put("p50", percentile(values, 0.5));
            m.put("p99", percentile(values, 0.99));
            m.put("max", Collections.max(values));
        }
        return m;
    }

    private void printSummary() throws Exception {
        System.out.println();
        System.out.println("| target | measured | met |");
        System.out.println("| --- | --- | --- |");
        for (Row r : table) {
            System.out.println("| " + r.target() + " | " + r.measured() + " | "
                    + (r.met() == null ? "-" : r.met() ? "met" : "NOT met") + " |");
        }
        Path out = work.resolve("webhook-bench-result.json");
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("summary", table);
        all.put("figures", figures);
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), all);
        System.out.println("\nfigures: " + out);
    }

    private static void log(String format, Object... args) {
        System.out.println("[" + Instant.now() + "] " + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
