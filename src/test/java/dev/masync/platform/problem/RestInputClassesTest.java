package dev.masync.platform.problem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9's classes of bad REST input, each tried with several members against every definition kind and every list
 * endpoint: always a 4xx {@code application/problem+json} with a stable code and no Java type in its words, and
 * nothing stored.
 */
@QuarkusTest
class RestInputClassesTest {
    static final String ADMIN = "Bearer test-admin-key";
    static final String HUGE = "x".repeat(150_000);
    static final Pattern JAVA_WORDS = Pattern.compile(
            "java\\.|jakarta\\.|dev\\.masync|com\\.fasterxml|`|\\b(Integer|Long|Boolean|Double|BigDecimal|JsonNode|"
                    + "ObjectNode|String\\[\\]|[A-Z][a-z]+Request|[A-Z][a-z]+Exception)\\b");

    static final String SEGMENT = "corpus_seg";
    static final String DESTINATION = "corpus_dest";
    static final String SYNC = "corpus_sync_base";

    /** A body and where to send it. */
    record Attempt(String what, String method, String path, String body, String ifMatch) {
        static Attempt post(String what, String path, String body) {
            return new Attempt(what, "POST", path, body, null);
        }

        static Attempt put(String what, String path, String body) {
            return new Attempt(what, "PUT", path, body, "\"1\"");
        }
    }

    static String segment(String key, String name, String extra, String value) {
        return "{\"key\": \"" + key + "\", \"name\": \"" + name + "\"" + extra
                + ", \"rule\": {\"attribute\": \"plan\", \"op\": \"eq\", \"value\": \"" + value + "\"}}";
    }

    static String destination(String key, String name, String settingName, String settingValue) {
        return "{\"key\": \"" + key + "\", \"name\": \"" + name + "\", \"type\": \"file\", \"settings\": {\""
                + settingName + "\": \"" + settingValue + "\"}}";
    }

    static String sync(String key, String extra) {
        // a sync must write something: a mapping unless the case brings its own mapping or membership
        String writes = extra.contains("\"mapping\"") || extra.contains("\"membership\"")
                ? ""
                : ", \"mapping\": [{\"source\": \"plan\", \"target\": \"plan\"}]";
        return "{\"key\": \"" + key + "\", \"segment\": \"" + SEGMENT + "\", \"destination\": \"" + DESTINATION + "\""
                + writes + extra + "}";
    }

    @BeforeEach
    void fixtures() {
        if (get("/api/v1/segments/" + SEGMENT).statusCode() == 404) {
            send(Attempt.post("segment", "/api/v1/segments", segment(SEGMENT, "Corpus", "", "free")))
                    .then()
                    .statusCode(201);
        }
        if (get("/api/v1/destinations/" + DESTINATION).statusCode() == 404) {
            send(Attempt.post(
                            "destination", "/api/v1/destinations", destination(DESTINATION, "Corpus", "format", "csv")))
                    .then()
                    .statusCode(201);
        }
        if (get("/api/v1/syncs/" + SYNC).statusCode() == 404) {
            send(Attempt.post("sync", "/api/v1/syncs", sync(SYNC, ""))).then().statusCode(201);
        }
    }

    // ---- sizes ----

