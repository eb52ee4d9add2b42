package dev.masync.definition;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writers that start together: of concurrent creates of one key exactly one gets 201 and the others 409; of
 * concurrent replaces with the same {@code If-Match} exactly one gets 200 and the others 412, and the stored
 * definition is the winner's. Never a 500, never a lost update; the same for segments, destinations and syncs.
 */
@QuarkusTest
class ConcurrentWritesTest {
    static final String ADMIN = "Bearer test-admin-key";
    static final int WRITERS = 8;
    static ExecutorService pool;

    /** How to write one kind: its collection and a body for a key and a name. */
    record Kind(String path, String existsCode, BodyOf body) {}

    interface BodyOf {
        String of(String key, String name);
    }

    static final Kind SEGMENTS =
            new Kind("/api/v1/segments", "segment_exists", (key, name) -> """
                    {"key": "%s", "name": "%s", "rule": {"attribute": "plan", "op": "in", "values": ["basic"]}}""".formatted(key, name));
    static final Kind DESTINATIONS =
            new Kind("/api/v1/destinations", "destination_exists", (key, name) -> """
                    {"key": "%s", "name": "%s", "type": "file"}""".formatted(key, name));
    static final Kind SYNCS = new Kind("/api/v1/syncs", "sync_exists", (key, name) -> """
                    {"key": "%s", "name": "%s", "segment": "race_base", "destination": "race_base",
                     "mapping": [{"source": "streak_days", "target": "streak"}]}""".formatted(key, name));

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(WRITERS);
    }

    /** The segment and destination the syncs use (RestAssured knows the test port only per test). */
    @BeforeEach
    void base() {
        for (Kind kind : List.of(SEGMENTS, DESTINATIONS)) {
            if (given().header("Authorization", ADMIN)
                            .get(kind.path() + "/race_base")
                            .statusCode()
                    == 404) {
                send("POST", kind.path(), kind.body().of("race_base", "Base"), null)
                        .then()
                        .statusCode(201);
            }
        }
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    @AfterEach
    void removeWhatWasWritten() {
        // syncs first: they use the base segment and destination
        for (String path : List.of(
                "/api/v1/syncs/race_create_sync",
                "/api/v1/syncs/race_put_sync",
                "/api/v1/segments/race_create_segment",
                "/api/v1/segments/race_put_segment",
                "/api/v1/segments/race_base",
                "/api/v1/destinations/race_create_destination",
                "/api/v1/destinations/race_put_destination",
                "/api/v1/destinations/race_base")) {
            Response r = given().header("Authorization", ADMIN).get(path);
            if (r.statusCode() == 200) {
                given().header("Authorization", ADMIN)
                        .header("If-Match", r.header("ETag"))
                        .delete(path)
                        .then()
                        .statusCode(204);
            }
        }
    }

    @Test
    void concurrentCreatesOfOneSegmentGiveOne201AndOnly409s() throws Exception {
        creates(SEGMENTS, "race_create_segment");
    }

    @Test
    void concurrentCreatesOfOneDestinationGiveOne201AndOnly409s() throws Exception {
        creates(DESTINATIONS, "race_create_destination");
    }

    @Test
    void concurrentCreatesOfOneSyncGiveOne201AndOnly409s() throws Exception {
        creates(SYNCS, "race_create_sync");
    }

    @Test
    void concurrentReplacesOfOneSegmentWithOneIfMatchGiveOne200AndOnly412s() throws Exception {
        replaces(SEGMENTS, "race_put_segment");
    }

    @Test
    void concurrentReplacesOfOneDestinationWithOneIfMatchGiveOne200AndOnly412s() throws Exception {
        replaces(DESTINATIONS, "race_put_destination");
    }

    @Test
    void concurrentReplacesOfOneSyncWithOneIfMatchGiveOne200AndOnly412s() throws Exception {
        replaces(SYNCS, "race_put_sync");
    }

    @Test
    void concurrentPausesOfOneSyncAllAnswerPausedAndWriteOneVersion() throws Exception {
        send("POST", SYNCS.path(), SYNCS.body().of("race_put_sync", "Pausing"), null)
                .then()
                .statusCode(201);
        List<Response> pauses = together(i -> () -> send("POST", "/api/v1/syncs/race_put_sync/pause", "", null));
        assertThat(statuses(pauses)).containsOnlyKeys(200);
        pauses.forEach(
                r -> assertThat(r.jsonPath().getBoolean("definition.paused")).isTrue());
        Response stored = given().header("Authorization", ADMIN).get("/api/v1/syncs/race_put_sync");
        assertThat(stored.jsonPath().getInt("version")).isEqualTo(2);

        List<Response> resumes = together(i -> () -> send("POST", "/api/v1/syncs/race_put_sync/resume", "", null));
        assertThat(statuses(resumes)).containsOnlyKeys(200);
        resumes.forEach(
                r -> assertThat(r.jsonPath().getBoolean("definition.paused")).isFalse());
        assertThat(given().header("Authorization", ADMIN)
                        .get("/api/v1/syncs/race_put_sync")
                        .jsonPath()
                        .getInt("version"))
                .isEqualTo(3);
    }

    @Test
    void concurrentDeletesWithOneIfMatchGiveOne204AndOnly412sOr404s() throws Exception {
        for (Kind kind : List.of(SEGMENTS, DESTINATIONS, SYNCS)) {
            String key = kind == SEGMENTS
                    ? "race_create_segment"
                    : kind == DESTINATIONS ? "race_create_destination" : "race_create_sync";
            // a re-created key may continue an earlier history: delete with the version it has now
            String etag = send("POST", kind.path(), kind.body().of(key, "Doomed"), null)
                    .then()
                    .statusCode(201)
                    .extract()
                    .header("ETag");
            List<Response> answers = together(i -> () -> send("DELETE", kind.path() + "/" + key, "", etag));
            Map<Integer, Long> statuses = statuses(answers);
            assertThat(statuses).as(kind.path()).containsEntry(204, 1L);
            assertThat(statuses.keySet()).as(kind.path()).isSubsetOf(204, 404, 412);
            answers.stream()
                    .filter(r -> r.statusCode() != 204)
                    .forEach(r -> assertThat(r.contentType()).startsWith("application/problem+json"));
            given().header("Authorization", ADMIN)
                    .get(kind.path() + "/" + key)
                    .then()
                    .statusCode(404);
        }
    }

    private static void creates(Kind kind, String key) throws Exception {
        List<Response> answers =
                together(i -> () -> send("POST", kind.path(), kind.body().of(key, "Writer " + i), null));

        assertThat(statuses(answers))
                .containsEntry(201, 1L)
                .containsEntry(409, WRITERS - 1L)
                .hasSize(2);
        answers.stream()
                .filter(r -> r.statusCode() == 409)
                .forEach(r -> assertThat(r.jsonPath().getString("code")).isEqualTo(kind.existsCode()));
        Response winner =
                answers.stream().filter(r -> r.statusCode() == 201).findFirst().orElseThrow();
        Response stored = given().header("Authorization", ADMIN).get(kind.path() + "/" + key);
        assertThat(stored.jsonPath().getInt("version")).isEqualTo(1);
        assertThat(name(stored)).isEqualTo(name(winner));
    }

    private static void replaces(Kind kind, String key) throws Exception {
        send("POST", kind.path(), kind.body().of(key, "First"), null).then().statusCode(201);

        List<Response> answers = together(i ->
                () -> send("PUT", kind.path() + "/" + key, kind.body().of(key, "Writer " + i), "\"1\""));

        assertThat(statuses(answers))
                .containsEntry(200, 1L)
                .containsEntry(412, WRITERS - 1L)
                .hasSize(2);
        answers.stream()
                .filter(r -> r.statusCode() == 412)
                .forEach(r -> assertThat(r.jsonPath().getString("code")).isEqualTo("version_mismatch"));
        Response winner =
                answers.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
        assertThat(winner.jsonPath().getInt("version")).isEqualTo(2);
        Response stored = given().header("Authorization", ADMIN).get(kind.path() + "/" + key);
        assertThat(stored.jsonPath().getInt("version")).isEqualTo(2);
        assertThat(stored.header("ETag")).isEqualTo("\"2\"");
        assertThat(name(stored)).as("the winner's write, not a later loser's").isEqualTo(name(winner));
    }

    /** Starts every writer at once (they wait on one latch) and collects their answers. */
    private static List<Response> together(IntFunction<Callable<Response>> writer) throws Exception {
        CountDownLatch ready = new CountDownLatch(WRITERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> futures = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            Callable<Response> call = writer.apply(i);
            futures.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return call.call();
            }));
        }
        ready.await();
        go.countDown();
        List<Response> answers = new ArrayList<>();
        for (Future<Response> f : futures) {
            answers.add(f.get());
        }
        return answers;
    }

    private static Map<Integer, Long> statuses(List<Response> answers) {
        return answers.stream().collect(Collectors.groupingBy(Response::statusCode, Collectors.counting()));
    }

    private static String name(Response r) {
        String name = r.jsonPath().getString("name");
        return name != null ? name : r.jsonPath().getString("definition.name");
    }

    private static Response send(String method, String path, String body, String ifMatch) {
        var request = given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(body);
        if (ifMatch != null) {
            request = request.header("If-Match", ifMatch);
        }
        return request.request(method, path);
    }
}
