package dev.masync.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.testing.process.DaemonProcess;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Record errors, destinations and roles in a real browser ({@link ConsoleBrowserHarness}): two records a fake webhook
 * receiver refuses are quarantined, retried together from the errors page and delivered by a run started from the
 * syncs list; a destination's connection test; a viewer key sees no action that writes (no run, no new sync).
 */
class ConsoleOpsIT extends ConsoleBrowserHarness {
    static final String SEGMENT = SENIORS;
    static final String HOOK_SYNC = "console_it_hook_sync";

    @Override
    String name() {
        return "console-ops";
    }

    @Override
    void configure(DaemonProcess.Builder builder) {
        // a refused record is quarantined at once, so the console shows it waiting for an operator
        builder.property("masync.sync.quarantine-after", "1");
    }

    @Override
    void setUp() throws IOException {
        seniorsToWebhook(HOOK_SYNC, "Seniors to the webhook (console IT)", "grade", "grade", "in_console_it");
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

    /**
     * A viewer key sees syncs and errors but no action that writes: no "New sync" (which an admin sees), no run,
     * no edit; the sync form itself says it needs the editor role.
     */
    @Test
    @Order(50)
    void viewerSeesNoActions() {
        ensureSignedIn();
        open("#/syncs/" + HOOK_SYNC);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("edit-sync")));
        open("#/syncs");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-sync")));

        JsonNode key = api("POST", "/api/v1/api-keys", """
                {"name": "console-it-viewer", "role": "viewer"}""", 201);
        signOut();
        signInAs(key.path("key").asText());
        assertThat(browser.findElement(By.id("whoami")).getText()).contains("(viewer)");

        open("#/syncs");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-sync='" + HOOK_SYNC + "']")));
        assertThat(browser.findElements(By.id("new-sync")))
                .allSatisfy(b -> assertThat(b.isDisplayed()).isFalse());
        assertThat(browser.findElements(By.cssSelector("button[data-action='run']")))
                .allSatisfy(b -> assertThat(b.isDisplayed()).isFalse());

        open("#/syncs/" + HOOK_SYNC);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#run-chart")));
        assertThat(browser.findElements(By.id("run-now")))
                .allSatisfy(b -> assertThat(b.isDisplayed()).isFalse());
        assertThat(browser.findElements(By.id("edit-sync")))
                .allSatisfy(b -> assertThat(b.isDisplayed()).isFalse());
        screenshot("sync-detail-viewer");

        open("#/syncs/new");
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#page h1"), "Not available"));
        assertThat(browser.findElements(By.id("sync-form"))).isEmpty();

        open("#/errors");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("errors-sync")));
        assertThat(browser.findElement(By.id("retry-selected")).isDisplayed()).isFalse();
        signOut();
    }

    private static By errorRow(String learner) {
        return By.cssSelector("#errors-table tr[data-learner='" + learner + "']");
    }
}
