package dev.masync.connector.marketo;

import dev.masync.sync.SyncApiTest;
import dev.masync.testing.vendor.MarketoFake;
import dev.masync.testing.vendor.MarketoFakeConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Marketo end to end through the REST API against the stateful fake: a destination with its client id and secret by
 * reference (files), two mirror syncs of one demo segment by e-mail (membership as a boolean field, and as a static
 * list), a full run, an incremental run with nothing to send, and the leavers' removal after the segment narrows.
 */
@QuarkusTest
class MarketoSyncTest {
    static final String CLIENT = "sync-test-marketo-client";
    static final String SECRET = "sync-test-marketo-secret";
    static final String ADMIN = "Bearer test-admin-key";
    static MarketoFake fake;
    static Path idFile;
    static Path secretFile;
    static int list;

    @BeforeAll
    static void startFake() throws Exception {
        fake = MarketoFake.start(MarketoFakeConfig.defaults(), Clock.systemUTC(), d -> {});
        fake.addField(MarketoFake.Field.string("planTier"));
        fake.addField(MarketoFake.Field.bool("paidLearner"));
        fake.registerClient(CLIENT, SECRET);
        list = fake.createList("Paid learners");
        idFile = Files.createTempFile("masync-marketo-id", ".secret");
        Files.writeString(idFile, CLIENT + "\n");
        secretFile = Files.createTempFile("masync-marketo", ".secret");
        Files.writeString(secretFile, SECRET + "\n");
    }

    @AfterAll
    static void stopFake() throws Exception {
        fake.close();
        Files.deleteIfExists(idFile);
        Files.deleteIfExists(secretFile);
    }

