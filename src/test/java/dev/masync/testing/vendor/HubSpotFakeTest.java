package dev.masync.testing.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.testing.receiver.ManualClock;
import dev.masync.testing.vendor.HubSpotFake.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

class HubSpotFakeTest {
    private static final String UPSERT = "/crm/v3/objects/contacts/batch/upsert";
    private static final String TOKEN = "pat-test";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));
    private final List<Duration> slept = new ArrayList<>();
    private final Fixtures fixtures = new Fixtures("hubspot");
    private HubSpotFake fake;
    private FakeClient client;

    private void start(UnaryOperator<HubSpotFakeConfig> config) {
        fake = HubSpotFake.start(config.apply(HubSpotFakeConfig.defaults()), clock, slept::add);
        fake.defineProperty(Property.string("plan_tier"));
        fake.defineProperty(Property.number("lifetime_value"));
        fake.defineProperty(Property.string("churn_risk"));
        fake.addPrivateAppToken(TOKEN, HubSpotFake.ALL_SCOPES);
        client = new FakeClient(fake.url()).bearer(TOKEN);
    }

    @AfterEach
    void close() {
        if (fake != null) fake.close();
    }

    private static String inputs(int n, boolean traced) {
        StringBuilder b = new StringBuilder("{\"inputs\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(',');
            b.append("{\"idProperty\":\"email\",\"id\":\"u").append(i).append("@example.com\",");
            if (traced) b.append("\"objectWriteTraceId\":\"t").append(i).append("\",");
            b.append("\"properties\":{\"plan_tier\":\"p").append(i).append("\"}}");
        }
        return b.append("]}").toString();
    }

    @Test
    void upsertCreatesThenReplaysIdempotently() {
        start(c -> c);
        FakeClient.Answer first = client.json("POST", UPSERT, fixtures.text("batch-upsert.request.json"));
        assertThat(first.status()).isEqualTo(200);
        fixtures.assertJson("batch-upsert.response.json", first.body());

        clock.advance(Duration.ofMinutes(1));
        FakeClient.Answer replay = client.json("POST", UPSERT, fixtures.text("batch-upsert.request.json"));
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("results").findValuesAsText("new")).containsOnly("false");
        assertThat(replay.json().path("results").findValuesAsText("id")).containsExactly("5101", "5102");
        assertThat(fake.contacts()).hasSize(2);
        assertThat(fake.contactByEmail("ADA@example.com").properties())
                .containsEntry("plan_tier", "pro")
                .containsEntry("lifetime_value", "1250.5");
        assertThat(fake.contactByEmail("bob@example.com").properties()).doesNotContainKey("churn_risk");
    }

    @Test
    void upsertByACustomUniquePropertyOrByRecordIdUpdatesTheSameContact() {
        start(c -> c);
        fake.defineProperty(Property.uniqueString("learner_id"));
        String byLearner = "{\"inputs\":[{\"idProperty\":\"learner_id\",\"id\":\"L0001\","
                + "\"properties\":{\"email\":\"l1@example.com\",\"plan_tier\":\"a\"}}]}";
        assertThat(client.json("POST", UPSERT, byLearner)
                        .json()
                        .path("results")
                        .get(0)
                        .path("new")
                        .asBoolean())
                .isTrue();
        assertThat(client.json("POST", UPSERT, byLearner)
                        .json()
                        .path("results")
                        .get(0)
                        .path("new")
                        .asBoolean())
                .isFalse();
        FakeClient.Answer byId =
                client.json("POST", UPSERT, "{\"inputs\":[{\"id\":\"5101\",\"properties\":{\"plan_tier\":\"b\"}}]}");
        assertThat(byId.status()).isEqualTo(200);
        assertThat(fake.contacts()).singleElement().satisfies(c -> {
            assertThat(c.property("learner_id")).isEqualTo("L0001");
            assertThat(c.property("plan_tier")).isEqualTo("b");
        });
        assertThat(client.json("POST", UPSERT, "{\"inputs\":[{\"id\":\"9999\",\"properties\":{}}]}")
                        .status())
                .as("an unknown record id")
                .isEqualTo(404);
    }

    @Test
    void emailKeysAreMatchedWithoutCase() {
        start(c -> c);
        client.json("POST", UPSERT, inputs(1, false));
        FakeClient.Answer again = client.json(
                "POST",
                UPSERT,
                "{\"inputs\":[{\"idProperty\":\"email\",\"id\":\"U0@Example.com\",\"properties\":{\"plan_tier\":\"x\"}}]}");
        assertThat(again.json().path("results").get(0).path("new").asBoolean()).isFalse();
        assertThat(fake.contacts())
                .singleElement()
                .satisfies(c -> assertThat(c.property("plan_tier")).isEqualTo("x"));
    }

    @Test
    void batchCapIsEnforcedAndAnOversizedBatchChangesNothing() {
        start(c -> c);
        FakeClient.Answer over = client.json("POST", UPSERT, inputs(101, true));
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.json().path("category").asText()).isEqualTo("VALIDATION_ERROR");
        assertThat(over.json().path("status").asText()).isEqualTo("error");
        assertThat(fake.contacts()).isEmpty();
        assertThat(client.json("POST", UPSERT, inputs(100, true)).status()).isEqualTo(200);
        assertThat(fake.contacts()).hasSize(100);

        start(c -> c.withLimits(10, 65_536, 100_000));
        assertThat(client.json("POST", UPSERT, inputs(11, false)).status()).isEqualTo(400);
        assertThat(client.json("POST", UPSERT, inputs(10, false)).status()).isEqualTo(200);
    }

    @Test
    void tracedBatchAnswers207WithErrorsKeyedByTraceIdAndAppliesTheRest() {
        start(c -> c);
        FakeClient.Answer a = client.json("POST", UPSERT, fixtures.text("batch-upsert-partial.request.json"));
        assertThat(a.status()).isEqualTo(207);
        fixtures.assertJson("batch-upsert-partial.response.json", a.body());
        assertThat(a.json().path("errors").findValues("objectWriteTraceId").toString())
                .contains("evt-2002", "evt-2003")
                .doesNotContain("evt-2001");
        assertThat(fake.contacts()).hasSize(1);
        assertThat(fake.contactByEmail("ada@example.com").property("plan_tier")).isEqualTo("basic");
    }

    @Test
    void untracedBatchWithOneBadInputFailsWholeAndAppliesNothing() {
        start(c -> c);
        FakeClient.Answer a = client.json("POST", UPSERT, fixtures.text("batch-upsert-untraced.request.json"));
        assertThat(a.status()).isEqualTo(400);
        fixtures.assertJson("batch-upsert-untraced.response.json", a.body());
        assertThat(fake.contacts()).isEmpty();
    }

    @Test
    void perRecordValidationCoversEachPropertyKind() {
        start(c -> c);
        fake.defineProperty(Property.select("grade", "jh1", "jh2"));
        fake.defineProperty(Property.checkbox("in_math_slipping"));
        fake.defineProperty(Property.date("exam_date"));
        String body = "{\"inputs\":["
                + "{\"idProperty\":\"email\",\"id\":\"a@example.com\",\"objectWriteTraceId\":\"a\",\"properties\":{\"grade\":\"hs9\"}},"
                + "{\"idProperty\":\"email\",\"id\":\"b@example.com\",\"objectWriteTraceId\":\"b\",\"properties\":{\"in_math_slipping\":\"yes\"}},"
                + "{\"idProperty\":\"email\",\"id\":\"c@example.com\",\"objectWriteTraceId\":\"c\",\"properties\":{\"exam_date\":\"1741000000001\"}},"
                + "{\"idProperty\":\"email\",\"id\":\"d@example.com\",\"objectWriteTraceId\":\"d\",\"properties\":{\"lifetime_value\":\"lots\"}},"
                + "{\"idProperty\":\"email\",\"id\":\"e@example.com\",\"objectWriteTraceId\":\"e\",\"properties\":{\"hs_object_id\":\"1\"}},"
                + "{\"idProperty\":\"email\",\"id\":\"f@example.com\",\"objectWriteTraceId\":\"f\",\"properties\":{\"in_math_slipping\":\"true\",\"exam_date\":\"2026-05-01\",\"grade\":\"jh2\"}}"
                + "]}";
        FakeClient.Answer a = client.json("POST", UPSERT, body);
        assertThat(a.status()).isEqualTo(207);
        assertThat(a.json().path("numErrors").asInt()).isEqualTo(5);
        assertThat(a.json().path("errors").findValuesAsText("code"))
                .contains("INVALID_OPTION", "INVALID_DATE", "INVALID_INTEGER", "READ_ONLY_VALUE");
        assertThat(fake.contacts())
                .singleElement()
                .satisfies(c -> assertThat(c.property("email")).isEqualTo("f@example.com"));
    }

    @Test
    void anInputWithSeveralProblemsIsOneErrorEntryListingEach() {
        start(c -> c);
        FakeClient.Answer a = client.json(
                "POST",
                UPSERT,
                "{\"inputs\":[{\"idProperty\":\"email\",\"id\":\"bad\",\"objectWriteTraceId\":\"t1\","
                        + "\"properties\":{\"nope\":\"1\",\"lifetime_value\":\"x\"}}]}");
        assertThat(a.status()).isEqualTo(207);
        assertThat(a.json().path("numErrors").asInt()).isEqualTo(1);
        assertThat(a.json().path("errors")).hasSize(1);
        assertThat(a.json().path("errors").get(0).path("errors").findValuesAsText("code"))
                .containsExactlyInAnyOrder("INVALID_EMAIL", "PROPERTY_DOESNT_EXIST", "INVALID_INTEGER");
        assertThat(a.json().path("results")).isEmpty();
    }

    @Test
    void upsertByANonUniquePropertyIsRefusedAndDuplicateKeysFollowThePolicy() {
        start(c -> c);
        FakeClient.Answer a = client.json(
                "POST", UPSERT, "{\"inputs\":[{\"idProperty\":\"plan_tier\",\"id\":\"x\",\"properties\":{}}]}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().path("message").asText()).contains("non-unique");

        String dup =
                "{\"inputs\":[{\"idProperty\":\"email\",\"id\":\"a@example.com\",\"objectWriteTraceId\":\"1\",\"properties\":{\"plan_tier\":\"1\"}},"
                        + "{\"idProperty\":\"email\",\"id\":\"A@example.com\",\"objectWriteTraceId\":\"2\",\"properties\":{\"plan_tier\":\"2\"}}]}";
        assertThat(client.json("POST", UPSERT, dup).status()).isEqualTo(400);
        assertThat(fake.contacts()).isEmpty();

        fake.reconfigure(c -> c.withDuplicateIds(HubSpotFakeConfig.DuplicateIds.ERROR_PER_RECORD));
        FakeClient.Answer perRecord = client.json("POST", UPSERT, dup);
        assertThat(perRecord.status()).isEqualTo(207);
        assertThat(perRecord.json().path("errors").findValuesAsText("code")).containsExactly("DUPLICATE_ID");

        fake.reconfigure(c -> c.withDuplicateIds(HubSpotFakeConfig.DuplicateIds.LAST_WINS));
        assertThat(client.json("POST", UPSERT, dup).status()).isEqualTo(200);
        assertThat(fake.contactByEmail("a@example.com").property("plan_tier")).isEqualTo("2");
    }

    @Test
    void createOfAnExistingEmailIsAConflict() {
        start(c -> c);
        client.json("POST", UPSERT, inputs(1, false));
        FakeClient.Answer a = client.json(
                "POST",
                "/crm/v3/objects/contacts/batch/create",
                "{\"inputs\":[{\"properties\":{\"email\":\"u0@example.com\"}}]}");
        assertThat(a.status()).isEqualTo(409);
        assertThat(a.json().path("category").asText()).isEqualTo("CONFLICT");
        assertThat(a.json().path("message").asText()).isEqualTo("Contact already exists. Existing ID: 5101");
    }

    @Test
    void resultsCanComeInReverseOrderAndTheDatedPathWorks() {
        start(c -> c.withReverseResults(true));
        FakeClient.Answer a = client.json("POST", "/crm/objects/2026-03/contacts/batch/upsert", inputs(3, false));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().path("results").findValuesAsText("id")).containsExactly("5103", "5102", "5101");
        assertThat(client.json("POST", "/crm/objects/2099-01/contacts/batch/upsert", inputs(1, false))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void batchReadAndSearchResolveRecordIds() {
        start(c -> c);
        client.json("POST", UPSERT, fixtures.text("batch-upsert.request.json"));
        FakeClient.Answer read =
                client.json("POST", "/crm/v3/objects/contacts/batch/read", fixtures.text("batch-read.request.json"));
        assertThat(read.status()).isEqualTo(207);
        fixtures.assertJson("batch-read.response.json", read.body());

        FakeClient.Answer search = client.json(
                "POST",
                "/crm/v3/objects/contacts/search",
                "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"email\",\"operator\":\"IN\",\"values\":[\"bob@example.com\",\"x@example.com\"]}]}],\"properties\":[\"email\"],\"limit\":10}");
        assertThat(search.status()).isEqualTo(200);
        assertThat(search.json().path("total").asInt()).isEqualTo(1);
        assertThat(search.json().path("results").get(0).path("id").asText()).isEqualTo("5102");
    }

    @Test
    void propertiesListNamesTypesAndUniqueness() {
        start(c -> c);
        fake.defineProperty(Property.checkbox("in_math_slipping"));
        FakeClient.Answer a = client.get("/crm/v3/properties/contacts");
        assertThat(a.status()).isEqualTo(200);
        fixtures.assertJson("properties.response.json", a.body());
        assertThat(client.get("/crm/v3/properties/contacts/in_math_slipping")
                        .json()
                        .path("type")
                        .asText())
                .isEqualTo("bool");
        assertThat(client.get("/crm/v3/properties/contacts/nope").status()).isEqualTo(404);
    }

    @Test
    void oauthTokensRefreshAndExpireOnTheClock() {
        start(c -> c);
        String refresh = fake.registerOAuthApp("fake-client-id", "fake-client-secret", HubSpotFake.ALL_SCOPES);
        assertThat(refresh).isEqualTo("fake-hs-rt-fake-client-id-1");
        FakeClient anon = new FakeClient(fake.url());
        FakeClient.Answer token = anon.form("/oauth/v1/token", fixtures.text("oauth-refresh.request.txt"));
        assertThat(token.status()).isEqualTo(200);
        fixtures.assertJson("oauth-refresh.response.json", token.body());
        String access = token.json().path("access_token").asText();

        FakeClient oauth = new FakeClient(fake.url()).bearer(access);
        FakeClient.Answer ok = oauth.json("POST", UPSERT, inputs(1, true));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("X-HubSpot-RateLimit-Max")).isEqualTo("190");
        assertThat(ok.header("X-HubSpot-RateLimit-Daily"))
                .as("absent for OAuth")
                .isNull();

        clock.advance(Duration.ofMinutes(29).plusSeconds(59));
        assertThat(oauth.json("POST", UPSERT, inputs(1, true)).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        FakeClient.Answer expired = oauth.json("POST", UPSERT, inputs(1, true));
        assertThat(expired.status()).isEqualTo(401);
        fixtures.assertJson("auth-expired.response.json", expired.body());

        FakeClient.Answer again = anon.form("/oauth/v1/token", fixtures.text("oauth-refresh.request.txt"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("access_token").asText()).isNotEqualTo(access);

        FakeClient.Answer badRefresh = anon.form(
                "/oauth/v1/token",
                "grant_type=refresh_token&client_id=fake-client-id&client_secret=fake-client-secret&refresh_token=nope");
        assertThat(badRefresh.status()).isEqualTo(400);
        assertThat(badRefresh.json().path("status").asText()).isEqualTo("BAD_REFRESH_TOKEN");
        FakeClient.Answer badSecret = anon.form(
                "/oauth/v1/token",
                "grant_type=refresh_token&client_id=fake-client-id&client_secret=x&refresh_token=" + refresh);
        assertThat(badSecret.json().path("status").asText()).isEqualTo("BAD_CLIENT_SECRET");

        fake.revoke(refresh);
        assertThat(anon.form("/oauth/v1/token", fixtures.text("oauth-refresh.request.txt"))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void missingRevokedAndUnscopedTokensAreRefusedInHubSpotsShape() {
        start(c -> c);
        FakeClient.Answer none = new FakeClient(fake.url()).json("POST", UPSERT, inputs(1, true));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().path("category").asText()).isEqualTo("INVALID_AUTHENTICATION");
        fake.revoke(TOKEN);
        assertThat(client.json("POST", UPSERT, inputs(1, true)).status()).isEqualTo(401);

        fake.addPrivateAppToken("read-only", Set.of(HubSpotFake.SCOPE_CONTACTS_READ));
        FakeClient.Answer scoped =
                new FakeClient(fake.url()).bearer("read-only").json("POST", UPSERT, inputs(1, true));
        assertThat(scoped.status()).isEqualTo(403);
        fixtures.assertJson("missing-scopes.response.json", scoped.body());
        assertThat(fake.contacts()).isEmpty();
    }

    @Test
    void privateAppTokensCanBeGivenALifetime() {
        start(c -> c.withTokenTtls(Duration.ofMinutes(30), Duration.ofDays(1)));
        fake.addPrivateAppToken("short", HubSpotFake.ALL_SCOPES);
        FakeClient c = new FakeClient(fake.url()).bearer("short");
        assertThat(c.get("/crm/v3/properties/contacts").status()).isEqualTo(200);
        clock.advance(Duration.ofDays(1));
        assertThat(c.get("/crm/v3/properties/contacts").status()).isEqualTo(401);
    }

    @Test
    void tenSecondlyRollingLimitThrottlesWithHeadersAndRecovers() {
        start(c -> c.withBurst(3, Duration.ofSeconds(10)));
        for (int i = 0; i < 3; i++) {
            FakeClient.Answer a = client.get("/crm/v3/properties/contacts");
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.header("X-HubSpot-RateLimit-Remaining")).isEqualTo(Integer.toString(2 - i));
            assertThat(a.header("X-HubSpot-RateLimit-Interval-Milliseconds")).isEqualTo("10000");
            assertThat(a.header("X-HubSpot-RateLimit-Daily")).isEqualTo("650000");
            clock.advance(Duration.ofSeconds(3));
        }
        FakeClient.Answer throttled = client.json("POST", UPSERT, inputs(1, true));
        assertThat(throttled.status()).isEqualTo(429);
        fixtures.assertJson("rate-limit-ten-secondly.response.json", throttled.body());
        assertThat(throttled.header("X-HubSpot-RateLimit-Remaining")).isEqualTo("0");
        assertThat(throttled.header("Retry-After")).isNull();
        assertThat(fake.contacts()).isEmpty();

        clock.advance(Duration.ofSeconds(1)); // the first request leaves the window (10 s after it)
        assertThat(client.json("POST", UPSERT, inputs(1, true)).status()).isEqualTo(200);
        assertThat(fake.dailyUsed()).as("429s do not count").isEqualTo(4);
    }

    @Test
    void dailyLimitThrottlesUntilMidnightInTheAccountsZone() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        start(c -> c.withDaily(2, tokyo).withRetryAfter(60));
        clock.set(Instant.parse("2026-03-04T14:30:00Z")); // 23:30 in Tokyo
        assertThat(client.get("/crm/v3/properties/contacts").status()).isEqualTo(200);
        FakeClient.Answer last = client.get("/crm/v3/properties/contacts");
        assertThat(last.header("X-HubSpot-RateLimit-Daily-Remaining")).isEqualTo("0");
        FakeClient.Answer throttled = client.get("/crm/v3/properties/contacts");
        assertThat(throttled.status()).isEqualTo(429);
        fixtures.assertJson("rate-limit-daily.response.json", throttled.body());
        assertThat(throttled.header("Retry-After")).isEqualTo("60");
        clock.set(Instant.parse("2026-03-04T15:00:00Z")); // midnight in Tokyo
        assertThat(client.get("/crm/v3/properties/contacts").status()).isEqualTo(200);
    }

    @Test
    void listMembershipsAddAndRemoveByRecordIdIgnoringUnknownAndExisting() {
        start(c -> c);
        client.json("POST", UPSERT, inputs(3, false));
        FakeClient.Answer created = client.json("POST", "/crm/v3/lists", fixtures.text("list-create.request.json"));
        assertThat(created.status()).isEqualTo(200);
        fixtures.assertJson("list-create.response.json", created.body());
        String listId = created.json().path("list").path("listId").asText();
        assertThat(client.get("/crm/v3/lists/object-type-id/0-1/name/math_slipping")
                        .json()
                        .path("list")
                        .path("listId")
                        .asText())
                .isEqualTo(listId);

        String add = "/crm/v3/lists/" + listId + "/memberships/add";
        FakeClient.Answer added = client.json("PUT", add, fixtures.text("list-add.request.json"));
        assertThat(added.status()).isEqualTo(200);
        fixtures.assertJson("list-add.response.json", added.body());
        FakeClient.Answer replay = client.json("PUT", add, fixtures.text("list-add.request.json"));
        assertThat(replay.json().path("recordIdsAdded")).isEmpty();
        assertThat(fake.listMembers(listId)).containsExactly("5101", "5102");

        FakeClient.Answer both = client.json(
                "PUT",
                "/crm/v3/lists/" + listId + "/memberships/add-and-remove",
                fixtures.text("list-add-and-remove.request.json"));
        fixtures.assertJson("list-add-and-remove.response.json", both.body());
        FakeClient.Answer removed = client.json("PUT", "/crm/v3/lists/" + listId + "/memberships/remove", "[\"5102\"]");
        assertThat(removed.json().path("recordIdsRemoved").get(0).asText()).isEqualTo("5102");
        assertThat(fake.listMembers(listId)).containsExactly("5103");
        assertThat(client.get("/crm/v3/lists/" + listId + "/memberships")
                        .json()
                        .path("total")
                        .asInt())
                .isEqualTo(1);

        String dynamic = fake.createList("active", "DYNAMIC", null);
        assertThat(client.json("PUT", "/crm/v3/lists/" + dynamic + "/memberships/add", "[\"5101\"]")
                        .status())
                .isEqualTo(400);
        assertThat(client.json("PUT", "/crm/v3/lists/999/memberships/add", "[\"5101\"]")
                        .status())
                .isEqualTo(404);
        assertThat(client.json("PUT", add, "{\"ids\":[1]}").status()).isEqualTo(400);
        assertThat(client.json("POST", "/contacts/v1/lists/1/add", "{\"vids\":[5101]}")
                        .status())
                .as("the v1 lists API is gone")
                .isEqualTo(404);
    }

    @Test
    void legacyListIdsAreNotListIds() {
        start(c -> c);
        client.json("POST", UPSERT, inputs(1, false));
        String a = fake.createList("a", "MANUAL", null);
        String b = fake.createList("b", "MANUAL", a); // b's legacy id equals a's ILS id
        client.json("PUT", "/crm/v3/lists/" + b + "/memberships/add", "[\"5101\"]");
        assertThat(fake.listMembers(b)).containsExactly("5101");
        assertThat(fake.listMembers(a)).isEmpty();
    }

    @Test
    void injectedFaultsEachLookLikeTheVendorsFailure() {
        start(c -> c);
        fake.faults()
                .next(Fault.serverError(502))
                .next(Fault.throttle("DAILY"))
                .next(Fault.silentNoOp())
                .next(Fault.emptyBody(true))
                .next(Fault.malformedBody(true))
                .next(Fault.slow(Duration.ofSeconds(70)));
        FakeClient.Answer error = client.json("POST", UPSERT, inputs(1, true));
        assertThat(error.status()).isEqualTo(502);
        assertThat(error.json().path("category").asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(error.header("X-HubSpot-RateLimit-Max")).isEqualTo("190");
        assertThat(client.json("POST", UPSERT, inputs(1, true))
                        .json()
                        .path("policyName")
                        .asText())
                .isEqualTo("DAILY");
        FakeClient.Answer noOp = client.json("POST", UPSERT, inputs(1, true));
        assertThat(noOp.status()).isEqualTo(200);
        assertThat(noOp.json().path("results")).isEmpty();
        assertThat(noOp.json().has("errors")).isFalse();
        assertThat(fake.contacts()).as("nothing applied so far").isEmpty();

        FakeClient.Answer empty = client.json("POST", UPSERT, inputs(1, true));
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
        assertThat(fake.contacts()).as("applied before the answer was lost").hasSize(1);
        FakeClient.Answer malformed = client.json("POST", UPSERT, inputs(2, true));
        assertThat(malformed.status()).isEqualTo(200);
        assertThat(malformed.body()).startsWith("{").doesNotEndWith("}");
        assertThat(fake.contacts()).hasSize(2);

        FakeClient.Answer slow = client.json("POST", UPSERT, inputs(2, true));
        assertThat(slow.status()).isEqualTo(200);
        assertThat(slept).containsExactly(Duration.ofSeconds(70));
        assertThat(fake.calls("POST", UPSERT))
                .extracting(FakeCall::fault)
                .containsExactly(
                        "SERVER_ERROR", "THROTTLE:DAILY", "SILENT_NO_OP", "EMPTY_BODY", "MALFORMED_BODY", "SLOW");
    }

    @Test
    void droppedConnectionsAndRandomServerErrorsAreSeeded() {
        start(c -> c);
        fake.faults().next(Fault.drop(false));
        try {
            client.json("POST", UPSERT, inputs(1, true));
        } catch (AssertionError expected) {
            // the connection closed without an answer
        }
        assertThat(fake.calls().get(0).status()).isEqualTo(-1);
        assertThat(fake.contacts()).isEmpty();

        fake.faults().serverErrorRate(0.25, 503);
        int errors = 0;
        for (int i = 0; i < 200; i++) {
            clock.advance(Duration.ofSeconds(1));
            if (client.get("/crm/v3/properties/contacts").status() == 503) errors++;
        }
        assertThat(errors).isBetween(25, 75);
        fake.faults().burst(3, Fault.throttle());
        for (int i = 0; i < 3; i++) {
            JsonNode body = client.get("/crm/v3/properties/contacts").json();
            assertThat(body.path("policyName").asText()).isEqualTo("TEN_SECONDLY_ROLLING");
        }
    }
}