    static List<Attempt> oversize() {
        String segs = "/api/v1/segments";
        String dests = "/api/v1/destinations";
        String syncs = "/api/v1/syncs";
        List<Attempt> a = new ArrayList<>(List.of(
                Attempt.post("segment key", segs, segment("k".repeat(101), "n", "", "free")),
                Attempt.post("segment name", segs, segment("new_seg", HUGE, "", "free")),
                Attempt.post("segment name 201", segs, segment("new_seg", "n".repeat(201), "", "free")),
                Attempt.post(
                        "segment description",
                        segs,
                        segment("new_seg", "n", ", \"description\": \"" + HUGE + "\"", "free")),
                Attempt.post("rule value", segs, segment("new_seg", "n", "", HUGE)),
                Attempt.post("rule value 1001", segs, segment("new_seg", "n", "", "v".repeat(1001))),
                Attempt.post(
                        "rule in-list value",
                        segs,
                        "{\"key\": \"new_seg\", \"name\": \"n\", \"rule\": {\"attribute\": \"plan\", \"op\": \"in\","
                                + " \"values\": [\"free\", \"" + HUGE + "\"]}}"),
                Attempt.post(
                        "rule attribute",
                        segs,
                        "{\"key\": \"new_seg\", \"name\": \"n\", \"rule\": {\"attribute\": \"" + HUGE
                                + "\", \"op\": \"eq\", \"value\": \"x\"}}"),
                Attempt.post(
                        "rule member name",
                        segs,
                        "{\"key\": \"new_seg\", \"name\": \"n\", \"rule\": {\"" + HUGE + "\": 1}}"),
                Attempt.post(
                        "preview rule value",
                        segs + "/preview",
                        "{\"rule\": {\"attribute\": \"plan\", \"op\": \"eq\", \"value\": \"" + HUGE + "\"}}"),
                Attempt.put("segment name (PUT)", segs + "/" + SEGMENT, segment(SEGMENT, HUGE, "", "free")),
                Attempt.put("rule value (PUT)", segs + "/" + SEGMENT, segment(SEGMENT, "n", "", HUGE)),
                Attempt.post("destination name", dests, destination("new_dest", HUGE, "format", "csv")),
                Attempt.post("destination setting value", dests, destination("new_dest", "n", "format", HUGE)),
                Attempt.post("destination setting name", dests, destination("new_dest", "n", HUGE, "csv")),
                Attempt.post(
                        "destination type",
                        dests,
                        "{\"key\": \"new_dest\", \"name\": \"n\", \"type\": \"" + HUGE + "\"}"),
                Attempt.put(
                        "destination setting value (PUT)",
                        dests + "/" + DESTINATION,
                        destination(DESTINATION, "n", "format", HUGE)),
                Attempt.post("sync name", syncs, sync("new_sync", ", \"name\": \"" + HUGE + "\"")),
                Attempt.post(
                        "sync membership value",
                        syncs,
                        sync(
                                "new_sync",
                                ", \"membership\": {\"style\": \"value\", \"field\": \"seg\", \"value\": \"" + HUGE
                                        + "\"}")),
                Attempt.post(
                        "sync membership value 1001",
                        syncs,
                        sync(
                                "new_sync",
                                ", \"membership\": {\"style\": \"value\", \"field\": \"seg\", \"value\": \""
                                        + "v".repeat(1001) + "\"}")),
                Attempt.post(
                        "sync mapping target",
                        syncs,
                        sync("new_sync", ", \"mapping\": [{\"source\": \"plan\", \"target\": \"" + HUGE + "\"}]")),
                Attempt.post(
                        "sync identity field",
                        syncs,
                        sync(
                                "new_sync",
                                ", \"identity\": {\"attribute\": \"learner_id\", \"field\": \"" + HUGE + "\"}")),
                Attempt.post(
                        "sync schedule every",
                        syncs,
                        sync("new_sync", ", \"schedule\": {\"every\": \"" + HUGE + "\"}")),
                Attempt.post(
                        "sync schedule cron", syncs, sync("new_sync", ", \"schedule\": {\"cron\": \"" + HUGE + "\"}")),
                Attempt.post(
                        "sync freshness maxAge",
                        syncs,
                        sync(
                                "new_sync",
                                ", \"freshness\": {\"attribute\": \"last_active_at\", \"maxAge\": \"" + HUGE + "\"}")),
                Attempt.post(
                        "sync segment reference",
                        syncs,
                        "{\"key\": \"new_sync\", \"segment\": \"" + HUGE + "\", \"destination\": \"" + DESTINATION
                                + "\"}"),
                Attempt.put(
                        "sync membership value (PUT)",
                        syncs + "/" + SYNC,
                        sync(
                                SYNC,
                                ", \"membership\": {\"style\": \"value\", \"field\": \"seg\", \"value\": \"" + HUGE
                                        + "\"}")),
                Attempt.post(
                        "api key name", "/api/v1/api-keys", "{\"name\": \"" + HUGE + "\", \"role\": \"viewer\"}")));
        return a;
    }

    @TestFactory
    List<DynamicTest> everyOversizeStringIsRefusedBeforeStorage() {
        return oversize().stream()
                .map(attempt -> DynamicTest.dynamicTest(attempt.what(), () -> refusedAndNothingStored(attempt, null)))
                .toList();
    }

    // ---- JSON strictness ----

