package dev.masync.sync;

import dev.masync.platform.MasyncConfig;
import dev.masync.sync.run.RunEngine;
import dev.masync.sync.run.RunLeases;
import dev.masync.sync.run.RunTrigger;
import dev.masync.sync.run.SyncRunEntity;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** Syncs through the API: definitions checked with pointers, runs to the file outbox, incremental reruns. */
@QuarkusTest
public class SyncApiTest {
    static final String ADMIN = "Bearer test-admin-key";

    @Inject
    RunLeases leases;

    @Inject
    MasyncConfig masync;

    public static Response post(String path, String json) {
        return given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(json)
                .post(path);
    }

    public static String sync(String key, String extra) {
        return """
                {"key": "%s", "segment": "sync_test_paid", "destination": "outbox",
                 "identity": {"attribute": "learner_id", "field": "external_id"},
                 "mapping": [{"source": "streak_days", "target": "streak"},
                             {"source": "last_active_at", "target": "last_active", "format": "datetime"}],
                 "membership": {"style": "boolean", "field": "is_champion"}, "mode": "mirror"%s}""".formatted(key, extra);
    }

    @org.junit.jupiter.api.BeforeEach
    public void segment() {
        if (given().header("Authorization", ADMIN)
                        .get("/api/v1/segments/sync_test_paid")
                        .statusCode()
                == 404) {
            post("/api/v1/segments", """
                    {"key": "sync_test_paid", "name": "Paid learners",
                     "rule": {"attribute": "plan", "op": "in", "values": ["basic", "exam_coach"]}}""").then().statusCode(201);
        }
    }

