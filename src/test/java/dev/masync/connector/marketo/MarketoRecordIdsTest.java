package dev.masync.connector.marketo;

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
import dev.masync.testing.vendor.MarketoFake;
import dev.masync.testing.vendor.MarketoFakeConfig;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Confirmed leads report the lead id of their {@code result[]} entry (input order, {@code seq}), the same on every
 * later update of the lead; skipped leads and leavers report none.
 */
class MarketoRecordIdsTest {
    static final String CLIENT = "mkto-client-id";
    static final String SECRET = "mkto-secret-7c6b5a";

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));
    MarketoFake fake;
    MarketoConnector connector;

    void start() {
        fake = MarketoFake.start(MarketoFakeConfig.defaults(), clock, d -> {});
        fake.addField(MarketoFake.Field.string("planTier"));
        fake.addField(MarketoFake.Field.bool("inMathSlipping"));
        fake.registerClient(CLIENT, SECRET);
        connector = new MarketoConnector(
                new OkHttpClient(),
                clock,
                new MarketoConnector.Options(
                        new AddressPolicy(true, false),
                        Duration.ofSeconds(30),
                        1024 * 1024,
                        new RedactingLogInterceptor(line -> {}, true)));
    }

    @AfterEach
    void close() {
        if (fake != null) fake.close();
    }

    BatchResult push(List<RecordChange> records, MembershipTarget membership) {
        Batch batch =
                new Batch("run-1-1", "math", records, Optional.ofNullable(membership)).withRun("email", records.size());
        Map<String, String> settings =
                Map.of("baseUrl", fake.url(), "clientId", "env:MKTO_ID", "clientSecret", "env:MKTO_SECRET");
        return connector.push(
                new DestinationContext(
                        "mkto",
                        settings,
                        SecretResolver.fromEnvironment(Map.of("MKTO_ID", CLIENT, "MKTO_SECRET", SECRET)),
                        new CountingBudget()),
                batch);
    }

    static RecordChange lead(String email, String plan) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("planTier", plan);
        return RecordChange.upsert("learner-" + email, email, fields);
    }

    String idOf(String email) {
        return String.valueOf(fake.find("email", email).get(0).get("id"));
    }

    static Map<String, RecordOutcome> byKey(BatchResult result) {
        Map<String, RecordOutcome> m = new LinkedHashMap<>();
        result.outcomes().forEach(o -> m.put(o.destinationKey(), o));
        return m;
    }

    @Test
    void confirmedLeadsCarryTheirLeadIdTheSameOnLaterUpdatesAndSkippedOnesNone() {
        start();
        Map<String, RecordOutcome> first = byKey(push(
                List.of(
                        lead("ada@example.test", "pro"),
                        RecordChange.upsert("l-x", "x@example.test", Map.of("churnRisk", "high")),
                        lead("bob@example.test", "free")),
                null));

        assertThat(first.get("ada@example.test").recordId()).contains(idOf("ada@example.test"));
        assertThat(first.get("bob@example.test").recordId()).contains(idOf("bob@example.test"));
        assertThat(idOf("ada@example.test")).isNotEqualTo(idOf("bob@example.test"));
        assertThat(first.get("x@example.test").isConfirmed()).isFalse();
        assertThat(first.get("x@example.test").recordId()).isEmpty();

        // createOrUpdate of an existing lead (status updated) answers the id of its creation
        Map<String, RecordOutcome> again =
                byKey(push(List.of(lead("bob@example.test", "team"), lead("ada@example.test", "team")), null));
        assertThat(again.get("ada@example.test").recordId())
                .isEqualTo(first.get("ada@example.test").recordId());
        assertThat(again.get("bob@example.test").recordId())
                .isEqualTo(first.get("bob@example.test").recordId());
        assertThat(fake.leads()).hasSize(2);

        // updateOnly: the same id; a lead not there is not found and has none
        Map<String, RecordOutcome> updated = byKey(push(
                List.of(
                        RecordChange.update("learner-ada", "ada@example.test", Map.of("planTier", "pro")),
                        RecordChange.update("learner-new", "new@example.test", Map.of("planTier", "pro"))),
                null));
        assertThat(updated.get("ada@example.test").recordId())
                .isEqualTo(first.get("ada@example.test").recordId());
        assertThat(updated.get("new@example.test").code()).isEqualTo("not_found");
        assertThat(updated.get("new@example.test").recordId()).isEmpty();

        // a leaver whose boolean is cleared needs no id
        BatchResult left = push(
                List.of(RecordChange.remove("learner-ada", "ada@example.test")),
                new MembershipTarget(MembershipStyle.BOOLEAN, "inMathSlipping", null));
        assertThat(left.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.isConfirmed()).isTrue();
            assertThat(o.recordId()).isEmpty();
        });
        assertThat(fake.find("email", "ada@example.test").get(0)).containsEntry("inMathSlipping", false);
    }

    @Test
    void leadsWrittenInSeveralCallsEachCarryTheirOwnId() {
        start();
        List<RecordChange> records = new ArrayList<>();
        for (int i = 0; i < 650; i++) records.add(lead("l" + i + "@example.test", "pro")); // three calls
        Map<String, RecordOutcome> out = byKey(push(records, null));
        assertThat(fake.calls("POST", "/rest/v1/leads.json")).hasSize(3);
        for (int i = 0; i < 650; i++) {
            String email = "l" + i + "@example.test";
            assertThat(out.get(email).recordId()).as(email).contains(idOf(email));
        }
    }
}
