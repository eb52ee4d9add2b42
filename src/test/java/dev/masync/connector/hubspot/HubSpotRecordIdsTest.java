package dev.masync.connector.hubspot;

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
import dev.masync.testing.vendor.HubSpotFake;
import dev.masync.testing.vendor.HubSpotFake.Property;
import dev.masync.testing.vendor.HubSpotFakeConfig;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Confirmed contacts report the record id HubSpot's answer names ({@code results[].id}), matched to their input by
 * key, never by position; rejected contacts and leavers report none.
 */
class HubSpotRecordIdsTest {
    static final OkHttpClient SHARED = new OkHttpClient();
    static final String TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00Z"));
    HubSpotFake fake;
    MockWebServer server;

    @AfterEach
    void stop() {
        if (fake != null) fake.close();
        if (server != null) server.close();
    }

    /** A fake answering results in reverse input order (HubSpot's order is unconfirmed). */
    void startFake() {
        fake = HubSpotFake.start(HubSpotFakeConfig.defaults().withReverseResults(true), clock, d -> {});
        fake.defineProperty(Property.string("plan_tier"));
        fake.defineProperty(Property.checkbox("is_champion"));
        fake.addPrivateAppToken(TOKEN, HubSpotFake.ALL_SCOPES);
    }

    HubSpotConnector connector() {
        return new HubSpotConnector(
                SHARED,
                clock,
                new HubSpotConnector.Options(
                        new AddressPolicy(true, false),
                        Duration.ofSeconds(10),
                        1024 * 1024,
                        10_000,
                        new RedactingLogInterceptor(line -> {}, true)));
    }

    DestinationContext context(String baseUrl) {
        Map<String, String> settings = Map.of("portalId", "4711", "token", "env:HS_TOKEN", "baseUrl", baseUrl);
        return new DestinationContext(
                "crm", settings, SecretResolver.fromEnvironment(Map.of("HS_TOKEN", TOKEN)), new CountingBudget());
    }

    static Batch batch(List<RecordChange> records, MembershipTarget membership) {
        return new Batch("b", "sync", records, Optional.ofNullable(membership), Optional.of("email"));
    }

    static RecordChange upsert(String email, String plan) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("plan_tier", plan);
        return RecordChange.upsert("L-" + email, email, fields);
    }

    static Map<String, RecordOutcome> byKey(BatchResult result) {
        Map<String, RecordOutcome> m = new LinkedHashMap<>();
        result.outcomes().forEach(o -> m.put(o.destinationKey(), o));
        return m;
    }

    @Test
    void confirmedContactsCarryTheirHubSpotIdTheSameOnLaterUpdatesAndRejectedOnesNone() {
        startFake();
        HubSpotConnector connector = connector();
        DestinationContext context = context(fake.url());
        Map<String, RecordOutcome> first = byKey(connector.push(
                context,
                batch(
                        List.of(
                                upsert("ada@example.com", "pro"),
                                upsert("not-an-email", "pro"),
                                upsert("bob@example.com", "basic")),
                        null)));

        String ada = fake.contactByEmail("ada@example.com").id();
        String bob = fake.contactByEmail("bob@example.com").id();
        assertThat(ada).isNotEqualTo(bob);
        assertThat(first.get("ada@example.com").recordId()).contains(ada);
        assertThat(first.get("bob@example.com").recordId()).contains(bob);
        assertThat(first.get("not-an-email").isConfirmed()).isFalse();
        assertThat(first.get("not-an-email").recordId()).isEmpty();

        // a later upsert of the same contact (an update at HubSpot) answers the id of its creation
        Map<String, RecordOutcome> again = byKey(connector.push(
                context, batch(List.of(upsert("bob@example.com", "pro"), upsert("cy@example.com", "pro")), null)));
        assertThat(again.get("bob@example.com").recordId()).contains(bob);
        assertThat(again.get("cy@example.com").recordId())
                .contains(fake.contactByEmail("cy@example.com").id())
                .isNotIn(Optional.of(ada), Optional.of(bob));
        assertThat(fake.contacts()).hasSize(3);

        // update mode, by a daemon that remembers nothing: looked up, written by id, the same id reported
        BatchResult updated = connector()
                .push(
                        context,
                        batch(
                                List.of(RecordChange.update("L-ada", "ada@example.com", Map.of("plan_tier", "team"))),
                                null));
        assertThat(updated.outcomes().get(0).recordId()).contains(ada);

        // a leaver whose membership field is cleared needs no id
        MembershipTarget champion = new MembershipTarget(MembershipStyle.BOOLEAN, "is_champion", null);
        BatchResult left =
                connector.push(context, batch(List.of(RecordChange.remove("L-ada", "ada@example.com")), champion));
        assertThat(left.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.isConfirmed()).isTrue();
            assertThat(o.recordId()).isEmpty();
        });
        assertThat(fake.contactByEmail("ada@example.com").property("is_champion"))
                .isEqualTo("false");
    }

    @Test
    void aResultThatDoesNotNameItsContactConfirmsByCountButGivesNoIdForNoPositionIsTrusted() throws Exception {
        server = new MockWebServer();
        server.start();
        // two results, neither echoing the e-mail: which id is whose is unknown
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body("{\"status\":\"COMPLETE\",\"results\":[{\"id\":\"7001\",\"properties\":{}},"
                        + "{\"id\":\"7002\",\"properties\":{}}]}")
                .build());
        String base = server.url("/").toString();
        BatchResult result = connector()
                .push(
                        context(base.substring(0, base.length() - 1)),
                        batch(List.of(upsert("ada@example.com", "pro"), upsert("bob@example.com", "pro")), null));
        assertThat(result.outcomes()).hasSize(2).allSatisfy(o -> {
            assertThat(o.isConfirmed()).isTrue();
            assertThat(o.recordId()).isEmpty();
        });
    }
}
