package dev.masync.testing.vendor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters of a vendor fake, for benchmarks that run it as its own process ({@link VendorFakeMain}) and read them over
 * HTTP: {@code GET /__fake/stats[?window=ms]} answers {@link #toMap}; {@code POST /__fake/reset} zeroes the counters
 * (not what the fake holds); {@code POST /__fake/faults} with {@code {"serverErrorRate": 0.01, "serverErrorStatus":
 * 503, "burst": 5, "burstAt": 300}} replaces the fault plan: a seeded random 5xx rate and one throttle burst of that
 * many requests starting at the API request numbered {@code burstAt} (1-based, counted since the last reset).
 *
 * <p>Only API requests count (token endpoints do not). Times are epoch milliseconds on the fake's clock. Thread-safe.
 */
public final class FakeStats {
    public static final String CONTROL_PREFIX = "/__fake/";

    private long requests;
    private long ok;
    private long throttles;
    private long injectedThrottles;
    private long injectedServerErrors;
    private long serverErrors;
    private long clientErrors;
    private long dropped;
    private long records;
    private long firstRequestAt = -1;
    private long lastOkAt = -1;
    private long lastAnswerAt = -1;
    private int inFlight;
    private int maxInFlight;
    /** Arrival times of requests not throttled (what the vendor's window admitted). */
    private long[] admitted = new long[1024];

    private int admittedCount;
    /** The waits the vendor asked for ({@code Retry-After} on throttle answers), as a union of intervals. */
    private long askedWaitMs;

    private long askedUntil = -1;
    private long askedRetryAfters;
    private long burstAt = -1;
    private int burstCount;
    private Fault burstFault;

    synchronized void arrived(long at, FaultPlan faults) {
        requests++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (firstRequestAt < 0) firstRequestAt = at;
        if (burstFault != null && requests == burstAt) {
            faults.burst(burstCount, burstFault);
            burstFault = null;
        }
    }

    synchronized void answered(
            long arrivedAt, long at, int status, boolean throttled, String retryAfter, String faultLabel) {
        inFlight--;
        lastAnswerAt = at;
        if (faultLabel != null && faultLabel.startsWith(Fault.Kind.THROTTLE.name())) injectedThrottles++;
        if (faultLabel != null && faultLabel.startsWith(Fault.Kind.SERVER_ERROR.name())) injectedServerErrors++;
        if (status < 0) {
            dropped++;
        } else if (throttled) {
            throttles++;
            long wait = seconds(retryAfter);
            if (wait > 0) {
                askedRetryAfters++;
                long end = at + wait * 1000;
                if (at >= askedUntil) {
                    askedWaitMs += end - at;
                } else if (end > askedUntil) {
                    askedWaitMs += end - askedUntil;
                }
                askedUntil = Math.max(askedUntil, end);
            }
        } else if (status / 100 == 2) {
            ok++;
            lastOkAt = at;
        } else if (status / 100 == 5) {
            serverErrors++;
        } else {
            clientErrors++;
        }
        if (!throttled) {
            if (admittedCount == admitted.length) admitted = Arrays.copyOf(admitted, admittedCount * 2);
            admitted[admittedCount++] = arrivedAt;
        }
    }

    synchronized void records(long n) {
        records += n;
    }

    synchronized void scheduleBurst(long atRequest, int count, Fault fault) {
        burstAt = Math.max(1, atRequest);
        burstCount = count;
        burstFault = fault;
    }

    synchronized void clearScheduledBurst() {
        burstFault = null;
    }

    public synchronized void reset() {
        requests = ok = throttles = injectedThrottles = injectedServerErrors = serverErrors = clientErrors = 0;
        dropped = records = askedWaitMs = askedRetryAfters = 0;
        firstRequestAt = lastOkAt = lastAnswerAt = askedUntil = -1;
        maxInFlight = inFlight;
        admittedCount = 0;
    }

    public synchronized long requests() {
        return requests;
    }

    public synchronized long records() {
        return records;
    }

    public synchronized long throttles() {
        return throttles;
    }

    /** The most requests admitted (not throttled) whose arrivals fall in any window of {@code windowMs}. */
    public synchronized int maxAdmittedInWindow(long windowMs) {
        long[] a = Arrays.copyOf(admitted, admittedCount);
        Arrays.sort(a);
        int best = 0;
        int from = 0;
        for (int i = 0; i < a.length; i++) {
            while (a[i] - a[from] >= windowMs) from++;
            best = Math.max(best, i - from + 1);
        }
        return best;
    }

    public synchronized Map<String, Object> toMap(long windowMs, Map<String, Object> held) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", requests);
        m.put("ok", ok);
        m.put("records", records);
        m.put("throttles", throttles);
        m.put("injectedThrottles", injectedThrottles);
        m.put("serverErrors", serverErrors);
        m.put("injectedServerErrors", injectedServerErrors);
        m.put("clientErrors", clientErrors);
        m.put("dropped", dropped);
        m.put("firstRequestAt", firstRequestAt);
        m.put("lastOkAt", lastOkAt);
        m.put("lastAnswerAt", lastAnswerAt);
        m.put("inFlight", inFlight);
        m.put("maxInFlight", maxInFlight);
        m.put("windowMs", windowMs);
        m.put("maxAdmittedInWindow", maxAdmittedInWindow(windowMs));
        m.put("askedRetryAfters", askedRetryAfters);
        m.put("askedWaitMs", askedWaitMs);
        m.put("held", held);
        return m;
    }

    private static long seconds(String retryAfter) {
        if (retryAfter == null) return 0;
        try {
            return Long.parseLong(retryAfter.trim());
        } catch (NumberFormatException e) {
            return 0; // an HTTP date: the fakes never send one
        }
    }
}
