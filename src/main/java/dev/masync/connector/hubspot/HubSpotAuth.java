package dev.masync.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.AccessToken;
import dev.masync.connector.http.BearerAuth;
import dev.masync.connector.http.CachedTokenProvider;
import dev.masync.connector.http.HttpExchange;
import dev.masync.connector.http.HttpFailures;
import dev.masync.connector.http.HttpReply;
import dev.masync.connector.http.StaticTokenProvider;
import dev.masync.connector.http.TokenProvider;
import dev.masync.connector.spi.DestinationException;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SecretResolver;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer clients per HubSpot account: a private-app token read from its secret on every call (so a rotated token
 * applies at once), or OAuth access tokens from the refresh grant, cached until a minute before their
 * {@code expires_in} (30 minutes) and refreshed once on a 401 ({@link BearerAuth}). The token call itself is not a
 * vendor API call: it takes no permit from the account's budget.
 */
final class HubSpotAuth {
    /** HubSpot says a 401 is not a reliable "refresh now" signal: refresh ahead of expiry. */
    static final Duration REFRESH_BEFORE = Duration.ofSeconds(60);

    private static final int MAX_ACCOUNTS = 1_000;

    private final OkHttpClient client;
    private final HttpExchange tokenCalls;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Key, Account> accounts = new ConcurrentHashMap<>();

    /** What identifies one set of credentials: never a secret, only where they live. */
    private record Key(String portalId, HubSpotSettings.Auth auth, HttpUrl tokenUrl) {}

    /** One account's authenticated client; the resolver is the latest push's (secrets are read when used). */
    private static final class Account {
        final OkHttpClient client;
        volatile SecretResolver secrets;

        Account(OkHttpClient client, SecretResolver secrets) {
            this.client = client;
            this.secrets = secrets;
        }
    }

    /**
     * @param client the connector's client (timeouts, address policy); each account's client adds its bearer
     *     authentication to it
     */
    HubSpotAuth(OkHttpClient client, Clock clock, long maxResponseBytes) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tokenCalls = new HttpExchange(
                client, new HttpFailures(clock).withQuirk(HubSpotAuth::tokenFailure), maxResponseBytes);
    }

    /** The authenticated client for these settings' account. */
    OkHttpClient client(HubSpotSettings settings, SecretResolver secrets) {
        Key key = new Key(settings.portalId(), settings.auth(), settings.tokenUrl());
        Account account = accounts.get(key);
        if (account == null) {
            if (accounts.size() >= MAX_ACCOUNTS) accounts.clear(); // settings changed many times: start over
            account = accounts.computeIfAbsent(key, k -> create(k, secrets));
        }
        account.secrets = secrets;
        return account.client;
    }

    private Account create(Key key, SecretResolver initial) {
        Account[] self = new Account[1];
        TokenProvider tokens;
        if (key.auth() instanceof HubSpotSettings.PrivateAppToken pat) {
            tokens = new StaticTokenProvider(
                    () -> self[0].secrets.resolve(pat.token()).reveal());
        } else {
            HubSpotSettings.OAuthRefresh oauth = (HubSpotSettings.OAuthRefresh) key.auth();
            tokens = new CachedTokenProvider(
                    () -> refresh(key.tokenUrl(), oauth, self[0].secrets), clock, REFRESH_BEFORE);
        }
        self[0] = new Account(new BearerAuth(tokens).applyTo(client), initial);
        return self[0];
    }

    /** The refresh grant: {@code POST /oauth/v1/token}, form-encoded. */
    private AccessToken refresh(HttpUrl tokenUrl, HubSpotSettings.OAuthRefresh oauth, SecretResolver secrets) {
        Request request = new Request.Builder()
                .url(tokenUrl)
                .post(new FormBody.Builder()
                        .add("grant_type", "refresh_token")
                        .add("client_id", secrets.resolve(oauth.clientId()).reveal())
                        .add(
                                "client_secret",
                                secrets.resolve(oauth.clientSecret()).reveal())
                        .add(
                                "refresh_token",
                                secrets.resolve(oauth.refreshToken()).reveal())
                        .build())
                .build();
        HttpReply reply = tokenCalls.execute(request);
        JsonNode body;
        try {
            body = json.readTree(reply.body());
        } catch (IOException e) {
            throw new RetryableException("malformed_response: HubSpot's token answer is not JSON", null, e);
        }
        String token = body == null ? null : body.path("access_token").asText(null);
        long expiresIn = body == null ? 0 : body.path("expires_in").asLong(0);
        if (token == null || token.isBlank() || expiresIn <= 0) {
            throw new RetryableException(
                    "malformed_response: HubSpot's token answer has no access_token or expires_in");
        }
        return AccessToken.expiringAt(token, clock.instant().plusSeconds(expiresIn));
    }

    /**
     * The token endpoint answers 400 for a revoked refresh token or a wrong client (BAD_REFRESH_TOKEN,
     * BAD_CLIENT_ID…): retrying cannot help until someone reconnects the app.
     */
    private static Optional<DestinationException> tokenFailure(HttpReply reply, HttpFailures standard) {
        int status = reply.status();
        if (status == 400 || status == 401 || status == 403) {
            String code = HubSpotSignals.field(reply.body(), "status");
            return Optional.of(new PermanentException(
                    PermanentException.Code.AUTH,
                    "HubSpot refused the OAuth refresh grant (HTTP " + status
                            + (code == null ? "" : ", " + code)
                            + "): the refresh token was revoked, the app was uninstalled or clientId/clientSecret are"
                            + " wrong; reconnect the app and store its new refresh token in the secret refreshToken"
                            + " names"));
        }
        return Optional.empty();
    }
}
