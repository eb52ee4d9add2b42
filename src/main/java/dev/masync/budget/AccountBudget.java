package dev.masync.budget;

import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.RateLimits;
import dev.masync.connector.spi.RetryableException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The call budget of one vendor account in this replica, shared by every sync writing to the account. Calls start
 * on slots one {@link Spacing#interval() interval} apart (paced evenly ahead, so the vendor's window never sees more
 * than {@code callsPerWindow}), leased in blocks from the {@link BudgetLedger} that every replica shares; the daily
 * quota is counted by the same leases. A throttle the connector {@link #observe observes} pauses the account for every
 * caller and, through the ledger, every replica; the vendor's remaining counts correct the local view (a low window
 * remainder slows this replica down, a day remainder lower than the ledger's count raises it). A wait longer than
 * {@code maxWait} is not slept: {@link #take()} throws a {@link RetryableException} with the wait as its
 * retry-after, and the engine holds the destination until then. In-flight calls are capped per replica at
 * {@code maxConcurrent / replicas}. Never waits for real in tests: time comes from the {@link Clock} and waiting
 * from the {@link Sleeper}.
 */
public final class AccountBudget implements CallBudget {
    private static final Logger LOG = Logger.getLogger(AccountBudget.class);

    /** Blocks the calling thread; replaced in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> TimeUnit.NANOSECONDS.sleep(Math.max(0, d.toNanos()));
    }

    /**
     * @param leaseSpan how much time's worth of slots a replica leases at once (at least one slot)
     * @param maxWait   the longest wait slept inside {@link #take()}; longer ones are thrown as a retry-after
     * @param replicas  how many replicas share {@code maxConcurrent}
     */
    public record Settings(Duration leaseSpan, Duration maxWait, int replicas) {
        public Settings {
            Objects.requireNonNull(leaseSpan, "leaseSpan");
            Objects.requireNonNull(maxWait, "maxWait");
            if (replicas < 1) throw new IllegalArgumentException("replicas must be positive");
        }
    }

    private final String account;
    private final RateLimits limits;
    private final Spacing spacing;
    private final long intervalMicros;
    private final int maxBlock;
    private final int concurrency;
    private final Clock clock;
    private final Sleeper sleeper;
    private final BudgetLedger ledger;
    private final Settings settings;
    private final BudgetMeters meters;
    private final Semaphore inFlight;
    private final WindowCounter starts;

    // the current lease: slots nextSlot, nextSlot + interval, … before endSlot (epoch micros); guarded by this
    private long nextSlot;
    private long endSlot;
    private int leased;
    private int used;
    private int nextBlock = 1;
    private Instant pausedUntil = Instant.EPOCH;
    private String pauseReason = "";
    private long observedDayUsed;
    private Instant observedDayAt = Instant.EPOCH;
    private long dayRemaining = -1;
    private Instant dayReset;
    private long windowRemaining = -1;
    private Instant windowObservedAt = Instant.EPOCH;

    public AccountBudget(
            String account,
            RateLimits limits,
            Clock clock,
            Sleeper sleeper,
            BudgetLedger ledger,
            Settings settings,
            BudgetMeters meters) {
        this.account = Objects.requireNonNull(account, "account");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.spacing = Spacing.of(limits.callsPerWindow(), limits.window());
        this.intervalMicros = Math.max(1, (spacing.interval().toNanos() + 999) / 1000);
        this.maxBlock = (int) Math.max(
                1,
                Math.min(
                        limits.callsPerWindow(),
                        settings.leaseSpan().toNanos()
                                / Math.max(1, spacing.interval().toNanos())));
        this.concurrency = Math.max(1, limits.maxConcurrent() / settings.replicas());
        this.inFlight = new Semaphore(concurrency, true);
        this.starts = new WindowCounter(limits.window());
    }

    public String account() {
        return account;
    }

    public RateLimits limits() {
        return limits;
    }

    /** Calls this replica may have in flight for the account at once. */
    public int concurrency() {
        return concurrency;
    }

    @Override
    public Permit take() {
        boolean slot;
        try {
            slot = inFlight.tryAcquire(settings.maxWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while waiting for a call of account " + account);
        }
        if (!slot) {
            throw new RetryableException(
                    "all " + concurrency + " concurrent calls of account " + account + " stayed busy for "
                            + settings.maxWait().toSeconds() + " s",
                    Duration.ofSeconds(1),
                    null);
        }
        try {
            for (int turn = 0; ; turn++) {
                Start next = nextStart();
                Duration wait = Duration.between(clock.instant(), next.at());
                if (!wait.isNegative() && !wait.isZero()) {
                    meters.waited(wait);
                    sleeper.sleep(wait);
                }
                if (next.slot()) break;
                if (turn == 3) {
                    throw new RetryableException(
                            "account " + account + " still had no call to give after its pause",
                            Duration.ofSeconds(1),
                            null);
                }
            }
            starts.add(clock.instant());
            meters.taken();
            return new TakenCall();
        } catch (InterruptedException e) {
            inFlight.release();
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while waiting for a call of account " + account);
        } catch (RuntimeException | Error e) {
            inFlight.release();
            throw e;
        }
    }

    private final class TakenCall implements Permit {
        private final AtomicBoolean open = new AtomicBoolean(true);

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                inFlight.release();
            }
        }
    }

    /** When to start: on a slot of a lease, or (not a slot) when to ask the ledger again after a short pause. */
    private record Start(Instant at, boolean slot) {}

    /** The start of the next call: a slot of the current lease, or of a new one. */
    private synchronized Start nextStart() {
        Instant now = clock.instant();
        long nowMicros = BudgetLedger.micros(now);
        long late = spacing.catchUp() * intervalMicros;
        for (int leases = 0; ; leases++) {
            refuseLongPause(now);
            long paused = BudgetLedger.micros(pausedUntil);
            while (nextSlot < endSlot) {
                long s = nextSlot;
                nextSlot += intervalMicros;
                if (s + late >= nowMicros && s >= paused) {
                    used++;
                    return new Start(BudgetLedger.instant(s), true);
                }
            }
            if (leases == 3) {
                // every lease was spent by the time we looked (a clock far behind the others'?): do not spin
                throw new RetryableException(
                        "could not lease a usable call slot of account " + account, Duration.ofSeconds(1), null);
            }
            Optional<Instant> refusedUntil = lease(now);
            if (refusedUntil.isPresent()) {
                return new Start(refusedUntil.get(), false);
            }
        }
    }

    private void refuseLongPause(Instant now) {
        Duration wait = Duration.between(now, pausedUntil);
        if (wait.compareTo(settings.maxWait()) > 0) {
            throw new RetryableException(
                    "account " + account + " " + pauseReason + " until " + pausedUntil.truncatedTo(ChronoUnit.SECONDS)
                            + ", longer than a run waits",
                    wait,
                    null);
        }
    }

    /** Leases slots; empty when granted, else until when the ledger refused (a wait short enough to sleep). */
    private Optional<Instant> lease(Instant now) {
        BudgetLedger.Grant g;
        try {
            g = ledger.lease(
                    account,
                    new BudgetLedger.Request(
                            now,
                            intervalMicros,
                            spacing.catchUp(),
                            nextBlock,
                            limits.callsPerDay(),
                            limits.dailyReset(),
                            pausedUntil,
                            now.plus(settings.maxWait()),
                            observedToday(now),
                            leased - used));
        } catch (RuntimeException e) {
            // no budget, no call: an account shared by replicas must not be spent blindly
            LOG.warnf(e, "account %s: cannot lease calls; the push is retried", account);
            throw new RetryableException(
                    "the call budget of account " + account + " cannot be read from the control DB",
                    Duration.ofSeconds(1),
                    e);
        }
        observedDayUsed = 0;
        // the next block follows this replica's demand: twice what it used of the last one, up to the lease span
        nextBlock = Math.max(1, Math.min(maxBlock, 2 * used));
        leased = 0;
        used = 0;
        dayReset = g.dayReset();
        g.dayRemaining().ifPresent(r -> dayRemaining = r);
        if (g.pausedUntil().isAfter(pausedUntil)) {
            pausedUntil = g.pausedUntil();
            pauseReason = "is paused (the vendor throttled)";
        }
        if (g.count() == 0) {
            if (g.retryAt().isAfter(pausedUntil)) {
                pausedUntil = g.retryAt();
                pauseReason = g.refusal().equals("paused") ? "is paused" : "spent its daily quota";
            }
            refuseLongPause(now);
            return Optional.of(g.retryAt());
        }
        nextSlot = g.firstSlotMicros();
        endSlot = nextSlot + g.count() * intervalMicros;
        leased = g.count();
        return Optional.empty();
    }

    /** The vendor's count of calls spent today, unless it was seen before a reset that has passed since. */
    private long observedToday(Instant now) {
        boolean stale = dayReset != null && observedDayAt.isBefore(dayReset) && !now.isBefore(dayReset);
        return stale ? 0 : observedDayUsed;
    }

    @Override
    public void observe(Observation o) {
        Instant now = clock.instant();
        if (o.pause().isPresent()) {
            meters.throttled();
            Instant until = now.plus(o.pause().get());
            Instant reset;
            synchronized (this) {
                reset = dayReset;
            }
            if (o.dailyExhausted() && limits.dailyReset().isPresent() && reset != null && reset.isAfter(until)) {
                until = reset; // a daily limit waits for the reset in the account's zone
            }
            pause(until, o.dailyExhausted() ? "spent its daily quota" : "is paused (the vendor throttled)");
            try {
                ledger.pause(account, until);
            } catch (RuntimeException e) {
                LOG.warnf(e, "account %s: the pause until %s is not shared with other replicas", account, until);
            }
        }
        synchronized (this) {
            if (o.dayRemaining().isPresent()) {
                long remaining = o.dayRemaining().getAsLong();
                OptionalLong max = o.dayMax().isPresent() ? o.dayMax() : limits.callsPerDay();
                if (max.isPresent()) {
                    observedDayUsed = Math.max(observedDayUsed, max.getAsLong() - remaining);
                    observedDayAt = now;
                }
                dayRemaining = dayRemaining < 0 ? remaining : Math.min(dayRemaining, remaining);
                // the vendor counts fewer calls left than this lease holds: keep only those
                endSlot = Math.min(endSlot, nextSlot + Math.max(0, remaining) * intervalMicros);
            }
            if (o.windowRemaining().isPresent()) {
                long remaining = o.windowRemaining().getAsLong();
                windowRemaining = remaining;
                windowObservedAt = now;
                // at our pace the vendor's window keeps `spare` calls free; fewer means someone else spends the
                // account too (or a clock is off): slow down by the calls missing
                long spare = Math.max(1, limits.callsPerWindow() - spacing.slotsIn(limits.window()));
                if (remaining < spare) {
                    Instant until = now.plus(spacing.interval().multipliedBy(spare - remaining));
                    if (until.isAfter(pausedUntil)) {
                        pausedUntil = until;
                        pauseReason = "is slowed down (the vendor's window is nearly spent)";
                    }
                }
            }
        }
    }

    private synchronized void pause(Instant until, String reason) {
        if (until.isAfter(pausedUntil)) {
            pausedUntil = until;
            pauseReason = reason;
        }
    }

    /** Calls left in the current window: the vendor's last word within the window, else the local count's. */
    public synchronized long windowRemaining() {
        Instant now = clock.instant();
        long local = Math.max(0, limits.callsPerWindow() - starts.count(now));
        if (windowRemaining >= 0 && Duration.between(windowObservedAt, now).compareTo(limits.window()) < 0) {
            return Math.min(local, windowRemaining);
        }
        return local;
    }

    /** Calls left today as far as this replica knows (the ledger's count after its last lease, or the vendor's). */
    public synchronized OptionalLong dayRemaining() {
        if (dayRemaining >= 0) return OptionalLong.of(dayRemaining);
        return limits.callsPerDay();
    }

    /** Until when every call of the account waits (past when not paused). */
    public synchronized Instant pausedUntil() {
        return pausedUntil;
    }

    /**
     * How long {@code calls} more calls take at this budget from now: the pause left, one slot per interval, and for
     * calls beyond today's remainder, the wait for each reset. Latency and concurrency are not in it.
     */
    public Duration projectDrain(long calls) {
        if (calls <= 0) return Duration.ZERO;
        Instant now = clock.instant();
        Instant paused;
        Instant reset;
        OptionalLong left = dayRemaining();
        synchronized (this) {
            paused = pausedUntil;
            reset = dayReset;
        }
        Duration interval = spacing.interval();
        Duration start = paused.isAfter(now) ? Duration.between(now, paused) : Duration.ZERO;
        if (left.isEmpty() || calls <= left.getAsLong()) {
            return start.plus(interval.multipliedBy(calls - 1));
        }
        long perDay = limits.callsPerDay().orElse(left.getAsLong());
        Instant firstReset = reset != null && reset.isAfter(now) ? reset : now.plus(Duration.ofDays(1));
        Duration today = start.plus(interval.multipliedBy(left.getAsLong()));
        Duration untilReset = Duration.between(now, firstReset);
        long rest = calls - left.getAsLong();
        long fullDays = (rest - 1) / Math.max(1, perDay);
        long lastDay = rest - fullDays * perDay;
        Duration d = today.compareTo(untilReset) > 0 ? today : untilReset;
        return d.plus(Duration.ofDays(fullDays)).plus(interval.multipliedBy(lastDay - 1));
    }

    @Override
    public String toString() {
        return "AccountBudget[" + account + "]";
    }
}
