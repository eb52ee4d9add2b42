package dev.masync.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Events for inbox tests. Each test uses a source of its own and times far in the future, so that neither other
 * tests' events nor a claimer running on the real clock meet its events (and its claims never take theirs).
 */
final class InboxFixtures {
    static final Instant T0 = Instant.parse("2100-01-01T00:00:00Z");
    static final Duration LEASE = Duration.ofSeconds(60);

    private InboxFixtures() {}

    static String source() {
        return "generic:test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static InboundEvent event(String source, String dedupKey) {
        return new InboundEvent(
                source,
                Optional.of("portal-1"),
                dedupKey,
                InboundEvent.Kind.CHANGED,
                "contact",
                Optional.of("c-" + dedupKey),
                Map.of("email", dedupKey + "@example.com"),
                Optional.of("lifecyclestage"),
                Optional.of("customer"),
                T0.minusSeconds(5),
                "{\"eventId\":\"" + dedupKey + "\"}");
    }
}
