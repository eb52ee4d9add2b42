package dev.masync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.testing.process.DaemonProcess;
import dev.masync.testing.receiver.PacedReceiver;
import dev.masync.testing.receiver.ReceiverConfig;
import dev.masync.testing.receiver.ReceiverStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Crash safety of the sync engine, end to end: the packaged daemon pushes a segment to a slow webhook receiver
 * ({@link PacedReceiver}, in this JVM), is SIGKILLed in the middle (or at the end) of a run, restarted on the same
 * data dir and control DB, and runs the sync again. Afterwards the receiver must hold exactly the segment's truth
 * (members with the mapped attributes as the sync formats them and {@code in_crash=true}; mirror-mode leavers with
 * {@code in_crash=false}), and the records it received twice must fit in the journaled window: the engine journals a
 * window of batches before pushing its first one and confirms the window's batches durably with the next window (or
 * at the end), so a SIGKILL can lose the confirmations of at most one window, which the next run sends again.
 *
 * <p>Scenarios: a kill mid-push; a kill as the last batch lands (bisected towards the state commit); a kill between
 * runs, then a week of churn with a kill mid-push (leavers); a kill while a batch's answer is lost, with two weeks
 * of churn during the outage.
 * The last one found that the batch in flight was forgotten: applied by the receiver but never confirmed, a learner
 * of it who left before the next run stayed a member at the destination. The engine now records each batch before
 * pushing it ({@code StateStore.sending}) and the next run treats an unconfirmed one as uncertain.
 *
 * <p>One daemon for the class (10,000 demo learners; a 10 s lease, about what a restart takes on an idle machine,
 * so the restarted daemon may meet the dead run's live lease (409 {@code run_in_progress}, polled until it expires)
 * without waiting long; its own empty connectors dir so the demo syncs do not run), one receiver and destination
 * per test. Timings and
 * counts are printed ({@code SyncCrashIT: …}) for the record. All waits poll the daemon or the receiver until a
 * deadline of minutes: the machine may be a loaded 2-core box.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SyncCrashIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
    static final int BATCH = 50;
    /**
     * The most records a crash can make the next run send again: the sending window journaled last (the state store
     * journals up to 64 batches ahead, at most 10,000 rows; confirmations inside it are not durable until the next
     * window or the end of the run).
     */
    static final int WINDOW = Math.min(64 * BATCH, 10_000);

    static final String SEGMENT = "crash_active";
    static final String SMALL_SEGMENT = "crash_streak";
    static final String MEMBER_FIELD = "in_crash";
    /** Warehouse attribute → field, as the sync maps it. */
    static final Map<String, String> MAPPING = Map.of(
            "grade",
            "grade",
            "streak_days",
            "streak",
            "exam_date",
            "exam_date",
            "last_active_at",
            "last_active",
            "quiz_accuracy_28d",
            "quiz_accuracy");

    static final List<String> ATTRIBUTES =
            List.of("grade", "streak_days", "exam_date", "last_active_at", "quiz_accuracy_28d");
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration LONG = Duration.ofMinutes(5);
    static final int END_ATTEMPTS = 4;

    DaemonProcess daemon;
    Path secretDir;

    @BeforeAll
    void startDaemon() throws IOException {
        Path itDir = DaemonProcess.projectDir().resolve("target/it-data/sync-crash-extra");
        secretDir = Files.createDirectories(itDir.resolve("secrets"));
        Path noConnectors = Files.createDirectories(itDir.resolve("no-connectors"));
        daemon = DaemonProcess.builder("synccrash")
                .demoLearners(10_000)
                .property("masync.demo.anchor", "2026-11-02")
                .property("masync.time-zone", ZONE.getId())
                .property("masync.connectors.dir", noConnectors.toString())
                .property("masync.warehouse.duckdb.memory-limit", "512MB")
                // a dead process's lease blocks the sync until it expires (default 60 s); the tick renews a live
                // one well before
                .property("masync.sync.lease", "10s")
                .property("masync.sync.tick", "1s")
                // the receivers listen on loopback; their secrets are files in the IT's secret directory
                .property("masync.connectors.http.allow-loopback", "true")
                .property("masync.secrets.dirs", secretDir.toAbsolutePath().toString())
                .jvmArg("-Xmx512m")
                .start();
        System.out.printf(
                "SyncCrashIT: daemon ready in %d ms (control DB %s)%n",
                daemon.lastStartToReady().toMillis(), daemon.controlDb());
        call("POST", "/api/v1/segments", """
                {"key": "%s", "name": "Active in the last 28 days (crash IT)",
                 "rule": {"attribute": "active_days_28d", "op": "gte", "value": 1}}""".formatted(SEGMENT), 201);
    }

    /** A test that failed between a kill and the restart leaves the daemon down; the next one starts it again. */
    @BeforeEach
    void daemonUp() {
        if (!daemon.isAlive()) daemon.restart();
    }

    @AfterAll
    void stopDaemon() {
        if (daemon != null) daemon.close();
    }

    /**
     * SIGKILL while a push to a slow receiver is a third through; restart; the next run (once the dead lease
     * expired) sends the rest. The interrupted run is failed "interrupted", nothing is lost, at most one batch is
     * sent twice.
     */
    @Test
    @Order(1)
    void sigkillMidPushLosesNothingAndResendsAtMostTheBatchInFlight() throws Exception {
        try (PacedReceiver receiver = receiver(Duration.ofMillis(150))) {
            String sync = "crash_mid_push";
            createSync(sync, SEGMENT, createDestination(receiver, "crash_mid_push_hook"));
            Map<String, Map<String, Object>> truth = truth(SEGMENT);
            int n = truth.size();
            assertThat(n).as("segment members").isBetween(1_000, 8_000);

            long firstRun = startRun(sync, Duration.ofSeconds(30));
            Instant runStarted = Instant.now();
            ReceiverStats atKill = killWhenReceived(receiver, firstRun, n / 3);
            Instant killedAt = Instant.now();
            assertThat(atKill.records())
                    .as("records before the kill")
                    .isGreaterThan(0)
                    .isLessThan(n);
            ReceiverStats afterKill = awaitReceiverIdle(receiver);
            System.out.printf(
                    "SyncCrashIT mid-push: %d members; SIGKILL %d ms into the run with %d records"
                            + " received (%d once the request in flight finished), %d requests%n",
                    n,
                    Duration.between(runStarted, killedAt).toMillis(),
                    atKill.records(),
                    afterKill.records(),
                    afterKill.requests());

            Recovery recovery = restartAndRun(sync, killedAt);
            JsonNode second = recovery.run();
            assertThat(second.path("status").asText())
                    .as("recovery run %s", second)
                    .isEqualTo("succeeded");
            assertInterrupted(firstRun);
            JsonNode history = call("GET", "/api/v1/syncs/" + sync + "/runs", null, 200);
            List<String> statuses = new ArrayList<>();
            history.path("items")
                    .forEach(r -> statuses.add(
                            r.path("id").asLong() + ":" + r.path("status").asText()));
            assertThat(statuses)
                    .as("run history, newest first")
                    .containsExactly(second.path("id").asLong() + ":succeeded", firstRun + ":failed");

            ReceiverStats end = receiver.stats();
            assertMatchesTruth(receiver, truth, Set.of());
            assertThat(end.distinctKeys()).isEqualTo(n);
            assertThat(end.distinctChanges()).as("one change per member").isEqualTo(n);
            assertThat(end.duplicateRecords())
                    .as("records received twice (at most the journaled window)")
                    .isLessThanOrEqualTo(WINDOW);
            long resent =
                    receiver.receipts().values().stream().mapToLong(r -> r - 1).sum();
            assertThat(resent).as("extra receipts").isEqualTo(end.duplicateRecords());
            long sentBySecond = second.path("counts").path("sent").asLong();
            assertThat(sentBySecond)
                    .as("the recovery run sends what was not confirmed")
                    .isBetween(n - afterKill.records(), n - afterKill.records() + WINDOW);
            System.out.printf(
                    "SyncCrashIT mid-push: recovered: restart ready in %d ms, run accepted %d ms after the"
                            + " kill (%d × 409 run_in_progress), finished %d ms after the kill; recovery run sent %d;"
                            + " receiver: %d records for %d keys, %d duplicates (window %d), %d requests%n",
                    daemon.lastStartToReady().toMillis(),
                    recovery.acceptedAfterKill().toMillis(),
                    recovery.conflicts(),
                    recovery.finishedAfterKill().toMillis(),
                    sentBySecond,
                    end.records(),
                    end.distinctKeys(),
                    end.duplicateRecords(),
                    WINDOW,
                    end.requests());
        }
    }

    /**
     * SIGKILL at the end of a run, a few milliseconds after the receiver has answered the last batch. The kill lands
     * before the engine has confirmed that batch in the sync state (the next run sends it again), after that but
     * before the run is recorded as finished (the state commit: confirmations folded into the state, the run record
     * written; the next run sends nothing), or after the end; every landing must leave the receiver at the truth.
     * Where it lands is a race, so the delay is bisected (at most {@value #END_ATTEMPTS} kills) towards the commit
     * window: longer after a kill that landed before the last confirmation, shorter after one past the end. Each
     * attempt is a new sync of a small segment, so it starts from an empty state.
     */
    @Test
    @Order(2)
    void sigkillAtTheEndOfARunLosesNothingWhereverItLands() throws Exception {
        call("POST", "/api/v1/segments", """
                {"key": "%s", "name": "On a streak (crash IT)",
                 "rule": {"attribute": "streak_days", "op": "gte", "value": 1}}""".formatted(SMALL_SEGMENT), 201);
        Map<String, Map<String, Object>> truth = truth(SMALL_SEGMENT);
        int n = truth.size();
        assertThat(n).as("members of %s", SMALL_SEGMENT).isBetween(2 * BATCH, 3_000);
        try (PacedReceiver receiver = receiver(Duration.ofMillis(20))) {
            String destination = createDestination(receiver, "crash_end_hook");
            long before = -1; // the longest delay known to land before the last confirmation
            long after = -1; // the shortest delay known to land after the run ended
            long delay = 10;
            List<String> landings = new ArrayList<>();
            for (int attempt = 0; attempt < END_ATTEMPTS; attempt++) {
                String sync = "crash_end_" + attempt;
                receiver.reset();
                createSync(sync, SMALL_SEGMENT, destination);
                long killed = startRun(sync, Duration.ofSeconds(30));
                awaitAllAnswered(receiver, killed, n);
                if (delay > 0) pause(Duration.ofMillis(delay));
                assertThat(daemon.kill()).as("exit code of SIGKILL").isEqualTo(137);
                Instant killedAt = Instant.now();
                assertThat(awaitReceiverIdle(receiver).records()).isEqualTo(n);

                Recovery recovery = restartAndRun(sync, killedAt);
                JsonNode next = recovery.run();
                assertThat(next.path("status").asText())
                        .as("recovery run %s", next)
                        .isEqualTo("succeeded");
                JsonNode first = run(killed);
                String status = first.path("status").asText();
                assertThat(status).as("the run killed at its end: %s", first).isIn("failed", "succeeded");
                if (status.equals("failed")) {
                    assertThat(first.path("reason").asText()).startsWith("interrupted");
                }
                long resent = next.path("counts").path("sent").asLong();
                ReceiverStats end = receiver.stats();
                assertMatchesTruth(receiver, truth, Set.of());
                assertThat(resent(Map.of(), receiver.receipts()))
                        .as("records received twice")
                        .isEqualTo(resent)
                        .isLessThanOrEqualTo(WINDOW);
                String landed = resent > 0
                        ? "before the last confirmation"
                        : status.equals("failed") ? "in the commit (confirmed, run not recorded)" : "after the end";
                landings.add(delay + " ms: " + landed);
                System.out.printf(
                        "SyncCrashIT end of run: %d members; SIGKILL %d ms after the last answer landed %s;"
                                + " recovery accepted %d ms after the kill (%d × 409), sent %d; %d duplicates%n",
                        n,
                        delay,
                        landed,
                        recovery.acceptedAfterKill().toMillis(),
                        recovery.conflicts(),
                        resent,
                        end.duplicateRecords());
                if (resent > 0) {
                    before = delay;
                } else if (status.equals("succeeded")) {
                    after = delay;
                } else {
                    break; // the commit window: what this test is after
                }
                long nextDelay = after < 0 ? delay * 3 : (Math.max(before, 0) + after) / 2;
                if (nextDelay == before || nextDelay == after) break;
                delay = nextDelay;
            }
            System.out.printf("SyncCrashIT end of run: landings %s%n", landings);
        }
    }

    /**
     * A sync delivered in full, SIGKILL between runs (the committed state survives: the next run sends nothing),
     * then churn: the demo advances a week, and a run that is SIGKILLed mid-push and recovered must mark the leavers
     * {@code in_crash=false} (mirror mode) and send the entrants and the changed fields.
     */
    @Test
    @Order(3)
    void sigkillBetweenRunsAndDuringChurnThenMirrorLeaversAreMarked() throws Exception {
        try (PacedReceiver receiver = receiver(Duration.ofMillis(20))) {
            String sync = "crash_churn";
            createSync(sync, SEGMENT, createDestination(receiver, "crash_churn_hook"));
            Map<String, Map<String, Object>> truth = truth(SEGMENT);
            JsonNode full = awaitRun(startRun(sync, Duration.ofSeconds(30)));
            assertThat(full.path("status").asText()).as("first run %s", full).isEqualTo("succeeded");
            assertMatchesTruth(receiver, truth, Set.of());
            ReceiverStats delivered = receiver.stats();

            // killed between runs: the committed state survives, the next run starts at once and sends nothing
            assertThat(daemon.kill()).isEqualTo(137);
            daemon.restart();
            int[] conflicts = {0};
            JsonNode idle = awaitRun(startRun(sync, Duration.ofSeconds(30), conflicts));
            assertThat(conflicts[0])
                    .as("409s: a finished run released its lease")
                    .isZero();
            assertThat(idle.path("status").asText())
                    .as("run after an idle SIGKILL %s", idle)
                    .isEqualTo("succeeded");
            assertThat(idle.path("counts").path("sent").asLong())
                    .as("sent after an idle SIGKILL")
                    .isZero();
            assertThat(receiver.stats().records())
                    .as("nothing new at the receiver")
                    .isEqualTo(delivered.records());

            // a week of churn, a slow receiver, a run killed mid-push, recovered
            call("POST", "/api/v1/demo/advance", "{\"days\": 7}", 200);
            Map<String, Map<String, Object>> after = truth(SEGMENT);
            Set<String> leavers = new TreeSet<>(truth.keySet());
            leavers.removeAll(after.keySet());
            Set<String> entrants = new TreeSet<>(after.keySet());
            entrants.removeAll(truth.keySet());
            assertThat(leavers).as("leavers after a week").isNotEmpty();
            assertThat(entrants).as("entrants after a week").isNotEmpty();
            receiver.reconfigure(
                    c -> c.toBuilder().latency(Duration.ofMillis(150)).build());
            Map<String, Integer> receiptsBefore = receiver.receipts();
            long churnRun = startRun(sync, Duration.ofSeconds(30));
            ReceiverStats atKill = killWhenReceived(receiver, churnRun, delivered.records() + entrants.size() / 2);
            Instant killedAt = Instant.now();
            awaitReceiverIdle(receiver);
            Recovery recovery = restartAndRun(sync, killedAt);
            JsonNode next = recovery.run();
            assertThat(next.path("status").asText()).as("recovery run %s", next).isEqualTo("succeeded");
            assertInterrupted(churnRun);
            ReceiverStats end = receiver.stats();
            assertMatchesTruth(receiver, after, leavers);
            // the batch in flight is sent again in full (its delivery is uncertain), so it may differ from the
            // first sending: count keys received twice, not identical payloads
            long resent = resent(receiptsBefore, receiver.receipts());
            assertThat(resent).as("records received twice in the churn").isLessThanOrEqualTo(WINDOW);
            System.out.printf(
                    "SyncCrashIT churn: idle SIGKILL, next run sent 0; a week later %d members (%d left,"
                            + " %d entered); SIGKILL with %d of the run's records received; recovery accepted %d ms"
                            + " after the kill (%d × 409), sent %d; the two runs delivered %d records, %d keys"
                            + " twice (%d identical payloads)%n",
                    after.size(),
                    leavers.size(),
                    entrants.size(),
                    atKill.records() - delivered.records(),
                    recovery.acceptedAfterKill().toMillis(),
                    recovery.conflicts(),
                    next.path("counts").path("sent").asLong(),
                    end.records() - delivered.records(),
                    resent,
                    end.duplicateRecords() - delivered.duplicateRecords());
        }
    }

    /**
     * The data changes while the daemon is down: a batch is applied by the receiver but its answer is lost (the
     * connection drops), the daemon is SIGKILLed while it waits to retry, restarts, the demo advances two weeks, then
     * the recovery run. Learners of that batch (applied, never confirmed in the state) who left the segment meanwhile
     * must still end up {@code in_crash=false}, and the others with their new values.
     */
    @Test
    @Order(4)
    void dataChangingWhileTheDaemonIsDownReachesTheReceiver() throws Exception {
        try (PacedReceiver receiver = receiver(Duration.ofMillis(150))) {
            String sync = "crash_outage";
            createSync(sync, SEGMENT, createDestination(receiver, "crash_outage_hook"));
            Map<String, Map<String, Object>> before = truth(SEGMENT);
            long killedRun = startRun(sync, Duration.ofSeconds(30));
            awaitReceived(receiver, killedRun, before.size() / 3);
            // the next batch is applied and its answer lost: the engine backs off (≥ 300 ms) before retrying
            receiver.reconfigure(c -> c.toBuilder().faultDropAfterApply(1.0).build());
            ReceiverStats reconfigured = receiver.stats();
            if (reconfigured.requests() > answered(reconfigured)) { // one still had the old configuration
                awaitReceiver(receiver, st -> answered(st) > answered(reconfigured), "the batch in flight answered");
            }
            Set<String> confirmable = new TreeSet<>(receiver.state().keySet()); // the next batch sleeps first
            awaitReceiver(receiver, st -> st.dropped() > 0, "a batch applied and its answer lost");
            assertThat(daemon.kill()).as("exit code of SIGKILL").isEqualTo(137);
            receiver.reconfigure(c -> c.toBuilder().faultDropAfterApply(0).build());
            ReceiverStats atKill = awaitReceiverIdle(receiver);
            Set<String> received = new TreeSet<>(receiver.state().keySet());
            Set<String> lostAck = new TreeSet<>(received);
            lostAck.removeAll(confirmable);

            daemon.restart();
            call("POST", "/api/v1/demo/advance", "{\"days\": 14}", 200);
            Map<String, Map<String, Object>> after = truth(SEGMENT);
            Set<String> leftMeanwhile = new TreeSet<>(received);
            leftMeanwhile.removeAll(after.keySet());
            Set<String> lostAckLeft = new TreeSet<>(lostAck);
            lostAckLeft.retainAll(leftMeanwhile);
            int[] conflicts = {0};
            JsonNode next = awaitRun(startRun(sync, Duration.ofMinutes(2), conflicts));
            assertThat(next.path("status").asText()).as("recovery run %s", next).isEqualTo("succeeded");
            assertInterrupted(killedRun);
            ReceiverStats end = receiver.stats();
            System.out.printf(
                    "SyncCrashIT outage: SIGKILL with %d records received, the last %d applied but"
                            + " unanswered (%d dropped); two weeks passed before the recovery run (%d × 409); of the"
                            + " %d received learners %d left meanwhile, %d of them in the unanswered batch; recovery"
                            + " sent %d; %d identical records twice%n",
                    atKill.records(),
                    lostAck.size(),
                    atKill.dropped(),
                    conflicts[0],
                    received.size(),
                    leftMeanwhile.size(),
                    lostAckLeft.size(),
                    next.path("counts").path("sent").asLong(),
                    end.duplicateRecords());
            assertThat(lostAck)
                    .as("keys of the batch applied without an answer")
                    .hasSizeBetween(1, 2 * BATCH);
            assertThat(lostAckLeft)
                    .as("learners of that batch who left during the outage (the case under test)")
                    .isNotEmpty();
            assertMatchesTruth(receiver, after, leftMeanwhile);
            // values changed during the outage, so keys received twice are mostly legitimate updates: bound the
            // identical payloads only
            assertThat(end.duplicateRecords())
                    .as("identical records received twice")
                    .isLessThanOrEqualTo(WINDOW);
        }
    }

    // ---- the scenario's parts ----

    private PacedReceiver receiver(Duration latency) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        PacedReceiver receiver = PacedReceiver.start(ReceiverConfig.builder()
                .latency(latency)
                .signingSecret(secret)
                .maxRecords(BATCH)
                .build());
        Files.writeString(secretFile(receiver), secret + "\n", StandardCharsets.UTF_8); // file: reference
        return receiver;
    }

    private Path secretFile(PacedReceiver receiver) {
        return secretDir.resolve("receiver-" + receiver.port());
    }

    /** A webhook destination to the receiver, its secret as a {@code file:} reference; checked by its test. */
    private String createDestination(PacedReceiver receiver, String destination) {
        call(
                "POST",
                "/api/v1/destinations",
                """
                {"key": "%s", "name": "Crash IT receiver", "type": "webhook",
                 "settings": {"url": "%s", "secret": "file:%s"}, "batchSize": %d}""".formatted(
                        destination, receiver.url("/hook"), secretFile(receiver).toAbsolutePath(), BATCH),
                201);
        JsonNode test = call("POST", "/api/v1/destinations/" + destination + "/test", null, 200);
        assertThat(test.path("ok").asBoolean()).as("destination test %s", test).isTrue();
        return destination;
    }

    /** A mirror sync with a boolean membership field and five mapped attributes in three formats; no guard. */
    private void createSync(String sync, String segment, String destination) {
        call("POST", "/api/v1/syncs", """
                {"key": "%s", "segment": "%s", "destination": "%s",
                 "mapping": [{"source": "grade", "target": "grade"},
                             {"source": "streak_days", "target": "streak"},
                             {"source": "exam_date", "target": "exam_date", "format": "date"},
                             {"source": "last_active_at", "target": "last_active", "format": "datetime"},
                             {"source": "quiz_accuracy_28d", "target": "quiz_accuracy"}],
                 "membership": {"style": "boolean", "field": "%s"}, "mode": "mirror",
                 "guard": {"maxLeavePercent": 100, "maxChangePercent": 100}}""".formatted(sync, segment, destination, MEMBER_FIELD), 201);
    }

    /**
     * Polls the receiver until it has processed {@code records} records in all, then SIGKILLs the daemon at once.
     * Fails if the run ends first.
     */
    private ReceiverStats killWhenReceived(PacedReceiver receiver, long runId, long records) {
        ReceiverStats stats = awaitReceived(receiver, runId, records);
        assertThat(daemon.kill()).as("exit code of SIGKILL").isEqualTo(137);
        return stats;
    }

    /** Polls the receiver until it has processed {@code records} records in all; fails if the run ends first. */
    private ReceiverStats awaitReceived(PacedReceiver receiver, long runId, long records) {
        Instant deadline = Instant.now().plus(LONG);
        Instant nextRunCheck = Instant.now();
        while (Instant.now().isBefore(deadline)) {
            ReceiverStats stats = receiver.stats();
            if (stats.records() >= records) {
                return stats;
            }
            if (stats.unauthorized() > 0) {
                fail("the receiver refused signatures: " + stats.toMap());
            }
            if (Instant.now().isAfter(nextRunCheck)) {
                JsonNode run = run(runId);
                if (!run.path("status").asText().equals("running")) {
                    fail("run " + runId + " ended before the receiver had " + records + " records: " + run
                            + "; receiver " + stats.toMap());
                }
                nextRunCheck = Instant.now().plusSeconds(1);
            }
            pause(Duration.ofMillis(2)); // the daemon pushes; a short poll keeps the kill close to the target
        }
        throw new AssertionError("the receiver did not get " + records + " records within " + LONG + ": "
                + receiver.stats().toMap() + "; daemon log:\n" + daemon.logTail(40));
    }

    /** Polls the receiver until its stats satisfy {@code condition}. */
    private ReceiverStats awaitReceiver(PacedReceiver receiver, Predicate<ReceiverStats> condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            ReceiverStats stats = receiver.stats();
            if (condition.test(stats)) return stats;
            pause(Duration.ofMillis(1));
        }
        throw new AssertionError("waited in vain for " + what + ": "
                + receiver.stats().toMap() + "; daemon log:\n" + daemon.logTail(40));
    }

    /** Polls the receiver until it has processed {@code records} records and answered every request. */
    private void awaitAllAnswered(PacedReceiver receiver, long runId, long records) {
        Instant deadline = Instant.now().plus(LONG);
        Instant nextRunCheck = Instant.now().plusSeconds(1);
        while (Instant.now().isBefore(deadline)) {
            ReceiverStats s = receiver.stats();
            if (s.records() >= records && s.requests() == answered(s)) return;
            if (Instant.now().isAfter(nextRunCheck)) {
                JsonNode run = run(runId);
                if (!run.path("status").asText().equals("running") && s.records() < records) {
                    fail("run " + runId + " ended before the receiver had " + records + " records: " + run);
                }
                nextRunCheck = Instant.now().plusSeconds(1);
            }
            pause(Duration.ofMillis(1)); // the daemon pushes; a short poll keeps the kill close to the last answer
        }
        throw new AssertionError("the receiver did not get " + records + " records within " + LONG + ": "
                + receiver.stats().toMap() + "; daemon log:\n" + daemon.logTail(40));
    }

    /** Requests answered (any status) or dropped: {@code requests} minus those in flight. */
    static long answered(ReceiverStats s) {
        return s.ok() + s.tooManyRequests() + s.clientErrors() + s.serverErrors() + s.dropped();
    }

    /** Records received more than once per key between two {@link PacedReceiver#receipts()} snapshots. */
    static long resent(Map<String, Integer> before, Map<String, Integer> after) {
        long resent = 0;
        for (Map.Entry<String, Integer> e : after.entrySet()) {
            resent += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0) - 1);
        }
        return resent;
    }

    /** Waits until no request is in flight at the receiver (one may still be sleeping its latency). */
    private static ReceiverStats awaitReceiverIdle(PacedReceiver receiver) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (true) {
            ReceiverStats s = receiver.stats();
            if (s.requests() == answered(s)) return s;
            if (Instant.now().isAfter(deadline)) throw new AssertionError("receiver still busy: " + s.toMap());
            pause(Duration.ofMillis(20));
        }
    }

    private record Recovery(JsonNode run, Duration acceptedAfterKill, Duration finishedAfterKill, int conflicts) {}

    /** Restarts the daemon, starts the sync as soon as the dead run's lease has expired, and waits for that run. */
    private Recovery restartAndRun(String sync, Instant killedAt) {
        daemon.restart();
        int[] conflicts = {0};
        long id = startRun(sync, Duration.ofMinutes(2), conflicts);
        Duration accepted = Duration.between(killedAt, Instant.now());
        JsonNode run = awaitRun(id);
        return new Recovery(run, accepted, Duration.between(killedAt, Instant.now()), conflicts[0]);
    }

    private long startRun(String sync, Duration leaseWait) {
        return startRun(sync, leaseWait, new int[1]);
    }

    /** POSTs a run, retrying while the sync is 409 {@code run_in_progress} (a dead process's lease). */
    private long startRun(String sync, Duration leaseWait, int[] conflicts) {
        Instant deadline = Instant.now().plus(leaseWait);
        while (true) {
            HttpResponse<String> r = daemon.call("POST", "/api/v1/syncs/" + sync + "/runs", "{}");
            JsonNode body = tree(r.body());
            if (r.statusCode() == 202) return body.path("id").asLong();
            if (r.statusCode() != 409 || !body.path("code").asText().equals("run_in_progress")) {
                fail("starting a run of " + sync + ": " + r.statusCode() + " " + r.body());
            }
            conflicts[0]++;
            if (Instant.now().isAfter(deadline)) {
                fail("sync " + sync + " still 409 run_in_progress after " + leaseWait + ": " + r.body());
            }
            pause(POLL);
        }
    }

    private JsonNode awaitRun(long id) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (true) {
            JsonNode run = run(id);
            if (!run.path("status").asText().equals("running")) return run;
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(
                        "run " + id + " still running after 10 minutes: " + run + "\n" + daemon.logTail(40));
            }
            pause(POLL);
        }
    }

    private JsonNode run(long id) {
        return call("GET", "/api/v1/runs/" + id, null, 200);
    }

    private void assertInterrupted(long runId) {
        JsonNode run = run(runId);
        assertThat(run.path("status").asText())
                .as("the run the SIGKILL interrupted: %s", run)
                .isEqualTo("failed");
        assertThat(run.path("reason").asText()).as("its reason").startsWith("interrupted");
        assertThat(run.path("finishedAt").isNull()).as("finishedAt set").isFalse();
    }

    // ---- truth ----

    /** The segment's members now, each with the fields the sync sends, formatted as the sync formats them. */
    private Map<String, Map<String, Object>> truth(String segment) {
        Map<String, Map<String, Object>> truth = new TreeMap<>();
        String after = null;
        do {
            String path =
                    "/api/v1/segments/" + segment + "/members?limit=1000&attributes=" + String.join(",", ATTRIBUTES)
                            + (after == null ? "" : "&cursor=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            JsonNode page = call("GET", path, null, 200);
            for (JsonNode m : page.path("items")) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put(MEMBER_FIELD, true);
                JsonNode a = m.path("attributes");
                for (String attribute : ATTRIBUTES) {
                    Object value = formatted(attribute, a.path(attribute));
                    if (value != null) fields.put(MAPPING.get(attribute), value); // null clears: the field is absent
                }
                truth.put(m.path("key").asText(), fields);
            }
            after = page.path("nextCursor").isNull()
                    ? null
                    : page.path("nextCursor").asText(null);
        } while (after != null);
        return truth;
    }

    /**
     * A member's attribute (as {@code /members} shows it: dates and timestamps as ISO local values) as the sync sends
     * it: {@code date} = ISO date, {@code datetime} = the instant of the local timestamp in the daemon's zone,
     * {@code auto} numbers and strings as they are.
     */
    private static Object formatted(String attribute, JsonNode value) {
        if (value.isNull() || value.isMissingNode()) return null;
        return switch (attribute) {
            case "last_active_at" ->
                LocalDateTime.parse(value.asText()).atZone(ZONE).toInstant().toString();
            case "exam_date", "grade" -> value.asText();
            default -> JSON.convertValue(value, Object.class);
        };
    }

    /**
     * The receiver's state is the truth: every member present with exactly its fields and {@code in_crash=true};
     * every other key it holds (a member once) with {@code in_crash=false}, among them {@code leavers}; nothing
     * removed (mirror mode with a boolean membership field marks leavers rather than removing them).
     */
    private static void assertMatchesTruth(
            PacedReceiver receiver, Map<String, Map<String, Object>> truth, Set<String> leavers) {
        Map<String, Map<String, Object>> state = receiver.state();
        List<String> problems = new ArrayList<>();
        int[] problemCount = {0};
        truth.forEach((key, expected) -> {
            Map<String, Object> actual = state.get(key);
            if (actual == null) {
                problem(problems, problemCount, key + ": a member, missing at the receiver (lost)");
            } else if (!same(expected, actual)) {
                problem(problems, problemCount, key + ": expected " + expected + " but the receiver has " + actual);
            }
        });
        for (String key : leavers) {
            if (!state.containsKey(key)) problem(problems, problemCount, key + ": a leaver, missing at the receiver");
        }
        state.forEach((key, actual) -> {
            if (!truth.containsKey(key) && !Boolean.FALSE.equals(actual.get(MEMBER_FIELD))) {
                problem(
                        problems,
                        problemCount,
                        key + ": not a member, expected " + MEMBER_FIELD + "=false, the" + " receiver has " + actual);
            }
        });
        assertThat(problems)
                .as(
                        "%d keys differ from the segment's truth (%d members; first ones shown)",
                        problemCount[0], truth.size())
                .isEmpty();
        assertThat(receiver.removedKeys()).as("removed keys").isEmpty();
    }

    private static void problem(List<String> problems, int[] count, String problem) {
        if (count[0]++ < 10) problems.add(problem);
    }

    /** Same fields and values; numbers compare by value (an int and a long of the same value are the same). */
    static boolean same(Map<String, Object> expected, Map<String, Object> actual) {
        if (!expected.keySet().equals(actual.keySet())) return false;
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            Object a = actual.get(e.getKey());
            Object x = e.getValue();
            if (x instanceof Number xn && a instanceof Number an) {
                if (new BigDecimal(xn.toString()).compareTo(new BigDecimal(an.toString())) != 0) return false;
            } else if (!Objects.equals(x, a)) {
                return false;
            }
        }
        return true;
    }

    // ---- plumbing ----

    private JsonNode call(String method, String path, String body, int expectedStatus) {
        HttpResponse<String> r = daemon.call(method, path, body);
        assertThat(r.statusCode()).as("%s %s → %s", method, path, r.body()).isEqualTo(expectedStatus);
        return tree(r.body());
    }

    private static JsonNode tree(String body) {
        try {
            return body == null || body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    /** Waiting on the daemon, another process: the only kind of sleep these tests do. */
    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
