package dev.masync.testing.browser;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The system's chromium driven by the system's chromedriver (Debian: {@code apt-get install chromium
 * chromium-driver}), headless, for browser tests.
 *
 * <p>Both paths are given to Selenium explicitly ({@link ChromeDriverService} with the driver,
 * {@link ChromeOptions#setBinary} with the browser), so Selenium Manager is skipped and nothing is downloaded.
 * Paths: {@code -Dmasync.test.chromium} / {@code MASYNC_TEST_CHROMIUM} (default {@code /usr/bin/chromium}) and
 * {@code -Dmasync.test.chromedriver} / {@code MASYNC_TEST_CHROMEDRIVER} (default {@code /usr/bin/chromedriver}).
 *
 * <p>When either is missing, {@link #requireOrSkip()} skips the test class with a message saying what to install,
 * unless {@code MASYNC_TEST_REQUIRE_BROWSER=true} (as in {@code .ci/run}): then it fails.
 */
public final class HeadlessChromium {
    public static final String REQUIRE_ENV = "MASYNC_TEST_REQUIRE_BROWSER";
    /** Viewport of every test page, so screenshots and layouts do not depend on the machine. */
    public static final int WIDTH = 1280;

    public static final int HEIGHT = 1024;

    private HeadlessChromium() {}

    /** The browser and the driver, checked; skips or fails (see class comment) when one is missing. */
    public static Paths requireOrSkip() {
        Paths paths = configured();
        Optional<String> missing = missing(paths);
        if (missing.isPresent()) {
            if (required()) throw new IllegalStateException(missing.get() + " (" + REQUIRE_ENV + "=true)");
            Assumptions.abort("skipped: " + missing.get());
        }
        return paths;
    }

    /** The configured (or default) paths, unchecked. */
    public static Paths configured() {
        return new Paths(
                Path.of(setting("masync.test.chromium", "MASYNC_TEST_CHROMIUM", "/usr/bin/chromium")),
                Path.of(setting("masync.test.chromedriver", "MASYNC_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")));
    }

    /** Whether {@value #REQUIRE_ENV} is {@code true}: a missing browser is a failure, not a skip. */
    public static boolean required() {
        return Boolean.parseBoolean(System.getenv(REQUIRE_ENV));
    }

    /** What is missing, in words with what to install; empty when both are executable. */
    public static Optional<String> missing(Paths paths) {
        String missing = "";
        if (!Files.isExecutable(paths.browser())) missing += " browser " + paths.browser();
        if (!Files.isExecutable(paths.driver())) missing += " driver " + paths.driver();
        return missing.isEmpty()
                ? Optional.empty()
                : Optional.of("browser tests need chromium and chromedriver (Debian: apt-get install chromium"
                        + " chromium-driver; or set MASYNC_TEST_CHROMIUM / MASYNC_TEST_CHROMEDRIVER); missing:"
                        + missing);
    }

    /** The two executables. */
    public record Paths(Path browser, Path driver) {}

    /**
     * A headless chromium at {@link #WIDTH}x{@link #HEIGHT}, English UI, no first-run or background network; the
     * driver's log goes to {@code driverLog}.
     */
    public static WebDriver start(Paths paths, Path driverLog) {
        try {
            Files.createDirectories(driverLog.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(paths.driver().toFile())
                .usingAnyFreePort()
                .withLogFile(driverLog.toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(paths.browser().toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=" + WIDTH + "," + HEIGHT,
                "--lang=en-US",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync");
        options.setPageLoadTimeout(Duration.ofSeconds(60));
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(WIDTH, HEIGHT));
        return driver;
    }

    /** Saves the current viewport as {@code <dir>/<name>.png}; returns the file. */
    public static Path screenshot(WebDriver driver, Path dir, String name) {
        try {
            Files.createDirectories(dir);
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Path target = dir.resolve(name + ".png");
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(shot.toPath());
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save screenshot " + name, e);
        }
    }

    private static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) value = System.getenv(env);
        return value == null || value.isBlank() ? fallback : value;
    }
}