    static List<Attempt> duplicates() {
        return List.of(
                Attempt.post(
                        "segment top level",
                        "/api/v1/segments",
                        "{\"key\": \"new_seg\", \"key\": \"other_seg\", \"name\": \"n\", \"rule\": {\"attribute\":"
                                + " \"plan\", \"op\": \"eq\", \"value\": \"free\"}}"),
                Attempt.post(
                        "segment nested in rule",
                        "/api/v1/segments",
                        "{\"key\": \"new_seg\", \"name\": \"n\", \"rule\": {\"all\": [{\"attribute\": \"plan\", \"op\":"
                                + " \"eq\", \"value\": \"free\", \"value\": \"paid\"}]}}"),
                Attempt.put(
                        "segment PUT",
                        "/api/v1/segments/" + SEGMENT,
                        "{\"name\": \"a\", \"name\": \"b\", \"rule\": {\"attribute\": \"plan\", \"op\": \"eq\","
                                + " \"value\": \"free\"}}"),
                Attempt.post(
                        "preview",
                        "/api/v1/segments/preview",
                        "{\"rule\": {\"attribute\": \"plan\", \"attribute\": \"grade\", \"op\": \"eq\", \"value\": \"x\"}}"),
                Attempt.post(
                        "destination settings",
                        "/api/v1/destinations",
                        "{\"key\": \"new_dest\", \"name\": \"n\", \"type\": \"file\", \"settings\": {\"format\": \"csv\","
                                + " \"format\": \"jsonl\"}}"),
                Attempt.post(
                        "sync mapping element",
                        "/api/v1/syncs",
                        sync(
                                "new_sync",
                                ", \"mapping\": [{\"source\": \"plan\", \"target\": \"a\", \"target\": \"b\"}]")),
                Attempt.post("sync top level", "/api/v1/syncs", sync("new_sync", ", \"segment\": \"" + SEGMENT + "\"")),
                Attempt.post("api key", "/api/v1/api-keys", "{\"name\": \"a\", \"name\": \"b\", \"role\": \"viewer\"}"),
                Attempt.post(
                        "run request", "/api/v1/syncs/" + SYNC + "/runs", "{\"dryRun\": true, \"dryRun\": false}"));
    }

    @TestFactory
    List<DynamicTest> duplicateMemberNamesAreRefusedWithAPointer() {
        return duplicates().stream()
                .map(attempt -> DynamicTest.dynamicTest(attempt.what(), () -> {
                    Response r = refusedAndNothingStored(attempt, 400);
                    assertThat(r.jsonPath().getString("code")).as(r.asString()).isEqualTo("duplicate_member");
                    assertThat(r.jsonPath().getString("errors[0].pointer"))
                            .as(r.asString())
                            .startsWith("/");
                }))
                .toList();
    }

    static List<Attempt> trailing() {
        String seg = segment("new_seg", "n", "", "free");
        return List.of(
                Attempt.post("segment + object", "/api/v1/segments", seg + " {}"),
                Attempt.post("segment + word", "/api/v1/segments", seg + " x"),
                Attempt.post("segment + bracket", "/api/v1/segments", seg + "]"),
                Attempt.post(
                        "preview + object",
                        "/api/v1/segments/preview",
                        "{\"rule\": {\"attribute\": \"plan\", \"op\": \"eq\", \"value\": \"x\"}} {\"rule\": 1}"),
                Attempt.post(
                        "destination + number",
                        "/api/v1/destinations",
                        destination("new_dest", "n", "format", "csv") + " 1"),
                Attempt.post("sync + object", "/api/v1/syncs", sync("new_sync", "") + "{\"key\": \"other\"}"),
                Attempt.post("api key + array", "/api/v1/api-keys", "{\"name\": \"a\", \"role\": \"viewer\"} []"),
                Attempt.post("run request + object", "/api/v1/syncs/" + SYNC + "/runs", "{\"dryRun\": true} {}"));
    }

    @TestFactory
    List<DynamicTest> trailingContentAfterTheBodyIsRefused() {
        return trailing().stream()
                .map(attempt -> DynamicTest.dynamicTest(attempt.what(), () -> {
                    Response r = refusedAndNothingStored(attempt, 400);
                    assertThat(r.jsonPath().getString("code"))
                            .as(r.asString())
                            .isIn("trailing_content", "malformed_json");
                }))
                .toList();
    }

