package dev.masync.budget;

import java.time.Duration;

/** What an account budget counts; {@link RateBudgets} backs it with Micrometer meters tagged by account. */
public interface BudgetMeters {
    /** A call was taken. */
    void taken();

    /** A caller waited this long for its slot (paced or paused). */
    void waited(Duration wait);

    /** The vendor throttled (an observed pause). */
    void throttled();

    BudgetMeters NONE = new BudgetMeters() {
        @Override
        public void taken() {}

        @Override
        public void waited(Duration wait) {}

        @Override
        public void throttled() {}
    };
}
