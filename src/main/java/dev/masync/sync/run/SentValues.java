package dev.masync.sync.run;

import dev.masync.connector.spi.RecordChange;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The mapped field values this process last had confirmed by a destination, per sync and learner, as they were sent
 * (formatted): what echo suppression compares a CRM's property change with. Bounded (least recently written learners
 * go first) and only a hint: a learner not remembered (evicted, sent by another replica or before a restart) is
 * simply evaluated again, which finds nothing to send when the change was our own. Thread-safe.
 */
@ApplicationScoped
public class SentValues {
    /** Learners remembered across all syncs. */
    static final int CAPACITY = 100_000;

    private final Map<String, Map<String, Object>> values;

    public SentValues() {
        this(CAPACITY);
    }

    SentValues(int capacity) {
        this.values = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Records confirmed changes of a sync: their fields are now what the destination holds from us. */
    public void confirmed(String syncKey, Collection<RecordChange> changes) {
        synchronized (values) {
            for (RecordChange c : changes) {
                if (c.kind() == RecordChange.Kind.REMOVE) {
                    continue; // membership only: the fields the record holds stay as they were
                }
                values.computeIfAbsent(entry(syncKey, c.learnerKey()), k -> new HashMap<>())
                        .putAll(c.fields());
            }
        }
    }

    /**
     * What was last sent for a field of a learner: empty when not remembered; a present Optional holding an empty
     * Optional when the field was sent cleared (null).
     */
    public Optional<Optional<Object>> lastSent(String syncKey, String learnerKey, String field) {
        synchronized (values) {
            Map<String, Object> fields = values.get(entry(syncKey, learnerKey));
            if (fields == null || !fields.containsKey(field)) {
                return Optional.empty();
            }
            return Optional.of(Optional.ofNullable(fields.get(field)));
        }
    }

    /** Forgets learners of a sync (their records were deleted at the destination). */
    public void forget(String syncKey, Collection<String> learnerKeys) {
        synchronized (values) {
            learnerKeys.forEach(k -> values.remove(entry(syncKey, k)));
        }
    }

    private static String entry(String syncKey, String learnerKey) {
        return syncKey + '\u0001' + learnerKey;
    }
}
