package dev.masync.console;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** The console's files are public and locked to their own scripts; the API behind them still needs a key. */
@QuarkusTest
class ConsoleRoutesTest {

    @Test
    void consoleIndexIsServedWithoutAKeyWithItsSecurityHeaders() {
        given().when()
                .get("/console/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .header("Content-Security-Policy", equalTo(ConsoleRoutes.CONTENT_SECURITY_POLICY))
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .header("Content-Security-Policy", not(containsString("unsafe-inline")))
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache")
                .body(containsString("id=\"signin-key\""))
                .body(containsString("<script type=\"module\" src=\"app.js\"></script>"));
    }

    @Test
    void consoleWithoutSlashRedirectsToTheIndex() {
        given().redirects()
                .follow(false)
                .when()
                .get("/console")
                .then()
                .statusCode(302)
                .header("Location", endsWith("/console/"));
    }

    @Test
    void scriptsAreServedAsJavaScriptWithTheSameHeaders() {
        for (String file : new String[] {"app.js", "api.js", "ui.js", "pages.js", "pages/segment-list.js"}) {
            given().when()
                    .get("/console/" + file)
                    .then()
                    .statusCode(200)
                    .contentType(containsString("javascript"))
                    .header("Content-Security-Policy", equalTo(ConsoleRoutes.CONTENT_SECURITY_POLICY))
                    .header("X-Content-Type-Options", "nosniff");
        }
    }

    /** Follows every relative import from app.js: a page registered in pages.js but missing would break the console. */
    @Test
    void everyModuleTheConsoleImportsIsServed() {
        java.util.regex.Pattern importFrom =
                java.util.regex.Pattern.compile("(?m)^import [^;]*? from '(\\.{1,2}/[^']+)';");
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(java.util.List.of("/console/app.js"));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            String path = todo.pop();
            if (!seen.add(path)) {
                continue;
            }
            String source = given().when()
                    .get(path)
                    .then()
                    .statusCode(200)
                    .contentType(containsString("javascript"))
                    .extract()
                    .asString();
            java.util.regex.Matcher m = importFrom.matcher(source);
            while (m.find()) {
                todo.push(java.net.URI.create(path).resolve(m.group(1)).getPath());
            }
        }
        org.assertj.core.api.Assertions.assertThat(seen)
                .contains("/console/api.js", "/console/ui.js", "/console/pages.js", "/console/pages/segment-edit.js");
    }

    @Test
    void indexHasNoInlineScriptOrStyle() {
        String html = given().when().get("/console/").then().extract().asString();
        // the CSP refuses inline code: every <script> must load a file, and no element may carry handlers or styles
        org.assertj.core.api.Assertions.assertThat(html)
                .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
                .doesNotContainPattern("\\son[a-z]+=")
                .doesNotContain("style=")
                .contains("<meta charset=\"utf-8\">")
                .contains("<html lang=");
    }

    @Test
    void apiStaysProtected() {
        given().when().get("/api/v1/segments").then().statusCode(401).contentType("application/problem+json");
        given().when().get("/api/v1/me").then().statusCode(401);
        RestAssured.given()
                .header("Authorization", "Bearer test-admin-key")
                .when()
                .get("/api/v1/segments")
                .then()
                .statusCode(200)
                .header("Content-Security-Policy", org.hamcrest.Matchers.nullValue());
    }
}
