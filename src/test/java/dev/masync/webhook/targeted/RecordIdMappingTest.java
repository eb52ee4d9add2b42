package dev.masync.webhook.targeted;

import dev.masync.connector.spi.RecordChange;
import dev.masync.sync.SyncApiTest;
import dev.masync.sync.run.TargetedRuns;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseConfig;
import dev.masync.warehouse.WarehouseProvider;
import dev.masync.webhook.InboundEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static dev.masync.webhook.targeted.TargetedSyncTest.post;
import static dev.masync.webhook.targeted.TargetedSyncTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events map to learners through the record ids the destination answered earlier pushes with, and through identity
 * values without regard to case: for an e-mail-keyed sync, a creation naming only the CRM's id re-syncs its learner,
 * a deletion naming only that id forgets the learner (state and id) so that the next run sends it in full, and an
 * address in another case maps. Through {@link RecordIdConnector}, a CRM that names its ids; same profile as
 * {@link TargetedSyncTest} (one application for both).
 */
@QuarkusTest
@TestProfile(TargetedSyncTest.Profile.class)
class RecordIdMappingTest {
    static final String SYNC = "streak_to_crmids";

    @Inject
    TargetedRuns runs;

    @Inject
    TargetedSyncConfig config;

    @Inject
    WarehouseProvider warehouses;

    @Inject
    WarehouseConfig warehouseConfig;

    @Inject
    RecordIdConnector crm;

    final InMemoryWebhookInbox inbox = new InMemoryWebhookInbox();
    final TargetedSyncTest.MovingClock clock = new TargetedSyncTest.MovingClock();
    int events;

    long event(InboundEvent.Kind kind, String objectId, Map<String, String> identities) {
        events++;
        return inbox.add(
                new InboundEvent(
                        "generic:crmids",
                        Optional.empty(),
                        "recid-" + events,
                        kind,
                        "contact",
                        Optional.ofNullable(objectId),
                        identities,
                        Optional.empty(),
                        Optional.empty(),
                        clock.instant().plusMillis(events),
                        "{}"),
                clock.instant());
    }

