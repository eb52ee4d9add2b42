package dev.masync.sync;

import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import dev.masync.definition.DefinitionFiles;
import dev.masync.destination.DestinationSchemas;
import dev.masync.destination.SchemaConnector;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Syncs are checked against the fields their destination describes: refused when saved if they do not fit (and the
 * fields can be read), reported per sync by the destination test.
 */
@QuarkusTest
class MappingCheckTest {
    static final String ADMIN = "Bearer test-admin-key";

    @Inject
    DestinationSchemas schemas;

    @Inject
    SyncFiles files;

    static Response post(String path, String json) {
        return given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(json)
                .post(path);
    }

    static Response put(String path, int version, String json) {
        return given().header("Authorization", ADMIN)
                .header("If-Match", "\"" + version + "\"")
                .contentType("application/json")
                .body(json)
                .put(path);
    }

    /** A destination of the schema-reading test connector, named like the CRM it stands for. */
    static void destination(String key) {
        post("/api/v1/destinations", """
                        {"key": "%s", "name": "HubSpot", "type": "schema_crm", "settings": {"account": "%s"}}""".formatted(key, key)).then().statusCode(201);
    }

    /** A sync that fits {@link SchemaConnector#crm()}. */
    static String fitting(String key, String destination) {
        return """
                {"key": "%s", "segment": "schema_check_paid", "destination": "%s",
                 "identity": {"attribute": "email", "field": "email", "kind": "email"},
                 "mapping": [{"source": "streak_days", "target": "streak_days"},
                             {"source": "exam_date", "target": "exam_date"},
                             {"source": "last_active_at", "target": "last_active"},
                             {"source": "last_active_at", "target": "firstname", "format": "string"}],
                 "membership": {"style": "boolean", "field": "in_segment"}, "mode": "mirror"}""".formatted(key, destination);
    }

    /** A sync with one of each problem (see {@link #expectOneOfEachProblem}). */
    static String misfitting(String key, String destination) {
        return """
                {"key": "%s", "segment": "schema_check_paid", "destination": "%s",
                 "identity": {"attribute": "email", "field": "firstname", "kind": "external_id"},
                 "mapping": [{"source": "streak_days", "target": "strak_days"},
                             {"source": "plan", "target": "email_opt_in"},
                             {"source": "grade", "target": "lifecycle_stage"},
                             {"source": "last_active_at", "target": "exam_date"}],
                 "membership": {"style": "boolean", "field": "tier"}}""".formatted(key, destination);
    }

    static final List<List<String>> EXPECTED = List.of(
            List.of(
                    "/mapping/0/target",
                    "mapping_field_missing",
                    "target 'strak_days' does not exist at HubSpot; did you mean 'streak_days'?"),
            List.of(
                    "/mapping/1/target",
                    "mapping_type_mismatch",
                    "target 'email_opt_in' is a boolean (checkbox) field at HubSpot, but 'plan' (string) is sent as"
                            + " text; map a boolean attribute"),
            List.of(
                    "/mapping/2/target",
                    "mapping_field_read_only",
                    "target 'lifecycle_stage' is read-only at HubSpot (computed or set by HubSpot itself); map to a"
                            + " field records can be written to"),
            List.of(
                    "/mapping/3/target",
                    "mapping_type_mismatch",
                    "target 'exam_date' is a date field at HubSpot, but 'last_active_at' (timestamp) is sent as a"
                            + " date-time (ISO-8601); add format: date to send its day (in masync.time-zone)"),
            List.of(
                    "/identity/field",
                    "identity_field_not_unique",
                    "identity field 'firstname' cannot find records at HubSpot (its values are not unique there);"
                            + " fields that can find records there: 'email', 'member_no'"),
            List.of(
                    "/membership/field",
                    "membership_type_mismatch",
                    "membership style boolean writes true or false, but 'tier' is a pick-list field at HubSpot; pick"
                            + " a boolean (checkbox) field, or use style value with a value the field takes"));

    @BeforeEach
    void segment() {
        SchemaConnector.reset();
        if (given().header("Authorization", ADMIN)
                        .get("/api/v1/segments/schema_check_paid")
                        .statusCode()
                == 404) {
            post("/api/v1/segments", """
                    {"key": "schema_check_paid", "name": "Paid learners",
                     "rule": {"attribute": "plan", "op": "in", "values": ["basic", "exam_coach"]}}""").then().statusCode(201);
        }
    }

    @AfterEach
    void reset() {
        SchemaConnector.reset();
    }

    static void unreadable() {
        SchemaConnector.schema = () -> {
            throw new RetryableException("HubSpot answered 503", Duration.ofSeconds(5), null);
        };
    }

