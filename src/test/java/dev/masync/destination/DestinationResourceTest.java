package dev.masync.destination;

import dev.masync.connector.Connectors;
import dev.masync.security.ApiKeys;
import dev.masync.security.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** The destination API as an admin, an editor and a viewer use it, status code by status code. */
@QuarkusTest
class DestinationResourceTest {
    static final String ADMIN = "Bearer test-admin-key";
    static final String UNSET_ENV = "MASYNC_TEST_SECRET_THAT_IS_NEVER_SET";

    @Inject
    ApiKeys keys;

    @Inject
    DestinationService destinations;

    @Inject
    Connectors connectors;

    static String webhook(String key, String secret) {
        return """
                {"key": "%s", "name": "CRM webhook", "type": "webhook",
                 "settings": {"url": "https://example.test/hook", "secret": "%s"},
                 "batchSize": 100,
                 "rateLimit": {"requests": 190, "per": "PT10S"}}""".formatted(key, secret);
    }

    static Response post(String auth, String json) {
        return given().header("Authorization", auth)
                .contentType("application/json")
                .body(json)
                .post("/api/v1/destinations");
    }

    static int count() {
        return given().header("Authorization", ADMIN)
                .get("/api/v1/destinations?limit=500")
                .then()
                .statusCode(200)
                .extract()
                .path("items.size()");
    }

