package dev.masync.connector.http;

import java.util.Optional;

/**
 * Where an HTTP connector gets its bearer token. Implementations are thread-safe: many pushes share one provider
 * per destination account.
 */
public interface TokenProvider {

    /**
     * A token to send now; fetches or refreshes one first when there is none or it is about to expire.
     *
     * @throws dev.masync.connector.spi.DestinationException when no token can be had (revoked credentials:
     *     permanent {@code AUTH}; the token endpoint is down: retryable)
     */
    AccessToken token();

    /**
     * A token to replace {@code rejected}, which the vendor refused (401). When another thread already replaced
     * it, answers that newer token without fetching again, so concurrent 401s cause one refresh. Empty when this
     * provider cannot refresh (a static token): the 401 then stands as an auth failure.
     */
    Optional<AccessToken> refresh(String rejected);
}
