package dev.masync.testing.vendor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.masync.testing.receiver.Sleeper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP side shared by the vendor fakes: a JDK server on a random loopback port, a ledger of every request and its
 * answer, a {@link FaultPlan}, an injected {@link Clock} (token expiry, rate windows, job progress) and {@link Sleeper}
 * (slow answers). Subclasses route one request at a time under the fake's lock, so state changes are atomic per
 * request; only an injected delay runs outside the lock.
 */
public abstract class VendorFakeServer implements AutoCloseable {
    static {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true"); // see PacedReceiver.NODELAY_PROPERTY
        }
    }

    protected final Clock clock;
    protected final Sleeper sleeper;
    private final FaultPlan faults;
    private final List<FakeCall> ledger = new ArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor;
    /** Guards all vendor state. */
    protected final Object lock = new Object();

    private final FakeStats stats = new FakeStats();
    private volatile boolean keepLedger = true;

    protected VendorFakeServer(String name, Clock clock, Sleeper sleeper, long seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.faults = new FaultPlan(seed);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the " + name + " fake", e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port} (no trailing slash). */
    public String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port();
    }

    public String url(String path) {
        return url() + path;
    }

    public FaultPlan faults() {
        return faults;
    }

    /**
     * Counters of API requests, records written, throttle answers, 5xx and the waits the vendor asked for, also served
     * as JSON at {@code GET /__fake/stats} (see {@link FakeStats}; {@code POST /__fake/reset} zeroes them).
     */
    public FakeStats stats() {
        return stats;
    }

    /** Off: requests are no longer kept in {@link #calls()} (a long benchmark; the counters still count). */
    public void keepLedger(boolean keep) {
        this.keepLedger = keep;
    }

    /** Every request so far, in arrival order. */
    public List<FakeCall> calls() {
        synchronized (ledger) {
            return List.copyOf(ledger);
        }
    }

    /** The requests whose method and path match, e.g. {@code calls("POST", "/crm/v3/objects/contacts/batch/upsert")}. */
    public List<FakeCall> calls(String method, String pathPrefix) {
        return calls().stream()
                .filter(c -> c.method().equals(method) && c.path().startsWith(pathPrefix))
                .toList();
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

    /**
     * Answers one request: token endpoints and the like ({@link #isApiCall} false) go straight to {@link #route};
     * API requests are authenticated and metered by the vendor first ({@link #admit}: an answer ends the request),
     * then a fault is drawn and the request routed.
     */
    protected abstract boolean isApiCall(FakeExchange ex);

    /** Auth, rate limits, caps that the vendor checks before anything: returns true when {@code ex} holds an answer. */
    protected abstract boolean admit(FakeExchange ex);

    /** The normal answer (state changes included). */
    protected abstract void route(FakeExchange ex);

    /** Renders a fault that replaces the answer: server errors, throttles, and the 2xx spoilers. */
    protected abstract void renderFault(FakeExchange ex, Fault fault);

    /** Headers the vendor puts on every API answer (rate headers), after the answer was decided. */
    protected void decorate(FakeExchange ex) {}

    /**
     * The vendor's own service time for an admitted API request (e.g. Marketo's ~300 ms), waited on the fake's
     * {@link Sleeper} outside the lock while the request holds its concurrency slot. None by default.
     */
    protected java.time.Duration latency(FakeExchange ex) {
        return java.time.Duration.ZERO;
    }

    /**
     * The wait in whole seconds a throttle answer asks for, for {@link FakeStats}' {@code askedWaitMs}: its {@code
     * Retry-After} by default (null without one); a vendor that says it otherwise (Braze's {@code X-RateLimit-Reset})
     * overrides this.
     */
    protected String askedWaitSeconds(FakeExchange ex) {
        return ex.responseHeaders.get("Retry-After");
    }

    /** Called after an API request finished (e.g. to release a concurrency slot). */
    protected void release(FakeExchange ex) {}

    /** Whether {@code ex}'s answer is the vendor's throttle (HubSpot 429, Salesforce 403 {@code REQUEST_LIMIT_EXCEEDED}). */
    protected abstract boolean isThrottleAnswer(FakeExchange ex);

    /** What the fake holds, for {@code GET /__fake/stats} (e.g. the number of contacts). */
    protected abstract Map<String, Object> heldCounts();

    /** Records a write applied ({@code n} records created or updated), for {@link #stats()}. Call under the lock. */
    protected final void countRecords(long n) {
        stats.records(n);
    }

    private void serve(HttpExchange http) throws IOException {
        FakeExchange ex;
        try {
            Map<String, String> headers = new LinkedHashMap<>();
            http.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            byte[] body = http.getRequestBody().readAllBytes();
            ex = new FakeExchange(
                    http.getRequestMethod(),
                    http.getRequestURI().getRawPath(),
                    http.getRequestURI().getRawQuery(),
                    headers,
                    body);
            if (ex.path.startsWith(FakeStats.CONTROL_PREFIX)) {
                control(ex);
            } else {
                answerAndCount(ex);
            }
            if (ex.drop) return; // closing without an answer drops the connection
            if (ex.contentType != null) http.getResponseHeaders().set("Content-Type", ex.contentType);
            ex.responseHeaders.forEach((k, v) -> http.getResponseHeaders().set(k, v));
            if (ex.responseBody.length == 0) {
                http.sendResponseHeaders(ex.status, -1);
            } else {
                http.sendResponseHeaders(ex.status, ex.responseBody.length);
                try (OutputStream out = http.getResponseBody()) {
                    out.write(ex.responseBody);
                }
            }
        } catch (RuntimeException e) {
            // a bug in the fake: answer 599 so a test sees it rather than a hang
            byte[] msg = ("fake failed: " + e).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            http.sendResponseHeaders(599, msg.length);
            try (OutputStream out = http.getResponseBody()) {
                out.write(msg);
            }
        } finally {
            http.close();
        }
    }

    private void answerAndCount(FakeExchange ex) {
        boolean api = isApiCall(ex);
        long arrived = clock.millis();
        if (api) stats.arrived(arrived, faults);
        String faultLabel;
        try {
            faultLabel = answer(ex, api);
        } finally {
            if (api) release(ex);
        }
        if (api) {
            boolean throttled = isThrottleAnswer(ex);
            String retryAfter = askedWaitSeconds(ex);
            stats.answered(arrived, clock.millis(), ex.drop ? -1 : ex.status, throttled, retryAfter, faultLabel);
        }
        record(ex, faultLabel);
    }

    /** {@code GET /__fake/stats}, {@code POST /__fake/reset}, {@code POST /__fake/faults}: see {@link FakeStats}. */
    private void control(FakeExchange ex) {
        String what = ex.path.substring(FakeStats.CONTROL_PREFIX.length());
        switch (ex.method + " " + what) {
            case "GET stats" -> {
                Map<String, Object> held;
                synchronized (lock) {
                    held = heldCounts();
                }
                long window = 10_000;
                if (ex.rawQuery != null && ex.rawQuery.startsWith("window=")) {
                    window = Long.parseLong(ex.rawQuery.substring("window=".length()));
                }
                ex.json(200, FakeExchange.JSON.valueToTree(stats.toMap(window, held)));
            }
            case "POST reset" -> {
                stats.reset();
                ex.empty(204);
            }
            case "POST faults" -> {
                com.fasterxml.jackson.databind.JsonNode f = ex.json();
                if (f == null) {
                    ex.text(400, "text/plain", "a JSON body: {serverErrorRate, serverErrorStatus, burst, burstAt}");
                    return;
                }
                faults.clear();
                stats.clearScheduledBurst();
                if (f.path("serverErrorRate").asDouble(0) > 0) {
                    faults.serverErrorRate(
                            f.path("serverErrorRate").asDouble(),
                            f.path("serverErrorStatus").asInt(503));
                }
                if (f.path("burst").asInt(0) > 0) {
                    stats.scheduleBurst(
                            f.path("burstAt").asLong(0), f.path("burst").asInt(), Fault.throttle());
                }
                ex.empty(204);
            }
            default -> ex.text(404, "text/plain", "unknown control endpoint " + ex.method + " " + ex.path);
        }
    }

    private String answer(FakeExchange ex, boolean api) {
        if (!api) {
            synchronized (lock) {
                route(ex);
            }
            return null;
        }
        Fault fault;
        synchronized (lock) {
            if (admit(ex)) {
                decorate(ex);
                return null;
            }
            fault = faults.draw();
            if (fault != null && !fault.applied() && fault.kind() != Fault.Kind.SLOW) {
                renderFault(ex, fault);
                decorate(ex);
                return fault.label();
            }
        }
        java.time.Duration wait = latency(ex);
        if (fault != null && fault.kind() == Fault.Kind.SLOW) wait = wait.plus(fault.delay());
        if (!wait.isZero() && !wait.isNegative()) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.drop = true;
                return fault == null ? null : fault.label();
            }
        }
        synchronized (lock) {
            route(ex);
            if (fault != null && fault.kind() != Fault.Kind.SLOW && ex.status / 100 == 2) {
                renderFault(ex, fault); // applied, then the acknowledgement is lost or garbled
            }
            decorate(ex);
        }
        return fault == null ? null : fault.label();
    }

    private void record(FakeExchange ex, String fault) {
        if (!keepLedger) return;
        synchronized (ledger) {
            ledger.add(new FakeCall(
                    clock.instant(),
                    ex.method,
                    ex.path,
                    ex.rawQuery,
                    ex.headers,
                    ex.body,
                    ex.drop ? -1 : ex.status,
                    fault));
        }
    }

    /** Renders the vendor-neutral spoilers; returns false for kinds the vendor renders itself. */
    protected static boolean renderSpoiler(FakeExchange ex, Fault fault) {
        switch (fault.kind()) {
            case EMPTY_BODY -> ex.empty(fault.status());
            case MALFORMED_BODY -> ex.text(fault.status(), "application/json;charset=utf-8", "{\"status\":\"COMPL");
            case DROP -> ex.drop = true;
            default -> {
                return false;
            }
        }
        return true;
    }
}
