package dev.masync.sync.run;

import java.util.Locale;

/** Where a run stands; every status but {@link #RUNNING} is final. */
public enum RunStatus {
    RUNNING,
    SUCCEEDED,
    PARTIALLY_FAILED,
    FAILED,
    BLOCKED_BY_GUARD,
    SKIPPED_STALE,
    CANCELLED,
    /** Stopped before a warehouse call that would have billed more than the sync's {@code maxBytesBilled}. */
    OVER_BUDGET;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