    static List<Attempt> fractions() {
        return List.of(
                Attempt.post("demo days", "/api/v1/demo/advance", "{\"days\": 1.5}"),
                Attempt.post("demo days 1e0", "/api/v1/demo/advance", "{\"days\": 1e0}"),
                Attempt.post("demo days 1.0", "/api/v1/demo/advance", "{\"days\": 1.0}"),
                Attempt.post(
                        "preview sampleSize",
                        "/api/v1/segments/preview",
                        "{\"rule\": {\"attribute\": \"plan\", \"op\": \"eq\", \"value\": \"x\"}, \"sampleSize\": 2.5}"),
                Attempt.post(
                        "destination batchSize",
                        "/api/v1/destinations",
                        "{\"key\": \"new_dest\", \"name\": \"n\", \"type\": \"file\", \"batchSize\": 10.5}"),
                Attempt.post(
                        "destination rate requests",
                        "/api/v1/destinations",
                        "{\"key\": \"new_dest\", \"name\": \"n\", \"type\": \"file\", \"rateLimit\": {\"requests\": 1.5,"
                                + " \"per\": \"PT1S\"}}"),
                Attempt.post(
                        "sync minPreviousMembers",
                        "/api/v1/syncs",
                        sync("new_sync", ", \"guard\": {\"minPreviousMembers\": 1.5}")),
                Attempt.post("sync maxBytesBilled", "/api/v1/syncs", sync("new_sync", ", \"maxBytesBilled\": 1e3")));
    }

    @TestFactory
    List<DynamicTest> fractionsWhereWholeNumbersBelongAreRefused() {
        return fractions().stream()
                .map(attempt -> DynamicTest.dynamicTest(attempt.what(), () -> refusedAndNothingStored(attempt, null)))
                .toList();
    }

    @Test
    void aFractionOfDaysDoesNotAdvanceTheDemo() {
        Object before = get("/api/v1/demo").jsonPath().get("$");
        Response r = send(Attempt.post("demo", "/api/v1/demo/advance", "{\"days\": 1.5}"));
        assertProblem(r, "days 1.5", 400);
        assertThat(r.jsonPath().getString("code")).isEqualTo("invalid_type");
        assertThat(r.jsonPath().getString("detail")).contains("whole number").contains("/days");
        assertThat(get("/api/v1/demo").jsonPath().<Object>get("$")).isEqualTo(before);
    }

    // ---- list parameters ----

    static List<String> listEndpoints() {
        return List.of(
                "/api/v1/segments",
                "/api/v1/syncs",
                "/api/v1/destinations",
                "/api/v1/api-keys",
                "/api/v1/segments/" + SEGMENT + "/members",
                "/api/v1/segments/" + SEGMENT + "/versions",
                "/api/v1/syncs/" + SYNC + "/runs",
                "/api/v1/syncs/" + SYNC + "/record-errors",
                "/api/v1/runs/2147483000/rejections",
                "/api/v1/audit",
                "/api/v1/webhooks/events");
    }

