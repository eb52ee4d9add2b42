package dev.masync.connector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.sync.bench.BenchFigures;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What one measured push left: the runs, the fake's counters and samples, the daemons' CPU. */
record Outcome(
        String label,
        List<JsonNode> runs,
        JsonNode stats,
        List<BenchFigures.Sample> samples,
        double cpuSeconds,
        double cpuAtMark,
        long recordsAtMark,
        long wallMs,
        boolean timedOut) {
    long records() {
        return stats.path("records").asLong();
    }

    long requests() {
        return stats.path("requests").asLong();
    }

    long throttles() {
        return stats.path("throttles").asLong();
    }

    Instant first() {
        long t = stats.path("firstRequestAt").asLong(-1);
        return t < 0 ? null : Instant.ofEpochMilli(t);
    }

    Instant lastOk() {
        long t = stats.path("lastOkAt").asLong(-1);
        return t < 0 ? null : Instant.ofEpochMilli(t);
    }

    /** First request to last successful answer at the fake, ms; -1 without one. */
    long drainMs() {
        return first() == null || lastOk() == null
                ? -1
                : Duration.between(first(), lastOk()).toMillis();
    }

    double steadyRate() {
        if (first() == null || lastOk() == null) return Double.NaN;
        return BenchFigures.steadyRate(samples, first(), lastOk(), CrmBenchmark.EDGE);
    }

    double wholeRate() {
        long d = drainMs();
        return d <= 0 ? Double.NaN : records() * 1000.0 / d;
    }

    /**
     * The vendor calls the daemon took from the account's budget ({@code drain.calls} of each run); a run without
     * a budget counts its batches ({@code counts.requests}), which are the calls when a batch is one call.
     */
    long vendorCalls() {
        return runs.stream()
                .mapToLong(r -> r.path("drain").path("calls").isNumber()
                        ? r.path("drain").path("calls").asLong()
                        : r.path("counts").path("requests").asLong())
                .sum();
    }

    long counts(String name) {
        return runs.stream()
                .mapToLong(r -> r.path("counts").path(name).asLong())
                .sum();
    }

    String statuses() {
        return String.join(
                "/", runs.stream().map(r -> r.path("status").asText()).toList());
    }

    /**
     * Every run ended and accounted for every record it sent: succeeded, or partially failed only by records the
     * vendor refused one by one (the demo has a few malformed e-mail addresses on purpose), nothing failed.
     */
    boolean allSucceeded() {
        return !timedOut
                && runs.stream().allMatch(r -> {
                    String status = r.path("status").asText();
                    JsonNode c = r.path("counts");
                    return (status.equals("succeeded") || status.equals("partially_failed"))
                            && c.path("failed").asLong() == 0
                            && c.path("confirmed").asLong() + c.path("rejected").asLong()
                                    == c.path("sent").asLong();
                });
    }
}
