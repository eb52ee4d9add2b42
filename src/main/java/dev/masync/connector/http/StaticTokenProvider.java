package dev.masync.connector.http;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A token that never refreshes (private-app token, API key). It is read from its supplier on every call so that a
 * rotated secret applies without a restart.
 */
public final class StaticTokenProvider implements TokenProvider {
    private final Supplier<String> token;

    public StaticTokenProvider(Supplier<String> token) {
        this.token = Objects.requireNonNull(token, "token");
    }

    @Override
    public AccessToken token() {
        return AccessToken.permanent(token.get());
    }

    /** A token that is refused stays refused: empty unless the secret changed since it was sent. */
    @Override
    public Optional<AccessToken> refresh(String rejected) {
        AccessToken current = token();
        return current.value().equals(rejected) ? Optional.empty() : Optional.of(current);
    }
}
