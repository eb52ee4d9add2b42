package dev.masync.webhook.targeted;

import dev.masync.sync.SyncApiTest;
import dev.masync.sync.run.RunEngine;
import dev.masync.sync.run.RunLeases;
import dev.masync.sync.run.RunTrigger;
import dev.masync.sync.run.TargetedRuns;
import dev.masync.testing.FreshTestData;
import dev.masync.testing.vendor.HubSpotFake;
import dev.masync.testing.vendor.HubSpotFake.Property;
import dev.masync.testing.vendor.HubSpotFakeResource;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseConfig;
import dev.masync.warehouse.WarehouseProvider;
import dev.masync.webhook.InboundEvent;
import dev.masync.webhook.WebhookInbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook events through the targeted sync to the HubSpot fake: a changed learner is pushed alone, an echo pushes
 * nothing, a deletion makes the next event send the record in full, and events of a sync whose lease a scheduled run
 * holds wait and are processed after it. The processor is built here with an in-memory inbox and a clock the test
 * moves; the warehouse is the demo's, changed with SQL.
 */
@QuarkusTest
@TestProfile(TargetedSyncTest.Profile.class)
class TargetedSyncTest {
    static final String ADMIN = "Bearer test-admin-key";
    static final Path DATA = Path.of("target/test-data-targeted");
    static final String SYNC = "streak_to_hubspot";
    static Path tokenFile;
    static final String PUBLIC_URL = "https://sync.example.com";
    static final String CLIENT_SECRET = "targeted-hubspot-client-secret";
    static final Path CLIENT_SECRET_FILE = secretFile();

