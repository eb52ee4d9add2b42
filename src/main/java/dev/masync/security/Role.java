package dev.masync.security;

import java.util.Locale;
import java.util.Set;

/** API roles; each includes the ones below it. */
public enum Role {
    /** Reads everything except keys and the audit log. */
    VIEWER,
    /** Also writes segments and syncs and starts runs. */
    EDITOR,
    /** Also manages destinations, API keys, the demo; reads the audit log. */
    ADMIN;

    /** Role names granted to an identity with this role (for {@code @RolesAllowed}). */
    public Set<String> granted() {
        return switch (this) {
            case VIEWER -> Set.of("viewer");
            case EDITOR -> Set.of("viewer", "editor");
            case ADMIN -> Set.of("viewer", "editor", "admin");
        };
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String value) {
        return Role.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
