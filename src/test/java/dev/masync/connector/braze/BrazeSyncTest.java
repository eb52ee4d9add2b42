package dev.masync.connector.braze;

import dev.masync.sync.SyncApiTest;
import dev.masync.testing.FreshTestData;
import dev.masync.testing.vendor.BrazeFake;
import dev.masync.testing.vendor.BrazeFakeResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two demo segments synced to Braze end to end through the REST API, against the Braze fake: a destination (key from
 * a file) and three mirror syncs by {@code external_id} (attributes with a boolean membership, and each segment's key
 * in one array attribute), a full run, then an incremental run after the demo warehouse moved on; the fake's final
 * users must match the segments.
 */
@QuarkusTest
@TestProfile(BrazeSyncTest.Profile.class)
class BrazeSyncTest {
    static final String ADMIN = "Bearer test-admin-key";
    static final Path DATA = Path.of("target/test-data-braze");
    static Path keyFile;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // a fresh demo warehouse each time: the test advances it
            FreshTestData.deleteTree(DATA);
            return Map.of("masync.data-dir", "./" + DATA);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(BrazeFakeResource.class));
        }
    }

    @AfterAll
    static void removeKey() throws Exception {
        if (keyFile != null) Files.deleteIfExists(keyFile);
    }

    static Response post(String path, String json) {
        return given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(json)
                .post(path);
    }

    static JsonPath run(String sync) throws InterruptedException {
        long id = post("/api/v1/syncs/" + sync + "/runs", "{}")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getLong("id");
        return SyncApiTest.awaitRun(id);
    }

    /** A segment's members now: learner id → plan and streak (either may be null). */
    static Map<String, List<Object>> members(String segment) {
        Map<String, List<Object>> out = new HashMap<>();
        String after = null;
        do {
            JsonPath page = given().header("Authorization", ADMIN)
                    .queryParam("limit", 1000)
                    .queryParam("attributes", "learner_id,plan,streak_days")
                    .queryParams(after == null ? Map.of() : Map.of("cursor", after))
                    .get("/api/v1/segments/" + segment + "/members")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<Map<String, Object>> members = page.getList("items");
            for (Map<String, Object> m : members) {
                @SuppressWarnings("unchecked")
                Map<String, Object> a = (Map<String, Object>) m.get("attributes");
                List<Object> values = new ArrayList<>();
                values.add(a.get("plan"));
                values.add(a.get("streak_days"));
                out.put(a.get("learner_id").toString(), values);
            }
            after = page.getString("nextCursor");
        } while (after != null);
        return out;
    }

    static void segment(String key, int minStreak) {
        if (given().header("Authorization", ADMIN)
                        .get("/api/v1/segments/" + key)
                        .statusCode()
                == 404) {
            post("/api/v1/segments", """
                    {"key": "%s", "name": "Streak of %d+",
                     "rule": {"attribute": "streak_days", "op": "gte", "value": %d}}""".formatted(key, minStreak, minStreak))
                    .then()
                    .statusCode(201);
        }
    }

    static void sync(String json) {
        Response r = post("/api/v1/syncs", json);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    }

    static String arraySync(String key, String value) {
        return """
                {"key": "%s", "segment": "braze_streakers", "destination": "braze_small",
                 "identity": {"attribute": "learner_id", "field": "external_id", "kind": "external_id"},
                 "membership": {"style": "list", "field": "cohorts"%s}}""".formatted(key, value == null ? "" : ", \"value\": \"" + value + "\"");
    }

    @Test
    void listMembershipsBeyondTheArraysMaximumLengthAreRefusedWhenSavedNamingTheOtherSyncs() throws Exception {
        Path key = Files.createTempFile(Path.of("/tmp"), "masync-braze-small", ".key");
        try {
            Files.writeString(key, BrazeFakeResource.API_KEY + "\n");
            segment("braze_streakers", 1);
            Response dest = post("/api/v1/destinations", """
                    {"key": "braze_small", "name": "Braze (short arrays)", "type": "braze",
                     "settings": {"restEndpoint": "%s", "apiKey": "file:%s", "arrayMaxLength": "2"}}""".formatted(
                            BrazeFakeResource.fake().url(), key));
            assertThat(dest.statusCode()).as(dest.asString()).isEqualTo(201);
            sync(arraySync("cohort_a", "a"));
            sync(arraySync("cohort_b", null)); // its item is its key
            assertThat(BrazeFakeResource.fake().calls("GET", BrazeFake.CUSTOM_ATTRIBUTES))
                    .as("the mapping is checked against the workspace's custom attributes")
                    .isNotEmpty();

            Response full = post("/api/v1/syncs", arraySync("cohort_c", "c"));
            assertThat(full.statusCode()).as(full.asString()).isEqualTo(422);
            assertThat(full.contentType()).startsWith("application/problem+json");
            assertThat(full.jsonPath().getString("errors[0].code")).isEqualTo("membership_list_full");
            assertThat(full.jsonPath().getString("errors[0].pointer")).isEqualTo("/membership/field");
            assertThat(full.jsonPath().getString("errors[0].message"))
                    .contains("'cohorts'", "at most 2", "'cohort_a'", "'cohort_b'");

            Response taken = post("/api/v1/syncs", arraySync("cohort_a2", "cohort_b"));
            assertThat(taken.statusCode()).as(taken.asString()).isEqualTo(422);
            assertThat(taken.jsonPath().getString("errors[0].code")).isEqualTo("membership_item_taken");
            assertThat(taken.jsonPath().getString("errors[0].message")).contains("'cohort_b'");

            // a sync's own item is not counted against it; another field of the same destination is free
            Response resaved = given().header("Authorization", ADMIN)
                    .header("If-Match", "\"1\"")
                    .contentType("application/json")
                    .body(arraySync("cohort_a", "a"))
                    .put("/api/v1/syncs/cohort_a");
            assertThat(resaved.statusCode()).as(resaved.asString()).isEqualTo(200);
            sync(arraySync("cohort_c", "c").replace("\"cohorts\"", "\"other_cohorts\""));
            assertThat(given().header("Authorization", ADMIN)
                            .get("/api/v1/syncs/cohort_a2")
                            .statusCode())
                    .as("nothing saved")
                    .isEqualTo(404);
        } finally {
            Files.deleteIfExists(key);
        }
    }

    @Test
    void demoSegmentsSyncFullyThenIncrementallyWithMirrorRemovalsAndArrayMembership() throws Exception {
        BrazeFake fake = BrazeFakeResource.fake();
        keyFile = Files.createTempFile(Path.of("/tmp"), "masync-braze", ".key");
        Files.writeString(keyFile, BrazeFakeResource.API_KEY + "\n");
        segment("braze_streakers", 1);
        segment("braze_long_streaks", 5);
        Response dest = post("/api/v1/destinations", """
                {"key": "braze_ws", "name": "Braze", "type": "braze",
                 "settings": {"restEndpoint": "%s", "apiKey": "file:%s"}}""".formatted(fake.url(), keyFile));
        assertThat(dest.statusCode()).as(dest.asString()).isEqualTo(201);
        assertThat(dest.asString()).doesNotContain(BrazeFakeResource.API_KEY);
        // the connection test checks key and endpoint with an empty track that writes nothing
        Response test = given().header("Authorization", ADMIN).post("/api/v1/destinations/braze_ws/test");
        assertThat(test.statusCode()).as(test.asString()).isEqualTo(200);
        assertThat(test.jsonPath().getBoolean("ok")).as(test.asString()).isTrue();
        assertThat(fake.calls("POST", BrazeFake.TRACK)).hasSize(1);
        assertThat(fake.users()).isEmpty();

        sync("""
                {"key": "streakers_to_braze", "segment": "braze_streakers", "destination": "braze_ws",
                 "identity": {"attribute": "learner_id", "field": "external_id", "kind": "external_id"},
                 "mapping": [{"source": "plan", "target": "plan_tier"}, {"source": "streak_days", "target": "streak"}],
                 "membership": {"style": "boolean", "field": "is_streaker"}, "mode": "mirror",
                 "guard": {"maxLeavePercent": 100, "maxChangePercent": 100}}""");
        sync("""
                {"key": "streakers_array", "segment": "braze_streakers", "destination": "braze_ws",
                 "identity": {"attribute": "learner_id", "field": "external_id", "kind": "external_id"},
                 "membership": {"style": "list", "field": "ma_segments", "value": "streakers"}, "mode": "mirror",
                 "guard": {"maxLeavePercent": 100, "maxChangePercent": 100}}""");
        sync("""
                {"key": "long_streaks_array", "segment": "braze_long_streaks", "destination": "braze_ws",
                 "identity": {"attribute": "learner_id", "field": "external_id", "kind": "external_id"},
                 "membership": {"style": "list", "field": "ma_segments", "value": "long_streaks"}, "mode": "mirror",
                 "guard": {"maxLeavePercent": 100, "maxChangePercent": 100}}""");

        // full
        long dataPoints = 0;
        for (String s : List.of("streakers_to_braze", "streakers_array", "long_streaks_array")) {
            JsonPath full = run(s);
            dataPoints += full.getLong("cost.dataPoints");
            long perMember = s.equals("streakers_to_braze") ? 3 : 1; // two mapped fields and the flag, or the key
            assertThat(full.getLong("cost.fullUploadDataPoints"))
                    .isEqualTo(full.getLong("counts.evaluated") * perMember);
            assertThat(full.getString("status")).as(full.prettify()).isEqualTo("succeeded");
            assertThat(full.getLong("counts.rejected")).as(full.prettify()).isZero();
            assertThat(full.getLong("counts.confirmed")).isEqualTo(full.getLong("counts.entered"));
        }
        Map<String, List<Object>> streakers = members("braze_streakers");
        Map<String, List<Object>> longStreaks = members("braze_long_streaks");
        assertThat(streakers).hasSizeGreaterThan(20);
        assertThat(longStreaks).isNotEmpty();
        assertThat(streakers.keySet()).containsAll(longStreaks.keySet());
        assertMatches(fake, streakers, longStreaks.keySet(), Set.of());

        // incremental, after the warehouse moved on: leavers lose the flag and the keys, joiners get them
        post("/api/v1/demo/advance", "{\"days\": 10}").then().statusCode(200);
        Map<String, List<Object>> streakersNow = members("braze_streakers");
        Map<String, List<Object>> longNow = members("braze_long_streaks");
        Set<String> leavers = new HashSet<>(streakers.keySet());
        leavers.removeAll(streakersNow.keySet());
        assertThat(leavers).isNotEmpty();
        for (String s : List.of("streakers_to_braze", "streakers_array", "long_streaks_array")) {
            JsonPath incremental = run(s);
            dataPoints += incremental.getLong("cost.dataPoints");
            assertThat(incremental.getString("status"))
                    .as(incremental.prettify())
                    .isEqualTo("succeeded");
            assertThat(incremental.getLong("counts.sent"))
                    .as(incremental.prettify())
                    .isEqualTo(incremental.getLong("counts.entered")
                            + incremental.getLong("counts.changed")
                            + incremental.getLong("counts.left"));
            if (s.equals("streakers_to_braze")) {
                // a member sends at most its fields and flag, a leaver its flag (removals are no part of a full
                // upload); after 10 days of churn the diff may cost more than a full upload, a quiet run is free
                assertThat(incremental.getLong("cost.dataPoints"))
                        .isPositive()
                        .isLessThanOrEqualTo(
                                incremental.getLong("cost.fullUploadDataPoints") + incremental.getLong("counts.left"));
            }
            if (s.startsWith("streakers")) { // the big segment keeps most members; the small one may turn over
                assertThat(incremental.getLong("counts.unchanged"))
                        .as(incremental.prettify())
                        .isPositive();
            }
        }
        assertMatches(fake, streakersNow, longNow.keySet(), leavers);
        assertThat(dataPoints)
                .as("the runs' cost counts the data points Braze billed")
                .isEqualTo(fake.dataPoints());

        // nothing changed: nothing sent
        int requests = fake.calls().size();
        JsonPath quiet = run("streakers_to_braze");
        assertThat(quiet.getLong("counts.sent")).as(quiet.prettify()).isZero();
        assertThat(fake.calls()).hasSize(requests);
        assertThat(quiet.getLong("cost.dataPoints")).isZero();
        assertThat(quiet.getLong("cost.fullUploadDataPoints"))
                .as("a full upload would have written every member's values again")
                .isEqualTo(quiet.getLong("counts.evaluated") * 3)
                .isPositive();
    }

    private static void assertMatches(
            BrazeFake fake, Map<String, List<Object>> streakers, Set<String> longStreaks, Set<String> leavers) {
        streakers.forEach((id, values) -> {
            BrazeFake.User u = fake.user(id);
            assertThat(u).as(id).isNotNull();
            assertThat(u.attribute("plan_tier")).as(id + " plan").isEqualTo(values.get(0));
            assertThat(number(u.attribute("streak"))).as(id + " streak").isEqualTo(number(values.get(1)));
            assertThat(u.attribute("is_streaker")).as(id).isEqualTo(true);
            List<String> expected =
                    longStreaks.contains(id) ? List.of("streakers", "long_streaks") : List.of("streakers");
            assertThat(asList(u.attribute("ma_segments")))
                    .as(id + " segments")
                    .containsExactlyInAnyOrderElementsOf(expected);
        });
        for (String id : leavers) {
            BrazeFake.User u = fake.user(id);
            assertThat(u.attribute("is_streaker")).as(id).isEqualTo(false);
            assertThat(asList(u.attribute("ma_segments"))).as(id + " segments").isEmpty();
        }
        Set<String> all = new HashSet<>(streakers.keySet());
        all.addAll(leavers);
        assertThat(fake.users()).extracting(BrazeFake.User::externalId).containsExactlyInAnyOrderElementsOf(all);
    }

    @SuppressWarnings("unchecked")
    private static List<String> asList(Object v) {
        return v == null ? List.of() : (List<String>) v;
    }

    private static BigDecimal number(Object v) {
        return v == null ? null : new BigDecimal(v.toString()).stripTrailingZeros();
    }
}
