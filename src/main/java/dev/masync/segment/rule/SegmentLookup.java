package dev.masync.segment.rule;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/** Finds the rule JSON of saved segments, for segment references. Must be safe to call repeatedly for one key. */
@FunctionalInterface
public interface SegmentLookup {

    /** The saved rule of the segment, or empty if no segment has that key. */
    Optional<JsonNode> rule(String segmentKey);

    static SegmentLookup none() {
        return key -> Optional.empty();
    }
}
