package dev.masync.testing.vendor;

import dev.masync.testing.receiver.ManualClock;
import dev.masync.testing.vendor.SalesforceFake.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

class SalesforceFakeTest {
    private static final String V = "/services/data/v62.0";
    private static final String UPSERT = V + "/composite/sobjects/Contact/Customer_Key__c";
    private static final String CLIENT = "fake-consumer-key";
    private static final String SECRET = "fake-consumer-secret";
    private static final String USER = "integration@example.test";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));
    private final List<Duration> slept = new ArrayList<>();
    private final Fixtures fixtures = new Fixtures("salesforce");
    private SalesforceFake fake;
    private FakeClient client;

    private void start(UnaryOperator<SalesforceFakeConfig> config) {
        start(config, slept::add);
    }

    private void start(UnaryOperator<SalesforceFakeConfig> config, dev.masync.testing.receiver.Sleeper sleeper) {
        fake = SalesforceFake.start(config.apply(SalesforceFakeConfig.defaults()), clock, sleeper);
        fake.addField("Contact", Field.externalId("Customer_Key__c", 64));
        fake.addField("Contact", Field.text("Plan_Tier__c", 20));
        fake.addField("Contact", Field.checkbox("In_Math_Slipping__c"));
        fake.registerApp(CLIENT, SECRET, USER, Set.of(USER), null);
        client = new FakeClient(fake.url()).bearer(fake.issueSession(USER));
    }

    @AfterEach
    void close() {
        if (fake != null) fake.close();
    }

    private static String contacts(int n) {
        StringBuilder b = new StringBuilder("{\"allOrNone\":false,\"records\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(',');
            b.append("{\"attributes\":{\"type\":\"Contact\"},\"Customer_Key__c\":\"K-")
                    .append(i)
                    .append("\",\"LastName\":\"L")
                    .append(i)
                    .append("\"}");
        }
        return b.append("]}").toString();
    }

    @Test
    void clientCredentialsMintSessionsThatExpireWithInvalidSessionId() {
        start(c -> c.withSession(Duration.ofMinutes(15), false));
        FakeClient anon = new FakeClient(fake.url());
        FakeClient.Answer token =
                anon.form("/services/oauth2/token", fixtures.text("token-client-credentials.request.txt"));
        assertThat(token.status()).isEqualTo(200);
        assertThat(token.json().path("instance_url").asText()).isEqualTo(fake.url());
        assertThat(token.json().path("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.json().has("refresh_token")).isFalse();
        assertThat(token.json().fieldNames())
                .toIterable()
                .containsExactly("access_token", "signature", "scope", "instance_url", "id", "token_type", "issued_at");
        FakeClient session = new FakeClient(fake.url())
                .bearer(token.json().path("access_token").asText());
        FakeClient.Answer ok = session.get(V + "/limits");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("Sforce-Limit-Info")).isEqualTo("api-usage=1/100000");

        clock.advance(Duration.ofMinutes(15));
        FakeClient.Answer expired = session.get(V + "/limits");
        assertThat(expired.status()).isEqualTo(401);
        fixtures.assertJson("invalid-session.response.json", expired.body());
        assertThat(expired.header("Sforce-Limit-Info")).isNotNull();

        FakeClient.Answer bad = anon.form(
                "/services/oauth2/token", "grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=wrong");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").asText()).isEqualTo("invalid_client");
        assertThat(anon.form("/services/oauth2/token", "grant_type=password&username=u&password=p")
                        .json()
                        .path("error")
                        .asText())
                .isEqualTo("unsupported_grant_type");
    }

    @Test
    void collectionUpdateByIdNeverCreatesAndRefusesGoneIdsPerRecord() {
        start(c -> c);
        String id = fake.insert("Contact", Map.of("Customer_Key__c", "K-1", "LastName", "Lovelace"));
        FakeClient.Answer answer = client.json("PATCH", V + "/composite/sobjects", """
                {"allOrNone": false, "records": [
                  {"attributes": {"type": "Contact"}, "Id": "%s", "Plan_Tier__c": "pro"},
                  {"attributes": {"type": "Contact"}, "Id": "003FAKE00000099AAA", "Plan_Tier__c": "pro"}]}""".formatted(id));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get(0).path("success").asBoolean()).isTrue();
        assertThat(answer.json().get(1).path("errors").get(0).path("statusCode").asText())
                .isEqualTo("INVALID_CROSS_REFERENCE_KEY");
        assertThat(fake.records("Contact")).hasSize(1);
        assertThat(fake.find("Contact", "Customer_Key__c", "K-1")).containsEntry("Plan_Tier__c", "pro");
    }

    @Test
    void aConcurrentTokenRequestIsRefusedUntilRetried() {
        start(c -> c);
        fake.failNextTokenRequests(1);
        FakeClient anon = new FakeClient(fake.url());
        FakeClient.Answer busy =
                anon.form("/services/oauth2/token", fixtures.text("token-client-credentials.request.txt"));
        assertThat(busy.status()).isEqualTo(400);
        assertThat(busy.json().path("error_description").asText())
                .isEqualTo("token request is already being processed");
        assertThat(anon.form("/services/oauth2/token", fixtures.text("token-client-credentials.request.txt"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void slidingSessionsLastWhileUsedAndRevokedOnesDoNot() {
        start(c -> c.withSession(Duration.ofMinutes(15), true));
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(client.get(V + "/limits").status()).isEqualTo(200);
        }
        String token = fake.issueSession(USER);
        fake.revokeSession(token);
        assertThat(new FakeClient(fake.url()).bearer(token).get(V + "/limits").status())
                .isEqualTo(401);
    }

    @Test
    void jwtBearerChecksSignatureAudienceExpiryAndApproval() throws Exception {
        start(c -> c);
        KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        fake.registerApp("jwt-app", null, null, Set.of(USER), keys.getPublic());
        FakeClient anon = new FakeClient(fake.url());
        long now = clock.instant().getEpochSecond();
        String aud = "https://login.salesforce.com";

        FakeClient.Answer ok =
                anon.form("/services/oauth2/token", jwtForm(keys.getPrivate(), "jwt-app", USER, aud, now + 120));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(new FakeClient(fake.url())
                        .bearer(ok.json().path("access_token").asText())
                        .get(V + "/limits")
                        .status())
                .isEqualTo(200);

        assertThat(anon.form("/services/oauth2/token", jwtForm(keys.getPrivate(), "jwt-app", USER, aud, now - 1))
                        .json()
                        .path("error_description")
                        .asText())
                .isEqualTo("expired authorization code");
        assertThat(anon.form("/services/oauth2/token", jwtForm(keys.getPrivate(), "jwt-app", USER, aud, now + 600))
                        .json()
                        .path("error")
                        .asText())
                .isEqualTo("invalid_grant");
        assertThat(anon.form("/services/oauth2/token", jwtForm(other.getPrivate(), "jwt-app", USER, aud, now + 60))
                        .json()
                        .path("error_description")
                        .asText())
                .isEqualTo("invalid assertion");
        assertThat(anon.form(
                                "/services/oauth2/token",
                                jwtForm(keys.getPrivate(), "jwt-app", USER, "https://x", now + 60))
                        .json()
                        .path("error_description")
                        .asText())
                .isEqualTo("audience is invalid");
        assertThat(anon.form(
                                "/services/oauth2/token",
                                jwtForm(keys.getPrivate(), "jwt-app", "eve@example.test", aud, now + 60))
                        .json()
                        .path("error_description")
                        .asText())
                .isEqualTo("user hasn't approved this consumer");
        assertThat(anon.form("/services/oauth2/token", jwtForm(keys.getPrivate(), "nope", USER, aud, now + 60))
                        .json()
                        .path("error")
                        .asText())
                .isEqualTo("invalid_client_id");
        // client credentials are not enabled for this app
        assertThat(anon.form("/services/oauth2/token", "grant_type=client_credentials&client_id=jwt-app")
                        .status())
                .isEqualTo(400);
    }

    private static String jwtForm(PrivateKey key, String iss, String sub, String aud, long exp) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(
                ("{\"iss\":\"" + iss + "\",\"sub\":\"" + sub + "\",\"aud\":\"" + aud + "\",\"exp\":" + exp + "}")
                        .getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        String jwt = header + "." + claims + "." + b64.encodeToString(s.sign());
        return "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + jwt;
    }

    @Test
    void collectionUpsertAnswersInInputOrderWithPerRecordErrorsAndReplaysIdempotently() {
        start(c -> c);
        FakeClient.Answer a = client.json("PATCH", UPSERT, fixtures.text("collection-upsert.request.json"));
        assertThat(a.status()).isEqualTo(200);
        fixtures.assertJson("collection-upsert.response.json", a.body());
        assertThat(a.header("Sforce-Limit-Info")).isEqualTo("api-usage=1/100000");
        assertThat(fake.records("Contact")).hasSize(2);
        assertThat(fake.find("Contact", "Customer_Key__c", "C-1003")).containsEntry("In_Math_Slipping__c", true);
        assertThat(fake.find("Contact", "Customer_Key__c", "C-1001")).containsEntry("In_Math_Slipping__c", false);

        clock.advance(Duration.ofMinutes(1));
        FakeClient.Answer replay = client.json("PATCH", UPSERT, fixtures.text("collection-upsert.request.json"));
        assertThat(replay.json().findValuesAsText("created")).containsExactly("false", "false", "false");
        assertThat(replay.json().get(0).path("id").asText())
                .isEqualTo(a.json().get(0).path("id").asText());
        assertThat(fake.records("Contact")).hasSize(2);
    }

    @Test
    void allOrNoneRollsBackEveryRecord() {
        start(c -> c);
        FakeClient.Answer a = client.json("PATCH", UPSERT, fixtures.text("collection-upsert-all-or-none.request.json"));
        assertThat(a.status()).isEqualTo(200);
        fixtures.assertJson("collection-upsert-all-or-none.response.json", a.body());
        assertThat(fake.records("Contact")).isEmpty();
    }

    @Test
    void collectionCapAndWholeRequestErrorsUseSalesforcesArrayShape() {
        start(c -> c);
        FakeClient.Answer over = client.json("PATCH", UPSERT, contacts(201));
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.json().get(0).path("errorCode").asText()).isEqualTo("EXCEEDED_ID_LIMIT");
        assertThat(fake.records("Contact")).isEmpty();
        assertThat(client.json("PATCH", UPSERT, contacts(200)).status()).isEqualTo(200);
        assertThat(fake.records("Contact")).hasSize(200);

        assertThat(client.json("PATCH", V + "/composite/sobjects/Contact/LastName", contacts(1))
                        .json()
                        .get(0)
                        .path("errorCode")
                        .asText())
                .isEqualTo("INVALID_FIELD");
        assertThat(client.json("PATCH", V + "/composite/sobjects/Nope__c/Key__c", contacts(1))
                        .status())
                .isEqualTo(404);
        assertThat(client.json("PATCH", "/services/data/v45.0/composite/sobjects/Contact/Customer_Key__c", contacts(1))
                        .status())
                .as("collection upsert needs v46")
                .isEqualTo(404);
        assertThat(client.json("PATCH", UPSERT, "{\"records\":").status()).isEqualTo(400);
    }

    @Test
    void perRecordErrorsCoverUnknownFieldsLengthsTypesRequiredFieldsAndDuplicates() {
        start(c -> c);
        String body = "{\"allOrNone\":false,\"records\":["
                + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Key__c\":\"A\",\"LastName\":\"x\",\"Nope__c\":\"1\"},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Key__c\":\"B\",\"LastName\":\"x\",\"Plan_Tier__c\":\""
                + "p".repeat(21) + "\"},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Key__c\":\"C\",\"LastName\":\"x\",\"In_Math_Slipping__c\":\"maybe\"},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Key__c\":\"D\"},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Key__c\":\"E\",\"LastName\":\"x\"},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Key__c\":\"e\",\"LastName\":\"y\"},"
                + "{\"attributes\":{\"type\":\"Lead\"},\"Customer_Key__c\":\"F\",\"LastName\":\"x\"},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Key__c\":\"G\",\"LastName\":\"x\",\"CreatedDate\":\"2020-01-01\"},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"LastName\":\"no key\"},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Key__c\":\"H\",\"LastName\":\"ok\"}"
                + "]}";
        FakeClient.Answer a = client.json("PATCH", UPSERT, body);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().findValuesAsText("statusCode"))
                .containsExactly(
                        "INVALID_FIELD",
                        "STRING_TOO_LONG",
                        "INVALID_TYPE_ON_FIELD_IN_RECORD",
                        "REQUIRED_FIELD_MISSING",
                        "DUPLICATE_VALUE",
                        "DUPLICATE_VALUE",
                        "INVALID_TYPE",
                        "INVALID_FIELD_FOR_INSERT_UPDATE",
                        "REQUIRED_FIELD_MISSING");
        assertThat(a.json().get(9).path("success").asBoolean()).isTrue();
        assertThat(fake.records("Contact")).hasSize(1);
    }

    @Test
    void anExternalIdMatchingSeveralRecordsIsAmbiguous() {
        start(c -> c);
        fake.insert("Contact", Map.of("Customer_Key__c", "K-0", "LastName", "one"));
        fake.insert("Contact", Map.of("Customer_Key__c", "K-0", "LastName", "two"));
        FakeClient.Answer collection = client.json("PATCH", UPSERT, contacts(1));
        assertThat(collection
                        .json()
                        .get(0)
                        .path("errors")
                        .get(0)
                        .path("statusCode")
                        .asText())
                .isEqualTo("DUPLICATE_EXTERNAL_ID");
        FakeClient.Answer single =
                client.json("PATCH", V + "/sobjects/Contact/Customer_Key__c/K-0", "{\"LastName\":\"x\"}");
        assertThat(single.status()).isEqualTo(300);
        assertThat(single.json()).hasSize(2);

        FakeClient.Answer created =
                client.json("PATCH", V + "/sobjects/Contact/Customer_Key__c/K-9", "{\"LastName\":\"x\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("created").asBoolean()).isTrue();
        FakeClient.Answer updated =
                client.json("PATCH", V + "/sobjects/Contact/Customer_Key__c/K-9", "{\"LastName\":\"y\"}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(client.json("PATCH", V + "/sobjects/Contact/Customer_Key__c/K-8", "{\"Email\":\"bad\"}")
                        .json()
                        .get(0)
                        .path("errorCode")
                        .asText())
                .isEqualTo("INVALID_EMAIL_ADDRESS");
    }

    @Test
    void describeListsFieldsWithTypes() {
        start(c -> c);
        FakeClient.Answer a = client.get(V + "/sobjects/Contact/describe");
        assertThat(a.status()).isEqualTo(200);
        fixtures.assertJson("describe-contact.response.json", a.body());
        assertThat(client.get(V + "/sobjects/Nope__c/describe").status()).isEqualTo(404);
    }

    @Test
    void dailyLimitThrottlesWith403RequestLimitExceededOverARolling24Hours() {
        start(c -> c.withLimits(3, 25));
        for (int i = 1; i <= 3; i++) {
            assertThat(client.get(V + "/limits").header("Sforce-Limit-Info")).isEqualTo("api-usage=" + i + "/3");
            clock.advance(Duration.ofMinutes(30));
        }
        FakeClient.Answer throttled = client.json("PATCH", UPSERT, contacts(1));
        assertThat(throttled.status()).isEqualTo(403);
        fixtures.assertJson("request-limit-exceeded.response.json", throttled.body());
        assertThat(throttled.header("Sforce-Limit-Info")).isEqualTo("api-usage=3/3");
        assertThat(throttled.header("Retry-After")).isNull();
        assertThat(fake.records("Contact")).isEmpty();
        clock.advance(Duration.ofMinutes(22 * 60 + 30)); // the first request leaves the 24 hours
        client = new FakeClient(fake.url()).bearer(fake.issueSession(USER)); // the session timed out meanwhile
        assertThat(client.json("PATCH", UPSERT, contacts(1)).status()).isEqualTo(200);
    }

    @Test
    void concurrencyLimitRefusesRequestsBeyondTheCap() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(c -> c.withLimits(100_000, 1), d -> {
            entered.countDown();
            release.await(5, TimeUnit.SECONDS);
        });
        fake.faults().next(Fault.slow(Duration.ofSeconds(30)));
        CompletableFuture<FakeClient.Answer> held = client.sendAsync("PATCH", UPSERT, "application/json", contacts(1));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        FakeClient.Answer refused = client.get(V + "/limits");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get(0).path("message").asText()).startsWith("ConcurrentRequests");
        release.countDown();
        assertThat(held.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(client.get(V + "/limits").status()).isEqualTo(200);
    }

    @Test
    void bulkIngestJobRunsItsLifecycleOnTheClock() {
        start(c -> c.withBulkTiming(Duration.ofSeconds(2), Duration.ofSeconds(10)));
        fake.insert(
                "Contact",
                Map.of(
                        "Customer_Key__c",
                        "C-1003",
                        "LastName",
                        "Old",
                        "Email",
                        "mary@example.com",
                        "Plan_Tier__c",
                        "pro"));
        FakeClient.Answer job = client.json("POST", V + "/jobs/ingest", fixtures.text("bulk-job-create.request.json"));
        assertThat(job.status()).isEqualTo(200);
        fixtures.assertJson("bulk-job-create.response.json", job.body());
        String id = job.json().path("id").asText();
        String jobPath = V + "/jobs/ingest/" + id;
        assertThat(client.send("PUT", jobPath + "/batches", "text/csv", fixtures.text("bulk-upload.request.csv"))
                        .status())
                .isEqualTo(201);
        FakeClient.Answer closed = client.json("PATCH", jobPath, fixtures.text("bulk-job-close.request.json"));
        assertThat(closed.json().path("state").asText()).isEqualTo("UploadComplete");
        assertThat(client.send("PUT", jobPath + "/batches", "text/csv", "x\n").status())
                .isEqualTo(400);

        clock.advance(Duration.ofSeconds(2));
        assertThat(client.get(jobPath).json().path("state").asText()).isEqualTo("InProgress");
        assertThat(fake.find("Contact", "Customer_Key__c", "C-1001")).isNull();
        clock.advance(Duration.ofSeconds(10));
        FakeClient.Answer done = client.get(jobPath);
        fixtures.assertJson("bulk-job-complete.response.json", done.body());
        fixtures.assertText(
                "bulk-successful-results.response.csv",
                client.get(jobPath + "/successfulResults/").body());
        fixtures.assertText(
                "bulk-failed-results.response.csv",
                client.get(jobPath + "/failedResults/").body());
        Map<String, Object> mary = fake.find("Contact", "Customer_Key__c", "C-1003");
        assertThat(mary)
                .containsEntry("LastName", "Somerville, Mary")
                .as("an empty cell leaves the field")
                .containsEntry("Email", "mary@example.com")
                .as("#N/A clears")
                .doesNotContainKey("Plan_Tier__c");
        assertThat(fake.find("Contact", "Customer_Key__c", "C-1001")).containsEntry("In_Math_Slipping__c", true);
    }

    @Test
    void bulkJobsWithAnUnknownColumnFailAndRefuseBadDefinitions() {
        start(c -> c.withBulkTiming(Duration.ZERO, Duration.ZERO));
        String id = client.json("POST", V + "/jobs/ingest", fixtures.text("bulk-job-create.request.json"))
                .json()
                .path("id")
                .asText();
        client.send("PUT", V + "/jobs/ingest/" + id + "/batches", "text/csv", "Customer_Key__c,Nope__c\nK,1\n");
        client.json("PATCH", V + "/jobs/ingest/" + id, "{\"state\":\"UploadComplete\"}");
        FakeClient.Answer info = client.get(V + "/jobs/ingest/" + id);
        assertThat(info.json().path("state").asText()).isEqualTo("Failed");
        assertThat(info.json().path("errorMessage").asText())
                .isEqualTo("InvalidBatch : Field name not found : Nope__c");
        assertThat(client.get(V + "/jobs/ingest/" + id + "/unprocessedrecords/").body())
                .isEqualTo("\"Customer_Key__c\",\"Nope__c\"\n\"K\",\"1\"\n");
        assertThat(client.json(
                                "POST",
                                V + "/jobs/ingest",
                                "{\"object\":\"Contact\",\"operation\":\"upsert\",\"externalIdFieldName\":\"LastName\"}")
                        .status())
                .isEqualTo(400);
        assertThat(client.get(V + "/jobs/ingest/750NOPE").status()).isEqualTo(404);
    }

    @Test
    void campaignMembersAreRowsThatCanBeFoundAndDeleted() {
        start(c -> c);
        String campaign = fake.insert("Campaign", Map.of("Name", "math_slipping"));
        String contact = fake.insert("Contact", Map.of("Customer_Key__c", "C-1", "LastName", "x"));
        assertThat(campaign).isEqualTo("701FAKE00000001AAA");
        assertThat(contact).isEqualTo("003FAKE00000002AAA");
        FakeClient.Answer created =
                client.json("POST", V + "/composite/sobjects", fixtures.text("campaign-members-create.request.json"));
        assertThat(created.status()).isEqualTo(200);
        fixtures.assertJson("campaign-members-create.response.json", created.body());

        FakeClient.Answer q = client.get(V + "/query?q="
                + java.net.URLEncoder.encode(
                        "SELECT Id, ContactId FROM CampaignMember WHERE CampaignId = '" + campaign
                                + "' AND ContactId IN ('" + contact + "')",
                        StandardCharsets.UTF_8));
        assertThat(q.json().path("totalSize").asInt()).isEqualTo(1);
        String member = q.json().path("records").get(0).path("Id").asText();

        FakeClient.Answer deleted =
                client.send("DELETE", V + "/composite/sobjects?ids=" + member + ",00vNOPE&allOrNone=false", null, null);
        assertThat(deleted.json().findValuesAsText("success")).containsExactly("true", "false");
        assertThat(fake.records("CampaignMember")).isEmpty();
        assertThat(client.send("DELETE", V + "/composite/sobjects?ids=" + member, null, null)
                        .json()
                        .get(0)
                        .path("errors")
                        .get(0)
                        .path("statusCode")
                        .asText())
                .isEqualTo("ENTITY_IS_DELETED");
        assertThat(client.json(
                                "POST",
                                V + "/composite/sobjects",
                                "{\"records\":[{\"attributes\":{\"type\":\"CampaignMember\"},\"CampaignId\":\"701NOPE\",\"ContactId\":\""
                                        + contact + "\"}]}")
                        .json()
                        .get(0)
                        .path("errors")
                        .get(0)
                        .path("statusCode")
                        .asText())
                .isEqualTo("INVALID_CROSS_REFERENCE_KEY");
    }

    @Test
    void injectedFaultsLookLikeSalesforcesFailures() {
        start(c -> c);
        fake.faults()
                .next(Fault.serverError(503))
                .next(Fault.serverError(500))
                .next(Fault.throttle())
                .next(Fault.silentNoOp())
                .next(Fault.emptyBody(true))
                .next(Fault.malformedBody(false));
        FakeClient.Answer unavailable = client.json("PATCH", UPSERT, contacts(1));
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.json().get(0).path("errorCode").asText()).isEqualTo("SERVER_UNAVAILABLE");
        assertThat(unavailable.header("Sforce-Limit-Info")).isEqualTo("api-usage=1/100000");
        assertThat(client.json("PATCH", UPSERT, contacts(1))
                        .json()
                        .get(0)
                        .path("errorCode")
                        .asText())
                .isEqualTo("UNKNOWN_EXCEPTION");
        FakeClient.Answer throttled = client.json("PATCH", UPSERT, contacts(1));
        assertThat(throttled.status()).isEqualTo(403);
        assertThat(throttled.json().get(0).path("errorCode").asText()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(client.json("PATCH", UPSERT, contacts(1)).body()).isEqualTo("[]");
        assertThat(fake.records("Contact")).isEmpty();
        assertThat(client.json("PATCH", UPSERT, contacts(1)).body()).isEmpty();
        assertThat(fake.records("Contact")).as("applied, acknowledgement lost").hasSize(1);
        assertThat(client.json("PATCH", UPSERT, contacts(2)).body()).doesNotEndWith("]");
        assertThat(fake.records("Contact")).hasSize(1);
        assertThat(fake.apiUsage()).isEqualTo(6);
    }
}
