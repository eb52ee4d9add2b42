package dev.masync.sync.run;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Deletes what the control DB no longer needs, in short transactions of at most {@value #CHUNK} rows: finished runs
 * older than {@code masync.retention.runs} with their rejections (each sync's latest run stays), and rejections older
 * than {@code masync.retention.rejections}. Open record errors are never deleted here: a record error is removed when
 * the destination confirms the record (resolved), or with its sync.
 */
@ApplicationScoped
public class Retention {
    private static final Logger LOG = Logger.getLogger(Retention.class);
    static final int CHUNK = 1000;

    private final RetentionConfig config;
    private final Clock clock;

    Retention(RetentionConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** What one cleanup deleted. */
    public record Purged(long runs, long rejections) {}

    @Scheduled(
            every = "${masync.retention.every}",
            delayed = "${masync.retention.every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            Purged p = purge();
            if (p.runs() + p.rejections() > 0) {
                LOG.infof("retention: deleted %d run(s) and %d rejection(s)", p.runs(), p.rejections());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "retention cleanup failed; it runs again in %s", config.every());
        }
    }

    /** Deletes what is past its retention as of the clock's now. */
    public Purged purge() {
        Instant now = clock.instant();
        Instant runsBefore = now.minus(config.runs());
        Instant rejectionsBefore = now.minus(config.rejections());
        long runs = 0;
        while (true) {
            List<Long> ids = QuarkusTransaction.requiringNew()
                    .call(() -> SyncRunEntity.getEntityManager()
                            .createQuery(
                                    "select r.id from SyncRunEntity r where r.status <> :running and r.finishedAt < :before"
                                            + " and r.id not in (select max(l.id) from SyncRunEntity l group by"
                                            + " l.syncKey) order by r.id",
                                    Long.class)
                            .setParameter("running", RunStatus.RUNNING.json())
                            .setParameter("before", runsBefore)
                            .setMaxResults(CHUNK)
                            .getResultList());
            if (ids.isEmpty()) {
                break;
            }
            runs += QuarkusTransaction.requiringNew().call(() -> {
                RunRejectionEntity.delete("runId in ?1", ids);
                return SyncRunEntity.delete("id in ?1", ids);
            });
        }
        long rejections = 0;
        while (true) {
            List<Long> ids = QuarkusTransaction.requiringNew()
                    .call(() -> RunRejectionEntity.getEntityManager()
                            .createQuery(
                                    "select r.id from RunRejectionEntity r where r.rejectedAt < :before order by r.id",
                                    Long.class)
                            .setParameter("before", rejectionsBefore)
                            .setMaxResults(CHUNK)
                            .getResultList());
            if (ids.isEmpty()) {
                break;
            }
            rejections += QuarkusTransaction.requiringNew().call(() -> RunRejectionEntity.delete("id in ?1", ids));
        }
        return new Purged(runs, rejections);
    }
}
