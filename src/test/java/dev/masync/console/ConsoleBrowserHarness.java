package dev.masync.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.testing.browser.HeadlessChromium;
import dev.masync.testing.browser.RequiresChromium;
import dev.masync.testing.process.DaemonProcess;
import dev.masync.testing.receiver.PacedReceiver;
import dev.masync.testing.receiver.ReceiverConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every console browser test needs: one packaged daemon per test class ({@link DaemonProcess}, 2,000 demo
 * learners), the system's headless chromium driven by Selenium ({@link HeadlessChromium}; the class is skipped
 * without one unless {@code MASYNC_TEST_REQUIRE_BROWSER=true}), sign-in, navigation, bounded waits, screenshots and
 * calls to the REST API to check what the console shows. A subclass may add daemon properties ({@link #configure})
 * and data ({@link #setUp}); {@link #webhookDestination} starts a fake webhook receiver refusing the keys in
 * {@link #refused}.
 *
 * <p>Every screenshot is {@code target/console-screenshots/<name>.png} (and {@code failed-<test>.png} when a test
 * fails); the folder is emptied once per test JVM. Waits are explicit (WebDriverWait on the page, FluentWait polling
 * the API), bounded by {@link #WAIT}: the machine may be a loaded 2-core box.
 */
@ExtendWith(RequiresChromium.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ConsoleBrowserHarness {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SENIORS = "console_it_hs3";
    static final String HOOK = "console_it_hook";
    static final Duration WAIT = Duration.ofSeconds(90);
    private static final AtomicBoolean SCREENSHOTS_CLEARED = new AtomicBoolean();

    /** Learner keys the fake webhook receiver refuses ({@code invalid_email}). */
    final Set<String> refused = ConcurrentHashMap.newKeySet();

    Path shots;
    DaemonProcess daemon;
    PacedReceiver receiver;
    WebDriver browser;
    WebDriverWait wait;
    private Path secrets;

    @RegisterExtension
    final TestWatcher screenshotOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                screenshot("failed-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    /** The daemon's name (its data under {@code target/it-data/<name>}). */
    abstract String name();

    /** Extra daemon properties, before it starts. */
    void configure(DaemonProcess.Builder builder) {}

    /** Data the tests need (through the API), after the daemon started and before the browser does. */
    void setUp() throws IOException {}

    @BeforeAll
    void startHarness() throws IOException {
        HeadlessChromium.Paths chromium = HeadlessChromium.requireOrSkip();
        Path project = DaemonProcess.projectDir();
        shots = project.resolve("target/console-screenshots");
        if (SCREENSHOTS_CLEARED.compareAndSet(false, true)) deleteTree(shots);
        secrets = Files.createDirectories(project.resolve("target/it-data/" + name() + "-extra/secrets"));
        DaemonProcess.Builder builder = DaemonProcess.builder(name())
                .demoLearners(2000)
                .property("masync.connectors.http.allow-loopback", "true")
                .property("masync.secrets.dirs", secrets.toString())
                .jvmArg("-Xmx512m");
        configure(builder);
        daemon = builder.start();
        System.out.printf(
                "%s: daemon ready in %d ms (control DB %s)%n",
                getClass().getSimpleName(), daemon.lastStartToReady().toMillis(), daemon.controlDb());
        setUp();
        browser = HeadlessChromium.start(chromium, shots.resolve("chromedriver-" + name() + ".log"));
        wait = new WebDriverWait(browser, WAIT);
        // pages redraw parts of themselves as answers arrive: an element found a moment ago may be replaced
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    void stopHarness() {
        if (browser != null) browser.quit();
        if (daemon != null) daemon.close();
        if (receiver != null) receiver.close();
    }

    /**
     * Starts the fake webhook receiver (signed requests; refuses the learners in {@link #refused}) and creates a
     * webhook destination to it (batches of 50) with its secret in a file.
     */
    void webhookDestination(String key, String name) throws IOException {
        byte[] signingKey = new byte[32];
        new SecureRandom().nextBytes(signingKey);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(signingKey);
        receiver = PacedReceiver.start(ReceiverConfig.builder()
                .signingSecret(secret)
                .rejectKeys(refused::contains, "invalid_email", "the receiver refuses this learner (console IT)")
                .build());
        Path secretFile = secrets.resolve(key);
        Files.writeString(secretFile, secret + "\n", StandardCharsets.UTF_8);
        api("POST", "/api/v1/destinations", """
                {"key": "%s", "name": "%s", "type": "webhook",
                 "settings": {"url": "%s", "secret": "file:%s"}, "batchSize": 50}""".formatted(key, name, receiver.url("/hook"), secretFile), 201);
    }

    /**
     * The high-school seniors segment ({@link #SENIORS}), a webhook destination ({@link #HOOK}, see
     * {@link #webhookDestination}) and a mirror sync of the one to the other sending {@code source} as {@code target}
     * with boolean membership in {@code membershipField}.
     */
    void seniorsToWebhook(String syncKey, String syncName, String source, String target, String membershipField)
            throws IOException {
        api("POST", "/api/v1/segments", """
                {"key": "%s", "name": "High-school seniors (console IT)",
                 "rule": {"attribute": "grade", "op": "eq", "value": "hs3"}}""".formatted(SENIORS), 201);
        webhookDestination(HOOK, "Console IT webhook");
        api(
                "POST",
                "/api/v1/syncs",
                """
                {"key": "%s", "name": "%s", "segment": "%s", "destination": "%s",
                 "mapping": [{"source": "%s", "target": "%s"}],
                 "membership": {"style": "boolean", "field": "%s"}, "mode": "mirror"}""".formatted(syncKey, syncName, SENIORS, HOOK, source, target, membershipField),
                201);
    }

    // ---- browser helpers ----

    void signInAs(String key) {
        if (browser.getCurrentUrl() == null || !browser.getCurrentUrl().contains("/console/")) {
            browser.get(daemon.baseUrl() + "/console/");
        }
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-key")));
        input.clear();
        input.sendKeys(key);
        click(By.id("signin-submit"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("whoami")));
    }

    /** Signs in with the admin key unless someone is signed in. */
    void ensureSignedIn() {
        if (browser.getCurrentUrl() == null || !browser.getCurrentUrl().contains("/console/")) {
            browser.get(daemon.baseUrl() + "/console/");
        }
        List<WebElement> nav = browser.findElements(By.id("nav"));
        if (nav.isEmpty() || !nav.get(0).isDisplayed()) signInAs(daemon.adminKey());
    }

    void signOut() {
        List<WebElement> button = browser.findElements(By.id("signout"));
        if (!button.isEmpty() && button.get(0).isDisplayed()) button.get(0).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-key")));
    }

    /** Navigates inside the console (no reload: the key lives in the page's memory). */
    void open(String hash) {
        ((JavascriptExecutor) browser)
                .executeScript(
                        "if (location.hash === arguments[0]) window.dispatchEvent(new HashChangeEvent('hashchange'));"
                                + " else location.hash = arguments[0];",
                        hash);
    }

    /** Waits until clickable, scrolls it to the middle (clear of the sticky status bar), clicks. */
    void click(By locator) {
        WebElement element = wait.until(ExpectedConditions.elementToBeClickable(locator));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        wait.until(ExpectedConditions.elementToBeClickable(locator)).click();
    }

    void scrollTo(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'start'})", element);
    }

    void screenshot(String name) {
        HeadlessChromium.screenshot(browser, shots, name);
    }

    /** A number as the console shows it (Intl.NumberFormat in en-US: thousands separated by commas). */
    static String formatted(long n) {
        return String.format(java.util.Locale.US, "%,d", n);
    }

    // ---- API helpers ----

    JsonNode api(String method, String path, String body, int expectedStatus) {
        HttpResponse<String> response = daemon.call(method, path, body);
        assertThat(response.statusCode())
                .as("%s %s: %s", method, path, response.body())
                .isEqualTo(expectedStatus);
        try {
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls the run until it is no longer running. */
    JsonNode awaitRun(long id) {
        return new FluentWait<>(id)
                .withTimeout(WAIT)
                .pollingEvery(Duration.ofMillis(250))
                .withMessage(() -> "run " + id + " still running; log: " + daemon.logTail(30))
                .until(runId -> {
                    JsonNode run = api("GET", "/api/v1/runs/" + runId, null, 200);
                    return run.path("status").asText().equals("running") ? null : run;
                });
    }

    /** The items of a list answer in any of the API's shapes: a bare array or {@code {"items": [...], ...}}. */
    static List<JsonNode> items(JsonNode list) {
        JsonNode array = list.isArray() ? list : list.path("items");
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    static List<Path> listFiles(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