    @Test
    void aSyncThatDoesNotFitIsRefusedWithAPointerAndACodePerProblem() {
        destination("crm_refuse");
        JsonPath problem = post("/api/v1/syncs", misfitting("misfit_create", "crm_refuse"))
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .extract()
                .jsonPath();
        assertThat(problem.getString("detail")).contains("does not fit destination 'crm_refuse'", "6 problem(s)");
        List<Map<String, String>> errors = problem.getList("errors");
        assertThat(errors)
                .extracting(e -> List.of(e.get("pointer"), e.get("code"), e.get("message")))
                .containsExactlyElementsOf(EXPECTED);
        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/misfit_create")
                .then()
                .statusCode(404);

        // an update is refused the same way, and the sync stays as it was
        post("/api/v1/syncs", fitting("fit_update", "crm_refuse"))
                .then()
                .statusCode(201)
                .body("version", equalTo(1))
                .body("warnings", equalTo(null));
        put("/api/v1/syncs/fit_update", 1, misfitting("fit_update", "crm_refuse"))
                .then()
                .statusCode(422)
                .body(
                        "errors.pointer",
                        equalTo(EXPECTED.stream().map(e -> e.get(0)).toList()))
                .body(
                        "errors.code",
                        equalTo(EXPECTED.stream().map(e -> e.get(1)).toList()));
        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/fit_update")
                .then()
                .statusCode(200)
                .body("version", equalTo(1))
                .body("definition.mapping[0].target", equalTo("streak_days"));
        // a stale version is answered before the destination is asked
        int reads = SchemaConnector.READS.get();
        put("/api/v1/syncs/fit_update", 7, misfitting("fit_update", "crm_refuse"))
                .then()
                .statusCode(412);
        assertThat(SchemaConnector.READS).hasValue(reads);
    }

