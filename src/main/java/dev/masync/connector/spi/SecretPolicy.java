package dev.masync.connector.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which secret references the operator allows, so that a destination definition cannot make the daemon read (and
 * send as a signing key or token) anything else it can see, such as the control DB's password or {@code /dev/zero}:
 * <ul>
 *   <li>{@code file:} only a regular file inside one of {@code dirs}, after resolving symbolic links (a link out of
 *       the directory is refused), of at most {@code maxBytes};</li>
 *   <li>{@code env:} only a variable whose name starts with one of {@code envPrefixes} or is one of
 *       {@code envNames}, and never one of the daemon's own settings ({@link #NEVER_ENV}).</li>
 * </ul>
 * Checked when a destination is saved ({@link #problem}, on the reference alone) and again when a secret is resolved
 * ({@link #resolver}, on the file system as it is then).
 */
public record SecretPolicy(List<Path> dirs, List<String> envPrefixes, Set<String> envNames, long maxBytes) {
    /** Prefixes of the daemon's own settings: never a destination's secret, whatever the operator allows. */
    public static final List<String> NEVER_ENV = List.of("QUARKUS_", "MASYNC_SECURITY_", "MASYNC_WAREHOUSE_");

    public SecretPolicy {
        dirs = dirs.stream().map(d -> d.toAbsolutePath().normalize()).toList();
        envPrefixes = List.copyOf(envPrefixes);
        envNames = Set.copyOf(envNames);
        if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be positive");
    }

    /** Why this reference is not allowed, phrased for the person who wrote it; empty when it is allowed. */
    public Optional<String> problem(SecretRef ref) {
        Objects.requireNonNull(ref, "ref");
        return switch (ref.source()) {
            case ENV -> envProblem(ref.location());
            case FILE -> fileProblem(ref.location());
        };
    }

    private Optional<String> envProblem(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (NEVER_ENV.stream().anyMatch(upper::startsWith)) {
            return Optional.of("env:" + name + " is one of the daemon's own settings and cannot be a destination's"
                    + " secret; put the secret in a variable named " + allowedEnv());
        }
        if (envNames.contains(name) || envPrefixes.stream().anyMatch(p -> !p.isEmpty() && name.startsWith(p))) {
            return Optional.empty();
        }
        return Optional.of("env:" + name + " is not a variable the operator allows for secrets; use " + allowedEnv()
                + " (masync.secrets.env-prefixes, masync.secrets.env-names)");
    }

    private String allowedEnv() {
        List<String> options = new java.util.ArrayList<>();
        envPrefixes.stream().filter(p -> !p.isEmpty()).forEach(p -> options.add(p + "…"));
        envNames.stream().sorted().forEach(options::add);
        return options.isEmpty() ? "(none allowed)" : String.join(", ", options);
    }

    private Optional<String> fileProblem(String location) {
        Path path;
        try {
            path = Path.of(location);
        } catch (InvalidPathException e) {
            return Optional.of("after file: comes an absolute path, e.g. file:" + example());
        }
        if (!path.isAbsolute()) {
            return Optional.of("after file: comes an absolute path, e.g. file:" + example());
        }
        Path normal = path.normalize();
        if (dirs.stream().noneMatch(d -> normal.startsWith(d) && !normal.equals(d))) {
            return Optional.of("file:" + location + " is outside the secret directories " + dirs
                    + "; mount the secret as a file in one of them (masync.secrets.dirs)");
        }
        return Optional.empty();
    }

    private String example() {
        return (dirs.isEmpty() ? Path.of("/etc/masync/secrets") : dirs.get(0))
                .resolve("crm-hook")
                .toString();
    }

    /** A resolver that reads only what this policy allows, from {@code environment} and the file system. */
    public SecretResolver resolver(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        return ref -> {
            problem(ref).ifPresent(message -> {
                throw new PermanentException(PermanentException.Code.INVALID_CONFIG, "secret " + ref + ": " + message);
            });
            return switch (ref.source()) {
                case ENV -> {
                    String value = environment.get(ref.location());
                    if (value == null) {
                        throw new PermanentException(
                                PermanentException.Code.INVALID_CONFIG, "secret " + ref + " is not set");
                    }
                    yield new Secret(value);
                }
                case FILE -> new Secret(readFile(ref, true));
            };
        };
    }

    /**
     * Reads a secret file: a regular file (after following links) of at most {@code maxBytes}, one trailing newline
     * removed; when {@code confined}, its real path must lie in a secret directory's real path.
     */
    String readFile(SecretRef ref, boolean confined) {
        Path path = Path.of(ref.location());
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG, "secret " + ref + " cannot be read", e);
        }
        if (confined && dirs.stream().map(SecretPolicy::real).noneMatch(d -> d != null && real.startsWith(d))) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "secret " + ref + " leads (through a link) outside the secret directories " + dirs);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "secret " + ref + " is not a regular file; point it at a file holding the secret");
        }
        try (InputStream in = Files.newInputStream(real)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new PermanentException(
                        PermanentException.Code.INVALID_CONFIG,
                        "secret " + ref + " is larger than " + maxBytes + " bytes (masync.secrets.max-bytes)");
            }
            return new String(bytes, StandardCharsets.UTF_8).replaceFirst("\r?\n$", "");
        } catch (IOException e) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG, "secret " + ref + " cannot be read", e);
        }
    }

    private static Path real(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return null;
        }
    }
}
