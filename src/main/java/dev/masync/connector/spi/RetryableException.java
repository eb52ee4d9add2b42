package dev.masync.connector.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The batch failed for a reason that may pass: timeout, connection reset, throttling, a server error or a
 * response the connector could not read. The engine sends the same batch again, not before
 * {@link #retryAfter()} when present. Connectors throw it; they never wait themselves.
 */
public final class RetryableException extends DestinationException {
    private final Duration retryAfter;

    public RetryableException(String message) {
        this(message, null, null);
    }

    public RetryableException(String message, Duration retryAfter, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        if (retryAfter != null && retryAfter.isNegative()) throw new IllegalArgumentException("negative retryAfter");
        this.retryAfter = retryAfter;
    }

    /** The least delay the destination asked for, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
