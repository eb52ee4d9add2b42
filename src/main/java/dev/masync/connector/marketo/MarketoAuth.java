package dev.masync.connector.marketo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.AccessToken;
import dev.masync.connector.http.CachedTokenProvider;
import dev.masync.connector.http.HttpExchange;
import dev.masync.connector.http.HttpFailures;
import dev.masync.connector.http.HttpReply;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.DestinationException;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.Secret;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Mints Marketo access tokens at the identity endpoint ({@code POST {baseUrl}/identity/oauth/token}, client
 * credentials as a form, never in the URL). Tokens live 3,600 s and {@code expires_in} is their remaining life (the
 * endpoint hands back the same token until then), so the provider replaces one {@link #REFRESH_BEFORE} early; a 601
 * or 602 inside an API answer makes {@link MarketoApi} refresh once. Token calls take no permit of the call budget
 * (the identity endpoint is not a REST API call).
 */
final class MarketoAuth {
    /** A token this close to its end is replaced before use, so none expires on the way. */
    static final Duration REFRESH_BEFORE = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The credentials of one destination, resolved. {@link #toString()} shows neither. */
    record Credentials(Secret clientId, Secret clientSecret) {
        static Credentials of(DestinationContext context) {
            return new Credentials(
                    context.secret(MarketoSettings.CLIENT_ID), context.secret(MarketoSettings.CLIENT_SECRET));
        }

        /** A digest of both, so a rotated secret gets a new token (never logged, never reversible). */
        String fingerprint() {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(clientId.utf8());
                sha.update((byte) 0);
                sha.update(clientSecret.utf8());
                return HexFormat.of().formatHex(sha.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return "Credentials[***]";
        }
    }

    private final MarketoSettings settings;
    private final Credentials credentials;
    private final HttpExchange http;
    private final Clock clock;

    MarketoAuth(MarketoSettings settings, Credentials credentials, OkHttpClient client, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = new HttpExchange(client, new HttpFailures(clock).withQuirk(this::classify), 64 * 1024);
    }

    CachedTokenProvider provider() {
        return new CachedTokenProvider(this::fetch, clock, REFRESH_BEFORE);
    }

    AccessToken fetch() {
        Request request = new Request.Builder()
                .url(settings.url("/identity/oauth/token"))
                .post(new FormBody.Builder()
                        .add("grant_type", "client_credentials")
                        .add("client_id", credentials.clientId().reveal())
                        .add("client_secret", credentials.clientSecret().reveal())
                        .build())
                .build();
        HttpReply reply = http.execute(request);
        try {
            JsonNode body = JSON.readTree(reply.body());
            String token = body == null ? null : body.path("access_token").asText(null);
            if (token == null || token.isBlank()) throw new IOException("no access_token");
            long expiresIn = body.path("expires_in").asLong(0);
            // expires_in 0 (or less than the margin) means "refresh now": the provider fetches again at next use
            return AccessToken.expiringAt(token, clock.instant().plusSeconds(Math.max(0, expiresIn)));
        } catch (IOException e) {
            throw new RetryableException("malformed_response: the Marketo identity endpoint answered " + reply.status()
                    + " without an access_token; try again");
        }
    }

    /** 401 (bad client id or secret) and 400 on the identity endpoint are configuration errors. */
    private Optional<DestinationException> classify(HttpReply reply, HttpFailures standard) {
        int status = reply.status();
        if (status == 401 || status == 400 || status == 403) {
            return Optional.of(new PermanentException(
                    PermanentException.Code.AUTH,
                    "Marketo's identity endpoint refused the credentials (HTTP " + status + "); check clientId and"
                            + " clientSecret (Admin > LaunchPoint > the API service > View Details) and that the"
                            + " API-only user is active"));
        }
        if (status == 404) {
            return Optional.of(new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "Marketo has no identity endpoint at " + settings.base() + "; baseUrl must be the instance's"
                            + " https://<munchkin id>.mktorest.com"));
        }
        return Optional.empty();
    }
}
