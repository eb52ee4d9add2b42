package dev.masync.testing.receiver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A fake webhook destination that behaves like a rate-limited vendor API: it takes the
 * {@code WebhookConnector}'s batches ({@code {"batchId","sync","records":[{"learnerKey","recordKey","kind","fields"}]}}),
 * enforces a fixed-window rate limit, batch and body caps, optional Standard Webhooks signature checks, injects
 * latency and faults, rejects records by rule, and keeps the resulting state per key and the counts a
 * performance or crash test asserts on ({@link ReceiverStats}).
 *
 * <p>A request goes through, in order: the body is read (up to the cap + 1 byte); the rate limit (429 with
 * {@code Retry-After}: whole seconds to the end of the window, rounded up; a 429 does not use a slot); one fault
 * draw (503, or a connection closed without an answer); 413; 401 (bad or missing signature, or a timestamp out of
 * tolerance); 400 (not a batch, {@code invalid_batch}; more than {@code maxRecords} records,
 * {@code too_many_records}); the latency; the batch is applied; 204 (every record ok) or 200 with
 * {@code {"results":[{"recordKey","status":"ok"|"rejected","code","message"}]}} — or, for a "lost ack" fault, the
 * connection closed after applying.
 *
 * <p>State: each key's fields merge last-write-wins in the order batches are applied; a {@code null} field value
 * clears the field; a {@code REMOVE} makes the key absent (a later upsert starts from no fields). Rejected records
 * change nothing.
 *
 * <p>As a separate process: {@link #main} takes the flags in {@link ReceiverConfig#USAGE}, prints
 * {@code READY port=N} when it listens, serves {@code GET /stats}, {@code GET /state}, {@code GET /receipts} and
 * {@code DELETE /state} (clears state and stats) as JSON, and prints {@code FINAL <stats json>} on SIGTERM. From a
 * test, {@code dev.masync.testing.process.ReceiverProcess} starts it on this JVM's classpath; from a shell:
 * <pre>
 * mvn -B test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * taskset -c 1 java -cp target/test-classes:$(cat target/test-classpath.txt) \
 *     dev.masync.testing.receiver.PacedReceiver --port 9100 --limit 190/PT10S --max-batch 100 --latency-ms 150
 * curl -s localhost:9100/stats
 * </pre>
 *
 * <p>Thread-safe. Handler threads come from a fixed pool of {@link ReceiverConfig#threads()}.
 */
public final class PacedReceiver implements AutoCloseable {
    /**
     * The JDK server writes a response's headers and body as separate segments; with Nagle on, the body waits for
     * the client's delayed ACK, about 40 ms per request (performance.md 5.2). {@code sun.net.httpserver.ServerConfig}
     * reads this property once, when the JVM's first {@code HttpServer} is created, so it is set here, before this
     * class can create one; a JVM that already started a JDK {@code HttpServer} without it keeps Nagle on. An
     * explicit {@code -Dsun.net.httpserver.nodelay=false} is respected (to measure the difference).
     */
    public static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Random draws;
    private final ReceiverLedger ledger = new ReceiverLedger();
    private volatile ReceiverConfig config;

    private PacedReceiver(ReceiverConfig config, Clock clock, Sleeper sleeper) throws IOException {
        this.config = config;
        this.clock = clock;
        this.sleeper = sleeper;
        this.draws = new Random(config.seed());
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "paced-receiver-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts on the real clock, sleeping for real. */
    public static PacedReceiver start(ReceiverConfig config) {
        return start(config, Clock.systemUTC(), Sleeper.REAL);
    }

    /** Starts with an injected clock (windows, timestamps) and sleeper (latency). */
    public static PacedReceiver start(ReceiverConfig config, Clock clock, Sleeper sleeper) {
        try {
            return new PacedReceiver(
                    Objects.requireNonNull(config, "config"),
                    Objects.requireNonNull(clock, "clock"),
                    Objects.requireNonNull(sleeper, "sleeper"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the receiver on " + config.host() + ":" + config.port(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port} plus {@code path}, e.g. {@code url("/hook")}. */
    public String url(String path) {
        return "http://" + config.host() + ":" + port() + path;
    }

    public URI uri(String path) {
        return URI.create(url(path));
    }

    public ReceiverConfig config() {
        return config;
    }

    /**
     * Changes the behaviour while running, e.g. lowers the rate limit mid-run. Host, port, threads and seed keep
     * their values from the start; the window counts continue (a new window length starts a new window).
     */
    public void reconfigure(UnaryOperator<ReceiverConfig> change) {
        ReceiverConfig current = config;
        ReceiverConfig next = change.apply(current);
        config = next.toBuilder()
                .host(current.host())
                .port(current.port())
                .threads(current.threads())
                .seed(current.seed())
                .build();
    }

    public ReceiverStats stats() {
        return ledger.snapshot(config);
    }

    /** Present keys and their merged fields (removed keys are absent), sorted by key. */
    public Map<String, Map<String, Object>> state() {
        return ledger.state();
    }

    /** Keys whose last applied change is a remove, sorted. */
    public List<String> removedKeys() {
        return ledger.removed();
    }

    /** Records processed per key (confirmed or rejected), sorted by key. */
    public Map<String, Integer> receipts() {
        return ledger.receipts();
    }

    public int receipts(String key) {
        return ledger.receipts(key);
    }

    /** Clears state and stats (requests in flight still finish and are counted). */
    public void reset() {
        ledger.reset();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (method.equals("POST")) {
                ingest(exchange);
            } else if (method.equals("GET") && path.equals("/stats")) {
                sendJson(exchange, 200, stats().toMap());
            } else if (method.equals("GET") && path.equals("/state")) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("state", state());
                body.put("removed", removedKeys());
                sendJson(exchange, 200, body);
            } else if (method.equals("GET") && path.equals("/receipts")) {
                sendJson(exchange, 200, receipts());
            } else if (method.equals("DELETE") && path.equals("/state")) {
                reset();
                exchange.sendResponseHeaders(204, -1);
            } else {
                sendJson(
                        exchange,
                        405,
                        error(
                                "method_not_allowed",
                                "POST a batch to any path; GET /stats, /state, " + "/receipts; DELETE /state"));
            }
        } finally {
            exchange.close(); // before any answer was sent, this closes the connection: a dropped request
        }
    }

    private void ingest(HttpExchange exchange) throws IOException {
        ReceiverConfig cfg = config;
        ledger.begin(clock.instant());
        boolean finished = false;
        try {
            byte[] body = readAtMost(exchange.getRequestBody(), cfg.maxBodyBytes() + 1);
            Duration wait = ledger.admit(clock.instant(), body.length, cfg.limit(), cfg.window());
            if (!wait.isZero()) {
                long seconds = (wait.toMillis() + 999) / 1000;
                exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
                finished = answer(
                        exchange,
                        429,
                        error(
                                "rate_limited",
                                "at most " + cfg.limit() + " requests per " + cfg.window() + "; retry in " + seconds
                                        + " s"));
                return;
            }
            double fault;
            double slow;
            synchronized (draws) {
                fault = draws.nextDouble();
                slow = draws.nextDouble();
            }
            if (fault < cfg.fault5xx()) {
                finished = answer(exchange, 503, error("unavailable", "injected fault"));
                return;
            }
            if (fault < cfg.fault5xx() + cfg.faultDrop()) {
                finished = drop();
                return;
            }
            boolean dropAfterApply = fault < cfg.fault5xx() + cfg.faultDrop() + cfg.faultDropAfterApply();
            if (body.length > cfg.maxBodyBytes()) {
                finished = answer(
                        exchange,
                        413,
                        error("payload_too_large", "bodies are limited to " + cfg.maxBodyBytes() + " bytes"));
                return;
            }
            if (cfg.signingSecret() != null) {
                String problem = signatureProblem(exchange, body, cfg);
                if (problem != null) {
                    finished = answer(exchange, 401, error("invalid_signature", problem));
                    return;
                }
            }
            Batch batch;
            try {
                batch = parse(body, exchange.getRequestHeaders().getFirst("webhook-id"));
            } catch (IllegalArgumentException e) {
                finished = answer(exchange, 400, error("invalid_batch", e.getMessage()));
                return;
            }
            if (batch.records().size() > cfg.maxRecords()) {
                ledger.oversizedBatch();
                finished = answer(
                        exchange,
                        400,
                        error(
                                "too_many_records",
                                "at most " + cfg.maxRecords() + " records per request, got "
                                        + batch.records().size()));
                return;
            }
            Duration latency = slow < cfg.slowFraction() ? cfg.slowLatency() : cfg.latency();
            if (!latency.isZero()) {
                try {
                    sleeper.sleep(latency);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // closing: the connection is dropped below
                }
            }
            if (cfg.rejectWholeBatch()) {
                List<String> bad = batch.records().stream()
                        .filter(r -> cfg.rejections().stream()
                                .anyMatch(rule -> rule.matches().test(r)))
                        .map(ReceivedRecord::key)
                        .toList();
                if (!bad.isEmpty()) {
                    finished = answer(
                            exchange,
                            422,
                            error("invalid_records", bad.size() + " invalid record(s) in the batch; nothing applied"));
                    return;
                }
            }
            List<ReceiverLedger.Result> results = ledger.apply(batch.id(), batch.records(), cfg.rejections());
            if (dropAfterApply) {
                finished = drop();
                return;
            }
            if (!cfg.alwaysReturnResults() && results.stream().allMatch(ReceiverLedger.Result::ok)) {
                finished = answer(exchange, 204, null);
            } else {
                finished = answer(
                        exchange,
                        200,
                        Map.of(
                                "results",
                                results.stream().map(PacedReceiver::result).toList()));
            }
        } finally {
            if (!finished) {
                ledger.dropped(); // the client went away, or the receiver is closing
            }
        }
    }

    /**
     * Counts the answer, then sends it. A client that has gone away meanwhile does not change the count: the
     * receiver did decide (and, for a 2xx, apply) it. Always true: the request is accounted for.
     */
    private boolean answer(HttpExchange exchange, int status, Object json) {
        ledger.answered(status, clock.instant());
        try {
            if (json == null) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                sendJson(exchange, status, json);
            }
        } catch (IOException e) {
            // the client is gone; nothing to tell it
        }
        return true;
    }

    /** Closing an exchange before sending headers closes the connection: the client sees no answer. */
    private boolean drop() {
        ledger.dropped();
        return true;
    }

    private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, Object> error(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        return body;
    }

    private static Map<String, Object> result(ReceiverLedger.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recordKey", r.key());
        m.put("status", r.ok() ? "ok" : "rejected");
        if (!r.ok()) {
            m.put("code", r.code());
            m.put("message", r.message());
        }
        return m;
    }

    private static byte[] readAtMost(InputStream in, long max) throws IOException {
        return in.readNBytes((int) Math.min(max, Integer.MAX_VALUE - 8));
    }

    private record Batch(String id, List<ReceivedRecord> records) {}

    private static Batch parse(byte[] body, String webhookId) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("the body must be a JSON object");
        JsonNode records = root.path("records");
        if (!records.isArray()) throw new IllegalArgumentException("records must be an array");
        List<ReceivedRecord> parsed = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            JsonNode key = r.path("recordKey");
            JsonNode kind = r.path("kind");
            JsonNode fields = r.path("fields");
            if (!key.isTextual() || !kind.isTextual()) {
                throw new IllegalArgumentException("records[" + i + "] needs a string recordKey and kind");
            }
            if (!fields.isMissingNode() && !fields.isNull() && !fields.isObject()) {
                throw new IllegalArgumentException("records[" + i + "].fields must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> values = fields.isObject() ? JSON.convertValue(fields, LinkedHashMap.class) : Map.of();
            parsed.add(new ReceivedRecord(key.asText(), r.path("learnerKey").asText(null), kind.asText(), values));
        }
        String id = webhookId != null ? webhookId : root.path("batchId").asText(null);
        return new Batch(id, parsed);
    }

    /** Standard Webhooks: HMAC-SHA256 over {@code id.timestamp.body}, any {@code v1,<base64>} may match. */
    private String signatureProblem(HttpExchange exchange, byte[] body, ReceiverConfig cfg) {
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
        String signatures = exchange.getRequestHeaders().getFirst("webhook-signature");
        if (id == null || timestamp == null || signatures == null) {
            return "webhook-id, webhook-timestamp and webhook-signature are required";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return "webhook-timestamp is not epoch seconds";
        }
        Duration skew = Duration.between(Instant.ofEpochSecond(seconds), clock.instant())
                .abs();
        if (skew.compareTo(cfg.timestampTolerance()) > 0) {
            return "webhook-timestamp is " + skew.toSeconds() + " s away from the receiver's clock";
        }
        byte[] expected =
                hmac(key(cfg.signingSecret()), (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
        for (String signature : signatures.trim().split(" +")) {
            if (!signature.startsWith("v1,")) continue;
            byte[] given;
            try {
                given = Base64.getDecoder().decode(signature.substring(3));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) return null;
        }
        return "no v1 signature matches";
    }

    private static byte[] key(String secret) {
        return secret.startsWith("whsec_")
                ? Base64.getDecoder().decode(secret.substring("whsec_".length()))
                : secret.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * Run on the test classpath, JBoss LogManager (a Quarkus dependency) serves the JDK server's System.Logger and
     * warns unless it is also the java.util.logging manager; make it so, as surefire does.
     */
    private static void quietJdkLogging() {
        String manager = "org.jboss.logmanager.LogManager";
        if (System.getProperty("java.util.logging.manager") != null) return;
        try {
            Class.forName(manager, false, PacedReceiver.class.getClassLoader());
            System.setProperty("java.util.logging.manager", manager);
        } catch (ClassNotFoundException e) {
            // not on the classpath: the JDK's own logging is used, quietly
        }
    }

    /** Runs as a separate process; flags in {@link ReceiverConfig#USAGE}. */
    public static void main(String[] args) throws InterruptedException, JsonProcessingException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(ReceiverConfig.USAGE);
            return;
        }
        quietJdkLogging();
        ReceiverConfig config;
        try {
            config = ReceiverConfig.fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(ReceiverConfig.USAGE);
            System.exit(2);
            return;
        }
        PacedReceiver receiver = start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                System.out.println("FINAL "
                                        + JSON.writeValueAsString(
                                                receiver.stats().toMap()));
                            } catch (JsonProcessingException e) {
                                System.out.println("FINAL (stats not serializable: " + e.getMessage() + ")");
                            }
                            System.out.flush();
                            receiver.close();
                            stopped.countDown();
                        },
                        "paced-receiver-shutdown"));
        System.out.println(
                "PacedReceiver " + config + ", " + NODELAY_PROPERTY + "=" + System.getProperty(NODELAY_PROPERTY));
        System.out.println("READY port=" + receiver.port());
        System.out.flush();
        stopped.await();
    }
}
