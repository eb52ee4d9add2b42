package dev.masync.connector;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Which secret references destinations may use (see {@link dev.masync.connector.spi.SecretPolicy}). */
@ConfigMapping(prefix = "masync.secrets")
public interface SecretsConfig {

    /**
     * Directories {@code file:} references must lie in. Default: {@code /var/run/secrets/masync},
     * {@code /etc/masync/secrets} (Kubernetes secret mounts) and {@code ${masync.data-dir}/secrets} (embedded).
     */
    Optional<List<Path>> dirs();

    /** {@code env:} references may name variables starting with one of these. */
    @WithDefault("MASYNC_SECRET_")
    List<String> envPrefixes();

    /** … or exactly one of these names. */
    Optional<Set<String>> envNames();

    /** The largest secret file read, in bytes. */
    @WithDefault("65536")
    long maxBytes();
}
