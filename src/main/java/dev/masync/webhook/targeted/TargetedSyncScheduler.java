package dev.masync.webhook.targeted;

import dev.masync.sync.run.RunCoordinator;
import dev.masync.sync.run.TargetedRuns;
import dev.masync.webhook.WebhookInbox;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Clock;

/**
 * Runs a micro-batch of the targeted sync every {@code masync.webhooks.targeted.every} (default 1 s), with the
 * application's {@link WebhookInbox}; does nothing while none is installed, while disabled, or while the daemon stops.
 */
@ApplicationScoped
public class TargetedSyncScheduler {
    private static final Logger LOG = Logger.getLogger(TargetedSyncScheduler.class);

    private final Instance<WebhookInbox> inboxes;
    private final TargetedRuns runs;
    private final RunCoordinator coordinator;
    private final TargetedSyncConfig config;
    private final Clock clock;
    private volatile TargetedSyncProcessor processor;

    TargetedSyncScheduler(
            Instance<WebhookInbox> inboxes,
            TargetedRuns runs,
            RunCoordinator coordinator,
            TargetedSyncConfig config,
            Clock clock) {
        this.inboxes = inboxes;
        this.runs = runs;
        this.coordinator = coordinator;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(
            every = "${masync.webhooks.targeted.every:1s}",
            delayed = "${masync.webhooks.targeted.every:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!config.enabled() || !coordinator.accepting() || !inboxes.isResolvable()) {
            return;
        }
        if (processor == null) {
            processor = new TargetedSyncProcessor(inboxes.get(), runs, config, clock);
        }
        try {
            processor.processDue();
        } catch (RuntimeException e) {
            LOG.errorf(e, "webhook micro-batch failed; its events are due again when their claim ends");
        }
    }
}