    @Test
    void createReadUpdateAndDelete() {
        post(ADMIN, webhook("crud_hook", "env:CRM_HOOK_SECRET"))
                .then()
                .statusCode(201)
                .header("ETag", "\"1\"")
                .header("Location", containsString("/api/v1/destinations/crud_hook"))
                .body("version", equalTo(1))
                .body("source", equalTo("api"))
                .body("type", equalTo("webhook"))
                .body("settings.secret", equalTo("env:CRM_HOOK_SECRET"))
                .body("batchSize", equalTo(100))
                .body("rateLimit.requests", equalTo(190))
                .body("rateLimit.per", equalTo("PT10S"))
                .body("createdBy", equalTo("configured-admin"));
        post(ADMIN, webhook("crud_hook", "env:OTHER"))
                .then()
                .statusCode(409)
                .body("code", equalTo("destination_exists"));

        given().header("Authorization", ADMIN)
                .get("/api/v1/destinations/crud_hook")
                .then()
                .statusCode(200)
                .header("ETag", "\"1\"")
                .body("settings.url", equalTo("https://example.test/hook"));
        given().header("Authorization", ADMIN)
                .get("/api/v1/destinations")
                .then()
                .statusCode(200)
                .body("items.key", hasItems("crud_hook", "outbox"))
                .body("nextCursor", nullValue());

        String changed = """
                {"name": "CRM webhook (slower)", "type": "webhook",
                 "settings": {"url": "https://example.test/hook2", "secret": "file:/run/secrets/hook"}}""";
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(changed)
                .put("/api/v1/destinations/crud_hook")
                .then()
                .statusCode(428)
                .contentType("application/problem+json")
                .body("code", equalTo("if_match_required"));
        given().header("Authorization", ADMIN)
                .header("If-Match", "\"7\"")
                .contentType("application/json")
                .body(changed)
                .put("/api/v1/destinations/crud_hook")
                .then()
                .statusCode(412)
                .body("code", equalTo("version_mismatch"));
        given().header("Authorization", ADMIN)
                .header("If-Match", "\"1\"")
                .contentType("application/json")
                .body("{\"name\": \"CRM webhook (slower)\", \"type\": \"file\"}")
                .put("/api/v1/destinations/crud_hook")
                .then()
                .statusCode(422)
                .body("errors.pointer", hasItem("/type"));
        given().header("Authorization", ADMIN)
                .header("If-Match", "\"1\"")
                .contentType("application/json")
                .body(changed)
                .put("/api/v1/destinations/crud_hook")
                .then()
                .statusCode(200)
                .header("ETag", "\"2\"")
                .body("version", equalTo(2))
                .body("name", equalTo("CRM webhook (slower)"))
                .body("settings.secret", equalTo("file:/run/secrets/hook"))
                .body("batchSize", nullValue())
                .body("rateLimit", nullValue());
        assertThat(destinations.find("crud_hook")).get().satisfies(d -> {
            assertThat(d.settings()).containsEntry("url", "https://example.test/hook2");
            assertThat(d.batchSize()).isEmpty();
            assertThat(d.rateLimit()).isEmpty();
        });

        given().header("Authorization", ADMIN)
                .delete("/api/v1/destinations/crud_hook")
                .then()
                .statusCode(428);
        given().header("Authorization", ADMIN)
                .header("If-Match", "2")
                .delete("/api/v1/destinations/crud_hook")
                .then()
                .statusCode(204);
        given().header("Authorization", ADMIN)
                .get("/api/v1/destinations/crud_hook")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("destination_not_found"));
        given().header("Authorization", ADMIN)
                .get("/api/v1/audit?entityType=destination&entityKey=crud_hook")
                .then()
                .statusCode(200)
                .body(
                        "items.action",
                        equalTo(List.of("destination.delete", "destination.update", "destination.create")))
                .body("items[1].before.settings.secret", equalTo("env:CRM_HOOK_SECRET"));
    }

    @Test
    void theEngineReadsDefinitions() {
        post(ADMIN, webhook("engine_hook", "env:CRM_HOOK_SECRET")).then().statusCode(201);

        DestinationDefinition d = destinations.find("engine_hook").orElseThrow();
        assertThat(d.type()).isEqualTo("webhook");
        assertThat(d.source()).isEqualTo(DestinationDefinition.SOURCE_API);
        assertThat(d.batchSize()).contains(100);
        assertThat(d.rateLimit()).contains(new DestinationDefinition.RateLimit(190, Duration.ofSeconds(10)));
        assertThat(d.effectiveBatchSize(
                        connectors.byType("webhook").orElseThrow().limits()))
                .isEqualTo(100);
        assertThat(destinations.list()).extracting(DestinationDefinition::key).contains("engine_hook", "outbox");
        assertThat(destinations.find("nope")).isEmpty();
        assertThat(connectors.types()).contains("file", "webhook");
    }

    @Test
    void badDefinitionsAreProblemsWithPointersAndNothingIsStored() {
        record Case(String what, String body, int status, String code, String pointer) {}
        String literal = "whsec_aGVsbG8gd29ybGQgc2VjcmV0";
        List<Case> cases = List.of(
                new Case(
                        "unknown type",
                        webhook("bad_case", "env:S").replace("\"webhook\"", "\"hubspott\""),
                        422,
                        "validation_failed",
                        "/type"),
                new Case(
                        "missing url",
                        webhook("bad_case", "env:S").replace("\"url\": \"https://example.test/hook\", ", ""),
                        422,
                        "validation_failed",
                        "/settings/url"),
                new Case("literal secret", webhook("bad_case", literal), 422, "validation_failed", "/settings/secret"),
                new Case(
                        "bad rateLimit",
                        webhook("bad_case", "env:S").replace("PT10S", "P7D"),
                        422,
                        "validation_failed",
                        "/rateLimit/per"),
                new Case(
                        "rateLimit without requests",
                        webhook("bad_case", "env:S").replace("\"requests\": 190, ", ""),
                        422,
                        "validation_failed",
                        "/rateLimit/requests"),
                new Case(
                        "batchSize over the connector's cap",
                        webhook("bad_case", "env:S").replace("100", "501"),
                        422,
                        "validation_failed",
                        "/batchSize"),
                new Case("bad key", webhook("Bad Case", "env:S"), 422, "validation_failed", "/key"),
                new Case(
                        "unknown field",
                        webhook("bad_case", "env:S").replace("\"batchSize\"", "\"retries\": 3, \"batchSize\""),
                        400,
                        "unknown_field",
                        "/retries"),
                new Case(
                        "batchSize as a string",
                        webhook("bad_case", "env:S").replace("100", "\"100\""),
                        400,
                        "invalid_type",
                        "/batchSize"),
                new Case(
                        "setting as a number",
                        webhook("bad_case", "env:S").replace("\"https://example.test/hook\"", "5"),
                        400,
                        "invalid_type",
                        "/settings/url"),
                new Case(
                        "settings as a list",
                        webhook("bad_case", "env:S").replaceFirst("\\{\"url\"[^}]*}", "[\"url\"]"),
                        400,
                        "invalid_type",
                        "/settings"),
                new Case(
                        "name as an object",
                        webhook("bad_case", "env:S").replace("\"CRM webhook\"", "{}"),
                        400,
                        "invalid_type",
                        "/name"),
                new Case("an array", "[]", 400, "invalid_type", ""),
                new Case("a string", "\"bad_case\"", 400, "invalid_type", ""),
                new Case("malformed JSON", "{\"key\": ", 400, "malformed_json", null),
                new Case("empty body", "", 400, null, null));
        int before = count();
        for (Case c : cases) {
            Response r = post(ADMIN, c.body());
            assertThat(r.statusCode()).as(c.what() + " → " + r.asString()).isEqualTo(c.status());
            assertThat(r.contentType()).as(c.what()).startsWith("application/problem+json");
            assertThat((String) r.path("code")).as(c.what()).isNotBlank();
            if (c.code() != null) {
                assertThat((String) r.path("code")).as(c.what()).isEqualTo(c.code());
            }
            if (c.pointer() != null) {
                assertThat(r.<List<String>>path("errors.pointer")).as(c.what()).contains(c.pointer());
                assertThat(r.<List<String>>path("errors.message")).as(c.what()).allMatch(m -> !m.isBlank());
            }
            assertThat(r.asString()).as(c.what()).doesNotContain(literal);
        }
        assertThat(count()).isEqualTo(before);
        given().header("Authorization", ADMIN)
                .get("/api/v1/destinations/bad_case")
                .then()
                .statusCode(404);
        given().header("Authorization", ADMIN)
                .get("/api/v1/audit?entityType=destination&entityKey=bad_case")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void badUpdatesChangeNothing() {
        post(ADMIN, webhook("stable_hook", "env:CRM_HOOK_SECRET")).then().statusCode(201);
        given().header("Authorization", ADMIN)
                .header("If-Match", "1")
                .contentType("application/json")
                .body(webhook("stable_hook", "hunter2"))
                .put("/api/v1/destinations/stable_hook")
                .then()
                .statusCode(422)
                .body("errors.pointer", hasItem("/settings/secret"))
                .body(not(containsString("hunter2")));
        given().header("Authorization", ADMIN)
                .header("If-Match", "1")
                .contentType("application/json")
                .body(webhook("renamed_hook", "env:X"))
                .put("/api/v1/destinations/stable_hook")
                .then()
                .statusCode(422)
                .body("errors.pointer", hasItem("/key"));
        given().header("Authorization", ADMIN)
                .get("/api/v1/destinations/stable_hook")
                .then()
                .statusCode(200)
                .body("version", equalTo(1))
                .body("settings.secret", equalTo("env:CRM_HOOK_SECRET"));
    }

    @Test
    void adminsWriteEditorsTestViewersRead() {
        post(ADMIN, webhook("roles_hook", "env:CRM_HOOK_SECRET")).then().statusCode(201);
        String viewer = QuarkusTransaction.requiringNew()
                .call(() -> "Bearer "
                        + keys.create("destination-viewer", Role.VIEWER, "test").key());
        String editor = QuarkusTransaction.requiringNew()
                .call(() -> "Bearer "
                        + keys.create("destination-editor", Role.EDITOR, "test").key());

        for (String reader : List.of(viewer, editor)) {
            given().header("Authorization", reader)
                    .get("/api/v1/destinations")
                    .then()
                    .statusCode(200);
            given().header("Authorization", reader)
                    .get("/api/v1/destinations/roles_hook")
                    .then()
                    .statusCode(200);
            post(reader, webhook("role_made", "env:S")).then().statusCode(403).body("code", equalTo("forbidden"));
            given().header("Authorization", reader)
                    .header("If-Match", "1")
                    .contentType("application/json")
                    .body(webhook("roles_hook", "env:S"))
                    .put("/api/v1/destinations/roles_hook")
                    .then()
                    .statusCode(403);
            given().header("Authorization", reader)
                    .header("If-Match", "1")
                    .delete("/api/v1/destinations/roles_hook")
                    .then()
                    .statusCode(403);
        }
        given().header("Authorization", viewer)
                .post("/api/v1/destinations/roles_hook/test")
                .then()
                .statusCode(403);
        given().header("Authorization", editor)
                .post("/api/v1/destinations/roles_hook/test")
                .then()
                .statusCode(200);

        given().get("/api/v1/destinations").then().statusCode(401).body("code", equalTo("unauthorized"));
        post("Bearer nope", webhook("role_made", "env:S")).then().statusCode(401);
        given().post("/api/v1/destinations/roles_hook/test").then().statusCode(401);
        given().header("Authorization", ADMIN)
                .get("/api/v1/destinations/role_made")
                .then()
                .statusCode(404);
    }

    @Test
    void testReportsAMissingSecretByReferenceOnly(@TempDir Path dir) throws Exception {
        post(ADMIN, webhook("unset_hook", "env:" + UNSET_ENV)).then().statusCode(201);
        given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/unset_hook/test")
                .then()
                .statusCode(200)
                .body("ok", equalTo(false))
                .body("problems.size()", equalTo(1))
                .body("problems[0].pointer", equalTo("/settings/secret"))
                .body("problems[0].code", equalTo("secret_missing"))
                .body("problems[0].message", containsString("env:" + UNSET_ENV));

        String value = "whsec_c2VjcmV0LXZhbHVlLW5vYm9keS1zZWVz";
        Path secretFile = Files.writeString(dir.resolve("hook-secret"), value + "\n");
        mockwebserver3.MockWebServer receiver = new mockwebserver3.MockWebServer();
        receiver.start();
        receiver.enqueue(new mockwebserver3.MockResponse.Builder().code(204).build());
        post(
                        ADMIN,
                        webhook("file_hook", "file:" + secretFile.toAbsolutePath())
                                .replace(
                                        "https://example.test/hook",
                                        receiver.url("/hook").toString()))
                .then()
                .statusCode(201);
        Response test = given().header("Authorization", ADMIN).post("/api/v1/destinations/file_hook/test");
        receiver.close();
        test.then().statusCode(200).body("ok", equalTo(true)).body("problems.size()", equalTo(0));
        assertThat(receiver.getRequestCount()).isEqualTo(1);
        // the test really reaches the receiver: where nothing listens, the connection is refused, in words
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        post(
                        ADMIN,
                        webhook("gone_hook", "file:" + secretFile.toAbsolutePath())
                                .replace("https://example.test/hook", "http://127.0.0.1:" + closedPort + "/hook"))
                .then()
                .statusCode(201);
        given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/gone_hook/test")
                .then()
                .statusCode(200)
                .body("ok", equalTo(false))
                .body("problems[0].code", equalTo("unavailable"))
                .body("problems[0].message", containsString("connection refused by"));
        for (Response r : List.of(
                test,
                given().header("Authorization", ADMIN).get("/api/v1/destinations/file_hook"),
                given().header("Authorization", ADMIN).get("/api/v1/destinations"),
                given().header("Authorization", ADMIN)
                        .get("/api/v1/audit?entityType=destination&entityKey=file_hook"))) {
            assertThat(r.asString()).doesNotContain(value).doesNotContain("c2VjcmV0LXZhbHVl");
        }

        Files.writeString(secretFile, "");
        given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/file_hook/test")
                .then()
                .statusCode(200)
                .body("ok", equalTo(false))
                .body("problems[0].code", equalTo("secret_empty"));
        Files.delete(secretFile);
        given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/file_hook/test")
                .then()
                .statusCode(200)
                .body("ok", equalTo(false))
                .body("problems[0].code", equalTo("secret_missing"))
                .body(
                        "problems[0].message",
                        containsString(secretFile.toAbsolutePath().toString()));

        given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/nope/test")
                .then()
                .statusCode(404)
                .body("code", equalTo("destination_not_found"));
    }

    @Test
    void testProbesTheFileConnector(@TempDir Path dir) throws Exception {
        Path blocked = Files.writeString(dir.resolve("a-file"), "x");
        post(
                        ADMIN,
                        "{\"key\": \"blocked_outbox\", \"name\": \"Blocked\", \"type\": \"file\", \"settings\":"
                                + " {\"dir\": \"" + blocked.resolve("outbox") + "\"}}")
                .then()
                .statusCode(201);
        given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/blocked_outbox/test")
                .then()
                .statusCode(200)
                .body("ok", equalTo(false))
                .body("problems[0].code", equalTo("invalid_config"))
                .body("problems[0].message", containsString("cannot be written"));
    }

    @Test
    void theShippedOutboxIsLoadedFromItsFileAndReadOnly() {
        given().header("Authorization", ADMIN)
                .get("/api/v1/destinations/outbox")
                .then()
                .statusCode(200)
                .body("type", equalTo("file"))
                .body("source", equalTo("file"))
                .body("sourceFile", equalTo("connectors/destinations/outbox.yaml"))
                .body("settings", equalTo(Map.of("format", "ndjson")))
                .body("batchSize", equalTo(1000))
                .body("createdBy", equalTo("file:connectors/destinations/outbox.yaml"));
        given().header("Authorization", ADMIN)
                .header("If-Match", "1")
                .contentType("application/json")
                .body("{\"name\": \"Mine now\", \"type\": \"file\"}")
                .put("/api/v1/destinations/outbox")
                .then()
                .statusCode(409)
                .body("code", equalTo("managed_by_file"))
                .body("detail", containsString("connectors/destinations/outbox.yaml"));
        given().header("Authorization", ADMIN)
                .header("If-Match", "1")
                .delete("/api/v1/destinations/outbox")
                .then()
                .statusCode(409)
                .body("code", equalTo("managed_by_file"));
        post(ADMIN, "{\"key\": \"outbox\", \"name\": \"Another\", \"type\": \"file\"}")
                .then()
                .statusCode(409)
                .body("code", equalTo("destination_exists"));

        // No dir in the file: the file connector writes under ${masync.data-dir}/outbox, which the probe creates.
        given().header("Authorization", "Bearer test-admin-key")
                .post("/api/v1/destinations/outbox/test")
                .then()
                .statusCode(200)
                .body("ok", equalTo(true));
        assertThat(Path.of("target/test-data/outbox")).isDirectory();
        assertThat(destinations.find("outbox"))
                .get()
                .extracting(DestinationDefinition::batchSize)
                .isEqualTo(Optional.of(1000));
    }

    @Test
    void secretReferencesOutsideWhatTheOperatorAllowsAreRefusedWhenSaved() {
        for (String ref : List.of(
                "env:QUARKUS_DATASOURCE_PASSWORD",
                "env:MASYNC_SECURITY_ADMIN_API_KEY",
                "env:PATH",
                "file:/dev/zero",
                "file:/etc/passwd",
                "file:/tmp/../etc/passwd")) {
            post(ADMIN, webhook("refused_ref", ref))
                    .then()
                    .statusCode(422)
                    .contentType("application/problem+json")
                    .body("errors[0].pointer", equalTo("/settings/secret"));
        }
        given().header("Authorization", ADMIN)
                .get("/api/v1/destinations/refused_ref")
                .then()
                .statusCode(404);
    }
}
