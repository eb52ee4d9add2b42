package dev.masync.demo;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Objects;

/** Sizes of the demo warehouse after a generate or advance, and how long that took. */
public record DemoSummary(long learners, long lectureViews, long quizAttempts, LocalDate anchor, Duration elapsed) {

    public DemoSummary {
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
