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
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.pagefactory.ByChained;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;
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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The marketer's console in a real browser: the packaged daemon ({@link DaemonProcess}, 2,000 demo learners) and
 * the system's headless chromium driven by Selenium ({@link HeadlessChromium}; skipped without one unless
 * {@code MASYNC_TEST_REQUIRE_BROWSER=true}).
 *
 * <p>Flows, in order, each on the console's stable hooks ({@code console/README.md}) and checked against the REST
 * API: sign in (a wrong key is refused, the admin key accepted); build a segment with two conditions whose live count
 * equals the API's preview, see a refused value's error at its condition, save it under a Japanese name; run a sync to
 * the outbox from its page (dry run with samples, then a run whose counts and chart match the API, and whose batch
 * lands in the outbox); follow a run to a slow receiver (progress bar and ETA while it runs); retry record
 * errors (two records a fake webhook receiver refuses, quarantined after one attempt, selected together and retried,
 * then delivered by a run started from the syncs list); a destination's connection test; a viewer sees no actions.
 * The syncs are created through the API: the console has no sync form.
 *
 * <p>Every page visited is saved as {@code target/console-screenshots/<name>.png} (and {@code failed-<test>.png}
 * when a test fails). Waits are explicit (WebDriverWait on the page, FluentWait polling the API), bounded by
 * {@link #WAIT}: the machine may be a loaded 2-core box.
 */
@ExtendWith(RequiresChromium.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String SEGMENT = "console_it_hs3";
    static final String OUTBOX_SYNC = "console_it_outbox";
    static final String HOOK = "console_it_hook";
    static final String HOOK_SYNC = "console_it_hook_sync";
    static final String SLOW_SYNC = "console_it_slow_sync";
    static final String BUILT = "console_it_built";
    /** Japanese text typed into the form, saved and shown. */
    static final String BUILT_NAME = "高3で連続学習3日以上 (console IT)";

    final Set<String> refused = ConcurrentHashMap.newKeySet();
    Path shots;
    DaemonProcess daemon;
    PacedReceiver receiver;
    WebDriver browser;
    WebDriverWait wait;

    @RegisterExtension
    final TestWatcher screenshotOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                screenshot("failed-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    @BeforeAll
    void start() throws IOException {
        HeadlessChromium.Paths chromium = HeadlessChromium.requireOrSkip();
        Path project = DaemonProcess.projectDir();
        shots = project.resolve("target/console-screenshots");
        deleteTree(shots);
        Path secrets = Files.createDirectories(project.resolve("target/it-data/console-extra/secrets"));

        byte[] signingKey = new byte[32];
        new SecureRandom().nextBytes(signingKey);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(signingKey);
        receiver = PacedReceiver.start(ReceiverConfig.builder()
                .signingSecret(secret)
                .rejectKeys(refused::contains, "invalid_email", "the receiver refuses this learner (console IT)")
                .build());
        Path secretFile = secrets.resolve("hook");
        Files.writeString(secretFile, secret + "\n", StandardCharsets.UTF_8);

        daemon = DaemonProcess.builder("console")
                .demoLearners(2000)
                .property("masync.connectors.http.allow-loopback", "true")
                .property("masync.secrets.dirs", secrets.toString())
                // a refused record is quarantined at once, so the console shows it waiting for an operator
                .property("masync.sync.quarantine-after", "1")
                .jvmArg("-Xmx512m")
                .start();
        System.out.printf(
                "ConsoleBrowserIT: daemon ready in %d ms (control DB %s)%n",
                daemon.lastStartToReady().toMillis(), daemon.controlDb());

        api("POST", "/api/v1/segments", """
                {"key": "%s", "name": "High-school seniors (console IT)",
                 "rule": {"attribute": "grade", "op": "eq", "value": "hs3"}}""".formatted(SEGMENT), 201);
        api("POST", "/api/v1/destinations", """
                {"key": "%s", "name": "Console IT webhook", "type": "webhook",
                 "settings": {"url": "%s", "secret": "file:%s"}, "batchSize": 50}""".formatted(HOOK, receiver.url("/hook"), secretFile), 201);
        api("POST", "/api/v1/syncs", """
                {"key": "%s", "name": "Seniors to the outbox (console IT)", "segment": "%s", "destination": "outbox",
                 "mapping": [{"source": "grade", "target": "grade"},
                             {"source": "streak_days", "target": "streak"}],
                 "membership": {"style": "boolean", "field": "in_console_it"}, "mode": "mirror"}""".formatted(OUTBOX_SYNC, SEGMENT), 201);
        api("POST", "/api/v1/syncs", """
                {"key": "%s", "name": "Seniors to the webhook (console IT)", "segment": "%s", "destination": "%s",
                 "mapping": [{"source": "grade", "target": "grade"}],
                 "membership": {"style": "boolean", "field": "in_console_it"}, "mode": "mirror"}""".formatted(HOOK_SYNC, SEGMENT, HOOK), 201);

        api("POST", "/api/v1/syncs", """
                {"key": "%s", "name": "Seniors to a slow webhook (console IT)", "segment": "%s", "destination": "%s",
                 "mapping": [{"source": "streak_days", "target": "streak"}],
                 "membership": {"style": "boolean", "field": "in_console_it_slow"}, "mode": "mirror"}""".formatted(SLOW_SYNC, SEGMENT, HOOK), 201);

        browser = HeadlessChromium.start(chromium, shots.resolve("chromedriver.log"));
        wait = new WebDriverWait(browser, WAIT);
        // pages redraw parts of themselves as answers arrive: an element found a moment ago may be replaced
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.quit();
        if (daemon != null) daemon.close();
        if (receiver != null) receiver.close();
    }

    /** A wrong key is refused with a message at the form; the admin key signs in and shows the nav and role. */
    @Test
    @Order(1)
    void signIn() {
        browser.get(daemon.baseUrl() + "/console/");
        WebElement key = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-key")));
        screenshot("signin");
        key.sendKeys("msk_not_a_key");
        click(By.id("signin-submit"));
        wait.until(ExpectedConditions.textMatches(By.id("signin-error"), java.util.regex.Pattern.compile("\\S")));
        assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
        screenshot("signin-refused");

        signInAs(daemon.adminKey());

        assertThat(browser.findElement(By.id("whoami")).getText()).contains("(admin)");
        assertThat(browser.getCurrentUrl()).doesNotContain(daemon.adminKey());
    }

    /**
     * The builder: two attribute conditions typed into the form give a live count equal to the API's preview of the
     * same rule; a value the catalog's type refuses is reported at its own condition (the pointer of the API's 422),
     * not the other one; fixed, the segment saves under a Japanese name and its page shows it.
     */
    @Test
    @Order(10)
    void buildASegmentWithALiveCountAnErrorAtItsConditionAndSaveIt() {
        ensureSignedIn();
        open("#/segments");
        wait.until(d -> !d.findElements(By.cssSelector("[data-count-for]")).isEmpty()
                && d.findElements(By.cssSelector("[data-count-for]")).stream()
                        .noneMatch(c -> c.getText().contains("counting")));
        screenshot("segments");

        open("#/segments/new");
        click(By.id("add-attribute-condition"));
        condition(0, "grade", "eq", "hs3");
        click(By.id("add-attribute-condition"));
        condition(1, "streak_days", "gte", "3");
        browser.findElement(By.id("segment-key")).sendKeys(BUILT);
        browser.findElement(By.id("segment-name")).sendKeys(BUILT_NAME);

        String rule = """
                {"all": [{"attribute": "grade", "op": "eq", "value": "hs3"},
                         {"attribute": "streak_days", "op": "gte", "value": 3}]}""";
        long expected = api("POST", "/api/v1/segments/preview", "{\"rule\": " + rule + "}", 200)
                .path("count")
                .asLong();
        assertThat(expected).isPositive();
        wait.until(ExpectedConditions.textToBe(By.id("live-count"), Long.toString(expected)));
        assertThat(browser.findElements(By.cssSelector("#preview-sample tbody tr")))
                .isNotEmpty();
        screenshot("segment-builder");

        // a word where streak_days takes a whole number: the API points at the second condition's value
        JsonNode refused = api(
                "POST",
                "/api/v1/segments/preview",
                "{\"rule\": " + rule.replace("\"value\": 3", "\"value\": \"three\"") + "}",
                422);
        String pointer = refused.path("errors").path(0).path("pointer").asText();
        assertThat(pointer).startsWith("/rule/all/1");
        typeValue(1, "three");
        By secondError = By.cssSelector("[data-pointer='/rule/all/1'] > .field-error");
        wait.until(ExpectedConditions.textMatches(secondError, java.util.regex.Pattern.compile("\\S")));
        assertThat(browser.findElement(secondError).getText())
                .contains(refused.path("errors").path(0).path("message").asText());
        assertThat(browser.findElement(By.cssSelector("[data-pointer='/rule/all/0'] > .field-error"))
                        .getText())
                .isEmpty();
        assertThat(browser.findElement(By.cssSelector("[data-pointer='/rule/all/1'] [data-field='value']"))
                        .getAttribute("aria-invalid"))
                .isEqualTo("true");
        assertThat(browser.findElement(By.id("live-count")).getText()).isEqualTo("–");
        screenshot("segment-builder-error");

        typeValue(1, "3");
        wait.until(ExpectedConditions.textToBe(By.id("live-count"), Long.toString(expected)));
        click(By.id("save-segment"));
        wait.until(ExpectedConditions.textToBe(By.id("segment-count"), Long.toString(expected)));
        assertThat(browser.findElement(By.cssSelector("#page h1")).getText()).isEqualTo(BUILT_NAME);
        JsonNode saved = api("GET", "/api/v1/segments/" + BUILT, null, 200);
        assertThat(saved.path("name").asText()).isEqualTo(BUILT_NAME);
        assertThat(saved.path("rule")).isEqualTo(json(rule));
        screenshot("segment-saved");
    }

    /**
     * A dry run shows its samples; "Run now" shows the run's counts as the API reports them and a point per run on
     * the chart; the batch is in the outbox.
     */
    @Test
    @Order(20)
    void syncToTheOutboxRunsFromItsPage() {
        ensureSignedIn();
        open("#/syncs");
        WebElement row = wait.until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-sync='" + OUTBOX_SYNC + "']")));
        wait.until(d -> !row.findElement(By.cssSelector("[data-col='last-run']"))
                .getText()
                .contains("loading"));
        assertThat(row.findElement(By.cssSelector("[data-col='last-run']")).getText())
                .contains("never run");
        screenshot("syncs");

        click(By.cssSelector("tr[data-sync='" + OUTBOX_SYNC + "'] a[href='#/syncs/" + OUTBOX_SYNC + "']"));
        click(By.id("dry-run"));
        WebElement samples = wait.until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#dry-run-samples[data-run-id]")));
        long dryRunId = Long.parseLong(samples.getAttribute("data-run-id"));
        JsonNode dryRun = api("GET", "/api/v1/runs/" + dryRunId, null, 200);
        assertThat(dryRun.path("dryRun").asBoolean()).isTrue();
        long expectedEntering = dryRun.path("counts").path("entered").asLong();
        assertThat(expectedEntering).as("members of %s", SEGMENT).isPositive();
        assertThat(samples.findElement(By.cssSelector("[data-count='entered']")).getText())
                .isEqualTo(formatted(expectedEntering));
        assertThat(samples.findElements(By.cssSelector(".samples tbody tr"))).isNotEmpty();
        scrollTo(samples);
        screenshot("sync-dry-run");

        click(By.id("run-now"));
        WebElement counts = wait.until(d -> {
            WebElement c = d.findElement(By.id("run-counts"));
            String status = c.getAttribute("data-status");
            String id = c.getAttribute("data-run-id");
            return id != null && Long.parseLong(id) != dryRunId && status != null && !status.equals("running")
                    ? c
                    : null;
        });
        long runId = Long.parseLong(counts.getAttribute("data-run-id"));
        JsonNode run = api("GET", "/api/v1/runs/" + runId, null, 200);
        assertThat(run.path("status").asText()).isEqualTo("succeeded");
        assertThat(counts.getAttribute("data-status")).isEqualTo("succeeded");
        for (String name : List.of("entered", "changed", "left", "sent", "confirmed", "rejected")) {
            assertThat(counts.findElement(By.cssSelector("[data-count='" + name + "']"))
                            .getText())
                    .as("count %s of run %d", name, runId)
                    .isEqualTo(formatted(run.path("counts").path(name).asLong()));
        }
        assertThat(run.path("counts").path("entered").asLong()).isEqualTo(expectedEntering);

        // one run so far: one point per series, its tooltip naming the count
        wait.until(d -> d.findElements(By.cssSelector("#run-chart circle")).size() == 3);
        List<String> points = browser.findElements(By.cssSelector("#run-chart circle title")).stream()
                .map(t -> t.getAttribute("textContent"))
                .toList();
        assertThat(points).anyMatch(p -> p.startsWith("entered: " + formatted(expectedEntering)));
        assertThat(browser.findElements(By.cssSelector("#duration-chart circle")))
                .hasSize(1);
        assertThat(browser.findElements(By.cssSelector("#run-history tr[data-run-id='" + runId + "']")))
                .hasSize(1);
        scrollTo(browser.findElement(By.id("latest-run-heading")));
        screenshot("sync-detail");

        Path outbox = daemon.dataDir().resolve("outbox").resolve(OUTBOX_SYNC);
        assertThat(listFiles(outbox)).as("batches in %s", outbox).isNotEmpty();
    }

    /**
     * While a run pushes to a slow receiver (10 batches of 50, 600 ms each), its page shows the run's progress and
     * ETA from the run view, then its final counts.
     */
    @Test
    @Order(25)
    void aRunningRunShowsItsProgressAndEta() {
        ensureSignedIn();
        receiver.reconfigure(c -> c.toBuilder().latency(Duration.ofMillis(600)).build());
        try {
            open("#/syncs/" + SLOW_SYNC);
            click(By.id("run-now"));
            WebElement bar = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("run-progress-bar")));
            assertThat(Long.parseLong(bar.getAttribute("max"))).isPositive();
            assertThat(browser.findElement(By.id("run-eta")).getText()).startsWith("ETA ");
            assertThat(browser.findElement(By.id("run-counts")).getAttribute("data-status"))
                    .isEqualTo("running");
            assertThat(browser.findElement(By.id("run-now")).isEnabled()).isFalse();
            scrollTo(browser.findElement(By.id("latest-run-heading")));
            screenshot("sync-running");
            wait.until(ExpectedConditions.attributeToBe(By.id("run-counts"), "data-status", "succeeded"));
            assertThat(browser.findElements(By.id("run-progress-bar"))).isEmpty();
            long runId = Long.parseLong(browser.findElement(By.id("run-counts")).getAttribute("data-run-id"));
            assertThat(browser.findElement(By.cssSelector("#run-counts [data-count='confirmed']"))
                            .getText())
                    .isEqualTo(formatted(api("GET", "/api/v1/runs/" + runId, null, 200)
                            .path("counts")
                            .path("confirmed")
                            .asLong()));
        } finally {
            receiver.reconfigure(c -> c.toBuilder().latency(Duration.ZERO).build());
        }
    }

    /**
     * Two records the receiver refuses become quarantined record errors; selected together on the errors page and
     * retried, they are back to "retrying" with no attempts (as the API confirms); once the receiver takes them, a
     * run started from the syncs list delivers them and the page shows no errors for the sync.
     */
    @Test
    @Order(30)
    void recordErrorsAreRetriedFromTheConsole() {
        ensureSignedIn();
        JsonNode preview = api("POST", "/api/v1/segments/preview", """
                {"rule": {"segment": "%s"}, "sampleSize": 2}""".formatted(SEGMENT), 200);
        List<String> learners = new ArrayList<>();
        preview.path("sample").forEach(m -> learners.add(m.path("key").asText()));
        assertThat(learners).hasSize(2);
        refused.addAll(learners);

        JsonNode started = api("POST", "/api/v1/syncs/" + HOOK_SYNC + "/runs", "{}", 202);
        JsonNode finished = awaitRun(started.path("id").asLong());
        assertThat(finished.path("status").asText()).as("run %s", finished).isEqualTo("partially_failed");
        assertThat(finished.path("counts").path("quarantined").asLong()).isEqualTo(2);

        open("#/errors");
        new Select(wait.until(ExpectedConditions.elementToBeClickable(By.id("errors-sync")))).selectByValue(HOOK_SYNC);
        for (String learner : learners) {
            WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(errorRow(learner)));
            assertThat(row.getAttribute("data-status")).isEqualTo("quarantined");
            assertThat(row.getText()).contains("invalid_email");
            assertThat(row.findElement(By.cssSelector("[data-col='attempts']")).getText())
                    .isEqualTo("1");
        }
        assertThat(browser.findElements(By.cssSelector("#errors-table tbody tr")))
                .hasSize(2);
        screenshot("errors");

        for (String learner : learners) {
            WebElement box = browser.findElement(errorRow(learner)).findElement(By.cssSelector("input[type=checkbox]"));
            String id = box.getAttribute("id");
            assertThat(browser.findElement(By.cssSelector("label[for='" + id + "']"))
                            .getAttribute("textContent"))
                    .contains(learner);
            box.sendKeys(Keys.SPACE); // by keyboard, as a user tabbing through the table would
        }
        wait.until(ExpectedConditions.textToBe(By.id("retry-selected"), "Retry 2 selected"));
        click(By.id("retry-selected"));
        wait.until(ExpectedConditions.attributeToBe(By.id("errors-result"), "data-changed", "2"));
        for (String learner : learners) {
            wait.until(ExpectedConditions.attributeToBe(errorRow(learner), "data-status", "retrying"));
            assertThat(browser.findElement(errorRow(learner))
                            .findElement(By.cssSelector("[data-col='attempts']"))
                            .getText())
                    .isEqualTo("0");
        }
        screenshot("errors-retried");
        JsonNode errors = api("GET", "/api/v1/syncs/" + HOOK_SYNC + "/record-errors", null, 200);
        assertThat(items(errors)).hasSize(2).allSatisfy(e -> {
            assertThat(e.path("status").asText()).isEqualTo("retrying");
            assertThat(e.path("attempts").asInt()).isZero();
        });

        refused.clear();
        open("#/syncs");
        // rows are redrawn as their last runs arrive: wait for the last run, then locate the button afresh
        By lastRun = By.cssSelector("tr[data-sync='" + HOOK_SYNC + "'] [data-col='last-run'] .badge[data-status]");
        wait.until(ExpectedConditions.attributeToBe(lastRun, "data-status", "partially_failed"));
        click(By.cssSelector("tr[data-sync='" + HOOK_SYNC + "'] button[data-action='run']"));
        wait.until(d -> {
            String now = d.findElement(lastRun).getAttribute("data-status");
            return !now.equals("running") && !now.equals("partially_failed");
        });
        assertThat(browser.findElement(lastRun).getAttribute("data-status")).isEqualTo("succeeded");
        screenshot("syncs-after-retry");
        for (String learner : learners) {
            assertThat(receiver.state().get(learner))
                    .as("%s at the receiver", learner)
                    .containsEntry("in_console_it", true);
        }

        open("#/errors");
        new Select(wait.until(ExpectedConditions.elementToBeClickable(By.id("errors-sync")))).selectByValue(HOOK_SYNC);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("errors-empty")));
    }

    /** An admin tests a destination's connection and reads the answer in its row. */
    @Test
    @Order(40)
    void destinationConnectionTest() {
        ensureSignedIn();
        open("#/destinations");
        By row = By.cssSelector("tr[data-destination='" + HOOK + "']");
        click(By.cssSelector("tr[data-destination='" + HOOK + "'] button.test-destination"));
        WebElement result = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-destination='" + HOOK + "'] .test-result[data-ok]")));
        assertThat(result.getAttribute("data-ok")).as(result.getText()).isEqualTo("true");
        assertThat(result.getText()).contains("Connection OK");
        assertThat(browser.findElement(row).getText()).contains("file:").contains("webhook");
        screenshot("destinations");
    }

    /** A viewer key sees syncs and errors but no action that writes. */
    @Test
    @Order(50)
    void viewerSeesNoActions() {
        JsonNode key = api("POST", "/api/v1/api-keys", """
                {"name": "console-it-viewer", "role": "viewer"}""", 201);
        signOut();
        signInAs(key.path("key").asText());
        assertThat(browser.findElement(By.id("whoami")).getText()).contains("(viewer)");

        open("#/syncs/" + OUTBOX_SYNC);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#run-chart")));
        assertThat(browser.findElements(By.id("run-now")))
                .allSatisfy(b -> assertThat(b.isDisplayed()).isFalse());
        screenshot("sync-detail-viewer");
        open("#/errors");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("errors-sync")));
        assertThat(browser.findElement(By.id("retry-selected")).isDisplayed()).isFalse();
        signOut();
    }

    // ---- browser helpers ----

    /** Sets the attribute, operator and value of the builder's condition {@code /rule/all/<index>}. */
    private void condition(int index, String attribute, String op, String value) {
        By node = By.cssSelector("[data-pointer='/rule/all/" + index + "']");
        new Select(wait.until(ExpectedConditions.elementToBeClickable(
                        new ByChained(node, By.cssSelector("select[data-field='attribute']")))))
                .selectByValue(attribute);
        // the condition is drawn again for the attribute's operators
        new Select(wait.until(ExpectedConditions.elementToBeClickable(
                        new ByChained(node, By.cssSelector("select[data-field='op']")))))
                .selectByValue(op);
        typeValue(index, value);
    }

    private void typeValue(int index, String value) {
        WebElement input = wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("[data-pointer='/rule/all/" + index + "'] input[data-field='value']")));
        input.clear();
        input.sendKeys(value);
    }

    private void signInAs(String key) {
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

    private void ensureSignedIn() {
        if (browser.getCurrentUrl() == null || !browser.getCurrentUrl().contains("/console/")) {
            browser.get(daemon.baseUrl() + "/console/");
        }
        List<WebElement> nav = browser.findElements(By.id("nav"));
        if (nav.isEmpty() || !nav.get(0).isDisplayed()) signInAs(daemon.adminKey());
    }

    private void signOut() {
        List<WebElement> button = browser.findElements(By.id("signout"));
        if (!button.isEmpty() && button.get(0).isDisplayed()) button.get(0).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-key")));
    }

    /** Navigates inside the console (no reload: the key lives in the page's memory). */
    private void open(String hash) {
        ((JavascriptExecutor) browser)
                .executeScript(
                        "if (location.hash === arguments[0]) window.dispatchEvent(new HashChangeEvent('hashchange'));"
                                + " else location.hash = arguments[0];",
                        hash);
    }

    /** Waits until clickable, scrolls it to the middle (clear of the sticky status bar), clicks. */
    private void click(By locator) {
        WebElement element = wait.until(ExpectedConditions.elementToBeClickable(locator));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        wait.until(ExpectedConditions.elementToBeClickable(locator)).click();
    }

    private void scrollTo(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'start'})", element);
    }

    private static By errorRow(String learner) {
        return By.cssSelector("#errors-table tr[data-learner='" + learner + "']");
    }

    private void screenshot(String name) {
        HeadlessChromium.screenshot(browser, shots, name);
    }

    /** A number as the console shows it (Intl.NumberFormat in en-US: thousands separated by commas). */
    private static String formatted(long n) {
        return String.format(java.util.Locale.US, "%,d", n);
    }

    // ---- API helpers ----

    private JsonNode api(String method, String path, String body, int expectedStatus) {
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

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls the run until it is no longer running. */
    private JsonNode awaitRun(long id) {
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
    private static List<JsonNode> items(JsonNode list) {
        JsonNode array = list.isArray() ? list : list.path("items");
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<Path> listFiles(Path dir) {
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
