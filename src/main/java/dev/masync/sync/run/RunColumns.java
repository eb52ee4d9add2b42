package dev.masync.sync.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the columns of runs, rejections and record errors hold (migrations V005 and V009), and the one way text is cut
 * to fit them: a value that would overflow its column is shortened and ends with "…", so a long message from a
 * destination or an exception never fails the write that records it.
 */
public final class RunColumns {
    /** {@code sync_runs.reason}. */
    public static final int REASON = 4000;
    /** {@code sync_runs.samples_json}. */
    public static final int SAMPLES = 200_000;
    /** {@code run_rejections.code}, {@code record_errors.code}. */
    public static final int CODE = 100;
    /** {@code run_rejections.message}, {@code record_errors.message}. */
    public static final int MESSAGE = 2000;
    /** {@code run_rejections.error_class}, {@code record_errors.error_class}. */
    public static final int ERROR_CLASS = 32;

    private static final String ELLIPSIS = "…";

    private RunColumns() {}

    /** The text cut to at most {@code max} characters (null stays null). */
    public static String truncate(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max - ELLIPSIS.length();
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return text.substring(0, Math.max(0, end)) + ELLIPSIS;
    }

    /**
     * Samples as JSON that fits {@link #SAMPLES}: while too long, each list keeps half its entries (JSON is never cut
     * in the middle); null when nothing is left to show.
     */
    public static String samplesJson(Map<String, List<Map<String, Object>>> samples) {
        Map<String, List<Map<String, Object>>> kept = new LinkedHashMap<>(samples);
        while (true) {
            String json = RunJson.write(kept);
            if (json.length() <= SAMPLES) {
                return kept.values().stream().allMatch(List::isEmpty) ? null : json;
            }
            boolean shrunk = false;
            for (var e : kept.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    e.setValue(e.getValue().subList(0, e.getValue().size() / 2));
                    shrunk = true;
                }
            }
            if (!shrunk) {
                return null;
            }
        }
    }

    /** {@code sync_runs.webhook_events}: {"count": n, "ids": [the first 200]}, whatever the micro-batch's size. */
    static String eventsJson(List<Long> events) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", events.size());
        json.put("ids", events.subList(0, Math.min(200, events.size())));
        return RunJson.write(json);
    }

    /** The reason of a run ended by an unexpected throwable, in words (never a Java type name). */
    static String reason(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "the daemon ran out of memory during this run; the next run sends what it had not confirmed"
                    + " (give the container more memory or lower masync.sync.workers)";
        }
        if (e instanceof StackOverflowError) {
            return "the run failed on a stack overflow (deeply nested data or a defect); see the daemon's log";
        }
        String message = e.getMessage();
        return "the run failed on an internal error"
                + (message == null || message.isBlank() ? "" : ": " + message)
                + "; see the daemon's log, the next run sends what this one had not confirmed";
    }
}
