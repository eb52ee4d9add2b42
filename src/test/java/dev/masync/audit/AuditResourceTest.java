package dev.masync.audit;

import dev.masync.security.ApiKeys;
import dev.masync.security.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Every key write leaves an entry admins can read: who, what, when, before and after, never a secret. */
@QuarkusTest
class AuditResourceTest {
    static final String ADMIN = "Bearer test-admin-key";

    @Inject
    ApiKeys keys;

    @Inject
    EntityManager em;

    static JsonPath createKey(String auth, String name, String role) {
        return given().header("Authorization", auth)
                .contentType("application/json")
                .body("{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}")
                .when()
                .post("/api/v1/api-keys")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    static JsonPath audit(String query) {
        return given().header("Authorization", ADMIN)
                .get("/api/v1/audit" + query)
                .then()
                .statusCode(200)
                .contentType("application/json")
                .extract()
                .jsonPath();
    }

    @Test
    void createAndRevokeAreRecordedWithActorBeforeAndAfterButNoKeyMaterial() throws Exception {
        JsonPath created = createKey(ADMIN, "audited", "editor");
        String key = created.getString("key");
        long id = created.getLong("id");
        given().header("Authorization", ADMIN)
                .header("X-Request-Id", "req-42")
                .delete("/api/v1/api-keys/" + id)
                .then()
                .statusCode(204);

        JsonPath page = audit("?entityType=api_key&entityKey=" + id);
        assertThat(page.getList("items.action")).containsExactly("api_key.revoke", "api_key.create");
        assertThat(page.getString("items[0].actor")).isEqualTo("configured-admin");
        assertThat(page.getString("items[0].actorRole")).isEqualTo("admin");
        assertThat(page.getString("items[0].requestId")).isEqualTo("req-42");
        assertThat(page.getBoolean("items[0].before.active")).isTrue();
        assertThat(page.getBoolean("items[0].after.active")).isFalse();
        assertThat(page.getString("items[0].after.revokedAt")).isNotBlank();
        assertThat(page.getString("items[0].occurredAt")).isNotBlank();
        assertThat(page.getMap("items[1]")).containsEntry("before", null);
        assertThat(page.getString("items[1].after.name")).isEqualTo("audited");
        assertThat(page.getString("items[1].after.role")).isEqualTo("editor");
        assertThat(page.getString("items[1].after.prefix")).isEqualTo(created.getString("prefix"));

        String hash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        String table = allAuditText();
        assertThat(table)
                .contains("\"name\":\"audited\"")
                .doesNotContain(key)
                .doesNotContain(hash)
                .doesNotContain(key.substring(10, 30))
                .doesNotContain("keyHash");
    }

    @Test
    void theActorIsTheStoredKeyThatMadeTheWrite() {
        String name = "ops-" + UUID.randomUUID();
        JsonPath ops = createKey(ADMIN, name, "admin");
        JsonPath made = createKey("Bearer " + ops.getString("key"), "made by ops", "viewer");
        assertThat(made.getString("createdBy")).isEqualTo(name);

        JsonPath page = audit("?actor=" + name);
        assertThat(page.getList("items")).hasSize(1);
        assertThat(page.getString("items[0].entityKey")).isEqualTo(made.getString("id"));
        assertThat(page.getString("items[0].actorRole")).isEqualTo("admin");
        assertThat(page.getLong("items[0].actorKeyId")).isEqualTo(ops.getLong("id"));
    }

    @Test
    void writesOutsideAnApiRequestAreBySystem() {
        String id = QuarkusTransaction.requiringNew()
                        .call(() -> keys.create("from a job", Role.VIEWER, "system")
                                .stored()
                                .id())
                + "";

        JsonPath page = audit("?entityType=api_key&entityKey=" + id);
        assertThat(page.getString("items[0].actor")).isEqualTo("system");
        assertThat(page.getString("items[0].actorRole")).isNull();
    }

    @Test
    void pagesNewestFirstByKeyset() {
        String name = "pager-" + UUID.randomUUID();
        String auth = "Bearer " + createKey(ADMIN, name, "admin").getString("key");
        for (int i = 0; i < 5; i++) {
            createKey(auth, "paged " + i, "viewer");
        }

        JsonPath first = audit("?actor=" + name + "&limit=2");
        List<Integer> ids = first.getList("items.id", Integer.class);
        assertThat(ids).hasSize(2).isSortedAccordingTo((a, b) -> b - a);
        assertThat(first.getList("items.after.name")).containsExactly("paged 4", "paged 3");
        JsonPath second = audit("?actor=" + name + "&limit=2&cursor=" + first.getString("nextCursor"));
        assertThat(second.getList("items.after.name")).containsExactly("paged 2", "paged 1");
        JsonPath last = audit("?actor=" + name + "&limit=2&cursor=" + second.getString("nextCursor"));
        assertThat(last.getList("items.after.name")).containsExactly("paged 0");
        assertThat(last.getString("nextCursor")).isNull();
        assertThat(audit("?actor=" + name + "&limit=2&before=" + ids.get(1)).getList("items.after.name"))
                .as("before, the cursor's old name, still takes the last id of the previous page")
                .containsExactly("paged 2", "paged 1");
    }

    @Test
    void badPagingParametersAre400Problems() {
        for (String query : List.of(
                "?limit=0", "?limit=501", "?limit=abc", "?before=-1", "?before=x", "?cursor=1", "?cursor=x&before=3")) {
            given().header("Authorization", ADMIN)
                    .get("/api/v1/audit" + query)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", equalTo(query.startsWith("?limit") ? "invalid_limit" : "invalid_cursor"));
        }
    }

    @Test
    void withoutAKeyAnswers401() {
        given().get("/api/v1/audit").then().statusCode(401).body("code", equalTo("unauthorized"));
    }

    private String allAuditText() {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows =
                    em.createNativeQuery("SELECT * FROM audit_log").getResultList();
            StringBuilder sb = new StringBuilder();
            for (Object[] row : rows) {
                for (Object v : row) {
                    sb.append(v).append('\n');
                }
            }
            return sb.toString();
        });
    }
}
