package dev.masync.sync.run;

import dev.masync.sync.RecordErrorEntity;
import dev.masync.sync.SyncConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The records a sync could not deliver: each rejection is kept with its run, and as an open record error that is
 * retried by later runs until it is confirmed, quarantined after {@code masync.sync.quarantine-after} attempts, or
 * skipped by an operator. All methods work in the caller's transaction.
 */
@ApplicationScoped
public class RecordErrorLedger {
    private static final int CHUNK = 500;
    /** The error class of a member not sent because of its identity (see {@code PushPhase}). */
    static final String IDENTITY = "identity";

    private final SyncConfig config;

    RecordErrorLedger(SyncConfig config) {
        this.config = config;
    }

    /** The sync's open record errors by learner key. */
    public Map<String, RunEngine.OpenError> open(String syncKey) {
        Map<String, RunEngine.OpenError> open = new HashMap<>();
        for (RecordErrorEntity err : RecordErrorEntity.<RecordErrorEntity>list("syncKey", syncKey)) {
            open.put(
                    err.learnerKey,
                    new RunEngine.OpenError(
                            RecordErrorEntity.QUARANTINED.equals(err.status),
                            RecordErrorEntity.SKIPPED.equals(err.status),
                            err.rowHash));
        }
        return open;
    }

    /**
     * Closes the identity errors a run that walked its whole diff did not report again (it reports every member with
     * an unusable identity): the learner left the segment, or the member it shared its identity with did, and it is
     * held unchanged.
     */
    public void resolveIdentityNotSeenSince(String syncKey, Instant runStarted) {
        RecordErrorEntity.delete("syncKey = ?1 and errorClass = ?2 and lastSeen < ?3", syncKey, IDENTITY, runStarted);
    }

    /** Closes the errors of learners the destination has now confirmed. */
    public void resolve(String syncKey, List<String> confirmed) {
        for (List<String> chunk : chunks(confirmed)) {
            RecordErrorEntity.delete("syncKey = ?1 and learnerKey in ?2", syncKey, chunk);
        }
    }

    /**
     * Rejections of one batch: one query for the errors already known, then inserts and updates. Errors of the
     * identity (empty or shared) are never quarantined: nothing is sent for them, and they go through by themselves
     * once the data is fixed.
     *
     * @return how many of the rejected records are quarantined now (not sent again until an operator retries them)
     */
    public int record(long runId, String syncKey, Collection<RunMonitor.Rejection> rejections, Instant now) {
        if (rejections.isEmpty()) {
            return 0;
        }
        int quarantined = 0;
        Map<String, RecordErrorEntity> known = new HashMap<>();
        for (List<String> chunk :
                chunks(rejections.stream().map(RunMonitor.Rejection::learnerKey).toList())) {
            for (RecordErrorEntity e :
                    RecordErrorEntity.<RecordErrorEntity>list("syncKey = ?1 and learnerKey in ?2", syncKey, chunk)) {
                known.put(e.learnerKey, e);
            }
        }
        for (RunMonitor.Rejection r : rejections) {
            RunRejectionEntity rr = new RunRejectionEntity();
            rr.runId = runId;
            rr.learnerKey = r.learnerKey();
            rr.destinationKey = r.destinationKey();
            rr.errorClass = text(r.errorClass(), RunColumns.ERROR_CLASS);
            rr.code = text(r.code(), RunColumns.CODE);
            rr.message = text(r.message(), RunColumns.MESSAGE);
            rr.rejectedAt = now;
            rr.persist();
            RecordErrorEntity e = known.get(r.learnerKey());
            if (e == null) {
                e = new RecordErrorEntity();
                e.syncKey = syncKey;
                e.learnerKey = r.learnerKey();
                e.firstSeen = now;
                e.attempts = 0;
                e.status = RecordErrorEntity.RETRYING;
                known.put(r.learnerKey(), e);
            }
            e.destinationKey = r.destinationKey();
            e.errorClass = rr.errorClass;
            e.code = rr.code;
            e.message = rr.message;
            e.attempts = e.attempts + 1;
            e.lastSeen = now;
            e.rowHash = r.rowHash();
            if (e.attempts >= config.quarantineAfter()
                    && RecordErrorEntity.RETRYING.equals(e.status)
                    && !IDENTITY.equals(r.errorClass())) {
                e.status = RecordErrorEntity.QUARANTINED;
            }
            if (RecordErrorEntity.QUARANTINED.equals(e.status)) {
                quarantined++;
            }
            if (!e.isPersistent()) {
                e.persist(); // after its fields are set: a batched insert takes them as they are now
            }
        }
        return quarantined;
    }

    private static List<List<String>> chunks(List<String> keys) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += CHUNK) {
            out.add(keys.subList(i, Math.min(keys.size(), i + CHUNK)));
        }
        return out;
    }

    private static String text(String s, int max) {
        return s == null ? "" : RunColumns.truncate(s, max);
    }
}
