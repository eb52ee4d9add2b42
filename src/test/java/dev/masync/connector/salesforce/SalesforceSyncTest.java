package dev.masync.connector.salesforce;

import dev.masync.sync.SyncApiTest;
import dev.masync.testing.vendor.SalesforceFake;
import dev.masync.testing.vendor.SalesforceFake.Field;
import dev.masync.testing.vendor.SalesforceFakeConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Salesforce end to end through the REST API against the stateful fake: a destination with its secret by reference,
 * two mirror syncs of one segment (membership as a checkbox, and as campaign members through a Bulk job), a full run,
 * an incremental run with nothing to send, and the leavers' removal after the segment narrows.
 */
@QuarkusTest
class SalesforceSyncTest {
    static final String CLIENT = "sync-test-consumer-key";
    static final String SECRET = "sync-test-consumer-secret";
    static final String USER = "integration@example.test";
    static final String ADMIN = "Bearer test-admin-key";
    static SalesforceFake fake;
    static Path secretFile;
    static String campaign;

    @BeforeAll
    static void startFake() throws Exception {
        // Bulk jobs complete when closed: the connector's first poll finds them done, so nothing waits for real
        fake = SalesforceFake.start(
                SalesforceFakeConfig.defaults().withBulkTiming(Duration.ZERO, Duration.ZERO),
                Clock.systemUTC(),
                d -> {});
        fake.addField("Contact", Field.externalId("Learner_Id__c", 64));
        fake.addField("Contact", Field.text("Plan__c", 40));
        fake.addField("Contact", Field.checkbox("Paid_Learner__c"));
        fake.registerApp(CLIENT, SECRET, USER, Set.of(USER), null);
        campaign = fake.insert("Campaign", Map.of("Name", "Paid learners"));
        secretFile = Files.createTempFile("masync-salesforce", ".secret");
        Files.writeString(secretFile, SECRET + "\n");
    }

    @AfterAll
    static void stopFake() throws Exception {
        fake.close();
        Files.deleteIfExists(secretFile);
    }

