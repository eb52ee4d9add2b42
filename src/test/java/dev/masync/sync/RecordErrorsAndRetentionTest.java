package dev.masync.sync;

import dev.masync.sync.run.Retention;
import dev.masync.sync.run.RunRejectionEntity;
import dev.masync.sync.run.SyncRunEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.masync.sync.SyncApiTest.ADMIN;
import static dev.masync.sync.SyncApiTest.post;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Record-error lists are paged, retry and skip work in bulk (idempotent, audited), old history is purged. */
@QuarkusTest
class RecordErrorsAndRetentionTest {
    static final String SYNC = "errs_paged";
    static final String BASE = "/api/v1/syncs/" + SYNC + "/record-errors";

    @Inject
    Retention retention;

    @BeforeEach
    void errors() {
        new SyncApiTest().segment();
        if (given().header("Authorization", ADMIN).get("/api/v1/syncs/" + SYNC).statusCode() == 404) {
            post("/api/v1/syncs", SyncApiTest.sync(SYNC, "")).then().statusCode(201);
        }
        QuarkusTransaction.requiringNew().run(() -> {
            RecordErrorEntity.delete("syncKey", SYNC);
            Instant now = Instant.now();
            for (int i = 0; i < 25; i++) {
                RecordErrorEntity e = new RecordErrorEntity();
                e.syncKey = SYNC;
                e.learnerKey = "L%02d".formatted(i);
                e.errorClass = "invalid";
                e.code = "invalid_email";
                e.message = "bad email";
                e.attempts = i % 2 == 0 ? 5 : 1;
                e.status = i % 2 == 0 ? RecordErrorEntity.QUARANTINED : RecordErrorEntity.RETRYING;
                e.firstSeen = now;
                e.lastSeen = now;
                e.persist();
            }
        });
    }

