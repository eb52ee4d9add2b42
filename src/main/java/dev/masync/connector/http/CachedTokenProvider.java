package dev.masync.connector.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An OAuth token fetched on demand and cached until shortly before it expires (HubSpot's OAuth tokens live 30
 * minutes, Salesforce sessions until revoked or timed out). Thread-safe: a fresh cached token is read without a
 * lock; fetching takes the lock, so there is one fetch at a time and threads that waited reuse its token.
 */
public final class CachedTokenProvider implements TokenProvider {

    /**
     * The vendor's token call (client credentials, refresh token, JWT bearer…). Called under the provider's lock.
     * Throws a {@link dev.masync.connector.spi.DestinationException} when no token can be had.
     */
    @FunctionalInterface
    public interface TokenFetcher {
        AccessToken fetch();
    }

    private final TokenFetcher fetcher;
    private final Clock clock;
    private final Duration refreshBefore;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile AccessToken cached;

    /**
     * @param refreshBefore how long before its expiry a token is replaced, so that no request leaves with a token
     *     that expires on the way (e.g. 60 s)
     */
    public CachedTokenProvider(TokenFetcher fetcher, Clock clock, Duration refreshBefore) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshBefore = Objects.requireNonNull(refreshBefore, "refreshBefore");
        if (refreshBefore.isNegative()) throw new IllegalArgumentException("refreshBefore is negative");
    }

    @Override
    public AccessToken token() {
        AccessToken current = cached;
        if (fresh(current)) return current;
        lock.lock();
        try {
            if (fresh(cached)) return cached; // another thread fetched while we waited
            cached = fetch();
            return cached;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<AccessToken> refresh(String rejected) {
        lock.lock();
        try {
            AccessToken current = cached;
            if (current != null && !current.value().equals(rejected) && fresh(current)) {
                return Optional.of(current); // already replaced by another thread's refresh
            }
            cached = fetch();
            return Optional.of(cached);
        } finally {
            lock.unlock();
        }
    }

    private AccessToken fetch() {
        return Objects.requireNonNull(fetcher.fetch(), "the token fetcher returned no token");
    }

    private boolean fresh(AccessToken token) {
        if (token == null) return false;
        Optional<Instant> expiresAt = token.expiresAt();
        return expiresAt.isEmpty() || clock.instant().isBefore(expiresAt.get().minus(refreshBefore));
    }
}
