package dev.masync.demo;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What to generate: the seed of every random draw, the number of learners, the anchor ("today" of the demo; events
 * cover the 90 days before it) and the zone whose local times the zone-less TIMESTAMP columns hold.
 *
 * @param seed any value; the same seed and anchor give identical tables
 * @param learners 1 to 9,999,999 (ids {@code L0000001}...)
 */
public record DemoSpec(long seed, int learners, LocalDate anchor, ZoneId zone) {

    /** Largest learner count whose ids keep seven digits. */
    public static final int MAX_LEARNERS = 9_999_999;

    public DemoSpec {
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(zone, "zone");
        if (learners < 1 || learners > MAX_LEARNERS) {
            throw new IllegalArgumentException("learners must be within 1.." + MAX_LEARNERS + ", was " + learners);
        }
    }
}
