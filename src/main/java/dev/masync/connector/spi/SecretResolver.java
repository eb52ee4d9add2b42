package dev.masync.connector.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

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

    /** Reads environment variables and files (one trailing newline stripped, as written by most tools). */
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
            case FILE -> {
                try {
                    yield new Secret(Files.readString(Path.of(ref.location())).replaceFirst("\r?\n$", ""));
                } catch (IOException e) {
                    throw new PermanentException(
                            PermanentException.Code.INVALID_CONFIG, "secret " + ref + " cannot be read", e);
                }
            }
        };
    }
}
