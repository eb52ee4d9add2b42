package dev.masync.budget;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The state an account's budget shares across replicas: the next free call slot, a pause every caller honours, and
 * the calls spent today. A replica leases a block of consecutive slots at a time (and counts the block against the
 * daily quota), so it talks to the ledger once per block, not once per call; a replica that dies loses at most its
 * block. Slots are never handed out twice, and {@link #step} is the one place that decides a lease. A lease counts
 * its whole block against the daily quota until the replica's next lease gives back what it did not use.
 */
public interface BudgetLedger {

    /**
     * What a replica asks for.
     *
     * @param now            the replica's clock
     * @param intervalMicros time between two slots
     * @param lateSlots      how many intervals late a slot may still be used ({@link Spacing#catchUp()})
     * @param count          slots wanted
     * @param callsPerDay    the daily quota, if any
     * @param dailyReset     the zone whose midnight resets it, or empty for a rolling 24 hours
     * @param notBefore      no slot before this (the replica's own pause)
     * @param refuseAfter    a pause or quota reset later than this refuses the lease instead of granting slots then
     * @param observedDayUsed calls the vendor said were spent today (0 when it did not say)
     * @param returned       slots of the replica's previous lease it did not use: no longer counted today
     */
    record Request(
            Instant now,
            long intervalMicros,
            int lateSlots,
            int count,
            OptionalLong callsPerDay,
            Optional<ZoneId> dailyReset,
            Instant notBefore,
            Instant refuseAfter,
            long observedDayUsed,
            long returned) {
        public Request {
            Objects.requireNonNull(now, "now");
            Objects.requireNonNull(callsPerDay, "callsPerDay");
            Objects.requireNonNull(dailyReset, "dailyReset");
            Objects.requireNonNull(notBefore, "notBefore");
            Objects.requireNonNull(refuseAfter, "refuseAfter");
            if (intervalMicros < 1 || count < 1)
                throw new IllegalArgumentException("interval and count must be positive");
        }
    }

    /**
     * A lease: {@code count} slots from {@code firstSlotMicros}, one interval apart; none ({@code count == 0}) when
     * the account is paused or its daily quota is spent beyond {@link Request#refuseAfter}, then {@code retryAt}
     * says when to ask again and {@code refusal} why.
     */
    record Grant(
            long firstSlotMicros,
            int count,
            Instant pausedUntil,
            OptionalLong dayRemaining,
            Instant dayReset,
            Instant retryAt,
            String refusal) {}

    /** One account's shared state (epoch microseconds). */
    record Row(long nextSlot, long pausedUntil, long dayStart, long dayUsed) {
        static final Row EMPTY = new Row(0, 0, 0, 0);
    }

    /** A decided lease: the row to store and what the replica gets. */
    record Step(Row row, Grant grant) {}

    /** Leases slots of the account (creating its state on first use). */
    Grant lease(String account, Request request);

    /** Pauses the account for every caller, on every replica, until {@code until} (only ever later). */
    void pause(String account, Instant until);

    long DAY_MICROS = ChronoUnit.DAYS.getDuration().toNanos() / 1000;

    /** Decides a lease on {@code row}; pure. */
    static Step step(Row row, Request r) {
        long now = micros(r.now());
        long dayStart;
        long dayReset;
        if (r.dailyReset().isPresent()) {
            ZoneId zone = r.dailyReset().get();
            LocalDate today = r.now().atZone(zone).toLocalDate();
            dayStart = micros(today.atStartOfDay(zone).toInstant());
            dayReset = micros(today.plusDays(1).atStartOfDay(zone).toInstant());
        } else {
            dayStart = row.dayStart() == 0 || now >= row.dayStart() + DAY_MICROS ? now : row.dayStart();
            dayReset = dayStart + DAY_MICROS;
        }
        long used = dayStart == row.dayStart() ? Math.max(0, row.dayUsed() - r.returned()) : 0;
        used = Math.max(used, r.observedDayUsed());
        Instant pausedUntil = instant(row.pausedUntil());
        Instant reset = instant(dayReset);
        Row rolled = new Row(row.nextSlot(), row.pausedUntil(), dayStart, used);
        OptionalLong left = r.callsPerDay().isPresent()
                ? OptionalLong.of(Math.max(0, r.callsPerDay().getAsLong() - used))
                : OptionalLong.empty();
        if (pausedUntil.isAfter(r.refuseAfter())) {
            return new Step(rolled, new Grant(0, 0, pausedUntil, left, reset, pausedUntil, "paused"));
        }
        if (left.isPresent() && left.getAsLong() == 0) {
            return new Step(rolled, new Grant(0, 0, pausedUntil, left, reset, reset, "daily quota spent"));
        }
        int count = (int) Math.min(r.count(), left.orElse(Long.MAX_VALUE));
        long first = Math.max(
                Math.max(row.nextSlot(), now - r.lateSlots() * r.intervalMicros()),
                Math.max(row.pausedUntil(), micros(r.notBefore())));
        long usedAfter = used + count;
        Row next = new Row(first + count * r.intervalMicros(), row.pausedUntil(), dayStart, usedAfter);
        OptionalLong leftAfter = r.callsPerDay().isPresent()
                ? OptionalLong.of(Math.max(0, r.callsPerDay().getAsLong() - usedAfter))
                : OptionalLong.empty();
        return new Step(next, new Grant(first, count, pausedUntil, leftAfter, reset, instant(first), null));
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    static Instant instant(long micros) {
        return Instant.EPOCH.plus(Duration.of(micros, ChronoUnit.MICROS));
    }

    /** A ledger in this process only: one replica (plain tests, tools). */
    static BudgetLedger inMemory() {
        Map<String, Row> rows = new HashMap<>();
        return new BudgetLedger() {
            @Override
            public synchronized Grant lease(String account, Request request) {
                Step s = step(rows.getOrDefault(account, Row.EMPTY), request);
                rows.put(account, s.row());
                return s.grant();
            }

            @Override
            public synchronized void pause(String account, Instant until) {
                Row r = rows.getOrDefault(account, Row.EMPTY);
                long u = micros(until);
                if (u > r.pausedUntil()) {
                    rows.put(account, new Row(r.nextSlot(), u, r.dayStart(), r.dayUsed()));
                }
            }
        };
    }
}