    @Test
    void syncsASegmentFullyThenIncrementallyAndMirrorsLeaversAsUncheckedAndOutOfTheCampaign() throws Exception {
        post("/api/v1/segments", """
                {"key": "sf_paid", "name": "Paid learners (Salesforce test)",
                 "rule": {"attribute": "plan", "op": "in", "values": ["basic", "exam_coach"]}}""").then().statusCode(201);
        String settings = """
                "instanceUrl": "%s", "loginUrl": "%s", "clientId": "%s", "clientSecret": "file:%s"
                """.formatted(fake.url(), fake.url(), CLIENT, secretFile);
        post("/api/v1/destinations", """
                {"key": "sf_org", "name": "Salesforce", "type": "salesforce", "settings": {%s}}""".formatted(settings)).then().statusCode(201);
        post("/api/v1/destinations", """
                {"key": "sf_org_bulk", "name": "Salesforce (bulk)", "type": "salesforce",
                 "settings": {%s, "bulkThreshold": "100"}}""".formatted(settings)).then().statusCode(201);
        // the connection test mints a session and reads the describe; wrong credentials say what to check
        given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/sf_org/test")
                .then()
                .statusCode(200)
                .body("ok", org.hamcrest.Matchers.equalTo(true));
        Path wrong = Files.createTempFile("masync-salesforce-wrong", ".secret");
        Files.writeString(wrong, "not-the-secret");
        post("/api/v1/destinations", """
                {"key": "sf_wrong", "name": "Salesforce (wrong secret)", "type": "salesforce",
                 "settings": {"instanceUrl": "%s", "loginUrl": "%s", "clientId": "%s", "clientSecret": "file:%s"}}""".formatted(fake.url(), fake.url(), CLIENT, wrong))
                .then()
                .statusCode(201);
        JsonPath refused = given().header("Authorization", ADMIN)
                .post("/api/v1/destinations/sf_wrong/test")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Files.deleteIfExists(wrong);
        assertThat(refused.getBoolean("ok")).isFalse();
        assertThat(refused.getString("problems[0].code")).isEqualTo("auth");
        assertThat(refused.getString("problems[0].message"))
                .contains("check clientId and clientSecret")
                .doesNotContain("not-the-secret");

        String identity = """
                "identity": {"attribute": "learner_id", "field": "Learner_Id__c", "kind": "external_id"},
                "mapping": [{"source": "learner_id", "target": "LastName"}, {"source": "plan", "target": "Plan__c"}],
                "mode": "mirror\"""";
        post("/api/v1/syncs", """
                {"key": "sf_paid_flag", "segment": "sf_paid", "destination": "sf_org", %s,
                 "membership": {"style": "boolean", "field": "Paid_Learner__c"}}""".formatted(identity)).then().statusCode(201);
        post("/api/v1/syncs", """
                {"key": "sf_paid_campaign", "segment": "sf_paid", "destination": "sf_org_bulk", %s,
                 "membership": {"style": "list", "field": "%s"}}""".formatted(identity, campaign)).then().statusCode(201);

        // full: every member is a contact with the box checked, and a member of the campaign
        JsonPath flag = awaitRun(startRun("sf_paid_flag", "{}"));
        assertThat(flag.getString("status")).as(flag.prettify()).isEqualTo("succeeded");
        long members = flag.getLong("counts.entered");
        assertThat(members).isGreaterThan(200);
        assertThat(flag.getLong("counts.confirmed")).isEqualTo(members);
        assertThat(fake.records("Contact").values())
                .hasSize((int) members)
                .allSatisfy(c -> assertThat(c).containsEntry("Paid_Learner__c", true));
        assertThat(fake.calls("POST", "/services/data/v62.0/jobs/ingest")).isEmpty();

        JsonPath list = awaitRun(startRun("sf_paid_campaign", "{}"));
        assertThat(list.getString("status")).as(list.prettify()).isEqualTo("succeeded");
        assertThat(list.getLong("counts.confirmed")).isEqualTo(members);
        assertThat(fake.calls("POST", "/services/data/v62.0/jobs/ingest")).isNotEmpty(); // above bulkThreshold
        assertThat(fake.records("CampaignMember")).hasSize((int) members);
        assertThat(fake.records("Contact")).hasSize((int) members);

        // incremental: nothing changed, nothing sent
        assertThat(awaitRun(startRun("sf_paid_flag", "{}")).getLong("counts.sent"))
                .isZero();
        assertThat(awaitRun(startRun("sf_paid_campaign", "{}")).getLong("counts.sent"))
                .isZero();

        // the segment narrows: leavers are unchecked and leave the campaign; their contacts stay
        String etag = given().header("Authorization", ADMIN)
                .get("/api/v1/segments/sf_paid")
                .header("ETag");
        given().header("Authorization", ADMIN)
                .header("If-Match", etag)
                .contentType("application/json")
                .body("""
                        {"name": "Paid learners (Salesforce test)",
                         "rule": {"attribute": "plan", "op": "in", "values": ["exam_coach"]}}""")
                .put("/api/v1/segments/sf_paid")
                .then()
                .statusCode(200);
        // most members leave: past the mass-leave guard, so the runs are forced
        JsonPath flagLeft = awaitRun(startRun("sf_paid_flag", "{\"force\": true}"));
        assertThat(flagLeft.getString("status")).as(flagLeft.prettify()).isEqualTo("succeeded");
        long left = flagLeft.getLong("counts.left");
        assertThat(left).isPositive().isLessThan(members);
        JsonPath listLeft = awaitRun(startRun("sf_paid_campaign", "{\"force\": true}"));
        assertThat(listLeft.getString("status")).as(listLeft.prettify()).isEqualTo("succeeded");
        assertThat(listLeft.getLong("counts.left")).isEqualTo(left);

        long stillIn = members - left;
        assertThat(fake.records("Contact")).hasSize((int) members);
        assertThat(fake.records("Contact").values())
                .filteredOn(c -> Boolean.TRUE.equals(c.get("Paid_Learner__c")))
                .hasSize((int) stillIn)
                .allSatisfy(c -> assertThat(c).containsEntry("Plan__c", "exam_coach"));
        assertThat(fake.records("CampaignMember")).hasSize((int) stillIn);
        assertThat(awaitRun(startRun("sf_paid_flag", "{}")).getLong("counts.sent"))
                .isZero();
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
