package dev.masync.connector.http;

import okhttp3.Authenticator;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Bearer authentication for one destination account: an {@link Interceptor} that sends the provider's token with
 * every request, and an {@link Authenticator} that, on a 401, refreshes the token once and retries the request once.
 * A second 401 for the same request is the answer (classified as {@code AUTH} by {@link HttpFailures}); it never
 * loops. Concurrent 401s share one refresh (see {@link TokenProvider#refresh}).
 */
public final class BearerAuth implements Interceptor, Authenticator {
    private static final String AUTHORIZATION = "Authorization";
    private static final String BEARER = "Bearer ";

    private final TokenProvider tokens;

    public BearerAuth(TokenProvider tokens) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    /** {@code client} with this authentication added (a new client sharing the pool and dispatcher). */
    public OkHttpClient applyTo(OkHttpClient client) {
        return client.newBuilder().addInterceptor(this).authenticator(this).build();
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (request.header(AUTHORIZATION) != null) return chain.proceed(request);
        return chain.proceed(withToken(request, tokens.token()));
    }

    @Override
    public Request authenticate(Route route, Response response) {
        if (response.code() != 401 || retriedAfter401(response)) return null; // refreshed once already: give up
        String sent = response.request().header(AUTHORIZATION);
        String rejected = sent != null && sent.startsWith(BEARER) ? sent.substring(BEARER.length()) : "";
        Optional<AccessToken> fresh = tokens.refresh(rejected);
        return fresh.map(token -> withToken(response.request(), token)).orElse(null);
    }

    private static boolean retriedAfter401(Response response) {
        for (Response prior = response.priorResponse(); prior != null; prior = prior.priorResponse()) {
            if (prior.code() == 401) return true;
        }
        return false;
    }

    private static Request withToken(Request request, AccessToken token) {
        return request.newBuilder()
                .header(AUTHORIZATION, BEARER + token.value())
                .build();
    }
}
