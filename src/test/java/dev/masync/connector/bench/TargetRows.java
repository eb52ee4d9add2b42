package dev.masync.connector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.sync.bench.BenchFigures;

import java.util.List;
import java.util.Locale;

/** The summary's rows: each target with its figure and met / not met, appended to {@code table}. */
final class TargetRows {
    private final List<Row> table;
    private final int burst;
    private final long cpuMark;
    private final int bulkRate;

    TargetRows(List<Row> table, int burst, long cpuMark, int bulkRate) {
        this.table = table;
        this.burst = burst;
        this.cpuMark = cpuMark;
        this.bulkRate = bulkRate;
    }

    void rateRows(Vendor v, Outcome o, boolean withRequestsWindow) {
        double steady = o.steadyRate();
        boolean measurable = !Double.isNaN(steady);
        table.add(new Row(
                String.format(Locale.ROOT, "records/s ≥ 95 %% of %,.0f/s (%s)", v.ceiling(), o.label()),
                measurable
                        ? String.format(
                                Locale.ROOT,
                                "steady %,.0f/s = %.1f %% of the ceiling (whole push %,.0f/s over %.1f s); runs %s",
                                steady,
                                100 * steady / v.ceiling(),
                                o.wholeRate(),
                                o.drainMs() / 1000.0,
                                o.statuses())
                        : String.format(
                                Locale.ROOT,
                                "not measurable: push of %.1f s (shorter than three %d s windows), %,d records; runs"
                                        + " %s",
                                o.drainMs() / 1000.0,
                                CrmBenchmark.EDGE.toSeconds(),
                                o.records(),
                                o.statuses()),
                measurable ? steady >= 0.95 * v.ceiling() && o.allSucceeded() : false));
        long admitted = o.stats().path("maxAdmittedInWindow").asLong();
        double share = o.requests() == 0 ? 0 : (double) o.throttles() / o.requests();
        table.add(new Row(
                "throttle answers ≤ 0.5 % of requests (" + o.label() + ")",
                String.format(
                        Locale.ROOT,
                        "%d of %d (%.2f %%)%s",
                        o.throttles(),
                        o.requests(),
                        100 * share,
                        withRequestsWindow
                                ? String.format(
                                        Locale.ROOT,
                                        "; most admitted in one %d s window %d of %d",
                                        v.window().toSeconds(),
                                        admitted,
                                        v.windowCalls())
                                : ""),
                o.requests() > 0 && share <= 0.005));
    }

    void requestsRow(Vendor v, Outcome o) {
        long expected = 0;
        for (JsonNode r : o.runs()) {
            JsonNode c = r.path("counts");
            expected += BenchFigures.requestsFor(
                    c.path("entered").asLong()
                            + c.path("changed").asLong()
                            + c.path("left").asLong(),
                    v.cap());
        }
        JsonNode s = o.stats();
        long faults = o.throttles()
                + s.path("serverErrors").asLong()
                + s.path("clientErrors").asLong()
                + s.path("dropped").asLong();
        long daemonRequests = o.vendorCalls();
        boolean met = o.requests() == expected && daemonRequests == expected && faults == 0 && o.allSucceeded();
        table.add(new Row(
                "requests = Σ ceil(changed / " + v.cap() + "), no faults (" + o.label() + ")",
                String.format(
                        Locale.ROOT,
                        "fake %d API requests, daemon %d vendor calls (%d engine batches), expected %d (entered %,d, changed"
                                + " %,d, left %,d);"
                                + " %d faults, %d retried; runs %s",
                        o.requests(),
                        daemonRequests,
                        o.counts("requests"),
                        expected,
                        o.counts("entered"),
                        o.counts("changed"),
                        o.counts("left"),
                        faults,
                        o.counts("retried"),
                        o.statuses()),
                met));
    }

    void heldRow(Vendor v, Outcome o, long all) {
        long held = v.held(o.stats());
        table.add(new Row(
                "the fake holds every record the daemon confirmed, the others were refused one by one (" + o.label()
                        + ")",
                String.format(
                        Locale.ROOT,
                        "%,d held of %,d learners; %,d records written; confirmed %,d, rejected %,d",
                        held,
                        all,
                        o.records(),
                        o.counts("confirmed"),
                        o.counts("rejected")),
                held == o.counts("confirmed") && o.counts("confirmed") + o.counts("rejected") == all));
    }