    static Path secretFile() {
        try {
            Path f = Files.createTempFile(Path.of("/tmp"), "masync-targeted", ".secret");
            Files.writeString(f, CLIENT_SECRET);
            return f;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            FreshTestData.deleteTree(DATA);
            return Map.of(
                    "masync.data-dir",
                    "./" + DATA,
                    // the test drives the processor itself
                    "masync.webhooks.targeted.enabled",
                    "false",
                    "masync.webhooks.public-url",
                    PUBLIC_URL,
                    "masync.webhooks.hubspot.client-secret",
                    "file:" + CLIENT_SECRET_FILE);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(HubSpotFakeResource.class));
        }
    }

    /** A clock the test moves by hand. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Inject
    TargetedRuns runs;

    @Inject
    TargetedSyncConfig config;

    @Inject
    WarehouseProvider warehouses;

    @Inject
    WarehouseConfig warehouseConfig;

    @Inject
    RunLeases leases;

    @Inject
    WebhookInbox durable;

    final InMemoryWebhookInbox inbox = new InMemoryWebhookInbox();
    final MovingClock clock = new MovingClock();
    int events;

    @AfterAll
    static void removeToken() throws Exception {
        if (tokenFile != null) Files.deleteIfExists(tokenFile);
        Files.deleteIfExists(CLIENT_SECRET_FILE);
    }

    static Response post(String path, String json) {
        return given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(json)
                .post(path);
    }

    long event(InboundEvent.Kind kind, String email, String property, String value) {
        // record ids no sync knows
        return event(kind, String.valueOf(900_000 + events + 1), email, property, value);
    }

    long event(InboundEvent.Kind kind, String objectId, String email, String property, String value) {
        events++;
        Map<String, String> identities = email == null ? Map.of() : Map.of("email", email);
        return inbox.add(
                new InboundEvent(
                        "hubspot",
                        Optional.of("4711"),
                        "test-" + events,
                        kind,
                        "contact",
                        Optional.of(objectId),
                        identities,
                        Optional.ofNullable(property),
                        Optional.ofNullable(value),
                        clock.instant().plusMillis(events),
                        "{}"),
                clock.instant());
    }

    /** Learner key and e-mail of members with a well-formed address (HubSpot refuses the demo's malformed ones). */
    List<String[]> members(int n) {
        Warehouse w = warehouses.get();
        List<String[]> out = new ArrayList<>();
        w.query(
                new SqlBuilder(w.dialect())
                        .sql("SELECT CAST(")
                        .ident(warehouseConfig.learnerKey())
                        .sql(" AS VARCHAR), email FROM ")
                        .table(warehouseConfig.learnersTable())
                        .sql(" WHERE streak_days >= 1 AND email IS NOT NULL ORDER BY 1")
                        .build(),
                row -> {
                    String email = (String) row.values().get(1);
                    if (email.matches("[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+")) {
                        out.add(new String[] {(String) row.values().get(0), email});
                    }
                    return out.size() < n;
                });
        return out;
    }

    void setStreak(String learnerKey, long streak) {
        LearnerRows.setStreak(warehouses.get(), warehouseConfig, learnerKey, streak);
    }

    static JsonPath run(long id) {
        return given().header("Authorization", ADMIN)
                .get("/api/v1/runs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void eventsSyncTheirLearnersOnlyEchoesAndDeletionsAndWaitForARunningSync() throws Exception {
        HubSpotFake fake = HubSpotFakeResource.fake();
        fake.defineProperty(Property.string("plan_tier"));
        fake.defineProperty(Property.number("streak"));
        tokenFile = Files.createTempFile(Path.of("/tmp"), "masync-targeted", ".token");
        Files.writeString(tokenFile, HubSpotFakeResource.TOKEN + "\n");
        post("/api/v1/segments", """
                {"key": "targeted_streakers", "name": "On a streak",
                 "rule": {"attribute": "streak_days", "op": "gte", "value": 1}}""").then().statusCode(201);
        Response dest = post("/api/v1/destinations", """
                {"key": "hubspot_targeted", "name": "HubSpot", "type": "hubspot",
                 "settings": {"portalId": "4711", "token": "file:%s", "baseUrl": "%s"}}""".formatted(tokenFile, fake.url()));
        assertThat(dest.statusCode()).as(dest.asString()).isEqualTo(201);
        Response sync = post("/api/v1/syncs", """
                {"key": "%s", "segment": "targeted_streakers", "destination": "hubspot_targeted",
                 "identity": {"attribute": "email", "field": "email", "kind": "email"},
                 "mapping": [{"source": "plan", "target": "plan_tier"}, {"source": "streak_days", "target": "streak"}],
                 "mode": "mirror", "guard": {"maxLeavePercent": 100, "maxChangePercent": 100}}""".formatted(SYNC));
        assertThat(sync.statusCode()).as(sync.asString()).isEqualTo(201);
        long full = post("/api/v1/syncs/" + SYNC + "/runs", "{}")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getLong("id");
        assertThat(SyncApiTest.awaitRun(full).getLong("counts.confirmed")).isPositive();

        TargetedSyncProcessor processor = new TargetedSyncProcessor(inbox, runs, config, clock);
        assertThat(processor.processDue().claimed()).as("nothing due").isZero();
        List<String[]> learners = members(2);
        String[] a = learners.get(0);
        String[] b = learners.get(1);

        // a learner changed: only that learner is pushed (b changed too, but no event names it)
        setStreak(a[0], 501);
        setStreak(b[0], 502);
        long changed = event(InboundEvent.Kind.CHANGED, a[1], "plan_tier", "whatever the CRM says");
        long stranger = event(InboundEvent.Kind.CHANGED, "nobody@nowhere.test", "plan_tier", "x");
        TargetedSyncProcessor.BatchReport report = processor.processDue();
        assertThat(report.claimed()).isEqualTo(2);
        assertThat(report.runs()).hasSize(1);
        JsonPath targeted = run(report.runs().get(0));
        assertThat(targeted.getString("trigger")).isEqualTo("webhook");
        assertThat(targeted.getString("status")).as(targeted.prettify()).isEqualTo("succeeded");
        assertThat(targeted.getLong("counts.sent")).isEqualTo(1);
        assertThat(targeted.getLong("counts.changed")).isEqualTo(1);
        assertThat(targeted.getList("events.ids", Long.class)).containsExactly(changed);
        assertThat(fake.contactByEmail(a[1]).property("streak")).isEqualTo("501");
        assertThat(fake.contactByEmail(b[1]).property("streak")).isNotEqualTo("502");
        assertThat(inbox.get(changed).outcome)
                .startsWith("synced: " + SYNC + " run " + report.runs().get(0));
        assertThat(inbox.get(stranger).outcome).isEqualTo("no learner");

        // an echo of what we sent: no run, nothing pushed
        int calls = fake.calls().size();
        long echo = event(InboundEvent.Kind.CHANGED, a[1], "streak", "501");
        report = processor.processDue();
        assertThat(report.runs()).isEmpty();
        assertThat(inbox.get(echo).outcome).isEqualTo("echo");
        assertThat(fake.calls()).hasSize(calls);
        // the same property with another value is no echo: the learner is evaluated (and has nothing new)
        long notEcho = event(InboundEvent.Kind.CHANGED, a[1], "streak", "7");
        report = processor.processDue();
        assertThat(report.runs()).hasSize(1);
        assertThat(run(report.runs().get(0)).getLong("counts.sent")).isZero();
        assertThat(inbox.get(notEcho).outcome).startsWith("synced:");

        // a deletion forgets the learner: nothing is sent now, the next event sends the record in full
        long deleted = event(InboundEvent.Kind.DELETED, a[1], null, null);
        report = processor.processDue();
        assertThat(inbox.get(deleted).outcome).isEqualTo("deleted: " + SYNC + " forgot 1 learner");
        assertThat(run(report.runs().get(0)).getLong("counts.sent")).isZero();
        long created = event(InboundEvent.Kind.CREATED, a[1], null, null);
        report = processor.processDue();
        JsonPath recreated = run(report.runs().get(0));
        assertThat(recreated.getLong("counts.entered")).as(recreated.prettify()).isEqualTo(1);
        assertThat(recreated.getLong("counts.sent")).isEqualTo(1);
        assertThat(inbox.get(created).outcome).startsWith("synced:");

        // HubSpot's deletion names only the contact id: the id HubSpot answered our push with maps it to the learner
        String contactId = fake.contactByEmail(a[1]).id();
        long deletedById = event(InboundEvent.Kind.DELETED, contactId, null, null, null);
        processor.processDue();
        assertThat(inbox.get(deletedById).outcome).isEqualTo("deleted: " + SYNC + " forgot 1 learner");
        long deletedAgain = event(InboundEvent.Kind.DELETED, contactId, null, null, null);
        processor.processDue();
        assertThat(inbox.get(deletedAgain).outcome)
                .as("the id went with the state")
                .isEqualTo("no learner");
        long recreated2 = event(InboundEvent.Kind.CREATED, a[1], null, null);
        report = processor.processDue();
        assertThat(run(report.runs().get(0)).getLong("counts.sent")).isEqualTo(1);
        assertThat(inbox.get(recreated2).outcome).startsWith("synced:");

        // a scheduled run holds the sync's lease: the event waits, and is processed once the run ended
        setStreak(b[0], 503);
        var scheduled = leases.claim(SYNC, RunTrigger.SCHEDULE, RunEngine.Options.NORMAL, "schedule");
        assertThat(scheduled).isNotNull();
        long waiting = event(InboundEvent.Kind.CHANGED, b[1], "plan_tier", "x");
        report = processor.processDue();
        assertThat(report.waiting()).isEqualTo(1);
        assertThat(report.runs()).isEmpty();
        assertThat(inbox.get(waiting).outcome).isNull();
        assertThat(processor.processDue().claimed()).as("still claimed").isZero();
        QuarkusTransaction.requiringNew().run(() -> {
            leases.release(SYNC);
            dev.masync.sync.run.SyncRunEntity.update(
                    "status = 'succeeded', finishedAt = ?1 where id = ?2", Instant.now(), scheduled.id);
        });
        clock.now = clock.now.plus(config.claimFor()).plus(Duration.ofSeconds(1));
        report = processor.processDue();
        assertThat(report.processed()).isEqualTo(1);
        assertThat(run(report.runs().get(0)).getLong("counts.sent")).isEqualTo(1);
        assertThat(fake.contactByEmail(b[1]).property("streak")).isEqualTo("503");
        assertThat(inbox.get(waiting).outcome).startsWith("synced:");

        // through the front door: a delivery signed as HubSpot signs it, stored in the durable inbox, processed
        setStreak(b[0], 504);
        long occurred = System.currentTimeMillis();
        String body = """
                [{"eventId": 77001, "subscriptionId": 9100, "portalId": 4711, "appId": 1, "occurredAt": %d,
                  "subscriptionType": "contact.propertyChange", "attemptNumber": 0, "objectId": 987654,
                  "changeSource": "CRM_UI", "propertyName": "email", "propertyValue": "%s"}]""".formatted(occurred, b[1]);
        String timestamp = Long.toString(System.currentTimeMillis());
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(
                CLIENT_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = java.util.Base64.getEncoder()
                .encodeToString(mac.doFinal(("POST" + PUBLIC_URL + "/webhooks/hubspot" + body + timestamp)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        for (int delivery = 0; delivery < 2; delivery++) { // HubSpot retries: the second delivery is a duplicate
            given().contentType("application/json")
                    .header("X-HubSpot-Signature-v3", signature)
                    .header("X-HubSpot-Request-Timestamp", timestamp)
                    .body(body)
                    .post("/webhooks/hubspot")
                    .then()
                    .statusCode(200);
        }
        report = new TargetedSyncProcessor(durable, runs, config, Clock.systemUTC()).processDue();
        assertThat(report.claimed()).as("one event stored once").isEqualTo(1);
        assertThat(report.processed()).isEqualTo(1);
        JsonPath frontDoor = run(report.runs().get(0));
        assertThat(frontDoor.getString("trigger")).isEqualTo("webhook");
        assertThat(frontDoor.getLong("counts.sent")).as(frontDoor.prettify()).isEqualTo(1);
        assertThat(fake.contactByEmail(b[1]).property("streak")).isEqualTo("504");
        long eventId = report.runs().isEmpty()
                ? -1
                : frontDoor.getList("events.ids", Long.class).get(0);
        JsonPath stored = given().header("Authorization", ADMIN)
                .get("/api/v1/webhooks/events/" + eventId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(stored.getString("status")).isEqualTo("processed");
        assertThat(stored.getString("outcome")).startsWith("synced: " + SYNC);
    }
}