    /** Polls the run until it is no longer running (at most about a minute: connector runs push thousands). */
    public static JsonPath awaitRun(long id) throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            JsonPath run = given().header("Authorization", ADMIN)
                    .get("/api/v1/runs/" + id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            if (!"running".equals(run.getString("status"))) {
                return run;
            }
            Thread.sleep(50); // waits for the worker thread, not for a clock
        }
        throw new AssertionError("run " + id + " did not finish");
    }

    public static long startRun(String key, String body) {
        if (body == null) {
            // as curl -X POST sends it: no body, no Content-Type (RestAssured would add a form content type)
            try {
                java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                                                        + io.restassured.RestAssured.port + "/api/v1/syncs/" + key
                                                        + "/runs"))
                                        .header("Authorization", ADMIN)
                                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                return new JsonPath(r.body()).getLong("id");
            } catch (java.io.IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        Response r = post("/api/v1/syncs/" + key + "/runs", body);
        return r.then()
                .statusCode(202)
                .body("status", equalTo("running"))
                .extract()
                .jsonPath()
                .getLong("id");
    }

    @Test
    void invalidDefinitionsAreRefusedWithPointersAndNothingIsStored() {
        String bad = """
                {"key": "bad_sync", "segment": "nope", "destination": "nowhere",
                 "identity": {"attribute": "no_such_column"},
                 "mapping": [{"source": "streak_days", "target": "x"}, {"source": "grade", "target": "x"},
                             {"source": "grade", "target": "y", "format": "date"}],
                 "schedule": {"cron": "every day"}, "mode": "sometimes", "extra": 1}""";
        post("/api/v1/syncs", bad)
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body(
                        "errors.pointer",
                        hasItems(
                                "/segment",
                                "/destination",
                                "/identity/attribute",
                                "/mapping/1/target",
                                "/mapping/2/format",
                                "/schedule/cron",
                                "/mode",
                                "/extra"));
        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/bad_sync")
                .then()
                .statusCode(404)
                .body("code", equalTo("sync_not_found"));
    }

    @Test
    void aRunSendsTheSegmentToTheOutboxAndARerunSendsNothing() throws Exception {
        post("/api/v1/syncs", sync("champions_api", "")).then().statusCode(201).body("version", equalTo(1));

        JsonPath dry = awaitRun(startRun("champions_api", "{\"dryRun\": true}"));
        assertThat(dry.getString("status")).isEqualTo("succeeded");
        long members = dry.getLong("counts.entered");
        assertThat(members).isPositive();
        assertThat(dry.getList("samples.entered")).isNotEmpty();

        JsonPath first = awaitRun(startRun("champions_api", "{}"));
        assertThat(first.getString("status")).isEqualTo("succeeded");
        assertThat(first.getLong("counts.entered")).isEqualTo(members);
        assertThat(first.getLong("counts.confirmed")).isEqualTo(members);
        Path outbox = masync.dataDir().resolve("outbox").resolve("champions_api");
        long lines = 0;
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path f : files.toList()) {
                lines += Files.readAllLines(f).size();
            }
        }
        assertThat(lines).isEqualTo(members);

        JsonPath second = awaitRun(startRun("champions_api", null));
        assertThat(second.getString("status")).isEqualTo("succeeded");
        assertThat(second.getLong("counts.sent")).isZero();
        assertThat(second.getLong("counts.requests")).isZero();
        assertThat(second.getLong("counts.unchanged")).isEqualTo(members);

        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/champions_api/runs")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(3))
                .body("items[0].trigger", equalTo("api"))
                .body("nextCursor", org.hamcrest.Matchers.nullValue());
        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/champions_api/record-errors")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("masync_sync_runs_total{", "sync=\"champions_api\"", "status=\"succeeded\"")
                .contains("masync_sync_records_total{")
                .contains("masync_sync_phase_seconds");
    }

    @Test
    void onlyOneOfTwoConcurrentRunnersGetsTheSync() throws Exception {
        post("/api/v1/syncs", sync("champions_lock", "")).then().statusCode(201);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<SyncRunEntity>> claims = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Callable<SyncRunEntity> claim = () -> {
                go.await();
                return leases.claim("champions_lock", RunTrigger.API, RunEngine.Options.NORMAL, "test");
            };
            claims.add(pool.submit(claim));
        }
        go.countDown();
        int won = 0;
        for (Future<SyncRunEntity> f : claims) {
            if (f.get() != null) {
                won++;
            }
        }
        pool.shutdown();
        assertThat(won).isEqualTo(1);
        post("/api/v1/syncs/champions_lock/runs", "{}").then().statusCode(409).body("code", equalTo("run_in_progress"));
        // as a second replica that stopped would leave it: lease released, its run failed as interrupted
        leases.release("champions_lock");
        leases.failOrphanedRuns();
    }

    @Test
    void aSyncSentToAnotherDestinationOrRecreatedStartsFromAnEmptyState() throws Exception {
        post("/api/v1/syncs", sync("paid_repoint", "")).then().statusCode(201);
        long members = awaitRun(startRun("paid_repoint", "{}")).getLong("counts.entered");
        assertThat(members).isPositive();
        post("/api/v1/destinations", """
                {"key": "outbox_csv", "name": "CSV outbox", "type": "file", "settings": {"format": "csv"}}""").then().statusCode(201);
        given().header("Authorization", ADMIN)
                .header("If-Match", "\"1\"")
                .contentType("application/json")
                .body(sync("paid_repoint", "").replace("\"outbox\"", "\"outbox_csv\""))
                .put("/api/v1/syncs/paid_repoint")
                .then()
                .statusCode(200)
                .body("version", equalTo(2));
        assertThat(awaitRun(startRun("paid_repoint", "{}")).getLong("counts.entered"))
                .isEqualTo(members);
        assertThat(awaitRun(startRun("paid_repoint", "{}")).getLong("counts.sent"))
                .isZero();

        given().header("Authorization", ADMIN)
                .header("If-Match", "\"2\"")
                .delete("/api/v1/syncs/paid_repoint")
                .then()
                .statusCode(204);
        post("/api/v1/syncs", sync("paid_repoint", "")).then().statusCode(201);
        assertThat(awaitRun(startRun("paid_repoint", "{}")).getLong("counts.entered"))
                .isEqualTo(members);
    }

    @Test
    void aSegmentSentByASyncCannotBeDeleted() {
        post("/api/v1/syncs", sync("paid_in_use", "")).then().statusCode(201);
        int version = given().header("Authorization", ADMIN)
                .get("/api/v1/segments/sync_test_paid")
                .then()
                .extract()
                .jsonPath()
                .getInt("version");
        given().header("Authorization", ADMIN)
                .header("If-Match", "\"" + version + "\"")
                .delete("/api/v1/segments/sync_test_paid")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("segment_in_use"))
                .body("detail", org.hamcrest.Matchers.containsString("paid_in_use"));
    }

    @Test
    void pauseAndResumeAreVersionedAndFileSyncsAreReadOnly() {
        post("/api/v1/syncs", sync("champions_pause", ", \"schedule\": {\"every\": \"PT1H\"}"))
                .then()
                .statusCode(201);
        post("/api/v1/syncs/champions_pause/pause", "")
                .then()
                .statusCode(200)
                .body("definition.paused", equalTo(true))
                .body("version", equalTo(2));
        post("/api/v1/syncs/champions_pause/resume", "")
                .then()
                .statusCode(200)
                .body("definition.paused", equalTo(false));
        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/math_slipping_to_outbox")
                .then()
                .statusCode(200)
                .body("source", equalTo("file"));
        given().header("Authorization", ADMIN)
                .header("If-Match", "\"1\"")
                .delete("/api/v1/syncs/math_slipping_to_outbox")
                .then()
                .statusCode(409)
                .body("code", equalTo("managed_by_file"));
    }
}
