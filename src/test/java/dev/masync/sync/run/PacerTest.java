package dev.masync.sync.run;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTest {
    /** A clock that only moves when the pacer "sleeps". */
    static final class FakeTime extends Clock {
        Instant now = Instant.parse("2026-11-02T00:00:00Z");
        final List<Instant> starts = new ArrayList<>();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        Pacer.Sleeper sleeper() {
            return d -> now = now.plus(d);
        }
    }

    @Test
    void neverStartsMoreThanTheLimitInAnyWindowYetReachesNinetyFivePercentOfIt() throws Exception {
        FakeTime time = new FakeTime();
        Pacer pacer = Pacer.of(190, Duration.ofSeconds(10), time, time.sleeper());
        for (int i = 0; i < 1900; i++) {
            pacer.acquire();
            time.starts.add(time.now);
        }
        int maxInWindow = 0;
        int from = 0;
        for (int to = 0; to < time.starts.size(); to++) {
            while (!time.starts.get(from).plus(Duration.ofSeconds(10)).isAfter(time.starts.get(to))) {
                from++;
            }
            maxInWindow = Math.max(maxInWindow, to - from + 1);
        }
        assertThat(maxInWindow).isLessThanOrEqualTo(190);
        double seconds =
                Duration.between(time.starts.get(0), time.starts.get(1899)).toNanos() / 1e9;
        double perSecond = 1899 / seconds;
        assertThat(perSecond / 19.0).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void aRetryAfterPausesEveryCallerOfTheAccount() throws Exception {
        FakeTime time = new FakeTime();
        Pacer pacer = Pacer.unlimited(time, time.sleeper());
        Instant start = time.now;
        pacer.acquire();
        assertThat(time.now).isEqualTo(start);
        pacer.pause(Duration.ofSeconds(3));
        pacer.acquire();
        assertThat(time.now).isEqualTo(start.plusSeconds(3));
    }

    @Test
    void anIdleAccountDoesNotSaveUpABurst() throws Exception {
        FakeTime time = new FakeTime();
        Pacer pacer = Pacer.of(10, Duration.ofSeconds(10), time, time.sleeper());
        pacer.acquire();
        time.now = time.now.plusSeconds(60);
        Instant t = time.now;
        pacer.acquire();
        pacer.acquire();
        assertThat(Duration.between(t, time.now)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    static int maxInAnyWindow(List<Instant> starts, Duration window) {
        int max = 0;
        int from = 0;
        for (int to = 0; to < starts.size(); to++) {
            while (!starts.get(from).plus(window).isAfter(starts.get(to))) {
                from++;
            }
            max = Math.max(max, to - from + 1);
        }
        return max;
    }

    @Test
    void aLateCallerTakesBackTheSlotsItMissedYetNoWindowSeesTheLimit() throws Exception {
        FakeTime time = new FakeTime();
        Pacer pacer = Pacer.of(190, Duration.ofSeconds(10), time, time.sleeper());
        assertThat(pacer.catchUp()).isEqualTo(2);
        for (int i = 0; i < 3800; i++) {
            pacer.acquire();
            time.starts.add(time.now);
            // the work between two requests: 20 ms, but every 7th turn 150 ms (a GC pause, a slow state write)
            time.now = time.now.plusMillis(i % 7 == 6 ? 150 : 20);
        }
        assertThat(maxInAnyWindow(time.starts, Duration.ofSeconds(10))).isLessThanOrEqualTo(189);
        double seconds =
                Duration.between(time.starts.get(0), time.starts.get(3799)).toNanos() / 1e9;
        // the even spacing alone gives 97.8 % of 19/s; without catching up, these late turns cost a fifth of it
        assertThat(3799 / seconds / 19.0).isGreaterThanOrEqualTo(0.975);
    }

    @Test
    void anIdleAccountSavesUpNoMoreThanItsCatchUp() throws Exception {
        FakeTime time = new FakeTime();
        Pacer pacer = Pacer.of(190, Duration.ofSeconds(10), time, time.sleeper());
        for (int i = 0; i < 100; i++) {
            pacer.acquire();
            time.starts.add(time.now);
        }
        time.now = time.now.plusSeconds(60);
        Instant back = time.now;
        for (int i = 0; i < 300; i++) {
            pacer.acquire();
            time.starts.add(time.now);
        }
        assertThat(time.starts.stream().filter(back::equals).count()).isEqualTo(1 + pacer.catchUp());
        assertThat(maxInAnyWindow(time.starts, Duration.ofSeconds(10))).isLessThanOrEqualTo(189);
    }

    @Test
    void smallLimitsLeaveNoRoomToCatchUp() {
        FakeTime time = new FakeTime();
        assertThat(Pacer.of(10, Duration.ofSeconds(10), time, time.sleeper()).catchUp())
                .isZero();
        assertThat(Pacer.of(100, Duration.ofSeconds(10), time, time.sleeper()).catchUp())
                .isZero();
        assertThat(Pacer.of(250, Duration.ofSeconds(10), time, time.sleeper()).catchUp())
                .isEqualTo(3);
        assertThat(Pacer.unlimited(time, time.sleeper()).catchUp()).isZero();
    }
}
