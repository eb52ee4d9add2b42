package dev.masync.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document is a contract a client can be generated from: every {@code /api/v1} operation has a summary,
 * a success response, its problems (401 and 403 always, as every call needs a key with a role) as
 * {@code application/problem+json} with the {@code Problem} schema; every {@code $ref} resolves; no schema shows
 * Jackson's internals. Nothing is generated from the document; each check lists every offender.
 */
@QuarkusTest
class OpenApiContractTest {
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    static final String PROBLEM = "#/components/schemas/Problem";

    static JsonNode doc;

    /** Read once, in the first test (the application is not up yet in a static @BeforeAll). */
    @org.junit.jupiter.api.BeforeEach
    void read() throws Exception {
        if (doc != null) return;
        String json = given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/openapi.json"), json); // to read when a check fails
        doc = new ObjectMapper().readTree(json);
    }

    /** Each operation under /api/v1 as "METHOD path" with its node. */
    static List<Map.Entry<String, JsonNode>> apiOperations() {
        List<Map.Entry<String, JsonNode>> ops = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(p -> {
            if (!p.getKey().startsWith("/api/v1/")) return;
            p.getValue().fields().forEachRemaining(m -> {
                if (METHODS.contains(m.getKey())) {
                    ops.add(Map.entry(m.getKey().toUpperCase() + " " + p.getKey(), m.getValue()));
                }
            });
        });
        return ops;
    }

    @Test
    void theDocumentCoversTheApi() {
        assertThat(apiOperations()).hasSizeGreaterThan(40);
        assertThat(doc.path("components").path("schemas").has("Problem")).isTrue();
        assertThat(iterable(doc.path("components")
                        .path("schemas")
                        .path("Problem")
                        .path("properties")
                        .fieldNames()))
                .contains("type", "title", "status", "detail", "code", "errors");
    }

    @Test
    void everyOperationDocumentsItsProblemsAsProblemJson() {
        List<String> offenders = new ArrayList<>();
        for (Map.Entry<String, JsonNode> op : apiOperations()) {
            JsonNode responses = op.getValue().path("responses");
            boolean anyProblem = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> r = it.next();
                if (!r.getKey().startsWith("4")) continue;
                String ref = r.getValue()
                        .path("content")
                        .path("application/problem+json")
                        .path("schema")
                        .path("$ref")
                        .asText();
                if (!PROBLEM.equals(ref)) {
                    offenders.add(op.getKey() + " " + r.getKey() + " is not a Problem");
                } else {
                    anyProblem = true;
                }
            }
            if (!anyProblem) offenders.add(op.getKey() + ": no 4xx problem");
            for (String auth : List.of("401", "403")) {
                if (!responses.has(auth)) offenders.add(op.getKey() + ": no " + auth);
            }
            String role = op.getValue()
                    .path("security")
                    .path(0)
                    .path("apiKey")
                    .path(0)
                    .asText("");
            if (role.isEmpty()) {
                offenders.add(op.getKey() + ": no API key role in its security requirement");
            } else if (!responses.path("403").path("description").asText().contains("needs the " + role + " role")) {
                offenders.add(op.getKey() + ": 403 does not name the " + role + " role");
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void everyOperationHasASummaryAndASuccessResponse() {
        List<String> offenders = new ArrayList<>();
        for (Map.Entry<String, JsonNode> op : apiOperations()) {
            if (op.getValue().path("summary").asText("").isBlank()) offenders.add(op.getKey() + ": no summary");
            List<String> success = new ArrayList<>();
            op.getValue().path("responses").fieldNames().forEachRemaining(s -> {
                if (s.startsWith("2")) success.add(s);
            });
            if (success.isEmpty()) offenders.add(op.getKey() + ": no 2xx response");
            for (String s : success) {
                JsonNode r = op.getValue().path("responses").path(s);
                if (!s.equals("204") && r.path("content").isEmpty()) {
                    offenders.add(op.getKey() + " " + s + ": no body schema");
                }
                if (s.equals("201") && !r.path("headers").has("Location")) {
                    offenders.add(op.getKey() + " 201: no Location");
                }
            }
            if (op.getKey().startsWith("POST ")
                    && success.contains("200")
                    && op.getKey().matches("POST /api/v1/[a-z-]+")) {
                offenders.add(op.getKey() + ": a create answers 201, not 200");
            }
            if (op.getKey().startsWith("DELETE ") && !success.equals(List.of("204"))) {
                offenders.add(op.getKey() + ": a delete answers 204, documents " + success);
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void theSignedWebhookReceiversTakeNoApiKey() {
        doc.path("paths").fields().forEachRemaining(p -> {
            if (p.getKey().startsWith("/webhooks/")) {
                p.getValue()
                        .fields()
                        .forEachRemaining(m -> assertThat(m.getValue().path("security"))
                                .as(p.getKey())
                                .isEmpty());
            }
        });
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        List<String> unresolved = refs.stream()
                .distinct()
                .filter(r -> !r.startsWith("#/") || doc.at(r.substring(1)).isMissingNode())
                .toList();
        assertThat(unresolved).isEmpty();
    }

    @Test
    void noSchemaShowsJacksonInternals() {
        List<String> leaks = new ArrayList<>();
        findProperty(doc, "", Set.of("nodeType", "containerNode", "valueNode", "missingNode", "pojo"), leaks);
        assertThat(leaks).isEmpty();
        assertThat(iterable(doc.path("components").path("schemas").fieldNames()))
                .doesNotContain("JsonNode", "ObjectNode", "ZoneRules", "ZoneOffsetTransition");
    }

    @Test
    void bodiesHaveRealSchemas() {
        JsonNode schemas = doc.path("components").path("schemas");
        assertThat(schemas.path("Rule").path("oneOf")).hasSize(6);
        assertThat(schemas.path("SegmentView").path("properties").path("rule").toString())
                .contains("#/components/schemas/Rule");
        assertThat(schemas.path("SyncView")
                        .path("properties")
                        .path("definition")
                        .toString())
                .contains("#/components/schemas/SyncDefinition");
        String syncBody = doc.at("/paths/~1api~1v1~1syncs/post/requestBody").toString();
        assertThat(syncBody).contains("#/components/schemas/SyncDefinition");
        String destinationBody =
                doc.at("/paths/~1api~1v1~1destinations/post/requestBody").toString();
        assertThat(destinationBody).contains("#/components/schemas/DestinationRequest");
        String segments = doc.at("/paths/~1api~1v1~1segments/get/responses/200").toString();
        assertThat(segments).contains("Page");
    }

    private static void collectRefs(JsonNode n, List<String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(f -> {
                if (f.getKey().equals("$ref") && f.getValue().isTextual())
                    out.add(f.getValue().asText());
                else collectRefs(f.getValue(), out);
            });
        } else if (n.isArray()) {
            n.forEach(c -> collectRefs(c, out));
        }
    }

    private static void findProperty(JsonNode n, String at, Set<String> names, List<String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(f -> {
                if (names.contains(f.getKey())) out.add(at + "/" + f.getKey());
                findProperty(f.getValue(), at + "/" + f.getKey(), names, out);
            });
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) findProperty(n.get(i), at + "/" + i, names, out);
        }
    }

    private static <T> List<T> iterable(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