    @Test
    void syncsASegmentFullyThenIncrementallyAndMirrorsLeaversAsFalseAndOutOfTheList() throws Exception {
        post("/api/v1/segments", """
                {"key": "mk_paid", "name": "Paid learners (Marketo test)",
                 "rule": {"attribute": "plan", "op": "in", "values": ["basic", "exam_coach"]}}""").then().statusCode(201);
        post("/api/v1/destinations", """
                {"key": "mk_instance", "name": "Marketo", "type": "marketo",
                 "settings": {"baseUrl": "%s", "clientId": "file:%s", "clientSecret": "file:%s"}}""".formatted(fake.url(), idFile, secretFile))
                .then()
                .statusCode(201);
        // the connection test mints a token and reads the lead describe
        given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/mk_instance/test")
                .then()
                .statusCode(200)
                .body("ok", org.hamcrest.Matchers.equalTo(true));

        String identity = """
                "identity": {"attribute": "email", "field": "email", "kind": "email"},
                "mapping": [{"source": "plan", "target": "planTier"}],
                "mode": "mirror\"""";
        post("/api/v1/syncs", """
                {"key": "mk_paid_flag", "segment": "mk_paid", "destination": "mk_instance", %s,
                 "membership": {"style": "boolean", "field": "paidLearner"}}""".formatted(identity)).then().statusCode(201);
        post("/api/v1/syncs", """
                {"key": "mk_paid_list", "segment": "mk_paid", "destination": "mk_instance", %s,
                 "membership": {"style": "list", "field": "%s"}}""".formatted(identity, list)).then().statusCode(201);

        // full: every member is a lead with the flag set, and a member of the static list; the demo holds a few
        // malformed addresses, which Marketo skips one by one (1001)
        JsonPath flag = awaitRun(startRun("mk_paid_flag", "{}"));
        long members = flag.getLong("counts.entered");
        assertThat(members).as(flag.prettify()).isGreaterThan(300);
        Set<String> refused = refused(flag);
        long stored = members - refused.size();
        assertThat(flag.getLong("counts.confirmed")).as(flag.prettify()).isEqualTo(stored);
        assertThat(fake.leads().values())
                .hasSize((int) stored)
                .allSatisfy(
                        l -> assertThat(l).containsEntry("paidLearner", true).containsKey("planTier"));
        assertThat(fake.calls("POST", "/rest/v1/leads.json"))
                .as("ceil(members / 300) calls")
                .hasSize((int) ((members + 299) / 300));

        JsonPath listRun = awaitRun(startRun("mk_paid_list", "{}"));
        assertThat(refused(listRun)).isEqualTo(refused);
        assertThat(listRun.getLong("counts.confirmed")).isEqualTo(stored);
        assertThat(fake.listMembers(list)).hasSize((int) stored);
        assertThat(fake.leads()).as("the list sync found the same leads").hasSize((int) stored);
        assertThat(fake.calls().stream().filter(c -> c.query() != null))
                .as("the token never travels in a URL")
                .noneMatch(c -> c.query().contains("access_token"));

        // incremental: nothing changed, only the refused records are sent again (and refused again)
        JsonPath quiet = awaitRun(startRun("mk_paid_flag", "{}"));
        assertThat(quiet.getLong("counts.sent")).as(quiet.prettify()).isEqualTo(refused.size());
        assertThat(awaitRun(startRun("mk_paid_list", "{}")).getLong("counts.sent"))
                .isEqualTo(refused.size());

        // the segment narrows: leavers get paidLearner false and leave the list; their leads stay
        String etag = given().header("Authorization", ADMIN)
                .get("/api/v1/segments/mk_paid")
                .header("ETag");
        given().header("Authorization", ADMIN)
                .header("If-Match", etag)
                .contentType("application/json")
                .body("""
                        {"name": "Paid learners (Marketo test)",
                         "rule": {"attribute": "plan", "op": "in", "values": ["exam_coach"]}}""")
                .put("/api/v1/segments/mk_paid")
                .then()
                .statusCode(200);
        JsonPath flagLeft = awaitRun(startRun("mk_paid_flag", "{\"force\": true}"));
        long left = flagLeft.getLong("counts.left");
        assertThat(left).as(flagLeft.prettify()).isPositive().isLessThan(members);
        assertThat(flagLeft.getLong("counts.failed")).isZero();
        JsonPath listLeft = awaitRun(startRun("mk_paid_list", "{\"force\": true}"));
        assertThat(listLeft.getLong("counts.left")).as(listLeft.prettify()).isEqualTo(left);
        assertThat(listLeft.getLong("counts.failed")).isZero();

        assertThat(fake.leads()).hasSize((int) stored);
        long flagged = fake.leads().values().stream()
                .filter(l -> Boolean.TRUE.equals(l.get("paidLearner")))
                .count();
        assertThat(fake.leads().values())
                .filteredOn(l -> Boolean.TRUE.equals(l.get("paidLearner")))
                .allSatisfy(l -> assertThat(l).containsEntry("planTier", "exam_coach"));
        assertThat(fake.leads().values())
                .filteredOn(l -> !"exam_coach".equals(l.get("planTier")))
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).containsEntry("paidLearner", false));
        assertThat(fake.listMembers(list)).hasSize((int) flagged);
        assertThat(fake.listMembers(list))
                .allSatisfy(id -> assertThat(fake.leads().get(id)).containsEntry("planTier", "exam_coach"));
    }

    /** The e-mails a run's rejections name, each skipped by Marketo as an invalid value. */
    static Set<String> refused(JsonPath run) {
        List<Map<String, Object>> rejections = given().header("Authorization", ADMIN)
                .get("/api/v1/runs/" + run.getLong("id") + "/rejections?limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        assertThat(rejections)
                .allSatisfy(r -> assertThat(r.get("code")).as(r.toString()).isEqualTo("invalid_value"));
        assertThat(run.getLong("counts.rejected")).isEqualTo(rejections.size());
        return rejections.stream()
                .map(r -> r.get("recordKey").toString().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    static Response post(String path, String json) {
        return given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(json)
                .post(path);
    }

    static long startRun(String sync, String body) {
        return post("/api/v1/syncs/" + sync + "/runs", body)
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getLong("id");
    }

    static JsonPath awaitRun(long id) throws InterruptedException {
        return SyncApiTest.awaitRun(id);
    }
}
