package dev.masync.sync.run;

import dev.masync.sync.SyncService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link RecordIds} in the control DB ({@code destination_record_ids}). Each call uses a connection of its own and
 * commits what it wrote (callers are outside any transaction: a run's thread, the webhook micro-batch). Only the run
 * owning a sync writes its ids, so replacing a learner's id by a delete and an insert cannot race. Ids or keys too
 * long for their columns are not remembered (such an event maps by identity only).
 */
@ApplicationScoped
public class JdbcRecordIds implements RecordIds {
    private static final Logger LOG = Logger.getLogger(JdbcRecordIds.class);
    static final int MAX_RECORD_ID = 255;
    static final int MAX_KEY = 1000;
    /** Ids per lookup statement (bound parameters stay well under every driver's limit). */
    static final int CHUNK = 500;

    private final DataSource dataSource;
    private final Clock clock;

    JdbcRecordIds(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Over any data source (tests). */
    public static JdbcRecordIds over(DataSource dataSource, Clock clock) {
        return new JdbcRecordIds(dataSource, clock);
    }

    @Override
    public void remember(String syncKey, String stateKey, List<Entry> entries) {
        // one id per learner and one learner per id: an entry replaces any earlier one naming either
        Map<String, Entry> byLearner = new LinkedHashMap<>();
        Map<String, String> learnerOfId = new HashMap<>();
        Set<String> named = new TreeSet<>(); // a learner whose last id went to another keeps none
        for (Entry e : entries) {
            if (e.recordId().length() > MAX_RECORD_ID
                    || e.learnerKey().length() > MAX_KEY
                    || e.destinationKey().length() > MAX_KEY) {
                LOG.debugf("sync %s: record id of learner %s too long to remember", syncKey, e.learnerKey());
                continue;
            }
            named.add(e.learnerKey());
            Entry earlier = byLearner.remove(e.learnerKey());
            if (earlier != null) {
                learnerOfId.remove(earlier.recordId());
            }
            String holder = learnerOfId.put(e.recordId(), e.learnerKey());
            if (holder != null) {
                byLearner.remove(holder);
            }
            byLearner.put(e.learnerKey(), e);
        }
        if (byLearner.isEmpty()) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM destination_record_ids WHERE sync_key = ?"
                            + " AND (learner_key = ? OR record_id = ?)");
                    PreparedStatement insert = c.prepareStatement("INSERT INTO destination_record_ids (sync_key,"
                            + " record_id, state_key, learner_key, destination_key, updated_at) VALUES (?, ?, ?, ?, ?,"
                            + " ?)")) {
                for (Entry e : byLearner.values()) {
                    delete.setString(1, syncKey);
                    delete.setString(2, e.learnerKey());
                    delete.setString(3, e.recordId());
                    delete.addBatch();
                    insert.setString(1, syncKey);
                    insert.setString(2, e.recordId());
                    insert.setString(3, stateKey);
                    insert.setString(4, e.learnerKey());
                    insert.setString(5, e.destinationKey());
                    insert.setObject(6, now);
                    insert.addBatch();
                }
                for (String learner : named) {
                    if (!byLearner.containsKey(learner)) {
                        delete.setString(1, syncKey);
                        delete.setString(2, learner);
                        delete.setString(3, "");
                        delete.addBatch();
                    }
                }
                delete.executeBatch();
                insert.executeBatch();
            }
        });
    }

    @Override
    public Map<String, Set<String>> learnersOf(String syncKey, String stateKey, Collection<String> recordIds) {
        List<String> ids = recordIds.stream()
                .filter(id -> id != null && !id.isBlank() && id.length() <= MAX_RECORD_ID)
                .distinct()
                .sorted()
                .toList();
        Map<String, Set<String>> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < ids.size(); from += CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
                try (PreparedStatement s = c.prepareStatement("SELECT record_id, learner_key FROM"
                        + " destination_record_ids WHERE sync_key = ? AND state_key = ? AND record_id IN ("
                        + placeholders(chunk.size()) + ")")) {
                    s.setString(1, syncKey);
                    s.setString(2, stateKey);
                    for (int i = 0; i < chunk.size(); i++) {
                        s.setString(3 + i, chunk.get(i));
                    }
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            out.computeIfAbsent(r.getString(1), k -> new TreeSet<>())
                                    .add(r.getString(2));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read remembered record ids of sync " + syncKey, e);
        }
        return out;
    }

    @Override
    public void forget(String syncKey, Collection<String> learnerKeys) {
        if (learnerKeys.isEmpty()) {
            return;
        }
        inTransaction(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("DELETE FROM destination_record_ids WHERE sync_key = ? AND learner_key = ?")) {
                for (String learner : new TreeSet<>(learnerKeys)) {
                    s.setString(1, syncKey);
                    s.setString(2, learner);
                    s.addBatch();
                }
                s.executeBatch();
            }
        });
    }

    /** Drops the ids of a retired state generation (the sync sends to another destination, or is gone). */
    void onRetired(@Observes(during = TransactionPhase.AFTER_SUCCESS) SyncService.StateRetired retired) {
        try {
            inTransaction(c -> {
                try (PreparedStatement s =
                        c.prepareStatement("DELETE FROM destination_record_ids WHERE state_key = ?")) {
                    s.setString(1, retired.stateKey());
                    s.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            // leftover ids of an old generation are never read (lookups name the current one)
            LOG.warnf("record ids of sync state %s not dropped: %s", retired.stateKey(), e.getMessage());
        }
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    private void inTransaction(Work work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write remembered record ids: " + e.getMessage(), e);
        }
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