    @Test
    void whenTheFieldsCannotBeReadTheSyncIsSavedWithAWarning() {
        destination("crm_down");
        unreadable();
        JsonPath saved = post("/api/v1/syncs", misfitting("misfit_down", "crm_down"))
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        assertThat(saved.getString("warnings[0].pointer")).isEqualTo("/destination");
        assertThat(saved.getString("warnings[0].code")).isEqualTo("mapping_not_checked");
        assertThat(saved.getString("warnings[0].message"))
                .contains("unavailable: HubSpot answered 503", "POST /api/v1/destinations/crm_down/test");
        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/misfit_down")
                .then()
                .statusCode(200)
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("warnings"))); // of the save only

        SchemaConnector.schema = () -> {
            throw new PermanentException(PermanentException.Code.AUTH, "HubSpot refused the token (401)");
        };
        put("/api/v1/syncs/misfit_down", 1, misfitting("misfit_down", "crm_down"))
                .then()
                .statusCode(200)
                .body("version", equalTo(2))
                .body("warnings[0].code", equalTo("mapping_not_checked"))
                .body("warnings[0].message", org.hamcrest.Matchers.containsString("auth: HubSpot refused"));
    }

    @Test
    void theDestinationTestReportsEverySyncThatDoesNotFit() {
        destination("crm_tested");
        post("/api/v1/syncs", fitting("fit_tested", "crm_tested")).then().statusCode(201);
        given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/crm_tested/test")
                .then()
                .statusCode(200)
                .body("ok", equalTo(true))
                .body("problems.size()", equalTo(0));

        unreadable(); // saved while the destination was down (and its fields not cached): not checked then
        schemas.invalidate("crm_tested");
        post("/api/v1/syncs", misfitting("misfit_tested", "crm_tested")).then().statusCode(201);
        SchemaConnector.schema = SchemaConnector::crm;
        JsonPath check = given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/crm_tested/test")
                .then()
                .statusCode(200)
                .body("ok", equalTo(false))
                .extract()
                .jsonPath();
        List<Map<String, String>> problems = check.getList("problems");
        assertThat(problems).allSatisfy(p -> assertThat(p.get("sync")).isEqualTo("misfit_tested"));
        assertThat(problems)
                .extracting(p -> List.of(p.get("pointer"), p.get("code")))
                .containsExactlyElementsOf(
                        EXPECTED.stream().map(e -> List.of(e.get(0), e.get(1))).toList());
        assertThat(problems.get(0).get("message"))
                .isEqualTo("sync 'misfit_tested': mapping[0] target 'strak_days' does not exist at HubSpot; did you"
                        + " mean 'streak_days'?");
        assertThat(problems.get(4).get("message"))
                .startsWith("sync 'misfit_tested': identity field 'firstname' cannot find records at HubSpot");

        // the fitting sync is fine until the destination loses a field it writes
        SchemaConnector.schema = () -> SchemaConnector.schema(SchemaConnector.crm().fields().values().stream()
                .filter(f -> !f.name().equals("in_segment"))
                .toArray(dev.masync.connector.spi.DestinationSchema.Field[]::new));
        JsonPath lost = given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/crm_tested/test")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(lost.getList("problems.findAll { it.sync == 'fit_tested' }.code", String.class))
                .containsExactly("membership_field_missing");

        unreadable();
        given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/crm_tested/test")
                .then()
                .statusCode(200)
                .body("ok", equalTo(false))
                .body("problems.size()", equalTo(1))
                .body("problems[0].code", equalTo("unavailable"))
                .body("problems[0].pointer", equalTo(""))
                .body("problems[0]", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("sync")))
                .body(
                        "problems[0].message",
                        org.hamcrest.Matchers.startsWith(
                                "the fields of destination 'crm_tested' could not be read, so the syncs writing to it"
                                        + " were not checked: HubSpot answered 503"));
    }

    @Test
    void aRunOfASyncThatNoLongerFitsFailsBeforeSendingAndSaysWhy() throws Exception {
        destination("crm_run");
        unreadable();
        post("/api/v1/syncs", misfitting("misfit_run", "crm_run")).then().statusCode(201);

        // the fields can be read again: the run stops before the diff and names every problem
        SchemaConnector.schema = SchemaConnector::crm;
        JsonPath failed = SyncApiTest.awaitRun(SyncApiTest.startRun("misfit_run", "{}"));
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("reason"))
                .startsWith("nothing was sent: the sync does not fit destination 'crm_run': /mapping/0/target"
                        + " mapping_field_missing: target 'strak_days' does not exist at HubSpot")
                .contains("/membership/field membership_type_mismatch", "PUT /api/v1/syncs/misfit_run");
        assertThat(failed.getLong("counts.sent")).isZero();

        // while they cannot be read, the run goes ahead (the destination answers record by record)
        unreadable();
        schemas.invalidate("crm_run");
        JsonPath ran = SyncApiTest.awaitRun(SyncApiTest.startRun("misfit_run", "{}"));
        assertThat(ran.getString("status")).isEqualTo("succeeded");
        assertThat(ran.getLong("counts.confirmed")).isPositive();
    }

    @Test
    void savesReuseARecentReadUntilTheDestinationChanges() {
        destination("crm_cached");
        post("/api/v1/syncs", fitting("fit_cached_a", "crm_cached")).then().statusCode(201);
        post("/api/v1/syncs", fitting("fit_cached_b", "crm_cached")).then().statusCode(201);
        assertThat(SchemaConnector.READS).hasValue(1);

        // a field added at the destination is seen by the next save once the destination is saved again
        put("/api/v1/destinations/crm_cached", 1, """
                        {"name": "HubSpot", "type": "schema_crm", "settings": {"account": "crm_cached"}}""").then().statusCode(200);
        SchemaConnector.schema = () ->
                SchemaConnector.schema(SchemaConnector.crm().field("email").orElseThrow());
        post("/api/v1/syncs", fitting("fit_cached_c", "crm_cached")).then().statusCode(422);
        assertThat(SchemaConnector.READS).hasValue(2);
    }

    @Test
    void aSyncFileThatDoesNotFitIsSkippedWithItsProblems(@TempDir Path dir) throws Exception {
        destination("crm_files");
        Files.writeString(dir.resolve("misfit_file.yaml"), """
                key: misfit_file
                segment: schema_check_paid
                destination: crm_files
                identity: {attribute: email, field: email, kind: email}
                mapping:
                  - {source: streak_days, target: strak_days}
                """);
        Files.writeString(dir.resolve("fit_file.yaml"), """
                key: fit_file
                segment: schema_check_paid
                destination: crm_files
                identity: {attribute: email, field: email, kind: email}
                mapping:
                  - {source: streak_days, target: streak_days}
                """);
        files.load(dir);
        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/misfit_file")
                .then()
                .statusCode(404);
        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/fit_file")
                .then()
                .statusCode(200);
        assertThat(DefinitionFiles.problems().get("sync"))
                .hasEntrySatisfying(
                        dir.resolve("misfit_file.yaml").toString(),
                        p -> assertThat(p).contains("/mapping/0/target", "did you mean 'streak_days'?"));
        int reads = SchemaConnector.READS.get();
        schemas.invalidate("crm_files");
        files.load(dir); // unchanged files are not checked again
        assertThat(SchemaConnector.READS).hasValue(reads + 1); // only the file that was refused
    }
}
