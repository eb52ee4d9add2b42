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

    /**
     * The objects of {@code /api/v1} responses that may stay free-form (no properties, no typed additionalProperties),
     * each with why no schema can say more. Keys are {@code Schema.property} as {@link #freeFormObjects} names them.
     */
    static final Map<String, String> FREE_FORM = Map.of(
            "Member.attributes",
            "a learner's attributes: the catalog's columns (GET /api/v1/catalog) decide their names and types",
            "ConditionResult.value",
            "the learner's value an explained condition compared: of whatever type the attribute has",
            "CompiledSql.params[items]",
            "the bind parameters of the compiled SQL: of the types of the values the rule compares",
            "EntryView.before",
            "an audit entry's entity as it was: a segment, sync, destination or key, as entityType says",
            "EntryView.after",
            "an audit entry's entity as it is after: a segment, sync, destination or key, as entityType says",
            "RunSample.fields",
            "a sampled record's fields: the sync's mapping decides their names and the catalog their types");

    /** Each operation under /api/v1 as "METHOD path" with its node. */
    static List<Map.Entry<String, JsonNode>> apiOperations() {
        return apiOperations(doc);
    }

    static List<Map.Entry<String, JsonNode>> apiOperations(JsonNode doc) {
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

    /** Every object of an /api/v1 response is described: properties, or additionalProperties of a typed schema. */
    @Test
    void responseObjectsDescribeTheirFields() {
        Set<String> found = freeFormObjects(doc);
        assertThat(found.stream().filter(f -> !FREE_FORM.containsKey(site(f))).toList())
                .as("objects of /api/v1 responses without properties: give each a schema (a record with @Schema, or"
                        + " @Schema(implementation = …) on a JsonNode), or add it to FREE_FORM with the reason")
                .isEmpty();
        assertThat(FREE_FORM.keySet().stream()
                        .filter(k -> found.stream().noneMatch(f -> site(f).equals(k)))
                        .toList())
                .as("FREE_FORM entries that are described now (or gone): remove them")
                .isEmpty();
    }

    /** The check itself: it finds each kind of undescribed object and accepts the described ones. */
    @Test
    void theFreeFormCheckFindsUndescribedObjects() throws Exception {
        JsonNode sample = new ObjectMapper().readTree("""
                {"paths": {"/api/v1/things": {"get": {"responses": {"200": {"content": {"application/json":
                  {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
                 "components": {"schemas": {
                  "AnyJson": {"description": "Any JSON value"},
                  "Part": {"type": "object", "properties": {"n": {"type": "integer"}}},
                  "Thing": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "extra": {"type": "object", "description": "described in words only"},
                    "any": {"$ref": "#/components/schemas/AnyJson"},
                    "part": {"$ref": "#/components/schemas/Part"},
                    "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "list": {"type": "array", "items": {"type": "object", "additionalProperties": {}}}}}}}}""");
        assertThat(freeFormObjects(sample))
                .containsExactlyInAnyOrder("Thing.extra", "Thing.any -> AnyJson", "Thing.list[items]");
    }

    /** The run view's parts each have a schema of their own with the fields the run writes. */
    @Test
    void theRunViewDescribesItsParts() {
        JsonNode schemas = doc.path("components").path("schemas");
        JsonNode run = schemas.path("RunView").path("properties");
        Map<String, List<String>> parts = Map.of(
                "counts", List.of("evaluated", "entered", "changed", "left", "sent", "confirmed", "quarantined"),
                "phasesMillis", List.of("diff", "load", "push", "commit", "total"),
                "progress", List.of("processed", "planned", "confirmed", "ratePerSecond", "etaSeconds"),
                "samples", List.of("entered", "changed", "left"),
                "cost", List.of("warehouseQueries", "bytesBilled", "requests", "dataPoints", "fullUploadDataPoints"),
                "drain", List.of("account", "projectedCalls", "projectedDrain", "calls", "drain"),
                "events", List.of("count", "ids"));
        parts.forEach((name, fields) -> {
            JsonNode part = run.path(name);
            String ref = part.path("$ref").asText();
            JsonNode schema = ref.startsWith("#/") ? doc.at(ref.substring(1)) : part; // named, or inline
            assertThat(iterable(schema.path("properties").fieldNames()))
                    .as(name)
                    .containsAll(fields);
        });
        for (String text : List.of("freshness", "projectedDrain")) {
            assertThat(run.path(text).path("type").toString()).as(text).contains("string");
            assertThat(run.path(text).path("description").asText()).as(text).isNotBlank();
        }
    }

    /** "Thing.any -> AnyJson" → "Thing.any". */
    private static String site(String found) {
        int arrow = found.indexOf(" -> ");
        return arrow < 0 ? found : found.substring(0, arrow);
    }

    /**
     * The objects without a described shape reachable from the response bodies of /api/v1 operations: an object
     * schema (or one without any type) with no properties and no additionalProperties of a typed schema, or a
     * {@code $ref} to such a component ("Schema.property -> Component"). Components are named once, by name.
     */
    static Set<String> freeFormObjects(JsonNode doc) {
        Set<String> out = new java.util.TreeSet<>();
        Set<String> seen = new java.util.HashSet<>();
        JsonNode schemas = doc.path("components").path("schemas");
        for (Map.Entry<String, JsonNode> op : apiOperations(doc)) {
            op.getValue()
                    .path("responses")
                    .fields()
                    .forEachRemaining(r -> r.getValue()
                            .path("content")
                            .forEach(media ->
                                    walk(media.path("schema"), op.getKey() + " " + r.getKey(), schemas, seen, out)));
        }
        return out;
    }

    private static void walk(JsonNode s, String at, JsonNode schemas, Set<String> seen, Set<String> out) {
        if (!s.isObject()) return;
        if (s.has("$ref")) {
            if (hasShape(s)) return; // the use site describes the object itself
            String name = s.path("$ref").asText().replaceFirst("^#/components/schemas/", "");
            JsonNode target = schemas.path(name);
            if (isFreeForm(target)) out.add(at + " -> " + name);
            else if (seen.add(name)) walk(target, name, schemas, seen, out);
            return;
        }
        if (isFreeForm(s)) {
            out.add(at);
            return;
        }
        s.path("properties")
                .fields()
                .forEachRemaining(p -> walk(p.getValue(), at + "." + p.getKey(), schemas, seen, out));
        walk(s.path("items"), at + "[items]", schemas, seen, out);
        walk(s.path("additionalProperties"), at + "[additionalProperties]", schemas, seen, out);
        for (String k : List.of("oneOf", "anyOf", "allOf")) {
            for (int i = 0; i < s.path(k).size(); i++) walk(s.path(k).get(i), at + "/" + k + i, schemas, seen, out);
        }
    }

    /** An object, or a schema without type, that says nothing of its content. */
    private static boolean isFreeForm(JsonNode s) {
        if (s.has("$ref") || hasShape(s)) return false;
        for (String k : List.of("oneOf", "anyOf", "allOf", "enum", "items", "const")) {
            if (s.has(k)) return false;
        }
        JsonNode type = s.path("type");
        return type.isMissingNode() || type.toString().contains("\"object\"");
    }

    private static boolean hasShape(JsonNode s) {
        JsonNode extra = s.path("additionalProperties");
        boolean typedExtra = extra.isObject()
                && (extra.has("type") || extra.has("$ref") || extra.has("oneOf") || extra.has("anyOf"));
        return !s.path("properties").isEmpty() || typedExtra;
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
