package dev.masync.testing.vendor;

import dev.masync.testing.receiver.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Marketo fake answers the recorded requests of connectors/marketo/fixtures exactly as recorded: every answer HTTP
 * 200 (the identity endpoint aside), errors as {@code success:false} with string codes.
 */
class MarketoFixturesTest {
    private static final String CLIENT = "mkto-client-id";
    private static final String SECRET = "mkto-secret-7c6b5a";
    private static final String LEADS = "/rest/v1/leads.json";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));
    private final Fixtures fixtures = new Fixtures("marketo", "access_token");
    private MarketoFake fake;
    private FakeClient client;
    private int list;

    @BeforeEach
    void start() {
        fake = MarketoFake.start(MarketoFakeConfig.defaults(), clock, d -> {});
        fake.addField(MarketoFake.Field.string("planTier"));
        fake.registerClient(CLIENT, SECRET);
        list = fake.createList("math_slipping");
        client = new FakeClient(fake.url()).bearer(fake.issueToken(CLIENT));
    }

    @AfterEach
    void close() {
        fake.close();
    }

    private FakeClient.Answer sync(String request) {
        return client.json("POST", LEADS, fixtures.text(request));
    }

    private static void assert200(FakeClient.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    @Test
    void theIdentityEndpointHandsOutAnHourLongBearerToken() {
        FakeClient.Answer token =
                new FakeClient(fake.url()).form("/identity/oauth/token", fixtures.text("identity-token.request.txt"));
        assert200(token);
        fixtures.assertJson("identity-token.response.json", token.body());
        assertThat(token.json().path("access_token").asText()).isNotBlank();
    }

    @Test
    void createOrUpdateAnswersAResultPerInputInOrder() {
        FakeClient.Answer a = sync("leads-sync.request.json");
        assert200(a);
        fixtures.assertJson("leads-sync.response.json", a.body());
        assertThat(fake.leads()).hasSize(2);
    }

    @Test
    void aRefusedInputIsSkippedWithReasonsAndTheOthersApply() {
        sync("leads-sync.request.json");
        FakeClient.Answer a = sync("leads-sync-skipped.request.json");
        assert200(a);
        fixtures.assertJson("leads-sync-skipped.response.json", a.body());
        assertThat(fake.find("email", "ada@example.test").get(0)).containsEntry("planTier", "team");
        assertThat(fake.leads()).hasSize(2);
    }

    @Test
    void anUnknownTokenIs601AndAnExpiredOne602InsideHttp200() {
        fake.expireTokens();
        FakeClient.Answer expired = sync("leads-sync.request.json");
        assert200(expired);
        fixtures.assertJson("token-expired.response.json", expired.body());
        fake.revokeTokens();
        FakeClient.Answer invalid = sync("leads-sync.request.json");
        assert200(invalid);
        fixtures.assertJson("token-invalid.response.json", invalid.body());
        assertThat(fake.leads()).isEmpty();
    }

    @Test
    void overTheRateTheAnswerIs606AndOverTheDailyQuota607() {
        fake.reconfigure(c -> c.withLimits(100, 10, 101));
        for (int i = 0; i < 100; i++) assert200(client.get("/rest/v1/lists/" + list + ".json"));
        FakeClient.Answer rate = sync("leads-sync.request.json");
        assert200(rate);
        fixtures.assertJson("rate-limit.response.json", rate.body());
        clock.advance(java.time.Duration.ofSeconds(21));
        assertThat(sync("leads-sync.request.json").json().path("success").asBoolean())
                .isTrue();
        clock.advance(java.time.Duration.ofSeconds(21));
        FakeClient.Answer quota = sync("leads-sync.request.json");
        assert200(quota);
        fixtures.assertJson("daily-quota.response.json", quota.body());
    }

    @Test
    void overTheConcurrencyTheAnswerIs615() {
        fake.faults().next(Fault.throttle("615"));
        FakeClient.Answer a = sync("leads-sync.request.json");
        assert200(a);
        fixtures.assertJson("concurrency.response.json", a.body());
        assertThat(fake.leads()).isEmpty();
    }

    @Test
    void staticListAddAndRemoveAnswerAStatusPerIdAndRemovingANonMemberIs1015() {
        sync("leads-sync.request.json");
        String path = "/rest/v1/lists/" + list + "/leads.json?";
        FakeClient.Answer lookup = client.form(LEADS + "?_method=GET", fixtures.text("leads-lookup.request.txt"));
        fixtures.assertJson("leads-lookup.response.json", lookup.body());
        FakeClient.Answer added = client.send("POST", path + fixtures.text("list-add.request.txt"), null, null);
        assert200(added);
        fixtures.assertJson("list-add.response.json", added.body());
        assertThat(fake.listMembers(list)).containsExactlyInAnyOrder(1001, 1002);
        FakeClient.Answer removed = client.send("DELETE", path + fixtures.text("list-remove.request.txt"), null, null);
        fixtures.assertJson("list-remove.response.json", removed.body());
        FakeClient.Answer again = client.send("DELETE", path + fixtures.text("list-remove.request.txt"), null, null);
        fixtures.assertJson("list-remove-again.response.json", again.body());
        assertThat(fake.listMembers(list)).isEmpty();
    }
}
