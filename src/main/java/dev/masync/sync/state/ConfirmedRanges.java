package dev.masync.sync.state;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Journal entries in the shape a fold statement binds: the confirmed sequence numbers as sorted, disjoint intervals,
 * and per excluded learner the intervals where it stays unconfirmed. A pending row is confirmed when some entry
 * covers its sequence number without excluding its learner, so overlapping entries (which the engine does not write,
 * but the contract allows) resolve exactly: a learner excluded by one entry and confirmed by another is confirmed.
 */
final class ConfirmedRanges {
    /** Estimated request bytes of one array element bound as a query parameter ({@code {"value":"..."}}, commas). */
    static final int ELEMENT_BYTES = 24;

    record Interval(long lo, long hi) {}

    record Exclusion(String key, long lo, long hi) {}

    /** What one fold statement binds. */
    record Part(List<Interval> covered, List<Exclusion> excluded) {
        Part {
            covered = List.copyOf(covered);
            excluded = List.copyOf(excluded);
        }

        /** Estimated bytes of the bound parameters (two arrays for the intervals, three for the exclusions). */
        long parameterBytes() {
            long bytes = 2L * ELEMENT_BYTES * covered.size();
            for (Exclusion e : excluded) {
                bytes += size(e);
            }
            return bytes;
        }

        boolean isEmpty() {
            return covered.isEmpty();
        }
    }

    private ConfirmedRanges() {}

    /** Normalizes the entries (in any order; those with {@code fromSeq > toSeq} confirm nothing). */
    static Part of(List<ConfirmationJournal.Entry> entries) {
        List<ConfirmationJournal.Entry> valid = entries.stream()
                .filter(e -> e.fromSeq() <= e.toSeq() && e.toSeq() < Long.MAX_VALUE)
                .toList();
        if (valid.isEmpty()) {
            return new Part(List.of(), List.of());
        }
        // Elementary segments: [b[j], b[j + 1] - 1], each covered by the same set of entries throughout.
        TreeSet<Long> points = new TreeSet<>();
        for (ConfirmationJournal.Entry e : valid) {
            points.add(e.fromSeq());
            points.add(e.toSeq() + 1);
        }
        long[] b = points.stream().mapToLong(Long::longValue).toArray();
        int segments = b.length - 1;
        int[] coverage = new int[segments + 1];
        Map<String, int[]> excludedBy = new TreeMap<>();
        for (ConfirmationJournal.Entry e : valid) {
            int first = Arrays.binarySearch(b, e.fromSeq());
            int end = Arrays.binarySearch(b, e.toSeq() + 1);
            coverage[first]++;
            coverage[end]--;
            for (String key : new LinkedHashSet<>(e.excluded())) {
                int[] counts = excludedBy.computeIfAbsent(key, k -> new int[segments]);
                for (int j = first; j < end; j++) {
                    counts[j]++;
                }
            }
        }
        for (int j = 1; j < segments; j++) {
            coverage[j] += coverage[j - 1];
        }
        List<Interval> covered = new ArrayList<>();
        addRuns(covered, b, j -> coverage[j] > 0, segments);
        List<Exclusion> excluded = new ArrayList<>();
        for (Map.Entry<String, int[]> x : excludedBy.entrySet()) {
            int[] counts = x.getValue();
            List<Interval> runs = new ArrayList<>();
            addRuns(runs, b, j -> counts[j] > 0 && counts[j] == coverage[j], segments);
            for (Interval r : runs) {
                excluded.add(new Exclusion(x.getKey(), r.lo(), r.hi()));
            }
        }
        return new Part(covered, excluded);
    }

    private interface SegmentTest {
        boolean test(int segment);
    }

    /** Appends the maximal runs of consecutive segments that pass {@code test}. */
    private static void addRuns(List<Interval> out, long[] b, SegmentTest test, int segments) {
        int j = 0;
        while (j < segments) {
            if (!test.test(j)) {
                j++;
                continue;
            }
            int k = j;
            while (k + 1 < segments && test.test(k + 1)) {
                k++;
            }
            out.add(new Interval(b[j], b[k + 1] - 1));
            j = k + 1;
        }
    }

    /**
     * Splits {@code all} at sequence numbers into parts whose parameters stay within {@code budgetBytes}, so that a
     * long list of unconfirmed learners does not make one statement larger than BigQuery accepts. A part may still
     * exceed the budget when more exclusions than fit span one sequence number (one entry's exclusions are bounded
     * by the batch size).
     */
    static List<Part> split(Part all, long budgetBytes) {
        if (all.isEmpty()) {
            return List.of();
        }
        if (all.parameterBytes() <= budgetBytes) {
            return List.of(all);
        }
        List<Exclusion> byStart = new ArrayList<>(all.excluded());
        byStart.sort(Comparator.comparingLong(Exclusion::lo).thenComparing(Exclusion::key));
        List<Long> cuts = new ArrayList<>();
        List<Exclusion> current = new ArrayList<>();
        long bytes = 0;
        for (Exclusion e : byStart) {
            long start = cuts.isEmpty() ? Long.MIN_VALUE : cuts.get(cuts.size() - 1);
            if (!current.isEmpty() && bytes + size(e) > budgetBytes && e.lo() > start) {
                long cut = e.lo();
                cuts.add(cut);
                List<Exclusion> carried = new ArrayList<>();
                bytes = 0;
                for (Exclusion c : current) {
                    if (c.hi() >= cut) {
                        carried.add(c);
                        bytes += size(c);
                    }
                }
                current = carried;
            }
            current.add(e);
            bytes += size(e);
        }
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i <= cuts.size(); i++) {
            long lo = i == 0 ? Long.MIN_VALUE : cuts.get(i - 1);
            long hi = i == cuts.size() ? Long.MAX_VALUE : cuts.get(i) - 1;
            Part p = clip(all, lo, hi);
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        return parts;
    }

    private static Part clip(Part all, long lo, long hi) {
        List<Interval> covered = new ArrayList<>();
        for (Interval c : all.covered()) {
            if (c.hi() >= lo && c.lo() <= hi) {
                covered.add(new Interval(Math.max(lo, c.lo()), Math.min(hi, c.hi())));
            }
        }
        List<Exclusion> excluded = new ArrayList<>();
        for (Exclusion e : all.excluded()) {
            if (e.hi() >= lo && e.lo() <= hi) {
                excluded.add(new Exclusion(e.key(), Math.max(lo, e.lo()), Math.min(hi, e.hi())));
            }
        }
        return new Part(covered, excluded);
    }

    private static long size(Exclusion e) {
        return 3L * ELEMENT_BYTES + e.key().getBytes(StandardCharsets.UTF_8).length;
    }
}
