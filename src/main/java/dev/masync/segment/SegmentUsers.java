package dev.masync.segment;

import java.util.List;

/** Who else uses a segment (syncs); a segment in use cannot be deleted. */
public interface SegmentUsers {
    List<String> syncsOf(String segmentKey);
}
