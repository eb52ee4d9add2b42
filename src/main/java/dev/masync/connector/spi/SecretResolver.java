package dev.masync.connector.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Resolves {@link SecretRef}s. Called at push time, so a rotated secret is picked up without a restart.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface SecretResolver {

    /**
     * @throws PermanentException with {@link PermanentException.Code#INVALID_CONFIG} when the secret does not
     *                            exist; the message names the reference, never a value
     */
    Secret resolve(SecretRef ref);

    /** Any regular file of at most 64 KiB: for tests and tools; the daemon uses {@link SecretPolicy#resolver}. */
    SecretPolicy UNCONFINED = new SecretPolicy(List.of(), List.of(), Set.of(), 64 * 1024);

    /**
     * Reads environment variables and regular files of at most 64 KiB (one trailing newline stripped, as written by
     * most tools), without restricting which: for tests and tools. The daemon resolves through a
     * {@link SecretPolicy}.
     */
    static SecretResolver standard() {
        return fromEnvironment(System.getenv());
    }

    /** Like {@link #standard()} with the given environment, for tests. */
    static SecretResolver fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        return ref -> switch (ref.source()) {
            case ENV -> {
                String value = environment.get(ref.location());
                if (value == null) {
                    throw new PermanentException(
                            PermanentException.Code.INVALID_CONFIG, "secret " + ref + " is not set");
                }
                yield new Secret(value);
            }
            case FILE -> new Secret(UNCONFINED.readFile(ref, false));
        };
    }
}
