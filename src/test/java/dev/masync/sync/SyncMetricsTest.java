package dev.masync.sync;

import dev.masync.sync.run.SyncGauges;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.masync.sync.SyncApiTest.post;
import static dev.masync.sync.SyncApiTest.sync;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Per-sync gauges and dry runs labelled apart, as Prometheus scrapes them. */
@QuarkusTest
class SyncMetricsTest {
    static final String ADMIN = SyncApiTest.ADMIN;
    static final String SYNC = "gauged_sync";

    @Inject
    SyncGauges gauges;

    @BeforeEach
    void segment() {
        new SyncApiTest().segment();
    }

    static JsonPath runAndWait(String body) {
        return given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(body)
                .post("/api/v1/syncs/" + SYNC + "/runs?wait=30")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the one series named {@code name} whose labels include all of {@code labels}. */
    static Optional<Double> value(String metrics, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$")
                .matcher(metrics);
        while (m.find()) {
            boolean all = true;
            for (String l : labels) {
                all &= m.group(1).contains(l);
            }
            if (all) {
                return Optional.of(Double.parseDouble(m.group(2)));
            }
        }
        return Optional.empty();
    }

    @Test
    void gaugesShowTheLastFullRunAndRecordErrorsAndDryRunsCountApart() {
        post("/api/v1/syncs", sync(SYNC, "")).then().statusCode(201);
        JsonPath dry = runAndWait("{\"dryRun\": true}");
        assertThat(dry.getString("status")).isEqualTo("succeeded");
        gauges.refresh();
        String afterDry = scrape();
        // a dry run is no success of the sync: no last success, nothing held, counted with dry_run="true"
        assertThat(value(afterDry, "masync_sync_last_success_time_seconds", "sync=\"" + SYNC + "\""))
                .hasValueSatisfying(v -> assertThat(v).isNaN());
        assertThat(value(afterDry, "masync_sync_runs_total", "sync=\"" + SYNC + "\"", "dry_run=\"true\""))
                .contains(1.0);
        assertThat(value(afterDry, "masync_sync_runs_total", "sync=\"" + SYNC + "\"", "dry_run=\"false\""))
                .isEmpty();

        JsonPath real = runAndWait("{}");
        assertThat(real.getString("status")).isEqualTo("succeeded");
        runAndWait("{\"dryRun\": true}"); // a later dry run changes none of the full run's gauges
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 3; i++) {
                RecordErrorEntity e = new RecordErrorEntity();
                e.syncKey = SYNC;
                e.learnerKey = "gauge-" + i;
                e.errorClass = "invalid";
                e.code = "invalid_email";
                e.message = "bad email";
                e.attempts = 5;
                e.status = i < 2 ? RecordErrorEntity.QUARANTINED : RecordErrorEntity.SKIPPED;
                e.firstSeen = Instant.EPOCH;
                e.lastSeen = Instant.EPOCH;
                e.persist();
            }
        });
        // a scrape reads the last measurement, never the control DB
        assertThat(value(scrape(), "masync_sync_record_errors", "sync=\"" + SYNC + "\"", "status=\"quarantined\""))
                .contains(0.0);

        gauges.refresh();
        String metrics = scrape();
        double finished = Instant.parse(real.getString("finishedAt")).toEpochMilli() / 1000.0;
        double took = (Instant.parse(real.getString("finishedAt")).toEpochMilli()
                        - Instant.parse(real.getString("startedAt")).toEpochMilli())
                / 1000.0;
        assertThat(value(metrics, "masync_sync_last_success_time_seconds", "sync=\"" + SYNC + "\""))
                .hasValueSatisfying(v -> assertThat(v).isCloseTo(finished, within(0.001)));
        assertThat(value(metrics, "masync_sync_last_run_duration_seconds", "sync=\"" + SYNC + "\""))
                .hasValueSatisfying(v -> assertThat(v).isCloseTo(took, within(0.001)));
        assertThat(value(metrics, "masync_sync_members_held", "sync=\"" + SYNC + "\""))
                .contains((double) real.getLong("counts.evaluated"));
        assertThat(real.getLong("counts.evaluated")).isPositive();
        assertThat(value(metrics, "masync_sync_record_errors", "sync=\"" + SYNC + "\"", "status=\"quarantined\""))
                .contains(2.0);
        assertThat(value(metrics, "masync_sync_record_errors", "sync=\"" + SYNC + "\"", "status=\"skipped\""))
                .contains(1.0);
        assertThat(value(metrics, "masync_sync_record_errors", "sync=\"" + SYNC + "\"", "status=\"retrying\""))
                .contains(0.0);
        assertThat(value(metrics, "masync_sync_runs_total", "sync=\"" + SYNC + "\"", "dry_run=\"true\""))
                .contains(2.0);
        assertThat(value(
                        metrics,
                        "masync_sync_runs_total",
                        "sync=\"" + SYNC + "\"",
                        "dry_run=\"false\"",
                        "status=\"succeeded\""))
                .contains(1.0);

        // a deleted sync's rows go with the next measurement
        QuarkusTransaction.requiringNew().run(() -> RecordErrorEntity.delete("syncKey", SYNC));
        String etag = given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/" + SYNC)
                .then()
                .statusCode(200)
                .extract()
                .header("ETag");
        given().header("Authorization", ADMIN)
                .header("If-Match", etag)
                .delete("/api/v1/syncs/" + SYNC)
                .then()
                .statusCode(204);
        gauges.refresh();
        assertThat(value(scrape(), "masync_sync_members_held", "sync=\"" + SYNC + "\""))
                .isEmpty();
    }
}
