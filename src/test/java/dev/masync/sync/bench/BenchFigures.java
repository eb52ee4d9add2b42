package dev.masync.sync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The arithmetic of {@link SyncBenchmark}, kept apart so that it is unit-tested. */
public final class BenchFigures {

    private BenchFigures() {}

    /** What the unified GC log ({@code -Xlog:gc*:file=…}) says about the heap. */
    record GcSummary(
            String collector,
            int collections,
            long peakAfterGcBytes,
            long peakBeforeGcBytes,
            long maxCommittedBytes,
            int fullCollections) {}

    /** A pause line of the {@code gc} tag: {@code GC(12) Pause Young (Normal) (G1 Evacuation Pause) 45M->12M(256M)}. */
    private static final Pattern PAUSE =
            Pattern.compile("GC\\((\\d+)\\) (Pause .*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private static final Pattern USING = Pattern.compile("\\[gc *\\] Using (\\S+)");

    /**
     * Peak heap occupancy right after a collection, over every collection that frees memory (young, mixed, full;
     * not G1's remark and cleanup pauses, which report the heap as it stands).
     */
    static GcSummary gcSummary(List<String> lines) {
        return gcSummary(lines, 0);
    }

    /**
     * As {@link #gcSummary(List)}, counting only the collections logged from line {@code from} on (one run of a
     * daemon that ran several); the collector is read from the whole log.
     */
    static GcSummary gcSummary(List<String> lines, int from) {
        String collector = "?";
        int collections = 0;
        int full = 0;
        long after = 0;
        long before = 0;
        long committed = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher u = USING.matcher(line);
            if (u.find() && collector.equals("?")) {
                collector = u.group(1).trim();
            }
            if (i < from) {
                continue;
            }
            Matcher m = PAUSE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String kind = m.group(2);
            if (kind.startsWith("Pause Remark") || kind.startsWith("Pause Cleanup")) {
                continue;
            }
            collections++;
            if (kind.startsWith("Pause Full")) {
                full++;
            }
            before = Math.max(before, bytes(m.group(3), m.group(4)));
            after = Math.max(after, bytes(m.group(5), m.group(6)));
            committed = Math.max(committed, bytes(m.group(7), m.group(8)));
        }
        return new GcSummary(collector, collections, after, before, committed, full);
    }

    static GcSummary gcSummary(Path log) throws IOException {
        return gcSummary(Files.readAllLines(log));
    }

    private static long bytes(String n, String unit) {
        long v = Long.parseLong(n);
        return switch (unit) {
            case "K" -> v << 10;
            case "M" -> v << 20;
            default -> v << 30;
        };
    }

    /** One poll of the receiver's counters. */
    public record Sample(Instant at, long records, long requests, long tooManyRequests) {}

    /**
     * Records per second over the steady part of a push: from one rate-limit window after the first request to one
     * window before the last confirmed one (performance.md G1: "exclude the first and last window"), counted from the
     * receiver's own counters and interpolated linearly between polls. NaN when the push is shorter than three
     * windows.
     */
    public static double steadyRate(List<Sample> samples, Instant first, Instant lastOk, Duration window) {
        Instant from = first.plus(window);
        Instant to = lastOk.minus(window);
        if (!to.isAfter(from)) {
            return Double.NaN;
        }
        double records = recordsAt(samples, to) - recordsAt(samples, from);
        return records / (Duration.between(from, to).toNanos() / 1e9);
    }

    /** The receiver's record count at {@code t}, interpolated between the polls around it. */
    public static double recordsAt(List<Sample> samples, Instant t) {
        Sample prev = null;
        for (Sample s : samples) {
            if (!s.at().isBefore(t)) {
                if (prev == null) {
                    return s.records();
                }
                double span = Duration.between(prev.at(), s.at()).toNanos();
                double part = span == 0 ? 1 : Duration.between(prev.at(), t).toNanos() / span;
                return prev.records() + part * (s.records() - prev.records());
            }
            prev = s;
        }
        return prev == null ? 0 : prev.records();
    }

    /** Requests a push of {@code records} needs at {@code batchSize} per request: ceil(records / batchSize). */
    public static long requestsFor(long records, int batchSize) {
        return (records + batchSize - 1) / batchSize;
    }

    /** The diff target of the engine issue: ≤ 4× the reference scan up to 10 M learners, ≤ 5× above (50 M). */
    static double diffLimit(long learners) {
        return learners > 10_000_000L ? 5.0 : 4.0;
    }

    /** CPU-seconds per million records; NaN when no record was pushed. */
    public static double perMillion(double cpuSeconds, long records) {
        return records <= 0 ? Double.NaN : cpuSeconds * 1e6 / records;
    }

    /**
     * CPU-seconds per million records after a mark (e.g. when the receiver had seen 100,000 records): what the
     * process spent from the mark to the end over the records pushed in that time, so the diff, start-up of the
     * push and most of the JIT warm-up are left out. NaN without a mark or without records after it.
     */
    public static double perMillionAfter(double cpuSeconds, double cpuAtMark, long records, long recordsAtMark) {
        if (Double.isNaN(cpuAtMark) || recordsAtMark < 0 || records <= recordsAtMark) {
            return Double.NaN;
        }
        return (cpuSeconds - cpuAtMark) * 1e6 / (records - recordsAtMark);
    }

    /** The median; of an even count, the mean of the middle two. */
    public static double median(List<Long> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** A figure, or "-" when it is NaN. */
    public static String fmt(String format, double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }

    /** "33.0 MiB (4 GCs)", or "no GC" when nothing was collected (the heap after a GC is then unknown). */
    static String heapAfterGc(GcSummary gc) {
        return gc.collections() == 0
                ? "no GC"
                : mib(gc.peakAfterGcBytes()) + " (" + gc.collections() + (gc.collections() == 1 ? " GC)" : " GCs)");
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
