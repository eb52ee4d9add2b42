package dev.masync.connector.http;

import dev.masync.connector.spi.PermanentException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenProviderTest {
    static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");

    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(T0);

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    final MovableClock clock = new MovableClock();
    final AtomicInteger fetches = new AtomicInteger();
    final CachedTokenProvider provider = new CachedTokenProvider(
            () -> AccessToken.expiringAt(
                    "t" + fetches.incrementAndGet(), clock.instant().plus(Duration.ofMinutes(30))),
            clock,
            Duration.ofSeconds(60));

    @Test
    void fetchesOnFirstUseAndReusesUntilShortlyBeforeExpiry() {
        assertThat(provider.token().value()).isEqualTo("t1");
        clock.advance(Duration.ofMinutes(28));
        assertThat(provider.token().value()).isEqualTo("t1");
        clock.advance(Duration.ofSeconds(59)); // 61 s before expiry
        assertThat(provider.token().value()).isEqualTo("t1");
        clock.advance(Duration.ofSeconds(1)); // 60 s before expiry: replaced ahead of time
        assertThat(provider.token().value()).isEqualTo("t2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void anExpiredTokenIsNeverHandedOut() {
        provider.token();
        clock.advance(Duration.ofHours(5));
        assertThat(provider.token().value()).isEqualTo("t2");
    }

    @Test
    void refreshReplacesTheRejectedTokenOnlyOnce() {
        AccessToken first = provider.token();
        assertThat(provider.refresh(first.value())).map(AccessToken::value).contains("t2");
        // a second caller that also held t1 gets t2 without another fetch
        assertThat(provider.refresh(first.value())).map(AccessToken::value).contains("t2");
        assertThat(fetches).hasValue(2);
        // t2 itself refused: a new one
        assertThat(provider.refresh("t2")).map(AccessToken::value).contains("t3");
    }

    @Test
    void concurrentCallersShareOneFetch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slowFetches = new AtomicInteger();
        CachedTokenProvider slow = new CachedTokenProvider(
                () -> {
                    slowFetches.incrementAndGet();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return AccessToken.expiringAt("only", clock.instant().plus(Duration.ofMinutes(30)));
                },
                clock,
                Duration.ofSeconds(60));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> values = new ArrayList<>();
            for (int i = 0; i < 8; i++)
                values.add(pool.submit(() -> slow.token().value()));
            release.countDown();
            for (Future<String> v : values)
                assertThat(v.get(10, TimeUnit.SECONDS)).isEqualTo("only");
        } finally {
            pool.shutdownNow();
        }
        assertThat(slowFetches).hasValue(1);
    }

    @Test
    void aFailedFetchPropagatesAndTheNextCallTriesAgain() {
        AtomicInteger calls = new AtomicInteger();
        CachedTokenProvider flaky = new CachedTokenProvider(
                () -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new PermanentException(PermanentException.Code.AUTH, "invalid_grant");
                    }
                    return AccessToken.expiringAt("ok", clock.instant().plusSeconds(1800));
                },
                clock,
                Duration.ofSeconds(60));
        assertThatThrownBy(flaky::token).isInstanceOf(PermanentException.class);
        assertThat(flaky.token().value()).isEqualTo("ok");
    }

    @Test
    void aTokenWithoutExpiryIsKept() {
        CachedTokenProvider forever = new CachedTokenProvider(
                () -> AccessToken.permanent("p" + fetches.incrementAndGet()), clock, Duration.ofSeconds(60));
        forever.token();
        clock.advance(Duration.ofDays(400));
        assertThat(forever.token().value()).isEqualTo("p1");
    }

    @Test
    void aStaticTokenIsReadEachTimeAndCannotBeRefreshed() {
        AtomicReference<String> secret = new AtomicReference<>("pat-1");
        StaticTokenProvider tokens = new StaticTokenProvider(secret::get);
        assertThat(tokens.token().value()).isEqualTo("pat-1");
        assertThat(tokens.refresh("pat-1")).isEmpty();
        secret.set("pat-2"); // rotated
        assertThat(tokens.refresh("pat-1")).map(AccessToken::value).contains("pat-2");
        assertThat(tokens.token().expiresAt()).isEmpty();
    }

    @Test
    void aTokenNeverShowsItsValue() {
        assertThat(AccessToken.expiringAt("s3cr3t", T0).toString())
                .doesNotContain("s3cr3t")
                .contains("***");
    }
}
