package dev.masync.sync;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.masync.sync.SyncApiTest.awaitRun;
import static dev.masync.sync.SyncApiTest.post;
import static dev.masync.sync.SyncApiTest.sync;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** A dry run's answer says where its samples appear, or (with wait) waits for the run's end and carries them. */
@QuarkusTest
class DryRunAnswerTest {
    static final String ADMIN = SyncApiTest.ADMIN;

    @BeforeEach
    void segment() {
        new SyncApiTest().segment();
    }

    @Test
    void withoutWaitTheAnswerNamesTheRunAndTheFieldOfItsSamples() throws Exception {
        post("/api/v1/syncs", sync("dry_answer", "")).then().statusCode(201);
        JsonPath started = post("/api/v1/syncs/dry_answer/runs", "{\"dryRun\": true}")
                .then()
                .statusCode(202)
                .header("Location", containsString("/api/v1/runs/"))
                .body("dryRun", equalTo(true))
                .extract()
                .jsonPath();
        long id = started.getLong("id");
        assertThat(started.getString("samplesAt.url")).isEqualTo("/api/v1/runs/" + id);
        assertThat(started.getString("samplesAt.field")).isEqualTo("samples");

        JsonPath ended = awaitRun(id);
        assertThat(ended.getList("samples.entered")).isNotEmpty();
        assertThat((Object) ended.get("samplesAt")).isNull();
    }

    @Test
    void withWaitTheAnswerIsTheEndedRunWithItsSamples() {
        post("/api/v1/syncs", sync("dry_wait", "")).then().statusCode(201);
        JsonPath ended = given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"dryRun\": true}")
                .post("/api/v1/syncs/dry_wait/runs?wait=30")
                .then()
                .statusCode(200)
                .header("Location", containsString("/api/v1/runs/"))
                .body("status", equalTo("succeeded"))
                .extract()
                .jsonPath();
        assertThat(ended.getLong("counts.entered")).isPositive();
        assertThat(ended.getList("samples.entered")).isNotEmpty();
        assertThat(ended.getString("samplesAt.field")).isEqualTo("samples");

        // a real run waited for ends too, and carries no samplesAt
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{}")
                .post("/api/v1/syncs/dry_wait/runs?wait=30")
                .then()
                .statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("dryRun", equalTo(false))
                .body("samplesAt", nullValue());
    }

    @Test
    void waitOutsideItsBoundsIsA400ThatSaysWhatToSend() {
        post("/api/v1/syncs", sync("dry_bad_wait", "")).then().statusCode(201);
        for (String wait : new String[] {"31", "-1", "abc", "1.5", "99999999999"}) {
            given().header("Authorization", ADMIN)
                    .contentType("application/json")
                    .body("{\"dryRun\": true}")
                    .post("/api/v1/syncs/dry_bad_wait/runs?wait=" + wait)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", equalTo("invalid_wait"))
                    .body("detail", containsString("from 0 to 30"));
        }
        given().header("Authorization", ADMIN)
                .get("/api/v1/syncs/dry_bad_wait/runs")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }
}