    private static JsonPath page(String query) {
        return given().header("Authorization", ADMIN)
                .get(BASE + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void pagesCoverEveryErrorOnceInKeyOrder() {
        for (String filter : new String[] {"", "&status=quarantined", "&status=retrying"}) {
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonPath p = page("?limit=4" + filter + (cursor == null ? "" : "&cursor=" + cursor));
                List<String> keys = p.getList("items.learnerKey");
                assertThat(keys.size()).isLessThanOrEqualTo(4);
                seen.addAll(keys);
                cursor = p.getString("nextCursor");
                pages++;
            } while (cursor != null && pages < 20);
            int expected = filter.isEmpty() ? 25 : filter.contains("quarantined") ? 13 : 12;
            assertThat(seen).hasSize(expected).doesNotHaveDuplicates().isSorted();
        }
        assertThat(page("").getList("items")).hasSize(25);
        assertThat(page("").getString("nextCursor")).isNull();
        assertThat(page("?limit=25").getString("nextCursor")).isNull();
        String next = page("?limit=24").getString("nextCursor");
        assertThat(page("?cursor=" + next).getList("items.learnerKey")).containsExactly("L24");
        assertThat(page("?after=L23").getList("items.learnerKey"))
                .as("after, the cursor's old name, still takes the last learner key of the previous page")
                .containsExactly("L24");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1001", "abc", "1.5", "99999999999", "%20"})
    void anInvalidLimitIsA400(String limit) {
        given().header("Authorization", ADMIN)
                .get(BASE + "?limit=" + limit)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("invalid_limit"));
    }

    private static JsonPath bulk(String action, String body) {
        return post(BASE + "/" + action, body).then().statusCode(200).extract().jsonPath();
    }

    private static int auditEntries(String action) {
        List<String> actions = given().header("Authorization", ADMIN)
                .get("/api/v1/audit?entityType=sync&entityKey=" + SYNC + "&limit=500")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.action");
        return (int) actions.stream().filter(action::equals).count();
    }

    @Test
    void retryAndSkipInBulkAreIdempotentAndAudited() {
        int retries = auditEntries("record_error.retry_bulk");
        JsonPath first = bulk("retry", "{\"learnerKeys\": [\"L00\", \"L01\", \"L02\", \"nobody\"]}");
        assertThat(first.getInt("matched")).isEqualTo(3);
        assertThat(first.getInt("changed")).isEqualTo(3); // L01 was retrying with 1 attempt: reset to 0
        assertThat(first.getList("notFound")).containsExactly("nobody");
        JsonPath again = bulk("retry", "{\"learnerKeys\": [\"L00\", \"L01\", \"L02\", \"nobody\"]}");
        assertThat(again.getInt("matched")).isEqualTo(3);
        assertThat(again.getInt("changed")).isZero();
        assertThat(auditEntries("record_error.retry_bulk")).isEqualTo(retries + 1);
        assertThat(page("?status=retrying&limit=1000").getList("items.learnerKey"))
                .contains("L00", "L02");

        int skips = auditEntries("record_error.skip_bulk");
        JsonPath skipped = bulk("skip", "{\"status\": \"quarantined\"}");
        assertThat(skipped.getInt("changed")).isEqualTo(11); // 13 quarantined minus L00, L02 retried above
        assertThat(bulk("skip", "{\"status\": \"quarantined\"}").getInt("matched"))
                .isZero();
        assertThat(page("?status=skipped&limit=1000").getList("items")).hasSize(11);
        assertThat(auditEntries("record_error.skip_bulk")).isEqualTo(skips + 1);

        JsonPath both = bulk("retry", "{\"learnerKeys\": [\"L04\", \"L05\"], \"status\": \"skipped\"}");
        assertThat(both.getInt("matched")).isEqualTo(1);
        assertThat(both.getInt("changed")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{\"learnerKeys\": []}",
                "{\"learnerKeys\": [null]}",
                "{\"status\": \"bogus\"}",
                "{\"learnerKeys\": [\"L00\"], \"status\": \"done\"}"
            })
    void aBadSelectionIsA400AndChangesNothing(String body) {
        String before = page("?limit=1000").prettify();
        for (String action : new String[] {"retry", "skip"}) {
            post(BASE + "/" + action, body).then().statusCode(400).contentType("application/problem+json");
        }
        assertThat(page("?limit=1000").prettify()).isEqualTo(before);
    }

    @Test
    void aSelectionOfTooManyKeysIsA400() {
        StringBuilder keys = new StringBuilder("{\"learnerKeys\": [");
        for (int i = 0; i < 1001; i++) {
            keys.append(i == 0 ? "" : ",").append("\"K").append(i).append('"');
        }
        post(BASE + "/skip", keys + "]}").then().statusCode(400).body("code", equalTo("invalid_selection"));
    }

    private static long run(String sync, String status, Instant finished) {
        return QuarkusTransaction.requiringNew().call(() -> {
            SyncRunEntity r = new SyncRunEntity();
            r.syncKey = sync;
            r.trigger = "api";
            r.status = status;
            r.owner = "test";
            r.createdBy = "test";
            r.startedAt = finished == null ? Instant.now() : finished.minusSeconds(60);
            r.finishedAt = finished;
            r.countsJson = "{}";
            r.phasesJson = "{}";
            r.persist();
            return r.id;
        });
    }

    private static long rejection(long runId, Instant at) {
        return QuarkusTransaction.requiringNew().call(() -> {
            RunRejectionEntity r = new RunRejectionEntity();
            r.runId = runId;
            r.learnerKey = "L1";
            r.errorClass = "invalid";
            r.code = "x";
            r.message = "x";
            r.rejectedAt = at;
            r.persist();
            return r.id;
        });
    }

    private static boolean exists(Class<?> type, long id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> type == SyncRunEntity.class
                        ? SyncRunEntity.findById(id) != null
                        : RunRejectionEntity.findById(id) != null);
    }

    @Test
    void retentionDeletesOldRunsAndRejectionsButKeepsEachSyncsLatestRunAndRunningOnes() {
        Instant now = Instant.now();
        Instant old = now.minus(Duration.ofDays(120));
        String sync = "retention_sync";
        long oldest = run(sync, "succeeded", old);
        long oldFailed = run(sync, "failed", old.plusSeconds(10));
        long running = run(sync, "running", null);
        long recent = run(sync, "succeeded", now.minus(Duration.ofDays(1)));
        String lonely = "retention_lonely";
        long onlyRun = run(lonely, "succeeded", old); // its sync's latest: kept
        long oldRejectionOfOldRun = rejection(oldFailed, old);
        long oldRejectionOfRecentRun = rejection(recent, now.minus(Duration.ofDays(45)));
        long recentRejection = rejection(recent, now.minus(Duration.ofDays(2)));

        Retention.Purged purged = retention.purge();

        assertThat(purged.runs()).isGreaterThanOrEqualTo(2);
        assertThat(exists(SyncRunEntity.class, oldest)).isFalse();
        assertThat(exists(SyncRunEntity.class, oldFailed)).isFalse();
        assertThat(exists(SyncRunEntity.class, running)).isTrue();
        assertThat(exists(SyncRunEntity.class, recent)).isTrue();
        assertThat(exists(SyncRunEntity.class, onlyRun)).isTrue();
        assertThat(exists(RunRejectionEntity.class, oldRejectionOfOldRun)).isFalse();
        assertThat(exists(RunRejectionEntity.class, oldRejectionOfRecentRun)).isFalse();
        assertThat(exists(RunRejectionEntity.class, recentRejection)).isTrue();

        assertThat(retention.purge()).isEqualTo(new Retention.Purged(0, 0)); // nothing left to do
    }
}
