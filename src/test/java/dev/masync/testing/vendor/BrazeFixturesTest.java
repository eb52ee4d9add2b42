package dev.masync.testing.vendor;

import dev.masync.testing.receiver.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Braze fake answers the recorded requests of connectors/braze/fixtures exactly as recorded. */
class BrazeFixturesTest {
    private static final String KEY = "braze-test-key";
    private static final String TRACK = BrazeFake.TRACK;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T11:00:00.500Z"));
    private final Fixtures fixtures = new Fixtures("braze");
    private BrazeFake fake;
    private FakeClient client;

    @BeforeEach
    void start() {
        fake = BrazeFake.start(BrazeFakeConfig.defaults(), clock, d -> {});
        fake.addApiKey(KEY);
        client = new FakeClient(fake.url()).bearer(KEY);
    }

    @AfterEach
    void close() {
        fake.close();
    }

    private void assertRecorded(String name, FakeClient.Answer a) {
        fixtures.assertJson(name + ".json", a.body());
        fixtures.assertHead(name + ".head", a.status(), a::header);
    }

    @Test
    void aTrackIsAnsweredAsRecordedAndAddsTheSegmentKeyToTheArray() {
        assertRecorded("track.response", client.json("POST", TRACK, fixtures.text("track.request.json")));
        assertThat(fake.user("u-1001").attribute("segments")).isEqualTo(List.of("high_value"));
        assertThat(fake.user("u-1002").attribute("plan_tier")).isEqualTo("free");
    }

    @Test
    void aPartialTrackListsTheBadObjectByIndexAndAppliesTheOthers() {
        assertRecorded(
                "track-partial.response", client.json("POST", TRACK, fixtures.text("track-partial.request.json")));
        assertThat(fake.user("u-1002")).isNull();
        assertThat(fake.user("u-1003").attribute("plan_tier")).isEqualTo("team");
    }

    @Test
    void overTheRateTheAnswerIs429WithTheRateHeadersResetInEpochSeconds() {
        fake.reconfigure(c -> c.withRate(1, Duration.ofSeconds(3)));
        assertThat(client.json("POST", TRACK, fixtures.text("track.request.json"))
                        .status())
                .isEqualTo(201);
        assertRecorded("rate-limited.response", client.json("POST", TRACK, fixtures.text("track.request.json")));
    }

    @Test
    void maintenanceAnswers202QueuedWithoutSuccess() {
        fake.faults().next(Fault.silentNoOp());
        assertRecorded("queued.response", client.json("POST", TRACK, fixtures.text("track.request.json")));
        assertThat(fake.users()).isEmpty();
    }

    @Test
    void anUnknownKeyIs401() {
        FakeClient other = new FakeClient(fake.url()).bearer("not-a-key");
        assertRecorded("invalid-key.response", other.json("POST", TRACK, fixtures.text("track.request.json")));
        assertThat(fake.users()).isEmpty();
    }

    @Test
    void customAttributesAreListedAlphabeticallyWithTheirTypesAndPagedByLinkHeader() {
        client.json("POST", TRACK, fixtures.text("track.request.json"));
        fake.defineAttribute("legacy_score", "Number", "Blocklisted");
        FakeClient.Answer a = client.get(BrazeFake.CUSTOM_ATTRIBUTES);
        assertRecorded("custom-attributes.response", a);
        assertThat(a.header("link")).isNull();

        for (int i = 0; i < 60; i++) fake.defineAttribute("z_attr_" + (100 + i), "String", "Active");
        FakeClient.Answer first = client.get(BrazeFake.CUSTOM_ATTRIBUTES);
        assertThat(first.json().path("attributes").size()).isEqualTo(50);
        String next = first.header("link");
        assertThat(next)
                .startsWith("<" + fake.url(BrazeFake.CUSTOM_ATTRIBUTES) + "?cursor=")
                .endsWith(">; rel=\"next\"");
        FakeClient.Answer second =
                client.get(next.substring(next.indexOf(BrazeFake.CUSTOM_ATTRIBUTES), next.indexOf('>')));
        assertThat(second.json().path("attributes").size()).isEqualTo(14);
        assertThat(second.header("link")).isNull();
    }
}
