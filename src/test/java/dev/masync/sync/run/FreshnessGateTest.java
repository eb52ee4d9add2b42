package dev.masync.sync.run;

import dev.masync.platform.MasyncConfig;
import dev.masync.sync.SyncDefinition;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** When a scheduled run of a sync with a freshness rule is skipped, and how freshness values are read as instants. */
class FreshnessGateTest {
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    static final Instant NOW = Instant.parse("2026-03-10T03:00:00Z"); // 12:00 in Tokyo

    final FreshnessGate gate = new FreshnessGate(null, masync(TOKYO), Clock.fixed(NOW, ZoneOffset.UTC));

    static MasyncConfig masync(ZoneId zone) {
        return (MasyncConfig) Proxy.newProxyInstance(
                MasyncConfig.class.getClassLoader(), new Class<?>[] {MasyncConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("timeZone")) {
                        return zone;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static SyncDefinition.Freshness rule(Duration maxAge) {
        return new SyncDefinition.Freshness("updated_at", Optional.ofNullable(maxAge));
    }

    @Test
    void newDataPassesAndIsReported() {
        FreshnessGate.Verdict v = gate.verdict(rule(null), "2026-03-10T01:00:00Z", "2026-03-09T01:00:00Z", true);
        assertThat(v.stale()).isFalse();
        assertThat(v.freshness()).isEqualTo("2026-03-10T01:00:00Z");
    }

    @Test
    void unchangedOrMissingDataIsStaleWithAReason() {
        assertThat(gate.verdict(rule(null), "2026-03-09", "2026-03-09", true).staleReason())
                .contains("is still 2026-03-09")
                .contains("has not been refreshed");
        assertThat(gate.verdict(rule(null), null, "2026-03-09", true).staleReason())
                .contains("has no updated_at yet");
    }

    @Test
    void dataOlderThanMaxAgeIsStale() {
        assertThat(gate.verdict(rule(Duration.ofHours(12)), "2026-03-09T12:00:00Z", null, true)
                        .staleReason())
                .contains("older than PT12H");
        assertThat(gate.verdict(rule(Duration.ofHours(12)), "2026-03-10T00:00:00Z", null, true)
                        .stale())
                .isFalse();
    }

    @Test
    void anUngatedRunIsNeverStaleButStillReadsFreshness() {
        FreshnessGate.Verdict v = gate.verdict(rule(Duration.ofHours(1)), "2020-01-01", "2020-01-01", false);
        assertThat(v.stale()).isFalse();
        assertThat(v.freshness()).isEqualTo("2020-01-01");
    }

    @Test
    void freshnessValuesAreReadAsInstantsLocalTimestampsOrTheEndOfADay() {
        assertThat(gate.instantOf("2026-03-10T01:00:00Z")).isEqualTo(Instant.parse("2026-03-10T01:00:00Z"));
        assertThat(gate.instantOf("2026-03-10T09:00:00")).isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
        assertThat(gate.instantOf("2026-03-09")).isEqualTo(Instant.parse("2026-03-09T15:00:00Z"));
        assertThat(gate.instantOf("42")).isNull();
    }
}
