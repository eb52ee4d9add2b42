package dev.masync.testing.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.testing.receiver.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

class MarketoFakeTest {
    private static final String CLIENT = "client-a";
    private static final String SECRET = "secret-a";
    private static final String LEADS = "/rest/v1/leads.json";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));
    private final List<Duration> slept = new ArrayList<>();
    private MarketoFake fake;
    private FakeClient client;

    private void start(UnaryOperator<MarketoFakeConfig> config) {
        start(config, slept::add);
    }

    private void start(UnaryOperator<MarketoFakeConfig> config, dev.masync.testing.receiver.Sleeper sleeper) {
        fake = MarketoFake.start(config.apply(MarketoFakeConfig.defaults()), clock, sleeper);
        fake.addField(MarketoFake.Field.string("planTier"));
        fake.addField(MarketoFake.Field.bool("inMathSlipping"));
        fake.addField(MarketoFake.Field.unique("learnerKey"));
        fake.registerClient(CLIENT, SECRET);
        client = new FakeClient(fake.url()).bearer(fake.issueToken(CLIENT));
    }

    @AfterEach
    void close() {
        if (fake != null) fake.close();
    }

    private static String sync(String action, String lookup, int n) {
        StringBuilder b =
                new StringBuilder("{\"action\":\"" + action + "\",\"lookupField\":\"" + lookup + "\",\"input\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(',');
            b.append("{\"email\":\"l").append(i).append("@example.test\",\"planTier\":\"pro\"}");
        }
        return b.append("]}").toString();
    }

    private static String code(JsonNode answer) {
        assertThat(answer.path("success").asBoolean()).as(answer.toString()).isFalse();
        return answer.path("errors").path(0).path("code").asText();
    }

    @Test
    void identityEndpointHandsOutHourTokensReissuesTheSameOneAndRefusesBadCredentials() {
        start(c -> c);
        FakeClient anon = new FakeClient(fake.url());
        String q = "/identity/oauth/token?grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=";
        FakeClient.Answer first = anon.get(q + SECRET);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("token_type").asText()).isEqualTo("bearer");
        assertThat(first.json().path("expires_in").asLong()).isEqualTo(3600);
        clock.advance(Duration.ofSeconds(3000));
        FakeClient.Answer again = anon.get(q + SECRET);
        assertThat(again.json().path("access_token").asText())
                .isEqualTo(first.json().path("access_token").asText());
        assertThat(again.json().path("expires_in").asLong()).isEqualTo(600);
        assertThat(anon.get(q + "wrong").status()).isEqualTo(401);
        assertThat(anon.form(
                                "/identity/oauth/token",
                                "grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=" + SECRET)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void tokenOnlyInTheHeaderAndExpiredOrUnknownTokensAre602And601InA200() {
        start(c -> c);
        String token = fake.issueToken(CLIENT);
        FakeClient.Answer queryToken =
                new FakeClient(fake.url()).get("/rest/v1/leads/describe2.json?access_token=" + token);
        assertThat(queryToken.status()).isEqualTo(200);
        assertThat(code(queryToken.json())).isEqualTo("601");
        assertThat(code(new FakeClient(fake.url())
                        .get("/rest/v1/leads/describe2.json")
                        .json()))
                .isEqualTo("600");
        assertThat(code(new FakeClient(fake.url())
                        .bearer("nope")
                        .get("/rest/v1/leads/describe2.json")
                        .json()))
                .isEqualTo("601");
        clock.advance(Duration.ofSeconds(3600));
        assertThat(code(client.get("/rest/v1/leads/describe2.json").json())).isEqualTo("602");
        String fresh = fake.issueToken(CLIENT);
        assertThat(fresh).isNotEqualTo(token);
        fake.revokeTokens();
        assertThat(code(new FakeClient(fake.url())
                        .bearer(fresh)
                        .get("/rest/v1/leads/describe2.json")
                        .json()))
                .isEqualTo("601");
    }

    @Test
    void createOrUpdateCreatesThenUpdatesAndAReplayChangesNothing() {
        start(c -> c);
        JsonNode first =
                client.json("POST", LEADS, sync("createOrUpdate", "email", 2)).json();
        assertThat(first.path("success").asBoolean()).isTrue();
        assertThat(first.path("result").path(0).path("status").asText()).isEqualTo("created");
        assertThat(first.path("result").path(1).path("seq").asInt()).isEqualTo(1);
        int id = first.path("result").path(0).path("id").asInt();
        JsonNode replay =
                client.json("POST", LEADS, sync("createOrUpdate", "email", 2)).json();
        assertThat(replay.path("result").path(0).path("status").asText()).isEqualTo("updated");
        assertThat(replay.path("result").path(0).path("id").asInt()).isEqualTo(id);
        assertThat(fake.leads()).hasSize(2);
        assertThat(fake.find("email", "L0@EXAMPLE.TEST"))
                .singleElement()
                .satisfies(l -> assertThat(l.get("planTier")).isEqualTo("pro"));
    }

    @Test
    void recordProblemsAreSkippedWithReasonsAndTheOthersStand() {
        start(c -> c);
        String body = "{\"action\":\"createOrUpdate\",\"lookupField\":\"email\",\"input\":["
                + "{\"email\":\"ok@example.test\"},"
                + "{\"email\":\"x@example.test\",\"churnRisk\":\"high\"},"
                + "{\"email\":\"not-an-email\"},"
                + "{\"email\":\"y@example.test\",\"inMathSlipping\":\"maybe\"},"
                + "{\"planTier\":\"pro\"},"
                + "{\"email\":\"ok@example.test\"}]}";
        JsonNode r = client.json("POST", LEADS, body).json().path("result");
        assertThat(r.path(0).path("status").asText()).isEqualTo("created");
        assertThat(r.path(1).path("reasons").path(0).path("code").asText()).isEqualTo("1006");
        assertThat(r.path(2).path("reasons").path(0).path("code").asText()).isEqualTo("1001");
        assertThat(r.path(3).path("reasons").path(0).path("code").asText()).isEqualTo("1001");
        assertThat(r.path(4).path("reasons").path(0).path("code").asText()).isEqualTo("1003");
        assertThat(r.path(5).path("reasons").path(0).path("code").asText()).isEqualTo("1036");
        assertThat(fake.leads()).hasSize(1);
    }

    @Test
    void updateOnlySkipsUnknownLeadsWith1004AndCustomLookupFieldsWork() {
        start(c -> c);
        JsonNode r = client.json("POST", LEADS, sync("updateOnly", "email", 1)).json();
        assertThat(r.path("result").path(0).path("reasons").path(0).path("code").asText())
                .isEqualTo("1004");
        JsonNode byKey = client.json(
                        "POST",
                        LEADS,
                        "{\"action\":\"createOrUpdate\",\"lookupField\":\"learnerKey\","
                                + "\"input\":[{\"learnerKey\":\"K-1\",\"planTier\":\"pro\"}]}")
                .json();
        assertThat(byKey.path("result").path(0).path("status").asText()).isEqualTo("created");
        assertThat(code(client.json("POST", LEADS, sync("createOrUpdate", "planTier", 1))
                        .json()))
                .isEqualTo("1003");
        fake.addField(MarketoFake.Field.unique("firstName"));
        client.json(
                "POST",
                LEADS,
                "{\"lookupField\":\"email\",\"input\":[{\"email\":\"a@example.test\",\"firstName\":\"A\"},"
                        + "{\"email\":\"b@example.test\",\"firstName\":\"a\"}]}");
        JsonNode ambiguous = client.json(
                        "POST", LEADS, "{\"lookupField\":\"firstName\",\"input\":[{\"firstName\":\"A\"}]}")
                .json();
        assertThat(ambiguous
                        .path("result")
                        .path(0)
                        .path("reasons")
                        .path(0)
                        .path("code")
                        .asText())
                .isEqualTo("1007");
    }

    @Test
    void over300RecordsIsARequestErrorAndOver1MbIs413() {
        start(c -> c);
        assertThat(code(client.json("POST", LEADS, sync("createOrUpdate", "email", 301))
                        .json()))
                .isEqualTo("1003");
        fake.reconfigure(c -> c.withMaxBodyBytes(2000));
        assertThat(client.json("POST", LEADS, sync("createOrUpdate", "email", 60))
                        .status())
                .isEqualTo(413);
        assertThat(fake.leads()).isEmpty();
    }

    @Test
    void staticListsAddRemoveAndSkipNonMembersWith1015() {
        start(c -> c);
        JsonNode created =
                client.json("POST", LEADS, sync("createOrUpdate", "email", 2)).json();
        int a = created.path("result").path(0).path("id").asInt();
        int b = created.path("result").path(1).path("id").asInt();
        int list = fake.createList("Math slipping");
        JsonNode add = client.send(
                        "POST",
                        "/rest/v1/lists/" + list + "/leads.json?id=" + a + "&id=" + b + "&id=999999",
                        null,
                        null)
                .json();
        assertThat(add.path("result").path(0).path("status").asText()).isEqualTo("added");
        assertThat(add.path("result")
                        .path(2)
                        .path("reasons")
                        .path(0)
                        .path("code")
                        .asText())
                .isEqualTo("1004");
        assertThat(fake.listMembers(list)).containsExactlyInAnyOrder(a, b);
        JsonNode remove = client.send("DELETE", "/rest/v1/lists/" + list + "/leads.json?id=" + a, null, null)
                .json();
        assertThat(remove.path("result").path(0).path("status").asText()).isEqualTo("removed");
        JsonNode again = client.send("DELETE", "/rest/v1/lists/" + list + "/leads.json?id=" + a, null, null)
                .json();
        assertThat(again.path("result")
                        .path(0)
                        .path("reasons")
                        .path(0)
                        .path("code")
                        .asText())
                .isEqualTo("1015");
        assertThat(fake.listMembers(list)).containsExactly(b);
        assertThat(client.get("/rest/v1/lists/" + list + "/leads/ismember.json?id=" + b)
                        .json()
                        .path("result")
                        .path(0)
                        .path("status")
                        .asText())
                .isEqualTo("memberof");
        assertThat(code(client.send("POST", "/rest/v1/lists/424242/leads.json?id=" + a, null, null)
                        .json()))
                .isEqualTo("1013");
        StringBuilder many = new StringBuilder("/rest/v1/lists/" + list + "/leads.json?id=1");
        for (int i = 2; i <= 301; i++) many.append("&id=").append(i);
        assertThat(code(client.send("POST", many.toString(), null, null).json()))
                .isEqualTo("1003");
    }

    @Test
    void leadsAreFoundByLookupFieldAndDescribeNamesTypesAndDedupeFields() {
        start(c -> c);
        client.json("POST", LEADS, sync("createOrUpdate", "email", 3));
        JsonNode found = client.get("/rest/v1/leads.json?filterType=email&filterValues=l0@example.test,l2@example.test"
                        + "&fields=id,email")
                .json();
        assertThat(found.path("result")).hasSize(2);
        assertThat(found.path("result").path(0).has("id")).isTrue();
        JsonNode d = client.get("/rest/v1/leads/describe2.json")
                .json()
                .path("result")
                .path(0);
        assertThat(d.path("dedupeFields").toString()).contains("email", "learnerKey");
        assertThat(d.path("fields").toString())
                .contains(
                        "\"name\":\"inMathSlipping\",\"displayName\":\"inMathSlipping\"," + "\"dataType\":\"boolean\"");
        JsonNode d1 = client.get("/rest/v1/leads/describe.json").json().path("result");
        assertThat(d1.toString()).contains("\"rest\":{\"name\":\"id\",\"readOnly\":true}");
    }

    @Test
    void oneHundredCallsPer20SecondsThen606AndTheWindowRolls() {
        start(c -> c);
        for (int i = 0; i < 100; i++) {
            assertThat(client.get("/rest/v1/leads/describe2.json")
                            .json()
                            .path("success")
                            .asBoolean())
                    .isTrue();
        }
        assertThat(code(client.get("/rest/v1/leads/describe2.json").json())).isEqualTo("606");
        clock.advance(Duration.ofSeconds(20));
        assertThat(client.get("/rest/v1/leads/describe2.json")
                        .json()
                        .path("success")
                        .asBoolean())
                .isTrue();
        assertThat(fake.quotaUsed()).as("a refused call does not count").isEqualTo(101);
    }

    @Test
    void dailyQuotaGives607UntilMidnightCentral() {
        start(c -> c.withLimits(100, 10, 3));
        for (int i = 0; i < 3; i++) client.get("/rest/v1/leads/describe2.json");
        assertThat(code(client.get("/rest/v1/leads/describe2.json").json())).isEqualTo("607");
        clock.set(Instant.parse("2026-03-05T05:59:00Z")); // 23:59 CST
        client = new FakeClient(fake.url()).bearer(fake.issueToken(CLIENT));
        assertThat(code(client.get("/rest/v1/leads/describe2.json").json())).isEqualTo("607");
        clock.set(Instant.parse("2026-03-05T06:00:00Z"));
        assertThat(client.get("/rest/v1/leads/describe2.json")
                        .json()
                        .path("success")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void moreThanTenConcurrentCallsGet615AndLatencyIsWaitedOnTheSleeper() throws Exception {
        CountDownLatch inside = new CountDownLatch(10);
        CountDownLatch go = new CountDownLatch(1);
        start(c -> c.withLatency(Duration.ofMillis(300)), d -> {
            slept.add(d);
            inside.countDown();
            go.await(10, TimeUnit.SECONDS);
        });
        List<CompletableFuture<FakeClient.Answer>> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) held.add(client.sendAsync("GET", "/rest/v1/leads/describe2.json", null, null));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(code(client.get("/rest/v1/leads/describe2.json").json())).isEqualTo("615");
        go.countDown();
        for (CompletableFuture<FakeClient.Answer> f : held) {
            assertThat(f.get(10, TimeUnit.SECONDS).json().path("success").asBoolean())
                    .isTrue();
        }
        assertThat(slept).hasSize(10).allMatch(d -> d.equals(Duration.ofMillis(300)));
    }

    @Test
    void throttleFaultsRenderTheirCodeIn200AndSilentNoOpHasNoResults() {
        start(c -> c);
        fake.faults()
                .next(Fault.throttle("615"))
                .next(Fault.throttle("607"))
                .next(Fault.throttle())
                .next(Fault.silentNoOp())
                .next(Fault.serverError(503))
                .next(Fault.emptyBody(true));
        assertThat(code(client.json("POST", LEADS, sync("createOrUpdate", "email", 1))
                        .json()))
                .isEqualTo("615");
        assertThat(code(client.json("POST", LEADS, sync("createOrUpdate", "email", 1))
                        .json()))
                .isEqualTo("607");
        assertThat(code(client.json("POST", LEADS, sync("createOrUpdate", "email", 1))
                        .json()))
                .isEqualTo("606");
        JsonNode silent =
                client.json("POST", LEADS, sync("createOrUpdate", "email", 1)).json();
        assertThat(silent.path("success").asBoolean()).isTrue();
        assertThat(silent.path("result")).isEmpty();
        assertThat(fake.leads()).isEmpty();
        assertThat(client.json("POST", LEADS, sync("createOrUpdate", "email", 1))
                        .status())
                .isEqualTo(503);
        FakeClient.Answer empty = client.json("POST", LEADS, sync("createOrUpdate", "email", 1));
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
        assertThat(fake.leads()).as("an applied empty answer still wrote").hasSize(1);
    }

    @Test
    void postsWithoutJsonContentTypeAre612() {
        start(c -> c);
        assertThat(code(client.send("POST", LEADS, "text/plain", sync("createOrUpdate", "email", 1))
                        .json()))
                .isEqualTo("612");
    }

    @Test
    void lookupsFollowChangedKeysCaseInsensitivelyAndTheStatsCountWrittenLeads() {
        start(c -> c);
        client.json("POST", LEADS, """
                {"action":"createOrUpdate","lookupField":"learnerKey","input":[
                  {"learnerKey":"K-1","email":"a@example.test"},{"learnerKey":"K-2","email":"bad"}]}""");
        // the e-mail changes through the learnerKey lookup: the old address no longer finds the lead, the new one does
        JsonNode moved = client.json("POST", LEADS, """
                        {"action":"createOrUpdate","lookupField":"learnerKey","input":[
                          {"learnerKey":"k-1","email":"B@Example.test"}]}""").json();
        assertThat(moved.path("result").path(0).path("status").asText()).isEqualTo("updated");
        assertThat(fake.find("email", "a@example.test")).isEmpty();
        assertThat(fake.find("email", "b@example.TEST")).hasSize(1);
        assertThat(fake.find("learnerKey", "K-1")).hasSize(1);
        JsonNode byEmail = client.json("POST", LEADS, """
                        {"action":"updateOnly","lookupField":"email","input":[{"email":"b@example.test","planTier":"x"}]}""").json();
        assertThat(byEmail.path("result").path(0).path("status").asText()).isEqualTo("updated");
        // a field that becomes a dedupe field later finds the leads written before
        fake.addField(MarketoFake.Field.unique("planTier"));
        assertThat(fake.find("planTier", "X")).hasSize(1);
        // written: K-1 created, moved, updated by e-mail (K-2's invalid e-mail was skipped)
        assertThat(fake.stats().records()).isEqualTo(3);
        assertThat(fake.stats().requests()).isEqualTo(3);
    }
}