    void faultRows(Vendor v, Outcome f, Outcome steady, long all) {
        JsonNode s = f.stats();
        long asked = s.path("askedWaitMs").asLong();
        String measured = String.format(
                Locale.ROOT,
                "drain %.1f s with %d × 503 and %d throttle answers (%d injected, a burst of %d),"
                        + " %d API requests for %d needed, %d retried; vendor asked %.1f s of waits; runs %s;"
                        + " %,d held, %,d confirmed, %,d refused one by one, of %,d",
                f.drainMs() / 1000.0,
                s.path("serverErrors").asLong(),
                f.throttles(),
                s.path("injectedThrottles").asLong(),
                burst,
                f.requests(),
                BenchFigures.requestsFor(all, v.cap()),
                f.counts("retried"),
                asked / 1000.0,
                f.statuses(),
                v.held(s),
                f.counts("confirmed"),
                f.counts("rejected"),
                all);
        if (steady == null || steady.drainMs() <= 0) {
            table.add(new Row(
                    "drain with 1 % 5xx and a throttle burst ≤ 1.10 × fault-free + asked waits (" + f.label() + ")",
                    measured + "; no fault-free run to compare",
                    null));
            return;
        }
        double bound = 1.10 * steady.drainMs() + asked;
        table.add(new Row(
                "drain with 1 % 5xx and a throttle burst ≤ 1.10 × fault-free + asked waits (" + f.label() + ")",
                String.format(
                        Locale.ROOT,
                        "%s; bound 1.10 × %.1f s + %.1f s = %.1f s (%.2f× the fault-free drain)",
                        measured,
                        steady.drainMs() / 1000.0,
                        asked / 1000.0,
                        bound / 1000.0,
                        (double) f.drainMs() / steady.drainMs()),
                f.drainMs() > 0 && f.drainMs() <= bound && f.allSucceeded() && v.held(s) >= f.counts("confirmed")));
    }

    void cpuRow(Vendor v, Outcome o) {
        long sent = o.records();
        double whole = BenchFigures.perMillion(o.cpuSeconds(), sent);
        double after = BenchFigures.perMillionAfter(o.cpuSeconds(), o.cpuAtMark(), sent, o.recordsAtMark());
        table.add(new Row(
                "daemon CPU ≤ 10 CPU-s per million pushed records, unthrottled fake (" + o.label() + ")",
                String.format(
                        Locale.ROOT,
                        "whole run (diff and JIT warm-up included): %s CPU-s per 1 M (%.1f CPU-s for %,d records"
                                + " in %.1f s, %,.0f records/s); after the first %,d: %s; runs %s",
                        BenchFigures.fmt("%.1f", whole),
                        o.cpuSeconds(),
                        sent,
                        o.drainMs() / 1000.0,
                        o.wholeRate(),
                        cpuMark,
                        o.recordsAtMark() < 0 ? "mark not reached" : BenchFigures.fmt("%.1f", after),
                        o.statuses()),
                sent > 0 && whole <= 10 && o.allSucceeded()));
    }

    void bulkRow(Vendor v, Outcome o, long all) {
        double rate = o.wholeRate();
        table.add(new Row(
                String.format(
                        Locale.ROOT,
                        "Bulk API 2.0 path: records/s ≥ 95 %% of the fake's job rate %,d/s (%s)",
                        bulkRate,
                        o.label()),
                String.format(
                        Locale.ROOT,
                        "%,d records in %.1f s from the first API request to the last answer = %,.0f/s (%.1f %%);"
                                + " %d API requests, %d Bulk jobs; %,d held; runs %s",
                        o.records(),
                        o.drainMs() / 1000.0,
                        rate,
                        100 * rate / bulkRate,
                        o.requests(),
                        o.stats().path("held").path("bulkJobs").asLong(),
                        v.held(o.stats()),
                        o.statuses()),
                !Double.isNaN(rate)
                        && rate >= 0.95 * bulkRate
                        && o.allSucceeded()
                        && v.held(o.stats()) == o.counts("confirmed")
                        && o.stats().path("held").path("bulkJobs").asLong() > 0));
    }

    /**
     * Information: the data points a vendor that bills per data point (Braze) was sent, and what the diff saved
     * against a full upload ({@code cost.dataPoints}, {@code cost.fullUploadDataPoints} of the runs).
     */
    void dataPointsRow(Outcome full, Outcome incremental) {
        StringBuilder m = new StringBuilder(dataPoints(full));
        if (incremental != null)
            m.append("; incremental run after one demo day: ").append(dataPoints(incremental));
        table.add(new Row(
                "data points sent and saved against a full upload (" + full.label() + ", information)",
                m.toString(),
                null));
    }

    private static String dataPoints(Outcome o) {
        long sent = 0;
        long full = 0;
        long records = 0;
        for (JsonNode r : o.runs()) {
            JsonNode c = r.path("cost");
            sent += c.path("dataPoints").asLong();
            full += c.path("fullUploadDataPoints").asLong();
            records += c.path("records").asLong();
        }
        return String.format(
                Locale.ROOT,
                "%,d data points sent for %,d records, a full upload %,d, saved %,d (%.1f %%); runs %s",
                sent,
                records,
                full,
                Math.max(0, full - sent),
                full == 0 ? 0.0 : 100.0 * Math.max(0, full - sent) / full,
                o.statuses());
    }
}
