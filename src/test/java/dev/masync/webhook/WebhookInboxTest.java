package dev.masync.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static dev.masync.webhook.InboxFixtures.LEASE;
import static dev.masync.webhook.InboxFixtures.T0;
import static dev.masync.webhook.InboxFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The inbox in the control DB: dedup, exclusive claims, leases, back-off, quarantine, retention. */
@QuarkusTest
class WebhookInboxTest {
    @Inject
    JdbcWebhookInbox inbox;

    @Inject
    InboxEvents events;

    @Inject
    InboxGauges gauges;

    @Inject
    InboxRetention retention;

    @Inject
    InboxConfig config;

    @Inject
    MeterRegistry meters;

    private double counter(String name, String source) {
        var c = meters.find(name).tag("source", source).counter();
        return c == null ? 0 : c.count();
    }

    private List<WebhookInbox.InboxEvent> claim(String source, Instant now) {
        return inbox.claim(100, now, LEASE, source);
    }

    private InboxEvents.EventDetail stored(long id) {
        return events.find(id).orElseThrow();
    }

    @Test
    void storesEachEventOnceAndCountsDuplicatesIncludingOnesInsideOneDelivery() {
        String source = InboxFixtures.source();
        WebhookInbox.Accepted first =
                inbox.accept(List.of(event(source, "a"), event(source, "b"), event(source, "a")), T0);
        WebhookInbox.Accepted second = inbox.accept(List.of(event(source, "a"), event(source, "c")), T0);
        String other = InboxFixtures.source();
        WebhookInbox.Accepted sameKeyOtherSource = inbox.accept(List.of(event(other, "a")), T0);

        assertThat(first).isEqualTo(new WebhookInbox.Accepted(2, 1));
        assertThat(second).isEqualTo(new WebhookInbox.Accepted(1, 1));
        assertThat(sameKeyOtherSource).as("keys are unique per source").isEqualTo(new WebhookInbox.Accepted(1, 0));
        assertThat(events.list(null, source, null, 100))
                .extracting(InboxEvents.EventSummary::objectId)
                .containsExactly("c-c", "c-b", "c-a");
        assertThat(counter("masync.webhooks.accepted", source)).isEqualTo(3);
        assertThat(counter("masync.webhooks.duplicates", source)).isEqualTo(2);
        assertThat(inbox.accept(List.of(), T0)).isEqualTo(new WebhookInbox.Accepted(0, 0));
    }

