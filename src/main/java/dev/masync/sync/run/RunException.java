package dev.masync.sync.run;

import dev.masync.platform.DomainException;

/** Why a run cannot start or go on: a stable code and a kind; mapped to a problem by the REST layer. */
public class RunException extends DomainException {
    RunException(Kind kind, String code, String message) {
        super(kind, code, message);
    }

    static RunException notFound(String code, String message) {
        return new RunException(Kind.NOT_FOUND, code, message);
    }

    static RunException conflict(String code, String message) {
        return new RunException(Kind.CONFLICT, code, message);
    }

    static RunException unavailable(String code, String message) {
        return new RunException(Kind.UNAVAILABLE, code, message);
    }
}
