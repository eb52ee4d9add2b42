package dev.masync.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** API access. */
@ConfigMapping(prefix = "masync.security")
public interface SecurityConfig {

    /**
     * An admin API key accepted at start-up (bootstrap, demos, tests). Never logged. When unset and no admin key
     * exists yet, one is generated on first start, stored as a hash and printed once.
     */
    Optional<String> adminApiKey();

    /** Generate and print an admin key on first start when none is configured or stored. */
    @WithDefault("true")
    boolean generateAdminKey();
}
