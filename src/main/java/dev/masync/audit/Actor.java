package dev.masync.audit;

import io.quarkus.security.identity.SecurityIdentity;

import java.util.Locale;
import java.util.Objects;

/**
 * Who made a write: the API key's name, its role and id ({@code null} for the configured admin key), or
 * {@code system} for work nobody requested over the API (start-up, schedules).
 */
public record Actor(String name, String role, Long keyId) {
    /** Identity attribute holding the {@link dev.masync.security.Role}. */
    public static final String ROLE_ATTRIBUTE = "role";
    /** Identity attribute holding the stored key's id. */
    public static final String KEY_ID_ATTRIBUTE = "keyId";

    public static final Actor SYSTEM = new Actor("system", null, null);

    public Actor {
        Objects.requireNonNull(name, "name");
    }

    public static Actor of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return SYSTEM;
        }
        Object role = identity.getAttribute(ROLE_ATTRIBUTE);
        Object keyId = identity.getAttribute(KEY_ID_ATTRIBUTE);
        return new Actor(
                identity.getPrincipal().getName(),
                role == null ? null : role.toString().toLowerCase(Locale.ROOT),
                keyId instanceof Number n ? n.longValue() : null);
    }
}
