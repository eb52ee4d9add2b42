package dev.masync.testing.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.testing.receiver.ManualClock;
import dev.masync.testing.receiver.Sleeper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The fakes' counters and control endpoints (what the CRM benchmark reads), and their indexed key lookups. */
class FakeStatsTest {
    private static final String TOKEN = "stats-token";
    private static final String UPSERT = "/crm/v3/objects/contacts/batch/upsert";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));

    private static String upsert(int from, int count) {
        StringBuilder b = new StringBuilder("{\"inputs\": [");
        for (int i = from; i < from + count; i++) {
            if (i > from) b.append(',');
            b.append("{\"idProperty\": \"email\", \"id\": \"u")
                    .append(i)
                    .append("@example.com\", \"properties\": {")
                    .append("\"email\": \"u")
                    .append(i)
                    .append("@example.com\", \"firstname\": \"n")
                    .append(i)
                    .append("\"}}");
        }
        return b.append("]}").toString();
    }

    @Test
    void hubSpotCountsRequestsRecordsThrottlesAndAskedWaits() {
        try (HubSpotFake fake = HubSpotFake.start(
                HubSpotFakeConfig.defaults()
                        .withBurst(3, Duration.ofSeconds(10))
                        .withRetryAfter(2),
                clock,
                Sleeper.REAL)) {
            fake.addPrivateAppToken(TOKEN, HubSpotFake.ALL_SCOPES);
            FakeClient client = new FakeClient(fake.url()).bearer(TOKEN);
            assertEquals(200, client.json("POST", UPSERT, upsert(0, 100)).status());
            clock.advance(Duration.ofSeconds(1));
            assertEquals(200, client.json("POST", UPSERT, upsert(50, 100)).status()); // 50 updated, 50 new
            assertEquals(200, client.json("POST", UPSERT, upsert(150, 10)).status());
            assertEquals(429, client.json("POST", UPSERT, upsert(160, 10)).status()); // the window is full
            clock.advance(Duration.ofSeconds(1)); // within the first wait: the union counts 3 s, not 4 s
            assertEquals(429, client.json("POST", UPSERT, upsert(160, 10)).status());

            JsonNode s =
                    new FakeClient(fake.url()).get("/__fake/stats?window=10000").json();
            assertEquals(5, s.path("requests").asLong());
            assertEquals(3, s.path("ok").asLong());
            assertEquals(210, s.path("records").asLong());
            assertEquals(2, s.path("throttles").asLong());
            assertEquals(3, s.path("maxAdmittedInWindow").asLong());
            assertEquals(3000, s.path("askedWaitMs").asLong());
            assertEquals(160, s.path("held").path("contacts").asLong());
            assertEquals(160, fake.contacts().size());
            assertNotNull(fake.contactByEmail("u149@example.com"));
            assertEquals("n149", fake.contactByEmail("u149@example.com").property("firstname"));

            assertEquals(
                    204,
                    new FakeClient(fake.url())
                            .send("POST", "/__fake/reset", null, null)
                            .status());
            assertEquals(
                    0,
                    new FakeClient(fake.url())
                            .get("/__fake/stats")
                            .json()
                            .path("requests")
                            .asLong());
        }
    }

    @Test
    void scheduledBurstAndServerErrorRateComeFromTheFaultsEndpoint() {
        try (HubSpotFake fake = HubSpotFake.start(HubSpotFakeConfig.defaults(), clock, Sleeper.REAL)) {
            fake.addPrivateAppToken(TOKEN, HubSpotFake.ALL_SCOPES);
            FakeClient control = new FakeClient(fake.url());
            assertEquals(
                    204,
                    control.json("POST", "/__fake/faults", "{\"burst\": 2, \"burstAt\": 3}")
                            .status());
            FakeClient client = new FakeClient(fake.url()).bearer(TOKEN);
            int[] statuses = new int[5];
            for (int i = 0; i < 5; i++)
                statuses[i] = client.json("POST", UPSERT, upsert(i, 1)).status();
            assertEquals("[200, 200, 429, 429, 200]", java.util.Arrays.toString(statuses));
            JsonNode s = control.get("/__fake/stats").json();
            assertEquals(2, s.path("injectedThrottles").asLong());
            assertEquals(3, s.path("records").asLong());

            control.json("POST", "/__fake/faults", "{\"serverErrorRate\": 1.0, \"serverErrorStatus\": 502}");
            assertEquals(502, client.json("POST", UPSERT, upsert(9, 1)).status());
            assertEquals(
                    1, control.get("/__fake/stats").json().path("serverErrors").asLong());
        }
    }

    @Test
    void salesforceBulkJobsTakeTheirRowsAtTheConfiguredRate() {
        try (SalesforceFake fake = SalesforceFake.start(
                SalesforceFakeConfig.defaults().withBulkTiming(Duration.ZERO, Duration.ofSeconds(1)),
                clock,
                Sleeper.REAL)) {
            fake.defineSObject("Contact", "003", SalesforceFake.Field.externalId("Key__c", 40));
            fake.bulkRowsPerSecond(2);
            FakeClient client = new FakeClient(fake.url()).bearer(fake.issueSession("bench"));
            String jobs = "/services/data/v62.0/jobs/ingest";
            String id = client.json(
                            "POST",
                            jobs,
                            "{\"object\": \"Contact\", \"operation\": \"upsert\", \"externalIdFieldName\": \"Key__c\","
                                    + " \"contentType\": \"CSV\"}")
                    .json()
                    .path("id")
                    .asText();
            assertEquals(
                    201,
                    client.send(
                                    "PUT",
                                    jobs + "/" + id + "/batches",
                                    "text/csv",
                                    "Key__c,LastName\nA,a\nB,b\nC,c\nD,d\n")
                            .status());
            assertEquals(
                    200,
                    client.json("PATCH", jobs + "/" + id, "{\"state\": \"UploadComplete\"}")
                            .status());
            clock.advance(Duration.ofMillis(2900)); // 1 s plus 4 rows at 2 per second: done at 3 s
            assertEquals("InProgress", fake.jobState(id));
            clock.advance(Duration.ofMillis(100));
            assertEquals("JobComplete", fake.jobState(id));
            assertEquals(
                    4,
                    new FakeClient(fake.url())
                            .get("/__fake/stats")
                            .json()
                            .path("records")
                            .asLong());
        }
    }

    @Test
    void salesforceUpsertsFindRecordsByExternalIdIgnoringCase() {
        try (SalesforceFake fake = SalesforceFake.start(SalesforceFakeConfig.defaults(), clock, Sleeper.REAL)) {
            fake.defineSObject("Contact", "003", SalesforceFake.Field.externalId("Key__c", 40));
            String session = fake.issueSession("bench");
            FakeClient client = new FakeClient(fake.url()).bearer(session);
            String path = "/services/data/v62.0/composite/sobjects/Contact/Key__c";
            String body = "{\"allOrNone\": false, \"records\": ["
                    + "{\"attributes\": {\"type\": \"Contact\"}, \"Key__c\": \"K-1\", \"LastName\": \"One\"},"
                    + "{\"attributes\": {\"type\": \"Contact\"}, \"Key__c\": \"K-2\", \"LastName\": \"Two\"}]}";
            assertEquals(200, client.json("PATCH", path, body).status());
            String again = "{\"allOrNone\": false, \"records\": ["
                    + "{\"attributes\": {\"type\": \"Contact\"}, \"Key__c\": \"k-1\", \"LastName\": \"Uno\"}]}";
            JsonNode r = client.json("PATCH", path, again).json();
            assertEquals(false, r.get(0).path("created").asBoolean());
            Map<String, Map<String, Object>> held = fake.records("Contact");
            assertEquals(2, held.size());
            assertEquals(
                    1,
                    held.values().stream()
                            .filter(f -> "Uno".equals(f.get("LastName")))
                            .count());
            JsonNode s = new FakeClient(fake.url()).get("/__fake/stats").json();
            assertEquals(3, s.path("records").asLong());
            assertEquals(2, s.path("held").path("Contact").asLong());
        }
    }
}