    @TestFactory
    List<DynamicTest> badLimitsAreInvalidLimitEverywhere() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String path : listEndpoints()) {
            for (String limit :
                    List.of("abc", "-1", "0", "99999999999999999999", "1e3", "1.5", "%20", "10001", "5%20x")) {
                tests.add(DynamicTest.dynamicTest(path + "?limit=" + limit, () -> {
                    Response r = given().header("Authorization", ADMIN)
                            .urlEncodingEnabled(false)
                            .get(path + "?limit=" + limit);
                    assertProblem(r, path + " limit=" + limit, 400);
                    assertThat(r.jsonPath().getString("code")).isEqualTo("invalid_limit");
                }));
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> garbageCursorsAreInvalidCursor() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String before : List.of("abc", "-5", "0", "1.5", "99999999999999999999", "%00")) {
            tests.add(DynamicTest.dynamicTest("audit before=" + before, () -> {
                Response r = given().header("Authorization", ADMIN)
                        .urlEncodingEnabled(false)
                        .get("/api/v1/audit?before=" + before);
                assertProblem(r, "before=" + before, 400);
                assertThat(r.jsonPath().getString("code")).isEqualTo("invalid_cursor");
            }));
        }
        // the cursor of every list is what a previous page gave: anything else names the parameter and is a 400
        for (String path : listEndpoints()) {
            for (String cursor : List.of("abc", "%00", "MWk6eA", "MWs6", "x".repeat(2100), "MWk6MQ%3D%3D%3D")) {
                tests.add(DynamicTest.dynamicTest(path + "?cursor=" + abbreviate(cursor), () -> {
                    Response r = given().header("Authorization", ADMIN)
                            .urlEncodingEnabled(false)
                            .get(path + "?cursor=" + cursor);
                    assertProblem(r, path + " cursor=" + abbreviate(cursor), 400);
                    assertThat(r.jsonPath().getString("code")).isEqualTo("invalid_cursor");
                    assertThat(r.jsonPath().getString("detail")).contains("'cursor'");
                }));
            }
        }
        for (String after : List.of("k".repeat(501), "%00", "a%0Ab")) {
            tests.add(DynamicTest.dynamicTest("members after=" + abbreviate(after), () -> {
                Response r = given().header("Authorization", ADMIN)
                        .urlEncodingEnabled(false)
                        .get("/api/v1/segments/" + SEGMENT + "/members?after=" + after);
                assertProblem(r, "after=" + abbreviate(after), 400);
                assertThat(r.jsonPath().getString("code")).isEqualTo("invalid_cursor");
            }));
        }
        return tests;
    }

    @Test
    void goodLimitsStillWork() {
        for (String path : listEndpoints()) {
            int expected = path.startsWith("/api/v1/runs/") ? 404 : 200;
            assertThat(given().header("Authorization", ADMIN)
                            .get(path + "?limit=5")
                            .statusCode())
                    .as(path)
                    .isEqualTo(expected);
            assertThat(given().header("Authorization", ADMIN).get(path).statusCode())
                    .as(path)
                    .isEqualTo(expected);
        }
    }

    // ---- the HTTP layer ----

    @Test
    void aChunkedBodyOverTheLimitIsA413LikeASizedOne() {
        byte[] big = ("{\"key\": \"chunked_seg\", \"name\": \"" + "x".repeat(400_000) + "\", \"rule\": {}}")
                .getBytes(StandardCharsets.UTF_8);
        for (String path : List.of("/api/v1/segments", "/api/v1/destinations", "/api/v1/syncs", "/api/v1/api-keys")) {
            Response chunked = given().header("Authorization", ADMIN)
                    .contentType("application/json")
                    .body((InputStream) new ByteArrayInputStream(big))
                    .post(path);
            assertProblem(chunked, "chunked " + path, 413);
            assertThat(chunked.jsonPath().getString("code")).isEqualTo("payload_too_large");
            Response sized = given().header("Authorization", ADMIN)
                    .contentType("application/json")
                    .body(big)
                    .post(path);
            assertProblem(sized, "sized " + path, 413);
            assertThat(sized.jsonPath().getString("code")).isEqualTo("payload_too_large");
        }
        assertThat(get("/api/v1/segments/chunked_seg").statusCode()).isEqualTo(404);
    }

    @Test
    void aChunkedBodyUnderTheLimitIsRead() {
        byte[] ok = segment("chunked_ok", "Chunked", "", "free").getBytes(StandardCharsets.UTF_8);
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body((InputStream) new ByteArrayInputStream(ok))
                .post("/api/v1/segments")
                .then()
                .statusCode(201);
        given().header("Authorization", ADMIN).header("If-Match", "1").delete("/api/v1/segments/chunked_ok");
    }

    @TestFactory
    List<DynamicTest> httpLayerErrorsAreProblems() {
        Map<String, Supplier<Response>> cases = new java.util.LinkedHashMap<>();
        cases.put("escapes that are not UTF-8", () -> raw("GET /api/v1/segments/%C3%28 HTTP/1.1"));
        cases.put(
                "declared 20 MB body",
                () -> raw(
                        "POST /api/v1/segments HTTP/1.1",
                        "Content-Type: application/json",
                        "Content-Length: 20000000"));
        cases.put("unknown path", () -> given().header("Authorization", ADMIN).get("/api/v1/nothing/here"));
        cases.put(
                "method not allowed",
                () -> given().header("Authorization", ADMIN).patch("/api/v1/segments"));
        cases.put(
                "unsupported media type",
                () -> given().header("Authorization", ADMIN)
                        .contentType("text/plain")
                        .body("key=x")
                        .post("/api/v1/segments"));
        cases.put(
                "huge header",
                () -> given().header("Authorization", ADMIN)
                        .header("X-Big", "h".repeat(30_000))
                        .get("/api/v1/segments"));
        cases.put(
                "huge URI", () -> given().header("Authorization", ADMIN).get("/api/v1/segments/" + "k".repeat(8_000)));
        return cases.entrySet().stream()
                .map(c -> DynamicTest.dynamicTest(
                        c.getKey(), () -> assertProblem(c.getValue().get(), c.getKey(), null)))
                .toList();
    }

    /**
     * Quarkus refuses a URI that {@code java.net.URI} cannot parse before any handler runs, with a bare 400 (unless
     * the JVM runs with {@code -Dvertx.disableURIValidation=true}, when {@link HttpLayerProblems} answers the same as a
     * problem): still a 4xx, never a 5xx.
     */
    @TestFactory
    List<DynamicTest> undecodableUrisAre400() {
        return List.of(
                        "GET /api/v1/segments/%zz HTTP/1.1",
                        "GET /api/v1/segments/ab%E HTTP/1.1", "GET /api/v1/audit?actor=%zz HTTP/1.1")
                .stream()
                .map(line -> DynamicTest.dynamicTest(
                        line, () -> assertThat(raw(line).statusCode()).isEqualTo(400)))
                .toList();
    }

    // ---- helpers ----

    /** Sends, asserts a 4xx problem, and that the kind the attempt writes to did not change. */
    static Response refusedAndNothingStored(Attempt attempt, Integer status) {
        Map<String, Object> before = snapshot();
        Response r = send(attempt);
        assertProblem(r, attempt.what(), status);
        assertThat(snapshot()).as(attempt.what() + ": nothing stored").isEqualTo(before);
        return r;
    }

    /** What the definitions look like now (count and the fixtures' versions). */
    static Map<String, Object> snapshot() {
        Map<String, Object> s = new java.util.TreeMap<>();
        for (String kind : List.of("segments", "destinations", "syncs")) {
            List<Map<String, Object>> all =
                    get("/api/v1/" + kind + "?limit=500").jsonPath().getList("items");
            s.put(
                    kind,
                    all.stream()
                            .map(m -> m.get("key") + "@" + m.get("version"))
                            .sorted()
                            .toList());
        }
        s.put("api-keys", get("/api/v1/api-keys?limit=500").jsonPath().getList("items.id"));
        s.put("runs", get("/api/v1/syncs/" + SYNC + "/runs").jsonPath().getList("items.id"));
        return s;
    }

    static void assertProblem(Response r, String what, Integer status) {
        String body = r.asString();
        if (status == null) {
            assertThat(r.statusCode()).as(what + " → " + abbreviate(body)).isBetween(400, 499);
        } else {
            assertThat(r.statusCode()).as(what + " → " + abbreviate(body)).isEqualTo(status);
        }
        assertThat(r.contentType()).as(what + " → " + abbreviate(body)).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("code")).as(what).matches("[a-z_]+");
        assertThat(body.length())
                .as(what + ": the answer does not echo huge values")
                .isLessThan(5_000);
        assertThat(JAVA_WORDS.matcher(body).find())
                .as(what + ": no Java names in " + abbreviate(body))
                .isFalse();
    }

    static Response send(Attempt a) {
        RequestSpecification spec = given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(a.body());
        if (a.ifMatch() != null) {
            spec = spec.header("If-Match", a.ifMatch());
        }
        return spec.request(a.method(), a.path());
    }

    /** A request RestAssured would refuse to send, written to the socket as is; the answer's status, type and body. */
    static Response raw(String requestLine, String... headers) {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(requestLine)
                    .append("\r\nHost: localhost\r\nAuthorization: ")
                    .append(ADMIN)
                    .append("\r\nConnection: close\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            int split = -1;
            int length = -1;
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
                String sofar = got.toString(StandardCharsets.ISO_8859_1);
                split = sofar.indexOf("\r\n\r\n");
                if (split >= 0) {
                    length = sofar.substring(0, split)
                            .lines()
                            .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                            .map(l -> Integer.parseInt(
                                    l.substring(l.indexOf(':') + 1).trim()))
                            .findFirst()
                            .orElse(-1);
                    if (length >= 0 && got.size() >= split + 4 + length) {
                        break;
                    }
                }
            }
            String answer = got.toString(StandardCharsets.UTF_8);
            String head = split < 0 ? answer : answer.substring(0, split);
            String body = split < 0 ? "" : answer.substring(split + 4);
            int status = Integer.parseInt(head.split(" ")[1]);
            String type = head.lines()
                    .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("");
            return new io.restassured.builder.ResponseBuilder()
                    .setStatusCode(status)
                    .setContentType(type)
                    .setBody(body)
                    .build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Response get(String path) {
        return given().header("Authorization", ADMIN).get(path);
    }

    static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
