package dev.masync.destination;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.Connectors;
import dev.masync.connector.file.FileConnector;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.webhook.WebhookConnector;
import dev.masync.destination.DestinationDefinition.RateLimit;
import dev.masync.destination.DestinationValidator.Checked;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ProblemError;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class DestinationValidatorTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Connectors CONNECTORS = Connectors.of(
            new FileConnector(Path.of("/tmp/outbox")), new WebhookConnector(new OkHttpClient(), Clock.systemUTC()));
    final DestinationValidator validator = new DestinationValidator(CONNECTORS);

    static final String CRM_HOOK = """
            {"key": "crm_hook", "name": "CRM webhook", "type": "webhook",
             "settings": {"url": "https://example.test/hook", "secret": "env:CRM_HOOK_SECRET"},
             "batchSize": 100,
             "rateLimit": {"requests": 190, "per": "PT10S"}}""";

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    Checked check(String body) {
        return validator.check(json(body), null, null, DestinationDefinition.SOURCE_API);
    }

    /** A webhook definition with one field replaced (or removed when value is null). */
    static String crmHookWith(String field, String value) {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) json(CRM_HOOK);
        if (value == null) {
            node.remove(field);
        } else {
            node.set(field, json(value));
        }
        return node.toString();
    }

    @Test
    void readsTheDocumentedExample() {
        Checked checked = check(CRM_HOOK);

        assertThat(checked.ok()).isTrue();
        assertThat(checked.definition())
                .isEqualTo(new DestinationDefinition(
                        "crm_hook",
                        "CRM webhook",
                        "webhook",
                        Map.of("url", "https://example.test/hook", "secret", "env:CRM_HOOK_SECRET"),
                        Optional.of(100),
                        Optional.of(new RateLimit(190, Duration.ofSeconds(10))),
                        "api"));
        assertThat(checked.definition().settings().keySet()).containsExactly("url", "secret");
    }

    @Test
    void batchSizeAndRateLimitAreOptionalAndFileDirDefaults() {
        Checked checked = check("{\"key\": \"outbox\", \"name\": \"Outbox\", \"type\": \"file\"}");

        assertThat(checked.errors()).isEmpty();
        assertThat(checked.definition().settings()).isEmpty();
        assertThat(checked.definition().batchSize()).isEmpty();
        assertThat(checked.definition().rateLimit()).isEmpty();
        assertThat(checked.definition().effectiveBatchSize(new BatchLimits(10_000, 1)))
                .isEqualTo(10_000);
    }

    @Test
    void unknownTypeNamesTheKnownOnes() {
        assertThat(check(crmHookWith("type", "\"hubspott\"")).errors())
                .containsExactly(
                        new ProblemError("/type", "unknown connector type 'hubspott'; use one of [file, webhook]"));
        assertThat(check(crmHookWith("type", null)).errors())
                .extracting(ProblemError::pointer)
                .containsExactly("/type");
    }

    @Test
    void connectorProblemsPointAtTheSetting() {
        Checked checked = check(crmHookWith("settings", "{\"secret\": \"env:CRM_HOOK_SECRET\"}"));

        assertThat(checked.code()).isEqualTo("validation_failed");
        assertThat(checked.errors()).extracting(ProblemError::pointer).containsExactly("/settings/url");
        assertThat(checked.errors().get(0).message()).contains("url");
    }

    @Test
    void aLiteralSecretIsRefusedWithoutBeingEchoed() {
        Checked checked = check(
                crmHookWith("settings", "{\"url\": \"https://example.test/hook\", \"secret\": \"whsec_s3cr3tValue\"}"));

        assertThat(checked.errors()).hasSize(1);
        assertThat(checked.errors().get(0).pointer()).isEqualTo("/settings/secret");
        assertThat(checked.errors().get(0).message())
                .contains("env:NAME", "file:/path")
                .doesNotContain("s3cr3t");
        assertThatThrownBy(checked::orThrow).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.toProblem().toString()).doesNotContain("s3cr3t");
        });
    }

    @Test
    void secretReferencesMustBeWellFormed() {
        for (String reference : List.of("env:my secret", "env:", "file:relative/path", "ENV:X", "s3cr3t")) {
            Checked checked = check(crmHookWith(
                    "settings", "{\"url\": \"https://example.test/hook\", \"secret\": \"" + reference + "\"}"));
            assertThat(checked.errors())
                    .as(reference)
                    .extracting(ProblemError::pointer)
                    .containsExactly("/settings/secret");
            if (reference.length() > 5) {
                assertThat(checked.errors().toString()).as(reference).doesNotContain(reference);
            }
        }
        assertThat(check(crmHookWith(
                                "settings",
                                "{\"url\": \"https://example.test/hook\", \"secret\": \"file:/run/secrets/hook\"}"))
                        .ok())
                .isTrue();
    }

    @Test
    void batchSizeIsCappedByTheConnector() {
        assertThat(check(crmHookWith("batchSize", "500")).ok()).isTrue();
        for (String bad : List.of("501", "0", "-1", "99999999999")) {
            Checked checked = check(crmHookWith("batchSize", bad));
            assertThat(checked.errors())
                    .as(bad)
                    .containsExactly(new ProblemError(
                            "/batchSize",
                            "must be between 1 and 500 (the webhook connector's limit), or leave batchSize out to use that"
                                    + " limit"));
            assertThat(checked.code()).isEqualTo("validation_failed");
        }
        assertThat(check(crmHookWith("batchSize", "\"100\"")).code()).isEqualTo("invalid_type");
        assertThat(check(crmHookWith("batchSize", "10.5")).code()).isEqualTo("invalid_type");
        assertThat(check(crmHookWith("batchSize", "null")).definition().batchSize())
                .isEmpty();
    }

    @Test
    void rateLimitNeedsRequestsAndAPeriodBetweenOneSecondAndOneDay() {
        assertThat(check(crmHookWith("rateLimit", "{\"requests\": 1, \"per\": \"PT1S\"}"))
                        .ok())
                .isTrue();
        assertThat(check(crmHookWith("rateLimit", "{\"requests\": 100000, \"per\": \"P1D\"}"))
                        .definition()
                        .rateLimit())
                .contains(new RateLimit(100_000, Duration.ofDays(1)));
        assertThat(pointers(crmHookWith("rateLimit", "{\"requests\": 0, \"per\": \"PT0.5S\"}")))
                .containsExactly("/rateLimit/requests", "/rateLimit/per");
        assertThat(pointers(crmHookWith("rateLimit", "{\"requests\": 10, \"per\": \"P2D\"}")))
                .containsExactly("/rateLimit/per");
        assertThat(pointers(crmHookWith("rateLimit", "{\"requests\": 10, \"per\": \"10 seconds\"}")))
                .containsExactly("/rateLimit/per");
        assertThat(pointers(crmHookWith("rateLimit", "{\"requests\": 10, \"per\": \"P1M\"}")))
                .containsExactly("/rateLimit/per");
        assertThat(pointers(crmHookWith("rateLimit", "{}"))).containsExactly("/rateLimit/requests", "/rateLimit/per");
        Checked typed = check(crmHookWith("rateLimit", "{\"requests\": \"190\", \"per\": 10, \"burst\": 5}"));
        assertThat(typed.code()).isEqualTo("invalid_type");
        assertThat(typed.errors())
                .extracting(ProblemError::pointer)
                .containsExactly("/rateLimit/burst", "/rateLimit/requests", "/rateLimit/per");
        assertThat(check(crmHookWith("rateLimit", "\"190/10s\"")).errors())
                .extracting(ProblemError::pointer)
                .containsExactly("/rateLimit");
    }

    @Test
    void unknownFieldsAndWrongTypesAreShapeErrors() {
        Checked unknown = check(crmHookWith("retries", "3"));
        assertThat(unknown.code()).isEqualTo("unknown_field");
        assertThat(unknown.errors()).extracting(ProblemError::pointer).containsExactly("/retries");
        assertThatThrownBy(unknown::orThrow)
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status()).isEqualTo(400));

        Checked typed = check(
                "{\"key\": 1, \"name\": [], \"type\": \"webhook\", \"settings\": {\"url\": 5," + " \"secret\": null}}");
        assertThat(typed.code()).isEqualTo("invalid_type");
        assertThat(typed.errors())
                .extracting(ProblemError::pointer)
                .containsExactly("/key", "/name", "/settings/url", "/settings/secret");
        assertThat(check("{\"key\": \"k\", \"name\": \"n\", \"type\": \"file\", \"settings\": [\"dir\"]}")
                        .errors())
                .extracting(ProblemError::pointer)
                .containsExactly("/settings");
        for (String body : List.of("[]", "\"crm_hook\"", "1", "null")) {
            assertThat(check(body).errors())
                    .as(body)
                    .containsExactly(new ProblemError(
                            "", "send the destination as a JSON object with key, name, type and settings"));
        }
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        Checked checked = check("{\"key\": \"Bad Key\", \"name\": \"\", \"type\": \"webhook\","
                + " \"settings\": {\"secret\": \"hunter2\"}, \"batchSize\": 501, \"rateLimit\": {\"requests\": 0,"
                + " \"per\": \"PT10S\"}}");

        assertThat(checked.code()).isEqualTo("validation_failed");
        assertThat(checked.errors())
                .extracting(ProblemError::pointer)
                .containsExactly(
                        "/key", "/name", "/settings/secret", "/settings/url", "/batchSize", "/rateLimit/requests");
        assertThat(checked.errors().toString()).doesNotContain("hunter2");
    }

    @Test
    void keysAndNames() {
        assertThat(pointers(crmHookWith("key", null))).containsExactly("/key");
        assertThat(pointers(crmHookWith("key", "\"" + "k".repeat(101) + "\""))).containsExactly("/key");
        assertThat(pointers(crmHookWith("key", "\"crm-hook\""))).containsExactly("/key");
        assertThat(pointers(crmHookWith("name", "\"" + "n".repeat(201) + "\""))).containsExactly("/name");
        assertThat(pointers(crmHookWith("name", "\"a\\u0000b\""))).containsExactly("/name");
        assertThat(check(crmHookWith("name", "\"  CRM  \"")).definition().name())
                .isEqualTo("CRM");
        assertThat(pointers(
                        crmHookWith("settings", "{\"url\": \"https://x.test\", \"secret\": \"env:S\", \"a/b\": \"\"}")))
                .containsExactly("/settings/a~1b");
    }

    @Test
    void aPutMayOmitTheKeyButNotChangeIt() {
        JsonNode body = json(crmHookWith("key", null));
        assertThat(validator.check(body, "crm_hook", null, "api").definition().key())
                .isEqualTo("crm_hook");
        assertThat(validator.check(json(CRM_HOOK), "other", null, "api").errors())
                .extracting(ProblemError::pointer, ProblemError::message)
                .containsExactly(tuple(
                        "/key",
                        "must be 'other' (the key in the path) or omitted: a destination's key" + " cannot change"));
    }

    @Test
    void aFileMayTakeItsKeyFromItsName() {
        Checked checked = validator.check(json(crmHookWith("key", null)), null, "from_file", "file");
        assertThat(checked.definition().key()).isEqualTo("from_file");
        assertThat(checked.definition().source()).isEqualTo("file");
        assertThat(validator
                        .check(json(crmHookWith("key", null)), null, "Bad-Name", "file")
                        .errors())
                .extracting(ProblemError::pointer)
                .containsExactly("/key");
    }

    @Test
    void definitionsAreImmutableValues() {
        var settings = new java.util.LinkedHashMap<String, String>(Map.of("format", "csv"));
        var d = new DestinationDefinition("k", "n", "file", settings, Optional.of(20_000), Optional.empty(), "api");
        settings.put("dir", "/elsewhere");

        assertThat(d.settings()).containsOnlyKeys("format");
        assertThatThrownBy(() -> d.settings().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(d.effectiveBatchSize(new BatchLimits(10_000, 1))).isEqualTo(10_000);
        assertThat(d.context(ref -> null).settings()).containsEntry("format", "csv");
        assertThatThrownBy(() -> new RateLimit(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }

    List<String> pointers(String body) {
        return check(body).errors().stream().map(ProblemError::pointer).toList();
    }

    @Test
    void unknownSettingsAreRefusedWithADidYouMeanForEveryConnectorType() {
        record Case(String type, String settings, String setting, String hint) {}
        for (Case c : List.of(
                new Case("file", "{\"fromat\": \"csv\"}", "fromat", "did you mean 'format'?"),
                new Case("file", "{\"Dir\": \"/tmp/x\"}", "Dir", "did you mean 'dir'?"),
                new Case("file", "{\"compression\": \"gzip\"}", "compression", "its settings are dir, format"),
                new Case(
                        "webhook",
                        "{\"url\": \"https://example.test/h\", \"secret\": \"env:S\", \"secrte\": \"x\"}",
                        "secrte",
                        "did you mean 'secret'?"),
                new Case(
                        "webhook",
                        "{\"uri\": \"https://example.test/h\", \"secret\": \"env:S\"}",
                        "uri",
                        "did you mean 'url'?"),
                new Case(
                        "webhook",
                        "{\"url\": \"https://example.test/h\", \"secret\": \"env:S\", \"timeout\": \"5s\"}",
                        "timeout",
                        "its settings are secret, url"))) {
            Checked checked = check("{\"key\": \"k\", \"name\": \"n\", \"type\": \"" + c.type() + "\", \"settings\": "
                    + c.settings() + "}");
            assertThat(checked.ok()).as(c.toString()).isFalse();
            assertThat(checked.errors()).as(c.toString()).anySatisfy(e -> {
                assertThat(e.pointer()).isEqualTo("/settings/" + c.setting());
                assertThat(e.message())
                        .contains("unknown setting '" + c.setting() + "' for a " + c.type())
                        .contains(c.hint());
            });
        }
        assertThat(check("{\"key\": \"k\", \"name\": \"n\", \"type\": \"file\","
                                + " \"settings\": {\"format\": \"csv\", \"dir\": \"/tmp/x\"}}")
                        .ok())
                .isTrue();
    }
}
