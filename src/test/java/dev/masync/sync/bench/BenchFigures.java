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
final class BenchFigures {

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
        String collector = "?";
        int collections = 0;
        int full = 0;
        long after = 0;
        long before = 0;
        long committed = 0;
        for (String line : lines) {
            Matcher u = USING.matcher(line);
            if (u.find() && collector.equals("?")) {
                collector = u.group(1).trim();
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
    record Sample(Instant at, long records, long requests, long tooManyRequests) {}

    /**
     * Records per second over the steady part of a push: from one rate-limit window after the first request to one
     * window before the last confirmed one (performance.md G1: "exclude the first and last window"), counted from the
     * receiver's own counters and interpolated linearly between polls. NaN when the push is shorter than three
     * windows.
     */
    static double steadyRate(List<Sample> samples, Instant first, Instant lastOk, Duration window) {
        Instant from = first.plus(window);
        Instant to = lastOk.minus(window);
        if (!to.isAfter(from)) {
            return Double.NaN;
        }
        double records = recordsAt(samples, to) - recordsAt(samples, from);
        return records / (Duration.between(from, to).toNanos() / 1e9);
    }

    /** The receiver's record count at {@code t}, interpolated between the polls around it. */
    static double recordsAt(List<Sample> samples, Instant t) {
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
    static long requestsFor(long records, int batchSize) {
        return (records + batchSize - 1) / batchSize;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
