package dev.masync.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Syncs and runs in a real browser ({@link ConsoleBrowserHarness}): a sync to the outbox created with the console's
 * form (a refused mapping target shown at its row first, then the definition the API holds checked field by field,
 * then edited); dry run with samples and a run whose counts and chart match the API and whose batch lands in the
 * outbox; a run to a slow webhook receiver followed with its progress bar and ETA.
 */
class ConsoleSyncsIT extends ConsoleBrowserHarness {
    static final String SEGMENT = SENIORS;
    static final String OUTBOX_SYNC = "console_it_outbox";
    static final String OUTBOX_NAME = "Seniors to the outbox (console IT)";
    static final String SLOW_SYNC = "console_it_slow_sync";

    @Override
    String name() {
        return "console-syncs";
    }

    @Override
    void setUp() throws IOException {
        seniorsToWebhook(
                SLOW_SYNC, "Seniors to a slow webhook (console IT)", "streak_days", "streak", "in_console_it_slow");
    }

    /**
     * The sync form: a mapping target the API refuses is reported at its own row (the pointer of the API's 422 for
     * the same body), not at the others; fixed, the sync saves, the console shows its page, and the API holds exactly
     * the definition typed in. Edited from its page, it saves with the version read and keeps the rest.
     */
    @Test
    @Order(10)
    void createASyncToTheOutboxWithTheForm() {
        ensureSignedIn();
        open("#/syncs");
        click(By.id("new-sync"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#page h1"), "New sync"));
        type(By.id("sync-key"), OUTBOX_SYNC);
        type(By.id("sync-name"), OUTBOX_NAME);
        choose(By.id("sync-segment"), SEGMENT);
        choose(By.id("sync-destination"), "outbox");
        choose(By.id("sync-identity-attribute"), "email");
        assertThat(browser.findElement(By.id("sync-identity-field")).getAttribute("value"))
                .as("the field follows the attribute until typed in")
                .isEqualTo("email");
        mappingRow(0, "grade", "grade", null);
        mappingRow(1, "streak_days", "streak days", null); // a space: not a field name
        mappingRow(2, "exam_date", "exam_at", "datetime");
        choose(By.id("sync-membership-style"), "boolean");
        type(By.id("sync-membership-field"), "in_console_it");
        choose(By.id("sync-mode"), "mirror");
        type(By.id("sync-guard-leave"), "30");
        screenshot("sync-form");

        String body = """
                {"key": "%s", "name": "%s", "segment": "%s", "destination": "outbox",
                 "identity": {"attribute": "email", "field": "email"},
                 "mapping": [{"source": "grade", "target": "grade", "format": "auto"},
                             {"source": "streak_days", "target": "streak days", "format": "auto"},
                             {"source": "exam_date", "target": "exam_at", "format": "datetime"}],
                 "membership": {"style": "boolean", "field": "in_console_it"}, "mode": "mirror",
                 "guard": {"maxLeavePercent": 30, "maxChangePercent": 50, "minPreviousMembers": 100}}""".formatted(OUTBOX_SYNC, OUTBOX_NAME, SEGMENT);
        JsonNode refused = api("POST", "/api/v1/syncs", body, 422);
        assertThat(items(refused.path("errors")))
                .extracting(e -> e.path("pointer").asText())
                .containsExactly("/mapping/1/target");
        click(By.id("save-sync"));
        By rowError = By.cssSelector("[data-pointer='/mapping/1'] > .field-error");
        wait.until(ExpectedConditions.textMatches(rowError, java.util.regex.Pattern.compile("\\S")));
        assertThat(browser.findElement(rowError).getText())
                .contains(refused.path("errors").path(0).path("message").asText());
        for (int other : new int[] {0, 2}) {
            assertThat(browser.findElement(By.cssSelector("[data-pointer='/mapping/" + other + "'] > .field-error"))
                            .getText())
                    .isEmpty();
        }
        WebElement target = rowControl(1, "target");
        assertThat(target.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(target.getAttribute("aria-describedby"))
                .contains(browser.findElement(rowError).getAttribute("id"));
        assertThat(browser.getCurrentUrl()).endsWith("#/syncs/new");
        api("GET", "/api/v1/syncs/" + OUTBOX_SYNC, null, 404);
        scrollTo(browser.findElement(By.cssSelector("[data-pointer='/mapping']")));
        screenshot("sync-form-error");

        target.clear();
        target.sendKeys("streak");
        click(By.id("save-sync"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#page h1"), OUTBOX_NAME));
        assertThat(browser.getCurrentUrl()).endsWith("#/syncs/" + OUTBOX_SYNC);
        JsonNode saved = api("GET", "/api/v1/syncs/" + OUTBOX_SYNC, null, 200);
        assertThat(saved.path("definition")).isEqualTo(json("""
                {"key": "%s", "name": "%s", "segment": "%s", "destination": "outbox",
                 "identity": {"attribute": "email", "field": "email"},
                 "mapping": [{"source": "grade", "target": "grade", "format": "auto"},
                             {"source": "streak_days", "target": "streak", "format": "auto"},
                             {"source": "exam_date", "target": "exam_at", "format": "datetime"}],
                 "membership": {"style": "boolean", "field": "in_console_it"}, "mode": "mirror", "paused": false,
                 "guard": {"maxLeavePercent": 30.0, "maxChangePercent": 50.0, "minPreviousMembers": 100}}""".formatted(OUTBOX_SYNC, OUTBOX_NAME, SEGMENT)));

        // edited from its page: the form holds the saved definition; a new name saves as version 2, the rest kept
        click(By.id("edit-sync"));
        WebElement name = wait.until(ExpectedConditions.elementToBeClickable(By.id("sync-name")));
        assertThat(name.getAttribute("value")).isEqualTo(OUTBOX_NAME);
        assertThat(browser.findElement(By.id("sync-key")).isEnabled()).isFalse();
        assertThat(browser.findElements(By.cssSelector("#mapping-rows .mapping-row")))
                .hasSize(3);
        assertThat(rowControl(2, "format").getAttribute("value")).isEqualTo("datetime");
        type(By.id("sync-name"), OUTBOX_NAME + " v2");
        click(By.id("save-sync"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#page h1"), OUTBOX_NAME + " v2"));
        JsonNode edited = api("GET", "/api/v1/syncs/" + OUTBOX_SYNC, null, 200);
        assertThat(edited.path("version").asInt())
                .isEqualTo(saved.path("version").asInt() + 1);
        assertThat(((com.fasterxml.jackson.databind.node.ObjectNode)
                                edited.path("definition").deepCopy())
                        .put("name", OUTBOX_NAME))
                .isEqualTo(saved.path("definition"));
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
     * A sync defined by a file under connectors/syncs/ offers no Edit on its page, and its form (opened by URL) shows
     * the definition read-only and says which file to change.
     */
    @Test
    @Order(30)
    void aFileManagedSyncIsReadOnlyInTheForm() {
        ensureSignedIn();
        JsonNode fileSync = items(api("GET", "/api/v1/syncs?limit=500", null, 200)).stream()
                .filter(x -> "file".equals(x.path("source").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no sync defined by a file in connectors/syncs/"));
        String key = fileSync.path("key").asText();
        open("#/syncs/" + key);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("run-now")));
        assertThat(browser.findElements(By.id("edit-sync"))).isEmpty();

        open("#/syncs/" + key + "/edit");
        WebElement note = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sync-file-managed")));
        assertThat(note.getText()).contains(fileSync.path("sourceFile").asText());
        assertThat(browser.findElement(By.id("save-sync")).isEnabled()).isFalse();
        assertThat(browser.findElement(By.id("sync-segment")).isEnabled()).isFalse();
        assertThat(new Select(browser.findElement(By.id("sync-segment")))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo(fileSync.path("definition").path("segment").asText());
        assertThat(browser.findElements(By.cssSelector("#mapping-rows .mapping-row")))
                .hasSize(fileSync.path("definition").path("mapping").size());
    }

    // ---- form helpers ----

    private void type(By locator, String text) {
        WebElement input = wait.until(ExpectedConditions.elementToBeClickable(locator));
        input.clear();
        input.sendKeys(text);
    }

    private void choose(By locator, String value) {
        new Select(wait.until(ExpectedConditions.elementToBeClickable(locator))).selectByValue(value);
    }

    /** Adds mapping row {@code index} ("Add a field") and sets its attribute, target and (if given) format. */
    private void mappingRow(int index, String source, String target, String format) {
        click(By.id("add-mapping"));
        new Select(wait.until(ExpectedConditions.elementToBeClickable(
                        By.cssSelector("[data-pointer='/mapping/" + index + "'] select[data-field='source']"))))
                .selectByValue(source);
        // the row is drawn again for the attribute's formats
        WebElement input = rowControl(index, "target");
        input.clear();
        input.sendKeys(target);
        if (format != null) new Select(rowControl(index, "format")).selectByValue(format);
    }

    private WebElement rowControl(int index, String field) {
        return wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("[data-pointer='/mapping/" + index + "'] [data-field='" + field + "']")));
    }
}
