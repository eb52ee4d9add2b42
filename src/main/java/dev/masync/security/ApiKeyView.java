package dev.masync.security;

import java.time.Instant;

/** A stored key as the API and the audit log show it: never the key itself nor its hash. */
public record ApiKeyView(
        long id,
        String name,
        String role,
        String prefix,
        Instant createdAt,
        String createdBy,
        Instant revokedAt,
        boolean active) {

    static ApiKeyView of(ApiKey k) {
        return new ApiKeyView(
                k.id,
                k.name,
                k.role.jsonName(),
                k.keyPrefix,
                k.createdAt,
                k.createdBy,
                k.revokedAt,
                k.revokedAt == null);
    }
}
