package dev.masync.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Every test run starts from an empty {@code target/test-data}: the demo warehouse and the H2 control DB of the
 * test profile are generated anew, whatever an earlier run (or an older generator) left there.
 */
public class FreshTestData implements LauncherSessionListener {
    static final Path TEST_DATA = Path.of("target", "test-data");

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        deleteTree(TEST_DATA);
    }

    /** Deletes {@code dir} and everything in it, if it exists (a test profile's own data folder, for one). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
