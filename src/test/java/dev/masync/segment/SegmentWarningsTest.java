package dev.masync.segment;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** Preview, save and edit-impact answers carry warnings for string values no learner (or event) has. */
@QuarkusTest
class SegmentWarningsTest {
    static final String ADMIN = SegmentResourceTest.ADMIN;

    /** A known value of an event table's column, read from the catalog (not assumed from the demo). */
    static String knownSubject() {
        JsonPath catalog = given().header("Authorization", ADMIN)
                .get("/api/v1/catalog")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<String> known = catalog.getList(
                "eventTables.find { it.name == 'lecture_views' }.columns.find { it.name == 'subject' }.knownValues");
        assertThat(known).isNotEmpty();
        return known.get(0);
    }

    static String rule(String grade, String subject) {
        return """
                {"all": [{"attribute": "grade", "op": "in", "values": ["hs2", "%s"]},
                         {"event": "lecture_views", "where": {"attribute": "subject", "op": "eq", "value": "%s"},
                          "within_last": "P28D", "aggregate": {"fn": "count"}, "op": "gte", "value": 1}]}""".formatted(grade, subject);
    }

    @Test
    void previewWarnsAboutValuesNobodyHasWithTheNearestKnownOne() {
        String subject = knownSubject();
        String wrongSubject = subject.toUpperCase(Locale.ROOT);
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"rule\": " + rule("HS3", wrongSubject) + "}")
                .post("/api/v1/segments/preview")
                .then()
                .statusCode(200)
                .body("warnings", hasSize(2))
                .body("warnings[0].pointer", equalTo("/rule/all/0/values/1"))
                .body("warnings[0].code", equalTo("unknown_value"))
                .body("warnings[0].suggestion", equalTo("hs3"))
                .body("warnings[1].pointer", equalTo("/rule/all/1/where/value"))
                .body("warnings[1].suggestion", equalTo(subject));

        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"rule\": " + rule("hs3", subject) + "}")
                .post("/api/v1/segments/preview")
                .then()
                .statusCode(200)
                .body("warnings", empty());
    }

    @Test
    void saveSucceedsWithTheWarningsAndEditImpactWarnsToo() {
        String subject = knownSubject();
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(SegmentResourceTest.body("warned_save", rule("HS3", subject)))
                .post("/api/v1/segments")
                .then()
                .statusCode(201)
                .body("version", equalTo(1))
                .body("warnings", hasSize(1))
                .body("warnings[0].pointer", equalTo("/rule/all/0/values/1"))
                .body("warnings[0].suggestion", equalTo("hs3"));
        // the saved rule keeps the value as sent; reading it back carries no warnings field
        given().header("Authorization", ADMIN)
                .get("/api/v1/segments/warned_save")
                .then()
                .statusCode(200)
                .body("rule.all[0].values[1]", equalTo("HS3"))
                .body("containsKey('warnings')", equalTo(false));

        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"rule\": " + rule("hs3", "x" + subject) + "}")
                .post("/api/v1/segments/warned_save/preview-change")
                .then()
                .statusCode(200)
                .body("warnings", hasSize(1))
                .body("warnings[0].pointer", equalTo("/rule/all/1/where/value"))
                .body("warnings[0].suggestion", equalTo(subject));

        given().header("Authorization", ADMIN)
                .header("If-Match", "\"1\"")
                .contentType("application/json")
                .body(SegmentResourceTest.body("warned_save", rule("hs3", subject)))
                .put("/api/v1/segments/warned_save")
                .then()
                .statusCode(200)
                .body("version", equalTo(2))
                .body("warnings", empty());
        given().header("Authorization", ADMIN)
                .header("If-Match", "\"2\"")
                .delete("/api/v1/segments/warned_save")
                .then()
                .statusCode(204);
    }
}