    /** Learner key and e-mail of members, skipping the first few (other tests of this application change those). */
    List<String[]> members(int skip, int n) {
        Warehouse w = warehouses.get();
        List<String[]> out = new ArrayList<>();
        int[] seen = {0};
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
                    // a lower-case address, so that the test's upper-case spelling differs from it
                    if (email.equals(email.toLowerCase(Locale.ROOT)) && seen[0]++ >= skip) {
                        out.add(new String[] {(String) row.values().get(0), email});
                    }
                    return out.size() < n;
                });
        return out;
    }

    void setStreak(String learnerKey, long streak) {
        LearnerRows.setStreak(warehouses.get(), warehouseConfig, learnerKey, streak);
    }

    long fullRun() throws InterruptedException {
        long id = post("/api/v1/syncs/" + SYNC + "/runs", "{}")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getLong("id");
        JsonPath run = SyncApiTest.awaitRun(id);
        assertThat(run.getString("status")).as(run.prettify()).isEqualTo("succeeded");
        return id;
    }

    @Test
    void objectIdsMapThroughRememberedRecordIdsAndIdentitiesWithoutRegardToCase() throws Exception {
        post("/api/v1/segments", """
                {"key": "recid_streakers", "name": "On a streak (record ids)",
                 "rule": {"attribute": "streak_days", "op": "gte", "value": 1}}""").then().statusCode(201);
        Response dest = post("/api/v1/destinations", """
                {"key": "crm_with_ids", "name": "CRM naming its ids", "type": "crmids", "settings": {}}""");
        assertThat(dest.statusCode()).as(dest.asString()).isEqualTo(201);
        Response sync = post("/api/v1/syncs", """
                {"key": "%s", "segment": "recid_streakers", "destination": "crm_with_ids",
                 "identity": {"attribute": "email", "field": "email", "kind": "email"},
                 "mapping": [{"source": "plan", "target": "plan_tier"}, {"source": "streak_days", "target": "streak"}],
                 "mode": "mirror", "guard": {"maxLeavePercent": 100, "maxChangePercent": 100}}""".formatted(SYNC));
        assertThat(sync.statusCode()).as(sync.asString()).isEqualTo(201);
        fullRun();
        crm.drainPushed();
        List<String[]> learners = members(10, 2);
        String[] a = learners.get(0);
        String[] b = learners.get(1);
        String idOfA = crm.held(a[1]).id();
        TargetedSyncProcessor processor = new TargetedSyncProcessor(inbox, runs, config, clock);

        // a creation naming only the CRM's id: the learner it was pushed as is evaluated and its change pushed
        setStreak(a[0], 601);
        long created = event(InboundEvent.Kind.CREATED, idOfA, Map.of());
        TargetedSyncProcessor.BatchReport report = processor.processDue();
        assertThat(inbox.get(created).outcome).startsWith("synced: " + SYNC);
        assertThat(report.learners()).isEqualTo(1);
        assertThat(run(report.runs().get(0)).getLong("counts.sent")).isEqualTo(1);
        assertThat(crm.held(a[1]).fields()).containsEntry("streak", 601L);
        crm.drainPushed();

        // an address in another case than the warehouse's maps to its learner
        setStreak(b[0], 602);
        long mixed = event(InboundEvent.Kind.CHANGED, "no-such-id", Map.of("email", b[1].toUpperCase(Locale.ROOT)));
        report = processor.processDue();
        assertThat(inbox.get(mixed).outcome).startsWith("synced: " + SYNC);
        assertThat(crm.held(b[1]).fields()).containsEntry("streak", 602L);
        crm.drainPushed();

        // deleted in the CRM, the event naming only its id: the learner's state and id are forgotten, nothing sent
        String deletedId = crm.delete(a[1]);
        long deleted = event(InboundEvent.Kind.DELETED, deletedId, Map.of());
        report = processor.processDue();
        assertThat(inbox.get(deleted).outcome).isEqualTo("deleted: " + SYNC + " forgot 1 learner");
        assertThat(crm.drainPushed()).isEmpty();
        long again = event(InboundEvent.Kind.DELETED, deletedId, Map.of());
        processor.processDue();
        assertThat(inbox.get(again).outcome).as("the id is forgotten too").isEqualTo("no learner");

        // the next run sends the learner in full, to a new record whose id now maps
        JsonPath next = run(fullRun());
        assertThat(next.getLong("counts.entered")).as(next.prettify()).isGreaterThanOrEqualTo(1);
        List<RecordChange> sent = crm.drainPushed().stream()
                .filter(c -> c.learnerKey().equals(a[0]))
                .toList();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).fields()).containsKeys("plan_tier", "streak");
        String newId = crm.held(a[1]).id();
        assertThat(newId).isNotEqualTo(deletedId);
        setStreak(a[0], 603);
        long recreated = event(InboundEvent.Kind.CREATED, newId, Map.of());
        processor.processDue();
        assertThat(inbox.get(recreated).outcome).startsWith("synced: " + SYNC);
        assertThat(crm.held(a[1]).fields()).containsEntry("streak", 603L);

        // b's record absorbed a's in the CRM: a is forgotten through its merged-away id, b (the survivor) evaluated
        long merged = event(InboundEvent.Kind.MERGED, crm.held(b[1]).id(), Map.of(EventMapping.MERGED_IDS, newId));
        report = processor.processDue();
        assertThat(inbox.get(merged).outcome)
                .startsWith("synced: " + SYNC)
                .endsWith("; deleted: " + SYNC + " forgot 1 learner");
        assertThat(report.learners()).isEqualTo(2);
        long stale = event(InboundEvent.Kind.DELETED, newId, Map.of());
        processor.processDue();
        assertThat(inbox.get(stale).outcome).isEqualTo("no learner");
    }
}
