package dev.masync.testing.receiver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a {@link PacedReceiver} behaves. Build with {@link #builder()}, or from command-line flags with
 * {@link #fromArgs(String...)} (see {@link #USAGE}). Defaults: loopback, a free port, 16 threads, no rate limit
 * (stats per 1 s window), no batch or latency limits, no faults, no signature check, no rejections.
 *
 * @param host                 address to bind
 * @param port                 0 picks a free port
 * @param threads              handler threads; a request holds one for its whole latency, so size it to
 *                             at least the in-flight requests the client may send
 * @param limit                requests admitted per window; {@link Integer#MAX_VALUE} = unlimited
 * @param window               fixed window, aligned on the receiver clock's epoch (a 10 s window runs
 *                             :00–:10, :10–:20…); also the unit of the per-window maxima in the stats
 * @param maxRecords           records per request; more → 400 {@code too_many_records}
 * @param maxBodyBytes         body size; more → 413
 * @param latency              added to every admitted request before it is applied and answered
 * @param slowFraction         probability that an admitted request takes {@code slowLatency} instead
 * @param slowLatency          latency of a slow request (make it exceed the client's timeout to simulate one)
 * @param fault5xx             probability of answering an admitted request with 503 (nothing applied)
 * @param faultDrop            probability of closing the connection without an answer, nothing applied
 * @param faultDropAfterApply  probability of applying the batch and then closing the connection without an
 *                             answer: the client sees a failure although the receiver has the data (a lost ack)
 * @param seed                 seeds the fault and slow draws: one draw each per admitted request, in arrival order
 * @param signingSecret        Standard Webhooks secret ({@code whsec_<base64>} or plain UTF-8, as the
 *                             connector treats it); {@code null} = no check. Masked in {@link #toString()}.
 * @param timestampTolerance   with a secret: a {@code webhook-timestamp} further than this from the receiver's
 *                             clock → 401
 * @param rejections           per-record rules, first match wins; a rejected record is not applied
 * @param alwaysReturnResults  answer 200 with a {@code results} array even when every record is ok (otherwise
 *                             such a batch gets an empty 204, which the connector reads as "all confirmed")
 */
public record ReceiverConfig(
        String host,
        int port,
        int threads,
        int limit,
        Duration window,
        int maxRecords,
        long maxBodyBytes,
        Duration latency,
        double slowFraction,
        Duration slowLatency,
        double fault5xx,
        double faultDrop,
        double faultDropAfterApply,
        long seed,
        String signingSecret,
        Duration timestampTolerance,
        List<RejectRule> rejections,
        boolean alwaysReturnResults,
        boolean rejectWholeBatch) {

    public static final String USAGE = """
            PacedReceiver: a fake, rate-limited webhook destination.
              --port N                 port to bind (default 0 = free port; printed as 'READY port=N')
              --host ADDR              address to bind (default 127.0.0.1)
              --threads N              handler threads (default 16)
              --limit N/WINDOW         fixed-window rate limit, e.g. 190/PT10S or 190/10s (default unlimited)
              --window WINDOW          stats window when no limit is set (default 1s)
              --max-batch N            records per request, over → 400 (default unlimited)
              --max-bytes N            body bytes, over → 413 (default 64 MiB)
              --latency-ms N           latency of every admitted request (default 0)
              --slow F --slow-ms N     fraction F of admitted requests take N ms instead
              --fault-5xx P            probability of 503
              --fault-drop P           probability of closing the connection, nothing applied
              --fault-drop-after P     probability of applying, then closing the connection (lost ack)
              --seed N                 seed of the fault draws (default 42)
              --secret S               verify Standard Webhooks signatures with S (whsec_… or plain)
              --secret-env NAME        the same, read from environment variable NAME
              --tolerance WINDOW       signature timestamp tolerance (default PT5M)
              --reject-keys REGEX      reject records whose key matches REGEX (fully) …
              --reject-code CODE       … with this code (default invalid_email)
              --always-results         answer every batch with a results array
            Endpoints: POST <any path> ingests a batch; GET /stats; GET /state; GET /receipts;
            DELETE /state clears state and stats.
            """;

    /** Rejects matching records with {@code {"status":"rejected","code":code,"message":message}}. */
    public record RejectRule(String description, Predicate<ReceivedRecord> matches, String code, String message) {
        public RejectRule {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(matches, "matches");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return description + " → " + code;
        }
    }

    public ReceiverConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(slowLatency, "slowLatency");
        Objects.requireNonNull(timestampTolerance, "timestampTolerance");
        rejections = List.copyOf(Objects.requireNonNull(rejections, "rejections"));
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("port " + port);
        if (threads < 1) throw new IllegalArgumentException("threads must be ≥ 1");
        if (limit < 1) throw new IllegalArgumentException("limit must be ≥ 1");
        if (window.toMillis() < 1) throw new IllegalArgumentException("window must be ≥ 1 ms");
        if (maxRecords < 1) throw new IllegalArgumentException("maxRecords must be ≥ 1");
        if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be ≥ 1");
        if (latency.isNegative() || slowLatency.isNegative()) throw new IllegalArgumentException("negative latency");
        probability("slowFraction", slowFraction);
        probability("fault5xx", fault5xx);
        probability("faultDrop", faultDrop);
        probability("faultDropAfterApply", faultDropAfterApply);
        if (fault5xx + faultDrop + faultDropAfterApply > 1) {
            throw new IllegalArgumentException("fault probabilities add up to more than 1");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public boolean isRateLimited() {
        return limit != Integer.MAX_VALUE;
    }

    @Override
    public String toString() {
        return "ReceiverConfig[host=" + host + ", port=" + port + ", threads=" + threads
                + ", limit=" + (isRateLimited() ? limit + "/" + window : "none (window " + window + ")")
                + ", maxRecords=" + (maxRecords == Integer.MAX_VALUE ? "none" : maxRecords)
                + ", maxBodyBytes=" + maxBodyBytes + ", latency=" + latency
                + ", slow=" + slowFraction + "×" + slowLatency
                + ", fault5xx=" + fault5xx + ", faultDrop=" + faultDrop + ", faultDropAfterApply=" + faultDropAfterApply
                + ", seed=" + seed + ", signingSecret=" + (signingSecret == null ? "none" : "****")
                + ", timestampTolerance=" + timestampTolerance + ", rejections=" + rejections
                + ", alwaysReturnResults=" + alwaysReturnResults + ", rejectWholeBatch=" + rejectWholeBatch + "]";
    }

    /** Parses the flags of {@link #USAGE}; unknown flags and bad values throw {@link IllegalArgumentException}. */
    public static ReceiverConfig fromArgs(String... args) {
        Builder b = builder();
        String rejectKeys = null;
        String rejectCode = "invalid_email";
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--always-results")) {
                b.alwaysReturnResults(true);
                continue;
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
            String value = args[++i];
            try {
                switch (flag) {
                    case "--port" -> b.port(Integer.parseInt(value));
                    case "--host" -> b.host(value);
                    case "--threads" -> b.threads(Integer.parseInt(value));
                    case "--limit" -> {
                        int slash = value.indexOf('/');
                        if (slash < 0) throw new IllegalArgumentException("--limit takes N/WINDOW, e.g. 190/PT10S");
                        b.rateLimit(Integer.parseInt(value.substring(0, slash)), duration(value.substring(slash + 1)));
                    }
                    case "--window" -> b.window(duration(value));
                    case "--max-batch" -> b.maxRecords(Integer.parseInt(value));
                    case "--max-bytes" -> b.maxBodyBytes(Long.parseLong(value));
                    case "--latency-ms" -> b.latency(Duration.ofMillis(Long.parseLong(value)));
                    case "--slow" -> b.slowFraction(Double.parseDouble(value));
                    case "--slow-ms" -> b.slowLatency(Duration.ofMillis(Long.parseLong(value)));
                    case "--fault-5xx" -> b.fault5xx(Double.parseDouble(value));
                    case "--fault-drop" -> b.faultDrop(Double.parseDouble(value));
                    case "--fault-drop-after" -> b.faultDropAfterApply(Double.parseDouble(value));
                    case "--seed" -> b.seed(Long.parseLong(value));
                    case "--secret" -> b.signingSecret(value);
                    case "--secret-env" -> {
                        String secret = System.getenv(value);
                        if (secret == null) {
                            throw new IllegalArgumentException("environment variable " + value + " is not set");
                        }
                        b.signingSecret(secret);
                    }
                    case "--tolerance" -> b.timestampTolerance(duration(value));
                    case "--reject-keys" -> rejectKeys = value;
                    case "--reject-code" -> rejectCode = value;
                    default -> throw new IllegalArgumentException("unknown flag " + flag);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + ": not a number: " + value, e);
            }
        }
        if (rejectKeys != null) {
            b.rejectKeys(Pattern.compile(rejectKeys), rejectCode);
        }
        return b.build();
    }

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** An ISO-8601 duration ({@code PT10S}) or a short one ({@code 500ms}, {@code 10s}, {@code 1m}, {@code 1h}). */
    static Duration duration(String text) {
        Matcher m = SHORT_DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a duration: " + text + " (use PT10S or 10s)", e);
        }
    }

    private static void probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(name + " must be in [0, 1]: " + p);
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int threads = 16;
        private int limit = Integer.MAX_VALUE;
        private Duration window = Duration.ofSeconds(1);
        private int maxRecords = Integer.MAX_VALUE;
        private long maxBodyBytes = 64L << 20;
        private Duration latency = Duration.ZERO;
        private double slowFraction;
        private Duration slowLatency = Duration.ZERO;
        private double fault5xx;
        private double faultDrop;
        private double faultDropAfterApply;
        private long seed = 42;
        private String signingSecret;
        private Duration timestampTolerance = Duration.ofMinutes(5);
        private final List<RejectRule> rejections = new ArrayList<>();
        private boolean alwaysReturnResults;
        private boolean rejectWholeBatch;

        private Builder() {}

        private Builder(ReceiverConfig c) {
            host = c.host;
            port = c.port;
            threads = c.threads;
            limit = c.limit;
            window = c.window;
            maxRecords = c.maxRecords;
            maxBodyBytes = c.maxBodyBytes;
            latency = c.latency;
            slowFraction = c.slowFraction;
            slowLatency = c.slowLatency;
            fault5xx = c.fault5xx;
            faultDrop = c.faultDrop;
            faultDropAfterApply = c.faultDropAfterApply;
            seed = c.seed;
            signingSecret = c.signingSecret;
            timestampTolerance = c.timestampTolerance;
            rejections.addAll(c.rejections);
            alwaysReturnResults = c.alwaysReturnResults;
            rejectWholeBatch = c.rejectWholeBatch;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** At most {@code requests} admitted per fixed {@code window}; the rest get 429 with Retry-After. */
        public Builder rateLimit(int requests, Duration window) {
            this.limit = requests;
            this.window = window;
            return this;
        }

        /** No rate limit (the default). */
        public Builder unlimited() {
            this.limit = Integer.MAX_VALUE;
            return this;
        }

        /** The stats window, when there is no rate limit. */
        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        public Builder maxRecords(int maxRecords) {
            this.maxRecords = maxRecords;
            return this;
        }

        public Builder maxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder latency(Duration latency) {
            this.latency = latency;
            return this;
        }

        /** A fraction of admitted requests takes {@code latency} instead of the usual one. */
        public Builder slow(double fraction, Duration latency) {
            this.slowFraction = fraction;
            this.slowLatency = latency;
            return this;
        }

        public Builder slowFraction(double fraction) {
            this.slowFraction = fraction;
            return this;
        }

        public Builder slowLatency(Duration latency) {
            this.slowLatency = latency;
            return this;
        }

        public Builder fault5xx(double probability) {
            this.fault5xx = probability;
            return this;
        }

        public Builder faultDrop(double probability) {
            this.faultDrop = probability;
            return this;
        }

        public Builder faultDropAfterApply(double probability) {
            this.faultDropAfterApply = probability;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder signingSecret(String secret) {
            this.signingSecret = secret;
            return this;
        }

        public Builder timestampTolerance(Duration tolerance) {
            this.timestampTolerance = tolerance;
            return this;
        }

        public Builder reject(RejectRule rule) {
            rejections.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Drops every rejection rule: the receiver accepts every well-formed record. */
        public Builder acceptAll() {
            rejections.clear();
            return this;
        }

        /** Rejects records whose key matches {@code keys} with {@code code}. */
        public Builder rejectKeys(Predicate<String> keys, String code, String message) {
            return reject(new RejectRule("key matches a predicate", r -> keys.test(r.key()), code, message));
        }

        /** Rejects records whose whole key matches {@code regex} with {@code code}. */
        public Builder rejectKeys(Pattern regex, String code) {
            return reject(new RejectRule(
                    "key matches /" + regex + "/",
                    r -> regex.matcher(r.key()).matches(),
                    code,
                    "the receiver rejects keys matching /" + regex + "/"));
        }

        public Builder alwaysReturnResults(boolean always) {
            this.alwaysReturnResults = always;
            return this;
        }

        /**
         * A batch holding any record a rejection rule matches is refused as a whole (422 {@code invalid_records},
         * nothing applied), as many vendor APIs do, instead of per-record results.
         */
        public Builder rejectWholeBatch(boolean whole) {
            this.rejectWholeBatch = whole;
            return this;
        }

        public ReceiverConfig build() {
            return new ReceiverConfig(
                    host,
                    port,
                    threads,
                    limit,
                    window,
                    maxRecords,
                    maxBodyBytes,
                    latency,
                    slowFraction,
                    slowLatency,
                    fault5xx,
                    faultDrop,
                    faultDropAfterApply,
                    seed,
                    signingSecret,
                    timestampTolerance,
                    rejections,
                    alwaysReturnResults,
                    rejectWholeBatch);
        }
    }
}
