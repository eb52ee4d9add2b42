package dev.masync.sync.run;

import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The destination's own ids of records a sync pushed, remembered from confirmed upserts (see
 * {@link dev.masync.connector.spi.RecordOutcome#recordId()}), so that a CRM event naming only that id maps back to
 * its learner. An index beside the sync's state, never the truth: an id missing costs a webhook its learner, an id
 * too many an extra evaluation. Ids are kept per state generation ({@code stateKey}, see
 * {@link dev.masync.sync.state.SyncPlan#stateKey()}): another destination holds other ids.
 */
public interface RecordIds {

    /** One confirmed record: the learner, the key it was sent under and the destination's id for it. */
    record Entry(String learnerKey, String destinationKey, String recordId) {
        public Entry {
            Objects.requireNonNull(learnerKey, "learnerKey");
            Objects.requireNonNull(destinationKey, "destinationKey");
            Objects.requireNonNull(recordId, "recordId");
        }
    }

    /**
     * Remembers the ids, in one transaction of batched statements: one id per learner (a learner's new id replaces its
     * old one) and one learner per id (the last named). Nothing happens for an empty list.
     */
    void remember(String syncKey, String stateKey, List<Entry> entries);

    /** The learners remembered under each of these record ids (exact match), only for ids found. */
    Map<String, Set<String>> learnersOf(String syncKey, String stateKey, Collection<String> recordIds);

    /** Forgets the ids of these learners (their records were deleted at the destination), in every generation. */
    void forget(String syncKey, Collection<String> learnerKeys);

    /** The destination's ids of confirmed changes whose outcome (by destination key) names one, once per learner. */
    static List<Entry> confirmed(List<RecordChange> confirmed, Map<String, RecordOutcome> outcomes) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (RecordChange c : confirmed) {
            RecordOutcome o = outcomes.get(c.destinationKey());
            if (o != null && o.isConfirmed() && o.recordId().isPresent()) {
                out.put(
                        c.learnerKey(),
                        new Entry(
                                c.learnerKey(), c.destinationKey(), o.recordId().get()));
            }
        }
        return List.copyOf(out.values());
    }

    /** Remembers nothing: for plain tests and runs without a control DB. */
    RecordIds NONE = new RecordIds() {
        @Override
        public void remember(String syncKey, String stateKey, List<Entry> entries) {}

        @Override
        public Map<String, Set<String>> learnersOf(String syncKey, String stateKey, Collection<String> recordIds) {
            return Map.of();
        }

        @Override
        public void forget(String syncKey, Collection<String> learnerKeys) {}
    };
}
