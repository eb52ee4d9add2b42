package dev.masync.connector.spi;

/**
 * A push that failed as a whole. Exactly two kinds exist; per-record failures are not exceptions but
 * {@link RecordOutcome#rejected rejections}.
 */
public abstract sealed class DestinationException extends RuntimeException
        permits RetryableException, PermanentException {
    protected DestinationException(String message, Throwable cause) {
        super(message, cause);
    }
}
