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
    CANCELLED;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
