package dev.masync.sync.run;

/**
 * The destination cannot take more now (a long Retry-After, an open circuit): the run stops sending, keeps what was
 * confirmed, and the next run sends the rest. No thread waits for it.
 */
public final class DeferredException extends RuntimeException {
    public DeferredException(String message, Throwable cause) {
        super(message, cause);
    }
}
