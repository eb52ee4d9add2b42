package dev.masync.platform;

import dev.masync.sync.SyncApiTest;
import dev.masync.sync.run.SyncGauges;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every ma-sync meter on /q/metrics says what it measures: a HELP line with real text, not just its name. */
@QuarkusTest
class MetricsHelpTest {
    private static final Pattern HELP = Pattern.compile("(?m)^# HELP (\\S+) ?(.*)$");
    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) \\S+$");

    @Inject
    SyncGauges gauges;

    @Inject
    dev.masync.webhook.WebhookMetrics webhooks;

    @Inject
    dev.masync.budget.RateBudgets budgets;

    /** Families named masync_* whose HELP is missing, empty or only repeats the name; empty when all are fine. */
    static List<String> withoutHelp(String metrics) {
        Map<String, String> help = new HashMap<>();
        Matcher h = HELP.matcher(metrics);
        while (h.find()) {
            help.put(h.group(1), h.group(2).trim());
        }
        Set<String> families = new TreeSet<>();
        Matcher t = TYPE.matcher(metrics);
        while (t.find()) {
            if (t.group(1).startsWith("masync_")) {
                families.add(t.group(1));
            }
        }
        List<String> bad = new ArrayList<>();
        for (String f : families) {
            String text = help.get(f);
            String words = text == null ? "" : text.replaceAll("[\\s_.]+", "").toLowerCase(java.util.Locale.ROOT);
            String name = f.replaceAll("[_.]", "").toLowerCase(java.util.Locale.ROOT);
            if (text == null || text.length() < 12 || name.startsWith(words) || words.startsWith(name)) {
                bad.add(f + " (HELP: " + text + ")");
            }
        }
        return bad;
    }

    @Test
    void everyMasyncMeterHasAMeaningfulHelp() {
        // runs and gauges register their meters: make them exist before scraping
        new SyncApiTest().segment();
        SyncApiTest.post("/api/v1/syncs", SyncApiTest.sync("help_sync", ""))
                .then()
                .statusCode(201);
        for (String body : new String[] {"{\"dryRun\": true}", "{}"}) {
            given().header("Authorization", "Bearer test-admin-key")
                    .contentType("application/json")
                    .body(body)
                    .post("/api/v1/syncs/help_sync/runs?wait=30")
                    .then()
                    .statusCode(200);
        }
        gauges.refresh();
        // meters that appear with traffic: webhook receivers and an account's rate budget
        webhooks.received("generic");
        webhooks.rejected("generic", "help_test");
        webhooks.ignored("generic", 1);
        budgets.destination("help_test_destination", 10, java.time.Duration.ofSeconds(1));
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(metrics)
                .contains(
                        "masync_sync_runs_total",
                        "masync_sync_phase_seconds",
                        "masync_warehouse_calls_seconds",
                        "masync_sync_members_held",
                        "masync_webhooks_rejected_total",
                        "masync_budget_window_remaining",
                        "masync_catalog_ready");
        assertThat(withoutHelp(metrics)).isEmpty();
    }

    @Test
    void theCheckCatchesMissingEmptyAndNameOnlyHelp() {
        assertThat(withoutHelp("""
                # HELP masync_a_total runs ended, by sync and status
                # TYPE masync_a_total counter
                # TYPE masync_b gauge
                # HELP masync_c\s
                # TYPE masync_c gauge
                # HELP masync_d_seconds masync.d
                # TYPE masync_d_seconds gauge
                # TYPE other_metric gauge
                """))
                .containsExactly("masync_b (HELP: null)", "masync_c (HELP: )", "masync_d_seconds (HELP: masync.d)");
    }
}
