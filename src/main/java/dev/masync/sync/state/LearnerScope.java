package dev.masync.sync.state;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which learners a diff covers: all of them (scheduled and API runs), or only some (targeted runs from webhooks). A
 * restricted diff evaluates the segment for those learners only and compares them with their state only: a listed
 * learner who left the segment is a leaver, one neither held nor a member is nothing, and no other learner is
 * touched.
 *
 * @param keys the learner keys (as text, as the state holds them), or empty for all learners
 */
public record LearnerScope(Optional<Set<String>> keys) {
    public static final LearnerScope ALL = new LearnerScope(Optional.empty());

    public LearnerScope {
        keys = keys.map(k -> Set.copyOf(new TreeSet<>(k)));
    }

    /** Only these learners. */
    public static LearnerScope only(Collection<String> keys) {
        return new LearnerScope(Optional.of(Set.copyOf(keys)));
    }

    public boolean restricted() {
        return keys.isPresent();
    }
}
