package dev.masync.demo;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The stored state of a demo warehouse (table {@code demo_meta}).
 *
 * @param anchor the current "today" of the demo; aggregates were computed at 04:00 local time of this day
 * @param learners rows in {@code learner_status}
 * @param advancedDays days advanced since generation
 */
public record DemoState(long seed, LocalDate anchor, ZoneId zone, long learners, int advancedDays) {

    public DemoState {
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(zone, "zone");
    }
}
