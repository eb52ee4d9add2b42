package dev.masync.connector.spi;

import java.util.Objects;

/**
 * The batch failed and sending it again cannot succeed until a human acts; the {@link #code()} says who
 * and how.
 */
public final class PermanentException extends DestinationException {

    public enum Code {
        /** Credentials are missing, wrong, expired or revoked (HTTP 401 after any refresh). */
        AUTH,
        /** Credentials work but lack a scope or permission (HTTP 403). */
        PERMISSION,
        /** The destination settings are wrong: unknown URL (HTTP 404, 405, 410, 3xx), missing secret, unwritable directory. */
        INVALID_CONFIG,
        /**
         * The destination refuses the request as a whole (HTTP 400, 413, 422) and will refuse it again, possibly
         * because of one record: the engine splits the batch in halves until each record is confirmed or refused
         * on its own. Throw it only when the content is at fault, not the address or the credentials.
         */
        INVALID_REQUEST
    }

    private final Code code;

    public PermanentException(Code code, String message) {
        this(code, message, null);
    }

    public PermanentException(Code code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }
}
