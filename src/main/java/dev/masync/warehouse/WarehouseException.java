package dev.masync.warehouse;

/**
 * A warehouse call failed. {@link Kind} tells the caller what to do: fix the query, wait and retry, or report the
 * warehouse as unavailable.
 */
public class WarehouseException extends RuntimeException {

    public enum Kind {
        /** The SQL or its parameters were rejected (a bug in compiled SQL or a rule the catalog let through). */
        INVALID_QUERY,
        /** A table or column does not exist. */
        NOT_FOUND,
        /** Throttled or a transient backend fault that outlived the client's own retries. */
        TRANSIENT,
        /** Credentials or permissions. */
        ACCESS_DENIED,
        /** The warehouse cannot be reached or opened at all. */
        UNAVAILABLE,
        /** The call would bill more bytes than its caller's budget allows; it did not run. */
        BUDGET_EXCEEDED,
        /** The call ran past its caller's time limit ({@link QueryMeter#timeout()}) and was cancelled. */
        TIMED_OUT
    }

    private final Kind kind;

    public WarehouseException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public WarehouseException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
