package dev.masync.connector.salesforce;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.RedactingLogInterceptor;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.MembershipTarget;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.testing.CountingBudget;
import dev.masync.testing.receiver.ManualClock;
import dev.masync.testing.vendor.SalesforceFake;
import dev.masync.testing.vendor.SalesforceFake.Field;
import dev.masync.testing.vendor.SalesforceFakeConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Confirmed records report the Salesforce id their answer names, as given (18 characters): the sObject Collections
 * result in input order and the Bulk API 2.0 {@code successfulResults} row's {@code sf__Id}; refused records and
 * leavers report none.
 */
class SalesforceRecordIdsTest {
    static final String CLIENT = "fake-consumer-key";
    static final String SECRET = "fake-consumer-secret-9f8e7d";
    static final String USER = "integration@example.test";
    static final String EXT = "Learner_Id__c";

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));
    SalesforceFake fake;
    SalesforceConnector connector;
    final Map<String, String> settings = new LinkedHashMap<>();

    void start(boolean reverseBulkResults) {
        fake = SalesforceFake.start(
                SalesforceFakeConfig.defaults().withReverseBulkResults(reverseBulkResults), clock, d -> {});
        fake.addField("Contact", Field.externalId(EXT, 64));
        fake.addField("Contact", Field.checkbox("In_Segment__c"));
        fake.addField("Contact", Field.text("Track__c", 20));
        fake.registerApp(CLIENT, SECRET, USER, Set.of(USER), null);
        connector = new SalesforceConnector(
                new OkHttpClient(),
                clock,
                new SalesforceConnector.Options(
                        new AddressPolicy(true, false),
                        Duration.ofSeconds(30),
                        1024 * 1024,
                        64L * 1024 * 1024,
                        new BulkIngest.Options(Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(10)),
                        clock::advance,
                        new RedactingLogInterceptor(line -> {}, true)));
        settings.putAll(Map.of(
                "instanceUrl", fake.url(), "loginUrl", fake.url(), "clientId", CLIENT, "clientSecret", "env:SF"));
    }

    @AfterEach
    void close() {
        if (fake != null) fake.close();
    }

    BatchResult push(List<RecordChange> records, long runChanges, MembershipTarget membership) {
        Batch batch = new Batch("run-1-1", "math", records, Optional.ofNullable(membership)).withRun(EXT, runChanges);
        return connector.push(
                new DestinationContext(
                        "sf", settings, SecretResolver.fromEnvironment(Map.of("SF", SECRET)), new CountingBudget()),
                batch);
    }

    static RecordChange contact(String key, String lastName, String email) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("LastName", lastName);
        if (email != null) fields.put("Email", email);
        return RecordChange.upsert("learner-" + key, key, fields);
    }

    String idOf(String key) {
        return (String) fake.find("Contact", EXT, key).get("Id");
    }

    static Map<String, RecordOutcome> byKey(BatchResult result) {
        Map<String, RecordOutcome> m = new LinkedHashMap<>();
        result.outcomes().forEach(o -> m.put(o.destinationKey(), o));
        return m;
    }

    @Test
    void collectionsOutcomesCarryTheAnsweredIdTheSameOnUpdatesAndNoneWhenRefused() {
        start(false);
        Map<String, RecordOutcome> first = byKey(push(
                List.of(
                        contact("L-1", "Lovelace", "ada@example.com"),
                        contact("L-2", "Byron", "not-an-email"),
                        contact("L-3", "Somerville", null)),
                3,
                null));

        assertThat(first.get("L-1").recordId()).contains(idOf("L-1"));
        assertThat(first.get("L-3").recordId()).contains(idOf("L-3"));
        assertThat(idOf("L-1")).hasSize(18).isNotEqualTo(idOf("L-3"));
        assertThat(first.get("L-2").isConfirmed()).isFalse();
        assertThat(first.get("L-2").recordId()).isEmpty();

        // an upsert of an existing record (created=false) answers the id of its creation
        Map<String, RecordOutcome> again =
                byKey(push(List.of(contact("L-3", "Somerville, Mary", null), contact("L-1", "King", null)), 2, null));
        assertThat(again.get("L-1").recordId())
                .contains(first.get("L-1").recordId().orElseThrow());
        assertThat(again.get("L-3").recordId())
                .contains(first.get("L-3").recordId().orElseThrow());
        assertThat(fake.records("Contact")).hasSize(2);

        // update mode: found by a query, written by id, the answered id reported; a record not there gets none
        Map<String, RecordOutcome> updated = byKey(push(
                List.of(
                        RecordChange.update("learner-L-1", "L-1", Map.of("Track__c", "math")),
                        RecordChange.update("learner-L-9", "L-9", Map.of("Track__c", "math"))),
                2,
                null));
        assertThat(updated.get("L-1").recordId()).contains(idOf("L-1"));
        assertThat(updated.get("L-9").code()).isEqualTo("not_found");
        assertThat(updated.get("L-9").recordId()).isEmpty();

        // a leaver whose checkbox is cleared needs no id
        BatchResult left = push(
                List.of(RecordChange.remove("learner-L-1", "L-1")),
                1,
                new MembershipTarget(MembershipStyle.BOOLEAN, "In_Segment__c", null));
        assertThat(left.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.isConfirmed()).isTrue();
            assertThat(o.recordId()).isEmpty();
        });
        assertThat(fake.find("Contact", EXT, "L-1")).containsEntry("In_Segment__c", false);
    }

    @Test
    void bulkOutcomesCarryEachRowsSfIdMatchedByExternalIdNotRowOrder() {
        start(true); // result rows in reverse order
        settings.put("bulkThreshold", "201");
        List<RecordChange> records = new ArrayList<>();
        for (int i = 0; i < 250; i++) records.add(contact("L-" + i, "Name" + i, i == 7 ? "bad-email" : null));

        Map<String, RecordOutcome> first = byKey(push(records, 250, null));

        assertThat(fake.calls("POST", "/services/data/v62.0/jobs/ingest")).hasSize(1);
        assertThat(first.get("L-7").isConfirmed()).isFalse();
        assertThat(first.get("L-7").recordId()).isEmpty();
        for (int i = 0; i < 250; i++) {
            if (i == 7) continue;
            assertThat(first.get("L-" + i).recordId()).as("L-" + i).contains(idOf("L-" + i));
        }
        assertThat(first.values().stream().flatMap(o -> o.recordId().stream()).distinct())
                .hasSize(249)
                .allSatisfy(id -> assertThat(id).hasSize(18));

        // a second job over the same records updates them (sf__Created false): the same ids
        List<RecordChange> changed = new ArrayList<>();
        for (int i = 0; i < 250; i++) changed.add(contact("L-" + i, "Renamed" + i, null));
        Map<String, RecordOutcome> again = byKey(push(changed, 250, null));
        assertThat(fake.calls("POST", "/services/data/v62.0/jobs/ingest")).hasSize(2);
        for (int i = 0; i < 250; i++) {
            if (i == 7) continue;
            assertThat(again.get("L-" + i).recordId())
                    .as("L-" + i)
                    .isEqualTo(first.get("L-" + i).recordId());
        }
        assertThat(again.get("L-7").recordId()).contains(idOf("L-7")); // created now
        assertThat(fake.records("Contact")).hasSize(250);
    }
}
