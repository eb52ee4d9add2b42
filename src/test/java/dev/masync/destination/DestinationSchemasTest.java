package dev.masync.destination;

import dev.masync.connector.Connectors;
import dev.masync.connector.file.FileConnector;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.destination.DestinationSchemas.Found;
import dev.masync.destination.DestinationSchemas.Lookup;
import dev.masync.destination.DestinationSchemas.NotOffered;
import dev.masync.destination.DestinationSchemas.Unreadable;
import dev.masync.testing.receiver.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Schema reads for mapping checks: kept for a while, bounded in time, one at a time per destination. */
class DestinationSchemasTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T08:00:00Z"));
    final Connectors connectors = Connectors.of(new SchemaConnector(), new FileConnector());
    DestinationSchemas schemas = schemas(Duration.ofSeconds(10), 8);

    DestinationSchemas schemas(Duration timeout, int maxReads) {
        return new DestinationSchemas(
                connectors, SecretResolver.fromEnvironment(Map.of()), clock, Duration.ofMinutes(5), timeout, maxReads);
    }

    static DestinationDefinition crm(String key, String account) {
        return new DestinationDefinition(
                key,
                "HubSpot",
                SchemaConnector.TYPE,
                Map.of("account", account),
                Optional.empty(),
                Optional.empty(),
                DestinationDefinition.SOURCE_API);
    }

    @BeforeEach
    @AfterEach
    void reset() {
        SchemaConnector.reset();
    }

    @AfterEach
    void close() {
        schemas.close();
    }

    @Test
    void aSchemaIsReadOnceAndKeptForTheConfiguredTime() {
        DestinationDefinition d = crm("crm", "a");
        Lookup first = schemas.lookup(d);
        assertThat(first).isInstanceOf(Found.class);
        assertThat(((Found) first).schema().field("streak_days")).isPresent();
        assertThat(((Found) first).readAt()).isEqualTo(clock.instant());

        clock.advance(Duration.ofMinutes(4));
        assertThat(schemas.lookup(d)).isInstanceOf(Found.class);
        assertThat(SchemaConnector.READS).hasValue(1);

        clock.advance(Duration.ofMinutes(1)); // five minutes: stale
        assertThat(schemas.lookup(d)).isInstanceOf(Found.class);
        assertThat(SchemaConnector.READS).hasValue(2);
    }

    @Test
    void changedSettingsAndInvalidationReadAgainWhileATestAlwaysReads() {
        schemas.lookup(crm("crm", "a"));
        schemas.lookup(crm("crm", "b")); // another account behind the same key
        assertThat(SchemaConnector.READS).hasValue(2);
        schemas.lookup(crm("crm", "b"));
        assertThat(SchemaConnector.READS).hasValue(2);

        schemas.invalidate("crm");
        schemas.lookup(crm("crm", "b"));
        assertThat(SchemaConnector.READS).hasValue(3);

        assertThat(schemas.readNow(crm("crm", "b"))).isInstanceOf(Found.class);
        assertThat(SchemaConnector.READS).hasValue(4);
        assertThat(schemas.lookup(crm("crm", "b"))).isInstanceOf(Found.class);
        assertThat(SchemaConnector.READS).hasValue(4); // the test's read is kept
    }

    @Test
    void aConnectorThatReadsNoSchemaOffersNothing() {
        DestinationDefinition file = new DestinationDefinition(
                "outbox", "Outbox", "file", Map.of(), Optional.empty(), Optional.empty(), "api");
        assertThat(schemas.lookup(file)).isInstanceOf(NotOffered.class);
        DestinationDefinition unknown = new DestinationDefinition(
                "gone", "Gone", "no_such_type", Map.of(), Optional.empty(), Optional.empty(), "api");
        assertThat(schemas.readNow(unknown)).isInstanceOf(NotOffered.class);
    }

    @Test
    void failuresSayWhatHappenedAndAreNotKept() {
        SchemaConnector.schema = () -> {
            throw new RetryableException("HubSpot answered 503", Duration.ofSeconds(30), null);
        };
        Lookup busy = schemas.lookup(crm("crm", "a"));
        assertThat(busy)
                .isEqualTo(new Unreadable(
                        "unavailable", "HubSpot answered 503; the destination asks to wait 30 s; try again later"));

        SchemaConnector.schema = () -> {
            throw new PermanentException(PermanentException.Code.PERMISSION, "the token lacks crm.schemas.read");
        };
        assertThat(schemas.lookup(crm("crm", "a")))
                .isEqualTo(new Unreadable("permission", "the token lacks crm.schemas.read"));

        SchemaConnector.schema = () -> {
            throw new IllegalStateException("bug");
        };
        Lookup bug = schemas.lookup(crm("crm", "a"));
        assertThat(((Unreadable) bug).code()).isEqualTo("schema_failed");
        assertThat(((Unreadable) bug).message())
                .contains("IllegalStateException")
                .doesNotContain("bug");

        SchemaConnector.schema = () -> null;
        assertThat(((Unreadable) schemas.lookup(crm("crm", "a"))).code()).isEqualTo("schema_failed");

        SchemaConnector.schema = SchemaConnector::crm;
        assertThat(schemas.lookup(crm("crm", "a"))).isInstanceOf(Found.class);
        assertThat(SchemaConnector.READS).hasValue(5);
    }

    @Test
    void aHangingDestinationIsNotWaitedForLongerThanTheTimeout() throws Exception {
        schemas.close();
        schemas = schemas(Duration.ofMillis(50), 8);
        SchemaConnector.hold = new CountDownLatch(1);
        Lookup slow = schemas.lookup(crm("crm", "a"));
        assertThat(slow)
                .isEqualTo(new Unreadable(
                        "unavailable", "destination 'crm' did not describe its fields within 50 ms; try again later"));
        // a second caller joins the read in progress and does not start another one, nor wait again
        assertThat(schemas.lookup(crm("crm", "a"))).isInstanceOf(Unreadable.class);
        assertThat(SchemaConnector.READS).hasValue(1);

        CountDownLatch entered = SchemaConnector.entered;
        SchemaConnector.hold.countDown(); // the destination answers at last: its answer is kept
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(schemas.lookup(crm("crm", "a")) instanceof Found) && System.nanoTime() < until) {
            Thread.onSpinWait(); // the held read returns on the reader thread
        }
        assertThat(schemas.lookup(crm("crm", "a"))).isInstanceOf(Found.class);
    }

    @Test
    void concurrentCallersShareOneRead() throws Exception {
        SchemaConnector.hold = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<Lookup> a = callers.submit(() -> schemas.lookup(crm("crm", "a")));
            assertThat(SchemaConnector.entered.await(5, TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.atomic.AtomicReference<Thread> second =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Future<Lookup> b = callers.submit(() -> {
                second.set(Thread.currentThread());
                return schemas.lookup(crm("crm", "a"));
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((second.get() == null || second.get().getState() != Thread.State.TIMED_WAITING)
                    && System.nanoTime() < until) {
                Thread.onSpinWait(); // until the second caller waits for the read in progress
            }
            SchemaConnector.hold.countDown();
            assertThat(a.get(5, TimeUnit.SECONDS)).isInstanceOf(Found.class);
            assertThat(b.get(5, TimeUnit.SECONDS)).isInstanceOf(Found.class);
            assertThat(SchemaConnector.READS).hasValue(1);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void readsBeyondTheLimitAreAnsweredBusy() {
        schemas.close();
        schemas = schemas(Duration.ofMillis(20), 1);
        SchemaConnector.hold = new CountDownLatch(1);
        assertThat(schemas.lookup(crm("crm_a", "a"))).isInstanceOf(Unreadable.class); // holds the only reader
        Lookup other = schemas.lookup(crm("crm_b", "b"));
        assertThat(other)
                .isEqualTo(new Unreadable(
                        "unavailable", "too many destination schemas are being read at once; try again in a moment"));
        assertThat(SchemaConnector.READS).hasValue(1);
    }

    @Test
    void theSchemaReadIsWhatTheConnectorDescribes() {
        SchemaConnector.schema =
                () -> SchemaConnector.schema(SchemaConnector.field("only", DestinationSchema.FieldType.OTHER));
        Found found = (Found) schemas.lookup(crm("crm", "a"));
        assertThat(found.schema().fields()).containsOnlyKeys("only");
    }
}
