package dev.masync.destination;

import dev.masync.connector.Connectors;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SchemaReader;
import dev.masync.connector.spi.SecretResolver;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Destination schemas for mapping checks, read through the connector's {@link SchemaReader}.
 *
 * <ul>
 *   <li>A schema read is kept for {@code masync.connectors.schema.cache-ttl} and reused by sync saves; it belongs to
 *       the destination's type and settings as they were read with, so a changed destination is read again (and
 *       {@link #invalidate} drops it at once when a destination is saved or deleted).
 *   <li>Nobody waits longer than {@code masync.connectors.schema.read-timeout} for a read: the read runs on a small
 *       pool of its own, one at a time per destination (a second caller joins the read in progress and waits only
 *       for what is left of the timeout), and at most {@code max-concurrent-reads} at once. A slow or hanging
 *       destination makes a lookup {@link Unreadable}, it never holds the caller.
 *   <li>Failures are not kept: the next lookup reads again.
 * </ul>
 */
@ApplicationScoped
public class DestinationSchemas {
    private static final Logger LOG = Logger.getLogger(DestinationSchemas.class);

    /** What a lookup found. */
    public sealed interface Lookup permits Found, Unreadable, NotOffered {}

    /** The destination's schema, as read at {@code readAt}. */
    public record Found(DestinationSchema schema, Instant readAt) implements Lookup {
        public Found {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(readAt, "readAt");
        }
    }

    /**
     * The schema could not be read now.
     *
     * @param code    as for a probe: {@code auth}, {@code permission}, {@code invalid_config}, {@code invalid_request}
     *                (the destination refused; someone must act), {@code unavailable} (timeout, throttling, busy:
     *                try again later), {@code schema_failed} (the connector failed; see the log)
     * @param message what happened, in words for the user (never a secret)
     */
    public record Unreadable(String code, String message) implements Lookup {
        public Unreadable {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The destination's connector does not read schemas (or is not installed): nothing to check against. */
    public record NotOffered() implements Lookup {}

    private record Fingerprint(String type, Map<String, String> settings) {}

    private record Cached(Fingerprint fingerprint, DestinationSchema schema, Instant readAt) {}

    private record Flight(Fingerprint fingerprint, CompletableFuture<DestinationSchema> schema, long startedNanos) {}

    private final Connectors connectors;
    private final SecretResolver secrets;
    private final Clock clock;
    private final Duration ttl;
    private final Duration timeout;
    private final ThreadPoolExecutor readers;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Flight> flights = new ConcurrentHashMap<>();

    @Inject
    DestinationSchemas(Connectors connectors, SecretResolver secrets, Clock clock, SchemaCacheConfig config) {
        this(connectors, secrets, clock, config.cacheTtl(), config.readTimeout(), config.maxConcurrentReads());
    }

    DestinationSchemas(
            Connectors connectors,
            SecretResolver secrets,
            Clock clock,
            Duration ttl,
            Duration timeout,
            int maxConcurrentReads) {
        this.connectors = connectors;
        this.secrets = secrets;
        this.clock = clock;
        this.ttl = ttl;
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.readers = new ThreadPoolExecutor(
                0, Math.max(1, maxConcurrentReads), 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "masync-schema-read-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @PreDestroy
    void close() {
        readers.shutdownNow();
    }

    /** The destination's schema, from the cache while it is fresh, else read now (waiting at most the timeout). */
    public Lookup lookup(DestinationDefinition d) {
        Destination connector = connectors.byType(d.type()).orElse(null);
        if (!(connector instanceof SchemaReader reader)) {
            return new NotOffered();
        }
        Fingerprint fingerprint = new Fingerprint(d.type(), d.settings());
        Cached cached = cache.get(d.key());
        if (cached != null
                && cached.fingerprint().equals(fingerprint)
                && clock.instant().isBefore(cached.readAt().plus(ttl))) {
            return new Found(cached.schema(), cached.readAt());
        }
        return read(d, reader, fingerprint);
    }

    /** The destination's schema read now (joining a read in progress), for a destination test; kept when read. */
    public Lookup readNow(DestinationDefinition d) {
        Destination connector = connectors.byType(d.type()).orElse(null);
        if (!(connector instanceof SchemaReader reader)) {
            return new NotOffered();
        }
        return read(d, reader, new Fingerprint(d.type(), d.settings()));
    }

    /** Forgets what was read of a destination (it was saved or deleted). */
    public void invalidate(String destinationKey) {
        cache.remove(destinationKey);
        flights.remove(destinationKey);
    }

    private Lookup read(DestinationDefinition d, SchemaReader reader, Fingerprint fingerprint) {
        Flight flight = flights.compute(
                d.key(),
                (k, current) -> current != null
                                && current.fingerprint().equals(fingerprint)
                                && !current.schema().isDone()
                        ? current
                        : start(d, reader, fingerprint));
        long left = timeout.toNanos() - (System.nanoTime() - flight.startedNanos());
        try {
            DestinationSchema schema = flight.schema().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (schema == null) {
                throw new ExecutionException(new IllegalStateException("the connector returned no schema"));
            }
            Cached kept = cache.get(d.key());
            return new Found(schema, kept != null && kept.schema() == schema ? kept.readAt() : clock.instant());
        } catch (TimeoutException e) {
            return new Unreadable(
                    "unavailable",
                    "destination '" + d.key() + "' did not describe its fields within " + seconds(timeout)
                            + "; try again later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Unreadable(
                    "unavailable", "interrupted while reading the fields of destination '" + d.key() + "'");
        } catch (ExecutionException e) {
            return unreadable(d, e.getCause());
        }
    }

    private Flight start(DestinationDefinition d, SchemaReader reader, Fingerprint fingerprint) {
        CompletableFuture<DestinationSchema> schema;
        try {
            schema = CompletableFuture.supplyAsync(
                    () -> {
                        DestinationSchema s = reader.schema(d.context(secrets));
                        if (s != null) { // kept before the read completes: a caller that sees it done finds it
                            cache.put(d.key(), new Cached(fingerprint, s, clock.instant()));
                        }
                        return s;
                    },
                    readers);
        } catch (RejectedExecutionException e) {
            schema = CompletableFuture.failedFuture(e);
        }
        return new Flight(fingerprint, schema, System.nanoTime());
    }

    private static Lookup unreadable(DestinationDefinition d, Throwable failure) {
        if (failure instanceof PermanentException p) {
            return new Unreadable(p.code().name().toLowerCase(Locale.ROOT), p.getMessage());
        }
        if (failure instanceof RetryableException r) {
            return new Unreadable(
                    "unavailable",
                    r.getMessage()
                            + r.retryAfter()
                                    .map(Duration::toSeconds)
                                    .map(s -> "; the destination asks to wait " + s + " s")
                                    .orElse("")
                            + "; try again later");
        }
        if (failure instanceof RejectedExecutionException) {
            return new Unreadable(
                    "unavailable", "too many destination schemas are being read at once; try again in a moment");
        }
        LOG.warnf(failure, "reading the schema of destination '%s' failed", d.key());
        return new Unreadable(
                "schema_failed",
                "the " + d.type() + " connector failed to read the destination's fields ("
                        + failure.getClass().getSimpleName() + "); the logs have the details");
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