    @Test
    void aDeliveryWithAValueTooLongForItsColumnStoresNothing() {
        String source = InboxFixtures.source();
        InboundEvent ok = event(source, "fine");
        InboundEvent tooLong = new InboundEvent(
                source,
                Optional.empty(),
                "long",
                InboundEvent.Kind.CREATED,
                "contact",
                Optional.of("9".repeat(1001)),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                T0,
                "{}");

        assertThatThrownBy(() -> inbox.accept(List.of(ok, tooLong), T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("objectId");
        assertThat(events.list(null, source, null, 10)).isEmpty();
        assertThat(inbox.accept(List.of(ok), T0)).isEqualTo(new WebhookInbox.Accepted(1, 0));
    }

    @Test
    void anEventReadsBackAsItWasAccepted() {
        String source = InboxFixtures.source();
        InboundEvent sent = new InboundEvent(
                source,
                Optional.empty(),
                "k\u0000nul",
                InboundEvent.Kind.MERGED,
                "Contact",
                Optional.empty(),
                Map.of("mergedIds", "1,2", "email", "x@example.com"),
                Optional.empty(),
                Optional.empty(),
                Instant.parse("2025-05-05T01:02:03.123456Z"),
                "<n/>");
        inbox.accept(List.of(sent), T0);

        WebhookInbox.InboxEvent got = claim(source, T0).get(0);

        assertThat(got.event())
                .as("NUL, which PostgreSQL refuses, is replaced")
                .isEqualTo(new InboundEvent(
                        source,
                        Optional.empty(),
                        "k\uFFFDnul",
                        InboundEvent.Kind.MERGED,
                        "Contact",
                        Optional.empty(),
                        sent.identities(),
                        Optional.empty(),
                        Optional.empty(),
                        sent.occurredAt(),
                        "<n/>"));
        assertThat(got.receivedAt()).isEqualTo(T0);
        assertThat(got.attempts()).isEqualTo(1);
    }

    @Test
    void concurrentDeliveriesOfOneEventStoreItOnceAndNoneFails() throws Exception {
        String source = InboxFixtures.source();
        List<InboundEvent> delivery =
                IntStream.range(0, 5).mapToObj(i -> event(source, "k" + i)).toList();
        int senders = 6;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<WebhookInbox.Accepted>> results = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return inbox.accept(delivery, T0);
                }));
            }
            start.countDown();
            int stored = 0;
            int duplicates = 0;
            for (Future<WebhookInbox.Accepted> r : results) {
                stored += r.get().stored();
                duplicates += r.get().duplicates();
            }
            assertThat(stored).isEqualTo(5);
            assertThat(duplicates).isEqualTo(5 * (senders - 1));
            assertThat(events.list(null, source, null, 100)).hasSize(5);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoClaimersNeverGetTheSameEvent() throws Exception {
        String source = InboxFixtures.source();
        inbox.accept(
                IntStream.range(0, 40).mapToObj(i -> event(source, "e" + i)).toList(), T0);
        CountDownLatch start = new CountDownLatch(1);
        Callable<List<Long>> claimer = () -> {
            start.await();
            List<Long> mine = new ArrayList<>();
            while (true) {
                List<WebhookInbox.InboxEvent> got = inbox.claim(3, T0, LEASE, source);
                if (got.isEmpty()) return mine;
                got.forEach(e -> mine.add(e.id()));
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Long>> a = pool.submit(claimer);
            Future<List<Long>> b = pool.submit(claimer);
            start.countDown();
            List<Long> all = new ArrayList<>(a.get());
            all.addAll(b.get());
            assertThat(all).hasSize(40).doesNotHaveDuplicates();
            assertThat(Collections.disjoint(a.get(), b.get())).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(events.list(InboxRows.PROCESSING, source, null, 100)).hasSize(40);
    }

    @Test
    void claimsTakeTheOldestFirstAndAtMostMax() {
        String source = InboxFixtures.source();
        inbox.accept(List.of(event(source, "1"), event(source, "2"), event(source, "3")), T0);
        List<WebhookInbox.InboxEvent> got = inbox.claim(2, T0, LEASE, source);
        assertThat(got).extracting(e -> e.event().dedupKey()).containsExactly("1", "2");
        assertThat(inbox.claim(0, T0, LEASE, source)).isEmpty();
        assertThat(claim(source, T0.minusSeconds(1)))
                .as("not received yet at that time")
                .isEmpty();
    }

    @Test
    void anEventWhoseLeaseEndedIsDueAgain() {
        String source = InboxFixtures.source();
        inbox.accept(List.of(event(source, "x")), T0);
        long id = claim(source, T0).get(0).id();

        assertThat(claim(source, T0.plusSeconds(59))).as("still leased").isEmpty();
        List<WebhookInbox.InboxEvent> again = claim(source, T0.plus(LEASE).plusMillis(1));

        assertThat(again).extracting(WebhookInbox.InboxEvent::id).containsExactly(id);
        assertThat(again.get(0).attempts()).isEqualTo(2);
    }

    @Test
    void aPostponedEventIsDueAtItsTimeAndWaitingCostsNoAttempt() {
        String source = InboxFixtures.source();
        inbox.accept(List.of(event(source, "x")), T0);
        Instant now = T0;
        long id = 0;
        // far more postponements than max-attempts: waiting for a busy sync never quarantines
        for (int i = 0; i < 20; i++) {
            List<WebhookInbox.InboxEvent> got = claim(source, now);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).attempts()).as("claim %d", i).isEqualTo(1);
            id = got.get(0).id();
            inbox.postpone(id, now.plusSeconds(5));
            assertThat(claim(source, now.plusSeconds(4))).as("postponed").isEmpty();
            now = now.plusSeconds(5);
        }
        inbox.processed(id, "synced", now);
        assertThat(claim(source, now.plusSeconds(60))).isEmpty();
    }

    @Test
    void failuresBackOffExponentiallyThenQuarantine() {
        String source = InboxFixtures.source();
        inbox.accept(List.of(event(source, "bad")), T0);
        Backoff backoff = config.backoff();
        Instant now = T0;
        long id = -1;
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            List<WebhookInbox.InboxEvent> got = claim(source, now);
            assertThat(got).as("attempt %d is due", attempt).hasSize(1);
            assertThat(got.get(0).attempts()).isEqualTo(attempt);
            id = got.get(0).id();
            inbox.failed(id, "boom " + attempt, now);
            if (attempt < config.maxAttempts()) {
                Instant due = now.plus(backoff.delay(attempt));
                assertThat(stored(id).status()).isEqualTo(InboxRows.PENDING);
                assertThat(stored(id).nextAttemptAt()).isEqualTo(due);
                assertThat(claim(source, due.minusMillis(1))).as("backing off").isEmpty();
                now = due;
            }
        }
        InboxEvents.EventDetail q = stored(id);
        assertThat(q.status()).isEqualTo(InboxRows.QUARANTINED);
        assertThat(q.lastError()).isEqualTo("boom " + config.maxAttempts());
        assertThat(q.quarantinedAt()).isEqualTo(now);
        assertThat(q.attempts()).isEqualTo(config.maxAttempts());
        assertThat(claim(source, now.plus(Duration.ofDays(365))))
                .as("quarantined stays")
                .isEmpty();
        assertThat(counter("masync.webhooks.failed", source)).isEqualTo(config.maxAttempts());
        assertThat(counter("masync.webhooks.quarantined", source)).isEqualTo(1);

        inbox.failed(id, "late report", now);
        assertThat(stored(id).lastError())
                .as("a report on a quarantined event changes nothing")
                .isEqualTo(q.lastError());
    }

    @Test
    void anEventWhoseClaimsKeepExpiringIsQuarantined() {
        String source = InboxFixtures.source();
        inbox.accept(List.of(event(source, "poison")), T0);
        Instant now = T0;
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            assertThat(claim(source, now)).hasSize(1);
            now = now.plus(LEASE).plusSeconds(1); // the process died: no report
        }
        assertThat(claim(source, now)).isEmpty();
        InboxEvents.EventSummary e = events.list(null, source, null, 10).get(0);
        assertThat(e.status()).isEqualTo(InboxRows.QUARANTINED);
        assertThat(e.lastError()).contains("without a result");
        assertThat(counter("masync.webhooks.quarantined", source)).isEqualTo(1);
    }

    @Test
    void aProcessedEventKeepsItsOutcomeAndIsNotClaimedAgain() {
        String source = InboxFixtures.source();
        inbox.accept(List.of(event(source, "ok")), T0);
        long id = claim(source, T0).get(0).id();

        inbox.processed(id, "synced 1 learner to 2 syncs", T0.plusSeconds(1));
        inbox.processed(id, "again", T0.plusSeconds(2));

        InboxEvents.EventDetail e = stored(id);
        assertThat(e.status()).isEqualTo(InboxRows.PROCESSED);
        assertThat(e.outcome()).as("the first report counts").isEqualTo("synced 1 learner to 2 syncs");
        assertThat(e.processedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(e.leaseOwner()).isNull();
        assertThat(claim(source, T0.plus(Duration.ofDays(1)))).isEmpty();
        assertThat(counter("masync.webhooks.processed", source)).isEqualTo(1);
        inbox.failed(id, "late failure", T0.plusSeconds(3));
        assertThat(stored(id).status()).isEqualTo(InboxRows.PROCESSED);
    }

    @Test
    void retentionDeletesOldProcessedAndQuarantinedEventsOnly() {
        // each event in a source of its own, so that driving one to quarantine leaves the others alone
        Map<String, String> sources = new java.util.LinkedHashMap<>();
        Map<String, Long> ids = new java.util.HashMap<>();
        for (String key : List.of("old-done", "new-done", "old-q", "new-q", "old-pending", "old-processing")) {
            String source = InboxFixtures.source();
            sources.put(key, source);
            inbox.accept(List.of(event(source, key)), T0);
            ids.put(key, claim(source, T0).get(0).id());
        }
        Instant now = T0.plus(Duration.ofDays(400));
        inbox.processed(
                ids.get("old-done"),
                "ok",
                now.minus(config.retentionProcessed()).minusSeconds(1));
        inbox.processed(
                ids.get("new-done"),
                "ok",
                now.minus(config.retentionProcessed()).plusSeconds(1));
        quarantine(ids.get("old-q"), now.minus(config.retentionQuarantined()).minusSeconds(1));
        quarantine(ids.get("new-q"), now.minus(config.retentionQuarantined()).plusSeconds(1));
        inbox.failed(ids.get("old-pending"), "retry later", T0);

        long processed = 0;
        long quarantined = 0;
        for (String source : sources.values()) {
            InboxRetention.Purged p = retention.purge(now, source);
            processed += p.processed();
            quarantined += p.quarantined();
        }

        assertThat(processed).isEqualTo(1);
        assertThat(quarantined).isEqualTo(1);
        assertThat(events.find(ids.get("old-done"))).isEmpty();
        assertThat(events.find(ids.get("old-q"))).isEmpty();
        for (String kept : List.of("new-done", "new-q", "old-pending", "old-processing")) {
            assertThat(events.find(ids.get(kept))).as(kept).isPresent();
        }
        for (String source : sources.values()) {
            assertThat(retention.purge(now, source)).isEqualTo(new InboxRetention.Purged(0, 0));
        }
    }

    /** Fails the claimed event (alone in its source) until it is quarantined, the last failure at {@code at}. */
    private void quarantine(long id, Instant at) {
        String source = stored(id).source();
        for (int i = 0; i < config.maxAttempts(); i++) {
            inbox.failed(id, "boom", at);
            if (!stored(id).status().equals(InboxRows.PENDING)) break;
            assertThat(claim(source, stored(id).nextAttemptAt())).hasSize(1);
        }
        assertThat(stored(id).status()).isEqualTo(InboxRows.QUARANTINED);
        assertThat(stored(id).quarantinedAt()).isEqualTo(at);
    }

    @Test
    void theBacklogCountsEventsNotYetProcessedNorQuarantinedAndTheGaugesReportIt() {
        String source = InboxFixtures.source();
        inbox.accept(List.of(event(source, "1")), T0);
        inbox.accept(List.of(event(source, "2"), event(source, "3")), T0.plusSeconds(10));
        long done = claim(source, T0.plusSeconds(10)).get(0).id();
        inbox.processed(done, "ok", T0.plusSeconds(11));

        InboxEvents.Backlog b = events.backlog(source);

        assertThat(b.depth()).as("one processing, one pending").isEqualTo(2);
        assertThat(b.oldestReceivedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(b.oldestAgeSeconds(T0.plusSeconds(70))).isEqualTo(60);
        gauges.measureAgain(); // a scrape within the last 5 s (another test) would otherwise be reused
        assertThat(meters.find("masync.webhooks.inbox.depth").gauge().value()).isGreaterThanOrEqualTo(2);
        assertThat(meters.find("masync.webhooks.inbox.oldest.age").gauge().value())
                .isNotNaN();
    }
}
