package dev.masync.sync.run;

/** Who asked for a run. */
public enum RunTrigger {
    SCHEDULE,
    API,
    WEBHOOK;

    String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
