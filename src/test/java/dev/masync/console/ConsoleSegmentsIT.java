package dev.masync.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.pagefactory.ByChained;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in and the segment builder in a real browser ({@link ConsoleBrowserHarness}): a wrong key is refused, the admin
 * key accepted; two conditions give a live count equal to the API's preview, a refused value's error appears at its
 * condition, and the segment saves under a Japanese name.
 */
class ConsoleSegmentsIT extends ConsoleBrowserHarness {
    static final String BUILT = "console_it_built";
    /** Japanese text typed into the form, saved and shown. */
    static final String BUILT_NAME = "高3で連続学習3日以上 (console IT)";

    @Override
    String name() {
        return "console-segments";
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

    // ---- builder helpers ----

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
}
