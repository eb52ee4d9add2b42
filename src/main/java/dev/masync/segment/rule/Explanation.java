package dev.masync.segment.rule;

import dev.masync.warehouse.BoundQuery;

import java.util.List;
import java.util.Objects;

/**
 * Why one learner is in or out of a segment: a query returning one row for the learner (none if the key is
 * unknown), and what each of its columns means.
 */
public record Explanation(BoundQuery query, List<Column> columns) {
    public Explanation {
        Objects.requireNonNull(query, "query");
        columns = List.copyOf(columns);
    }

    public enum Kind {
        /** BOOLEAN: whether the learner is in the segment; pointer is the rule's. */
        IN_SEGMENT,
        /** BOOLEAN: whether the node (combinator, condition or segment reference) holds for the learner. */
        CONDITION,
        /** The learner's value of the attribute an attribute condition tests. */
        ATTRIBUTE,
        /** The learner's aggregate of an event condition (0 for counts and sums without events, else maybe NULL). */
        AGGREGATE
    }

    /** One result column, in result order. */
    public record Column(String name, String pointer, Kind kind) {
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(kind, "kind");
        }
    }
}
