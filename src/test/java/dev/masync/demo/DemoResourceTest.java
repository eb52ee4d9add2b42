package dev.masync.demo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
class DemoResourceTest {
    static final String ADMIN = "Bearer test-admin-key";

    @Test
    void advancingMovesTheAnchorAndRecomputesAggregates() {
        Response before = given().header("Authorization", ADMIN).get("/api/v1/demo");
        before.then().statusCode(200).body("seed", equalTo(42));
        LocalDate anchor = LocalDate.parse(before.path("anchor"));
        int learners = before.path("learners");

        Response after = given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"days\": 1}")
                .post("/api/v1/demo/advance");
        after.then().statusCode(200);
        assertThat(LocalDate.parse(after.path("anchor"))).isEqualTo(anchor.plusDays(1));
        assertThat((Integer) after.path("learners")).isGreaterThanOrEqualTo(learners);

        given().header("Authorization", ADMIN)
                .get("/api/v1/demo")
                .then()
                .body("anchor", equalTo(anchor.plusDays(1).toString()));
        // who advanced the demo, by how much, and what it became, is audited
        given().header("Authorization", ADMIN)
                .get("/api/v1/audit?entityType=demo&limit=1")
                .then()
                .statusCode(200)
                .body("items[0].action", equalTo("demo.advance"))
                .body("items[0].before.days", equalTo(1))
                .body("items[0].after.anchor", equalTo(anchor.plusDays(1).toString()));
    }

    @Test
    void badRequestsChangeNothingAndSayWhy() {
        String anchor =
                given().header("Authorization", ADMIN).get("/api/v1/demo").path("anchor");
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"days\": 0}")
                .post("/api/v1/demo/advance")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors.pointer", hasItem("/days"));
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"days\": ")
                .post("/api/v1/demo/advance")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("malformed_json"));
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"days\": 1, \"dayz\": 2}")
                .post("/api/v1/demo/advance")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("unknown_field"))
                .body("errors.pointer", hasItem("/dayz"));
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"days\": \"one\"}")
                .post("/api/v1/demo/advance")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("invalid_type"));
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("[]")
                .post("/api/v1/demo/advance")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().header("Authorization", ADMIN)
                .contentType("text/plain")
                .body("days=1")
                .post("/api/v1/demo/advance")
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .post("/api/v1/demo/advance")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().header("Authorization", ADMIN).get("/api/v1/demo").then().body("anchor", equalTo(anchor));
    }
}
