package dev.masync.webhook.targeted;

import dev.masync.sync.run.RunCoordinator;
import dev.masync.sync.run.TargetedRuns;
import dev.masync.webhook.Arrivals;
import dev.masync.webhook.WebhookInbox;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Clock;

/**
 * Runs the targeted sync's micro-batches on a thread of its own, with the application's {@link WebhookInbox}: a
 * batch starts {@code masync.webhooks.targeted.gather} after a receiver stored events ({@link Arrivals}), and at the
 * latest every {@code masync.webhooks.targeted.every} (events of other replicas, retries, postponed events). Does
 * nothing while no inbox is installed, while disabled, or while the daemon stops.
 */
@ApplicationScoped
public class TargetedSyncScheduler {
    private static final Logger LOG = Logger.getLogger(TargetedSyncScheduler.class);

    private final Instance<WebhookInbox> inboxes;
    private final TargetedRuns runs;
    private final RunCoordinator coordinator;
    private final TargetedSyncConfig config;
    private final Clock clock;
    private final Arrivals arrivals;
    private final MicroBatchMetrics metrics;
    private volatile TargetedSyncProcessor processor;
    private volatile boolean running;
    private Thread loop;

    TargetedSyncScheduler(
            Instance<WebhookInbox> inboxes,
            TargetedRuns runs,
            RunCoordinator coordinator,
            TargetedSyncConfig config,
            Clock clock,
            Arrivals arrivals,
            MicroBatchMetrics metrics) {
        this.inboxes = inboxes;
        this.runs = runs;
        this.coordinator = coordinator;
        this.config = config;
        this.clock = clock;
        this.arrivals = arrivals;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) return;
        running = true;
        loop = new Thread(this::loop, "webhook-targeted-sync");
        loop.setDaemon(true);
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        arrivals.arrived(); // wakes the loop; a batch under way ends on its own (runs stop with the coordinator)
    }

    private void loop() {
        while (running) {
            try {
                if (arrivals.await(config.every()) && running) {
                    Thread.sleep(config.gather().toMillis()); // gather the events of the next moments too
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (running) tick();
        }
    }

    void tick() {
        if (!coordinator.accepting() || !inboxes.isResolvable()) {
            return;
        }
        if (processor == null) {
            processor = new TargetedSyncProcessor(inboxes.get(), runs, config, clock);
        }
        try {
            java.time.Instant started = clock.instant();
            TargetedSyncProcessor.BatchReport report = processor.processDue();
            metrics.record(report, java.time.Duration.between(started, clock.instant()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "webhook micro-batch failed; its events are due again when their claim ends");
        }
    }
}
