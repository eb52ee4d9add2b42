package dev.masync.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.AccessToken;
import dev.masync.connector.http.CachedTokenProvider;
import dev.masync.connector.http.HttpExchange;
import dev.masync.connector.http.HttpFailures;
import dev.masync.connector.http.HttpReply;
import dev.masync.connector.http.Redaction;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.DestinationException;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.Secret;
import dev.masync.connector.spi.SecretRef;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Mints Salesforce sessions: OAuth client credentials ({@code clientId} + {@code clientSecret}) or JWT bearer
 * ({@code clientId} + {@code username} + {@code privateKey}, RS256 signed with the JDK). Neither flow has a refresh
 * token: a new session is minted when Salesforce answers 401 {@code INVALID_SESSION_ID} (see
 * {@link dev.masync.connector.http.BearerAuth}). Token calls take no permit of the call budget (they do not count
 * against the org's API allocation).
 */
final class SalesforceAuth {
    static final String JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    /** The JWT's {@code exp} ahead of now: under the reported 3-minute bound (UNCONFIRMED), with clock skew. */
    static final Duration JWT_LIFETIME = Duration.ofSeconds(150);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The credentials of one destination, secrets resolved. {@link #toString()} shows no secret. */
    record Credentials(
            String clientId, Optional<Secret> clientSecret, Optional<String> username, Optional<Secret> key) {
        static Credentials of(DestinationContext context) {
            String clientId = plainOrSecret(context, SalesforceSettings.CLIENT_ID);
            if (context.setting(SalesforceSettings.CLIENT_SECRET).isPresent()) {
                return new Credentials(
                        clientId,
                        Optional.of(context.secret(SalesforceSettings.CLIENT_SECRET)),
                        Optional.empty(),
                        Optional.empty());
            }
            return new Credentials(
                    clientId,
                    Optional.empty(),
                    context.setting(SalesforceSettings.USERNAME),
                    Optional.of(context.secret(SalesforceSettings.PRIVATE_KEY)));
        }

        /** A digest of everything, so a rotated secret gets a new session (never logged, never reversible). */
        String fingerprint() {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(clientId.getBytes(StandardCharsets.UTF_8));
                clientSecret.ifPresent(s -> sha.update(s.utf8()));
                sha.update((byte) 0);
                username.ifPresent(u -> sha.update(u.getBytes(StandardCharsets.UTF_8)));
                sha.update((byte) 0);
                key.ifPresent(k -> sha.update(k.utf8()));
                return HexFormat.of().formatHex(sha.digest());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return "Credentials[clientId=***, flow=" + (clientSecret.isPresent() ? "client_credentials" : "jwt") + "]";
        }
    }

    /** The consumer key is no secret, but may be kept as one: a {@link SecretRef} is resolved, anything else used. */
    private static String plainOrSecret(DestinationContext context, String name) {
        String value = context.requiredSetting(name);
        if (value.startsWith("env:") || value.startsWith("file:")) {
            return context.secrets().resolve(SecretRef.parse(value)).reveal();
        }
        return value;
    }

    private final SalesforceSettings settings;
    private final Credentials credentials;
    private final HttpExchange http;
    private final Clock clock;

    SalesforceAuth(SalesforceSettings settings, Credentials credentials, OkHttpClient client, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = new HttpExchange(client, new HttpFailures(clock).withQuirk(this::classifyTokenAnswer), 64 * 1024);
    }

    /** A provider that mints on first use and again after a 401; sessions have no known lifetime. */
    CachedTokenProvider provider() {
        return new CachedTokenProvider(this::fetch, clock, Duration.ZERO);
    }

    AccessToken fetch() {
        FormBody.Builder form = new FormBody.Builder();
        if (settings.flow() == SalesforceSettings.Flow.CLIENT_CREDENTIALS) {
            form.add("grant_type", "client_credentials")
                    .add("client_id", credentials.clientId())
                    .add(
                            "client_secret",
                            credentials.clientSecret().orElseThrow().reveal());
        } else {
            form.add("grant_type", JWT_GRANT).add("assertion", assertion());
        }
        Request request = new Request.Builder()
                .url(settings.tokenUrl())
                .post(form.build())
                .build();
        HttpReply reply = http.execute(request);
        try {
            JsonNode body = JSON.readTree(reply.body());
            String token = body == null ? null : body.path("access_token").asText(null);
            if (token == null || token.isBlank()) throw new IOException("no access_token");
            return AccessToken.permanent(token);
        } catch (IOException e) {
            throw new RetryableException("malformed_response: the Salesforce token endpoint answered " + reply.status()
                    + " without an access_token; try again");
        }
    }

    /** An RS256 JWT: {@code iss} consumer key, {@code sub} user, {@code aud} login URL, {@code exp} soon. */
    String assertion() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
        var claims = JSON.createObjectNode();
        claims.put("iss", credentials.clientId());
        claims.put("sub", credentials.username().orElseThrow());
        claims.put("aud", settings.audience());
        claims.put("exp", clock.instant().plus(JWT_LIFETIME).getEpochSecond());
        String payload = b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        String signingInput = header + "." + payload;
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(privateKey(credentials.key().orElseThrow()));
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "the privateKey cannot sign a JWT (" + e.getClass().getSimpleName() + "); provide the RSA key"
                            + " whose certificate is uploaded to the connected app");
        }
    }

    /** A PKCS#8 PEM ({@code BEGIN PRIVATE KEY}) RSA key. */
    static PrivateKey privateKey(Secret pem) {
        String text = pem.reveal();
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("ENCRYPTED")) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "privateKey must be an unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY); convert it with"
                            + " openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        String base64 = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "privateKey is not a PKCS#8 PEM RSA key (BEGIN PRIVATE KEY); provide the key whose certificate"
                            + " is uploaded to the connected app");
        }
    }

    /** OAuth errors: 400/401 {@code {error, error_description}}. */
    private Optional<DestinationException> classifyTokenAnswer(HttpReply reply, HttpFailures standard) {
        int status = reply.status();
        if (reply.isSuccessful() || status >= 500 || status == 408 || status == 429) return Optional.empty();
        String error = null;
        String description = "";
        try {
            JsonNode body = JSON.readTree(reply.body());
            if (body != null) {
                error = body.path("error").asText(null);
                description = body.path("error_description").asText("");
            }
        } catch (IOException | RuntimeException unreadable) {
            // not an OAuth error body: the standard rules say what it is
        }
        if (error == null) return Optional.empty();
        if (description.contains("already being processed")) {
            return Optional.of(new RetryableException(
                    "Salesforce is already minting a session for this app (invalid_grant: " + description + ")"));
        }
        String said = error + (description.isEmpty() ? "" : ": " + Redaction.text(description));
        String fix = settings.flow() == SalesforceSettings.Flow.CLIENT_CREDENTIALS
                ? "check clientId and clientSecret, that the connected app enables the client credentials flow with"
                        + " a run-as user, and that loginUrl is the org's My Domain URL"
                : "check clientId, username and privateKey, that the app's certificate matches the key, that the user"
                        + " is pre-authorised on the app, that loginUrl is the audience (login or test host), and"
                        + " that the daemon's clock is right";
        return Optional.of(new PermanentException(
                PermanentException.Code.AUTH, "Salesforce refused the credentials (" + said + "); " + fix));
    }
}
