package dev.masync.sync;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static dev.masync.sync.SyncApiTest.ADMIN;
import static dev.masync.sync.SyncApiTest.awaitRun;
import static dev.masync.sync.SyncApiTest.post;
import static dev.masync.sync.SyncApiTest.startRun;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Operations that override safeguards or change what syncs see are audited: forced runs, full resyncs, refreshes. */
@QuarkusTest
class RunStartAuditTest {

    private static List<Map<String, Object>> audit(String entityType, String entityKey) {
        return given().header("Authorization", ADMIN)
                .get("/api/v1/audit?entityType=" + entityType + "&entityKey=" + entityKey + "&limit=50")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
    }

    @ParameterizedTest
    @CsvSource({
        "audit_force, '{\"force\": true}', true",
        "audit_full, '{\"fullResync\": true}', true",
        "audit_both, '{\"force\": true, \"fullResync\": true, \"dryRun\": true}', true",
        "audit_plain, '{}', false",
        "audit_dry, '{\"dryRun\": true}', false"
    })
    void aRunStartedWithForceOrFullResyncIsAudited(String key, String body, boolean audited) throws Exception {
        new SyncApiTest().segment();
        if (given().header("Authorization", ADMIN).get("/api/v1/syncs/" + key).statusCode() == 404) {
            post("/api/v1/syncs", SyncApiTest.sync(key, "")).then().statusCode(201);
        }
        long id = startRun(key, body);
        awaitRun(id);
        List<Map<String, Object>> entries = audit("sync", key).stream()
                .filter(e -> "sync.run_start".equals(e.get("action")))
                .toList();
        if (!audited) {
            assertThat(entries).isEmpty();
            return;
        }
        assertThat(entries).hasSize(1);
        JsonPath after = new JsonPath(new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(entries.get(0).get("after")));
        assertThat(after.getLong("id")).isEqualTo(id);
        assertThat(entries.get(0).get("actor")).isNotNull();
        assertThat(body.contains("force") ? after.getBoolean("force") : after.getBoolean("fullResync"))
                .isTrue();
    }

    @Test
    void aCatalogRefreshIsAudited() {
        int before = audit("catalog", "warehouse").size();
        given().header("Authorization", ADMIN)
                .post("/api/v1/catalog/refresh")
                .then()
                .statusCode(200);
        given().header("Authorization", ADMIN)
                .post("/api/v1/catalog/refresh")
                .then()
                .statusCode(200);
        List<Map<String, Object>> entries = audit("catalog", "warehouse");
        assertThat(entries).hasSize(before + 2);
        assertThat(entries.get(0)).containsEntry("action", "catalog.refresh");
        assertThat(((Map<?, ?>) entries.get(0).get("after")).get("attributes")).isNotNull();
    }
}
