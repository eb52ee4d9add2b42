package dev.masync.destination;

import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.SecretResolver;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A configured destination: an instance of a connector {@code type} with its settings, as the sync engine uses
 * it. Settings hold secrets only as references ({@code env:NAME}, {@code file:/path}); resolve them through
 * {@link #context(SecretResolver)} at push time.
 *
 * @param key       the destination's stable identifier, {@code [a-z][a-z0-9_]{0,99}}
 * @param name      a human name
 * @param type      the connector type, a key of {@link dev.masync.connector.Connectors}
 * @param settings  the connector's settings as written (validated by the connector); ordered, immutable
 * @param batchSize the largest batch to send, when the definition narrows the connector's own limit
 * @param rateLimit how many requests the destination account accepts per period, shared by every sync using it
 * @param source    {@link #SOURCE_API} or {@link #SOURCE_FILE}
 */
public record DestinationDefinition(
        String key,
        String name,
        String type,
        Map<String, String> settings,
        Optional<Integer> batchSize,
        Optional<RateLimit> rateLimit,
        String source) {

    /** Managed through the REST API. */
    public static final String SOURCE_API = "api";
    /** Managed by a file under {@code connectors/destinations/}; read-only through REST. */
    public static final String SOURCE_FILE = "file";

    /** At most {@code requests} calls in any window of {@code per}. */
    public record RateLimit(int requests, Duration per) {
        public RateLimit {
            Objects.requireNonNull(per, "per");
            if (requests < 1) throw new IllegalArgumentException("requests must be positive: " + requests);
            if (per.isNegative() || per.isZero()) throw new IllegalArgumentException("per must be positive: " + per);
        }
    }

    public DestinationDefinition {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(batchSize, "batchSize");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(source, "source");
        settings.forEach((k, v) -> {
            Objects.requireNonNull(k, "setting name");
            Objects.requireNonNull(v, "setting " + k);
        });
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        batchSize.ifPresent(n -> {
            if (n < 1) throw new IllegalArgumentException("batchSize must be positive: " + n);
        });
    }

    /** The batch size to use with a connector: this definition's, capped by the connector's limit. */
    public int effectiveBatchSize(BatchLimits limits) {
        return Math.min(batchSize.orElse(limits.maxRecords()), limits.maxRecords());
    }

    /** What a push to this destination needs: its settings and a resolver for the secrets they reference. */
    public DestinationContext context(SecretResolver secrets) {
        return new DestinationContext(key, settings, secrets);
    }
}
