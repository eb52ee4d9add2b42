package dev.masync.connector.hubspot;

import dev.masync.sync.SyncApiTest;
import dev.masync.testing.FreshTestData;
import dev.masync.testing.vendor.HubSpotFake;
import dev.masync.testing.vendor.HubSpotFake.Property;
import dev.masync.testing.vendor.HubSpotFakeResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A demo segment synced to HubSpot end to end through the REST API, against the HubSpot fake: a destination and two
 * mirror syncs (properties with a checkbox membership, and a v3 list), a full run, then an incremental run after the
 * demo warehouse moved on; the fake's final contacts and list members must match the segment.
 */
@QuarkusTest
@TestProfile(HubSpotSyncTest.Profile.class)
class HubSpotSyncTest {
    static final String ADMIN = "Bearer test-admin-key";
    static final Path DATA = Path.of("target/test-data-hubspot");
    static Path tokenFile;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // a fresh demo warehouse each time: the test advances it
            FreshTestData.deleteTree(DATA);
            return Map.of("masync.data-dir", "./" + DATA);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(HubSpotFakeResource.class));
        }
    }

    @AfterAll
    static void removeToken() throws Exception {
        if (tokenFile != null) Files.deleteIfExists(tokenFile);
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

    /** The segment's members now: e-mail (lower-cased) → plan and streak. */
    static Map<String, List<String>> members() {
        Map<String, List<String>> out = new HashMap<>();
        String after = null;
        do {
            JsonPath page = given().header("Authorization", ADMIN)
                    .queryParam("limit", 1000)
                    .queryParam("attributes", "email,plan,streak_days")
                    .queryParams(after == null ? Map.of() : Map.of("cursor", after))
                    .get("/api/v1/segments/hubspot_streakers/members")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<Map<String, Object>> members = page.getList("items");
            for (Map<String, Object> m : members) {
                @SuppressWarnings("unchecked")
                Map<String, Object> a = (Map<String, Object>) m.get("attributes");
                if (a.get("email") == null) continue;
                out.put(
                        a.get("email").toString().toLowerCase(Locale.ROOT),
                        List.of(String.valueOf(a.get("plan")), String.valueOf(a.get("streak_days"))));
            }
            after = page.getString("nextCursor");
        } while (after != null);
        return out;
    }

    @Test
    void aDemoSegmentSyncsFullyThenIncrementallyWithMirrorRemovalsAndListMembership() throws Exception {
        HubSpotFake fake = HubSpotFakeResource.fake();
        fake.defineProperty(Property.string("plan_tier"));
        fake.defineProperty(Property.number("streak"));
        fake.defineProperty(Property.checkbox("is_paid"));
        String listId = fake.createList("Paid learners", "MANUAL", null);
        tokenFile = Files.createTempFile(Path.of("/tmp"), "masync-hubspot", ".token");
        Files.writeString(tokenFile, HubSpotFakeResource.TOKEN + "\n");

        if (given().header("Authorization", ADMIN)
                        .get("/api/v1/segments/hubspot_streakers")
                        .statusCode()
                == 404) {
            post("/api/v1/segments", """
                    {"key": "hubspot_streakers", "name": "On a streak",
                     "rule": {"attribute": "streak_days", "op": "gte", "value": 1}}""").then().statusCode(201);
        }
        Response dest = post("/api/v1/destinations", """
                {"key": "hubspot_crm", "name": "HubSpot", "type": "hubspot",
                 "settings": {"portalId": "4711", "token": "file:%s", "baseUrl": "%s"}}""".formatted(tokenFile, fake.url()));
        assertThat(dest.statusCode()).as(dest.asString()).isEqualTo(201);
        // the connection test reads the account without writing
        Response test = given().header("Authorization", ADMIN).post("/api/v1/destinations/hubspot_crm/test");
        assertThat(test.statusCode()).as(test.asString()).isEqualTo(200);
        assertThat(test.jsonPath().getBoolean("ok")).as(test.asString()).isTrue();
        assertThat(fake.contacts()).isEmpty();

        Response props = post("/api/v1/syncs", """
                {"key": "paid_to_hubspot", "segment": "hubspot_streakers", "destination": "hubspot_crm",
                 "identity": {"attribute": "email", "field": "email", "kind": "email"},
                 "mapping": [{"source": "plan", "target": "plan_tier"}, {"source": "streak_days", "target": "streak"}],
                 "membership": {"style": "boolean", "field": "is_paid"}, "mode": "mirror",
                 "guard": {"maxLeavePercent": 100, "maxChangePercent": 100}}""");
        assertThat(props.statusCode()).as(props.asString()).isEqualTo(201);
        Response list = post("/api/v1/syncs", """
                {"key": "paid_list_hubspot", "segment": "hubspot_streakers", "destination": "hubspot_crm",
                 "identity": {"attribute": "email", "field": "email", "kind": "email"},
                 "membership": {"style": "list", "field": "%s"}, "mode": "mirror",
                 "guard": {"maxLeavePercent": 100, "maxChangePercent": 100}}""".formatted(listId));
        assertThat(list.statusCode()).as(list.asString()).isEqualTo(201);

        // full; the demo holds a few malformed addresses, which HubSpot refuses one by one
        JsonPath full = run("paid_to_hubspot");
        Set<String> refused = refused(full);
        assertThat(full.getLong("counts.confirmed") + refused.size()).isEqualTo(full.getLong("counts.entered"));
        JsonPath fullList = run("paid_list_hubspot");
        assertThat(refused(fullList)).isEqualTo(refused);
        Map<String, List<String>> before = members();
        assertThat(before).hasSizeGreaterThan(20);
        before.keySet().removeAll(refused);
        assertThat(full.getLong("counts.confirmed")).isEqualTo(before.size());
        assertMatches(fake, before, Set.of(), listId);

        // incremental, after the warehouse moved on: leavers cleared and out of the list, joiners in, changes sent
        post("/api/v1/demo/advance", "{\"days\": 10}").then().statusCode(200);
        Map<String, List<String>> after = members();
        Set<String> leavers = new HashSet<>(before.keySet());
        leavers.removeAll(after.keySet());
        assertThat(leavers).isNotEmpty();
        int requestsBefore = fake.calls().size();
        JsonPath incremental = run("paid_to_hubspot");
        JsonPath incrementalList = run("paid_list_hubspot");
        Set<String> refusedNow = refused(incremental);
        assertThat(refused(incrementalList)).isEqualTo(refusedNow);
        after.keySet().removeAll(refusedNow);
        leavers.removeAll(refused);
        assertThat(incremental.getLong("counts.left")).isPositive();
        // only the diff is sent (records refused last time are not held, so they count as entering again)
        assertThat(incremental.getLong("counts.sent"))
                .as(incremental.prettify())
                .isEqualTo(incremental.getLong("counts.entered")
                        + incremental.getLong("counts.changed")
                        + incremental.getLong("counts.left"));
        assertThat(incremental.getLong("counts.unchanged")).isPositive();
        assertMatches(fake, after, leavers, listId);

        // nothing changed: nothing sent
        int requestsAfter = fake.calls().size();
        assertThat(requestsAfter).isGreaterThan(requestsBefore);
        JsonPath quiet = run("paid_to_hubspot");
        // only the refused records are sent again (and refused again)
        assertThat(quiet.getLong("counts.sent")).as(quiet.prettify()).isEqualTo(refusedNow.size());
        assertThat(refused(quiet)).isEqualTo(refusedNow);
        assertThat(fake.calls().size() - requestsAfter).isLessThanOrEqualTo(1);
    }

    /** The e-mails a run's rejections name, each refused by HubSpot as an invalid address. */
    static Set<String> refused(JsonPath run) {
        List<Map<String, Object>> rejections = given().header("Authorization", ADMIN)
                .get("/api/v1/runs/" + run.getLong("id") + "/rejections?limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        assertThat(rejections)
                .allSatisfy(r -> assertThat(r.get("code")).as(r.toString()).isEqualTo("INVALID_EMAIL"));
        assertThat(run.getLong("counts.rejected")).isEqualTo(rejections.size());
        return rejections.stream()
                .map(r -> r.get("recordKey").toString().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    private static void assertMatches(
            HubSpotFake fake, Map<String, List<String>> members, Set<String> leavers, String listId) {
        Set<String> memberIds = new HashSet<>();
        members.forEach((email, values) -> {
            HubSpotFake.Contact c = fake.contactByEmail(email);
            assertThat(c).as(email).isNotNull();
            assertThat(c.properties())
                    .as(email)
                    .containsEntry("plan_tier", values.get(0))
                    .containsEntry("streak", values.get(1))
                    .containsEntry("is_paid", "true");
            memberIds.add(c.id());
        });
        for (String email : leavers) {
            HubSpotFake.Contact c = fake.contactByEmail(email);
            assertThat(c.property("is_paid")).as(email).isEqualTo("false");
        }
        assertThat(fake.listMembers(listId)).isEqualTo(memberIds);
        assertThat(fake.contacts().stream().map(c -> c.property("email")).collect(Collectors.toSet()))
                .containsAll(members.keySet());
    }
}
