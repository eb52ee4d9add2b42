package dev.masync.platform;

/**
 * A failure of the domain that a caller can act on: a stable {@code code} and a {@link Kind}, no HTTP. The REST layer
 * maps it to a problem in one place ({@code ProblemMappers}); background work records its message as the reason.
 */
public class DomainException extends RuntimeException {
    /** What kind of failure, independent of the transport. */
    public enum Kind {
        NOT_FOUND,
        CONFLICT,
        UNAVAILABLE
    }

    private final Kind kind;
    private final String code;

    public DomainException(Kind kind, String code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }
}
