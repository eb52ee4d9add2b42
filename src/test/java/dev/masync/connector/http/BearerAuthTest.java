package dev.masync.connector.http;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BearerAuthTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T06:00:00Z"), ZoneOffset.UTC);

    MockWebServer server;
    final AtomicInteger fetches = new AtomicInteger();
    /** Each fetch hands out the next token: t1, t2, t3… valid for 30 minutes. */
    final CachedTokenProvider tokens = new CachedTokenProvider(
            () -> AccessToken.expiringAt(
                    "t" + fetches.incrementAndGet(), CLOCK.instant().plusSeconds(1800)),
            CLOCK,
            Duration.ofSeconds(60));

    final OkHttpClient client = new BearerAuth(tokens).applyTo(new OkHttpClient());

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void sendsTheProvidersToken() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).build());

        assertThat(call().code()).isEqualTo(200);

        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer t1");
        assertThat(fetches).hasValue(1);
    }

    @Test
    void refreshesOnceOn401AndRetriesTheRequestOnce() throws Exception {
        server.enqueue(new MockResponse.Builder().code(401).build());
        server.enqueue(new MockResponse.Builder().code(200).body("ok").build());

        try (Response response = call()) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).isEqualTo("ok");
        }

        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer t1");
        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer t2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void givesUpAfterTwo401sWithoutLooping() throws Exception {
        for (int i = 0; i < 5; i++)
            server.enqueue(new MockResponse.Builder().code(401).build());

        try (Response response = call()) {
            assertThat(response.code()).isEqualTo(401); // the classifier then answers AUTH
        }

        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(fetches).hasValue(2); // the first token and one refresh
    }

    @Test
    void aStaticTokenIsNotRetriedOn401() throws Exception {
        OkHttpClient staticClient = new BearerAuth(new StaticTokenProvider(() -> "pat-1")).applyTo(new OkHttpClient());
        server.enqueue(new MockResponse.Builder().code(401).build());
        server.enqueue(new MockResponse.Builder().code(200).build());

        try (Response response = staticClient
                .newCall(new Request.Builder().url(server.url("/x")).build())
                .execute()) {
            assertThat(response.code()).isEqualTo(401);
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void concurrent401sCauseOneRefresh() throws Exception {
        int callers = 6;
        tokens.token(); // t1, held by every caller
        CountDownLatch allRejected = new CountDownLatch(callers);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                if ("Bearer t1".equals(request.getHeaders().get("Authorization"))) {
                    allRejected.countDown();
                    allRejected.await(10, TimeUnit.SECONDS); // every caller holds a 401 before any refreshes
                    return new MockResponse.Builder().code(401).build();
                }
                return new MockResponse.Builder().code(200).build();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Integer>> codes = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                codes.add(pool.submit(() -> {
                    try (Response r = call()) {
                        return r.code();
                    }
                }));
            }
            for (Future<Integer> code : codes)
                assertThat(code.get(20, TimeUnit.SECONDS)).isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }

        assertThat(fetches).hasValue(2); // t1, then one refresh to t2 shared by every caller
        assertThat(server.getRequestCount()).isEqualTo(2 * callers);
    }

    private Response call() throws Exception {
        return client.newCall(new Request.Builder().url(server.url("/contacts")).build())
                .execute();
    }
}
