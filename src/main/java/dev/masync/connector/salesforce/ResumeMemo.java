package dev.masync.connector.salesforce;

import dev.masync.connector.spi.RecordChange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a push that failed part-way already achieved, so that the engine's retry of the same changes does not repeat
 * it: the outcomes of the collection calls that completed, the Bulk job still running. Keyed by a digest of the
 * changes (not the batch id), so a re-push after a restart-free deferral finds them too; entries expire after
 * {@code ttl} and are dropped once the push they belong to returns, so a later push of equal changes is sent again.
 * Only an optimisation: without it a retry re-sends everything, which upserts by external id tolerate.
 */
final class ResumeMemo<V> {
    private record Entry<V>(V value, Instant at) {}

    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration ttl;
    private final int maxEntries;

    ResumeMemo(Clock clock, Duration ttl, int maxEntries) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.maxEntries = maxEntries;
    }

    Optional<V> get(String key) {
        Entry<V> e = entries.get(key);
        if (e == null) return Optional.empty();
        if (e.at().plus(ttl).isBefore(clock.instant())) {
            entries.remove(key, e);
            return Optional.empty();
        }
        return Optional.of(e.value());
    }

    void put(String key, V value) {
        if (entries.size() >= maxEntries) {
            Instant oldest = clock.instant().minus(ttl);
            entries.entrySet().removeIf(e -> e.getValue().at().isBefore(oldest));
            if (entries.size() >= maxEntries) entries.clear(); // an optimisation only: start over
        }
        entries.put(key, new Entry<>(value, clock.instant()));
    }

    void remove(String key) {
        entries.remove(key);
    }

    int size() {
        return entries.size();
    }

    /** A digest of {@code scope} and the changes (keys, kinds, fields and values, in order). */
    static String digest(String scope, List<RecordChange> changes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(scope.getBytes(StandardCharsets.UTF_8));
            for (RecordChange c : changes) {
                sha.update((byte) 1);
                sha.update(c.destinationKey().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) c.kind().ordinal());
                for (Map.Entry<String, Object> f : c.fields().entrySet()) {
                    sha.update((byte) 2);
                    sha.update(f.getKey().getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 3);
                    sha.update(String.valueOf(f.getValue()).getBytes(StandardCharsets.UTF_8));
                    if (f.getValue() == null) sha.update((byte) 0);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
