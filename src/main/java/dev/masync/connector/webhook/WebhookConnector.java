package dev.masync.connector.webhook;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.HttpExchange;
import dev.masync.connector.http.HttpFailures;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Capabilities;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.Probe;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.Secret;
import dev.masync.connector.spi.SecretRef;
import dev.masync.connector.spi.SettingProblem;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * POSTs each batch as JSON to a customer URL, signed per Standard Webhooks.
 *
 * <p>Settings: {@code url} (http or https), {@code secret} (a {@link SecretRef}; a {@code whsec_} secret is
 * base64 after the prefix, anything else is used as UTF-8 bytes).
 *
 * <p>Response contract: any 2xx with an empty body confirms every record; a 2xx body
 * {@code {"results":[{"recordKey":…,"status":"ok"|"rejected","code":…,"message":…}]}} gives per-record outcomes
 * ({@code key} is still read as the deprecated name of {@code recordKey}), and a
 * record without a result is rejected as {@code missing_result}. A 2xx body that is not such JSON is a
 * {@link RetryableException} ({@code malformed_response}): the receiver may or may not have applied the batch,
 * and replay is safe because receivers dedupe on {@code webhook-id}. Other statuses go through
 * {@link HttpFailures}.
 */
public final class WebhookConnector implements Destination, Probe {
    public static final String TYPE = "webhook";
    private static final Capabilities CAPABILITIES = new Capabilities(
            Set.of(Capabilities.IdentityKind.ANY_STRING),
            EnumSet.allOf(Capabilities.WriteMode.class),
            Set.of(Capabilities.MembershipStyle.BOOLEAN, Capabilities.MembershipStyle.VALUE));
    /** The spec suggests small payloads; the envelope adds little to this. */
    private static final BatchLimits LIMITS = new BatchLimits(500, 1024 * 1024);

    private static final MediaType JSON = MediaType.get("application/json");
    private static final String SECRET_PREFIX = "whsec_";

    /**
     * Limits of the connector's calls.
     *
     * @param addresses        which receiver addresses may be called (checked when saved and at every connection)
     * @param callTimeout      the most one call may take, from DNS to the last byte of the response
     * @param maxResponseBytes the most of a response body read; a longer 2xx body is a malformed response
     */
    public record Options(AddressPolicy addresses, Duration callTimeout, long maxResponseBytes) {
        public Options {
            Objects.requireNonNull(addresses, "addresses");
            Objects.requireNonNull(callTimeout, "callTimeout");
            if (maxResponseBytes < 1) throw new IllegalArgumentException("maxResponseBytes must be positive");
        }

        /** For tests and tools: loopback receivers allowed, 30 s per call, 1 MiB per response. */
        public static Options forTests() {
            return new Options(new AddressPolicy(true, false), Duration.ofSeconds(30), 1024 * 1024);
        }
    }

    private final HttpExchange http;
    private final Clock clock;
    private final Options options;
    private final ObjectMapper json = new ObjectMapper();

    /** A connector with {@link Options#forTests()}. */
    public WebhookConnector(OkHttpClient sharedClient, Clock clock) {
        this(sharedClient, clock, Options.forTests());
    }

    /**
     * @param sharedClient the application's client; this connector derives its own settings from it
     */
    public WebhookConnector(OkHttpClient sharedClient, Clock clock, Options options) {
        this.options = Objects.requireNonNull(options, "options");
        OkHttpClient shared = Objects.requireNonNull(sharedClient, "sharedClient");
        OkHttpClient client = shared.newBuilder()
                .followRedirects(false) // Standard Webhooks: a 3xx is a failure
                .followSslRedirects(false)
                .retryOnConnectionFailure(false) // the engine retries, with the same webhook-id
                .callTimeout(options.callTimeout())
                .dns(options.addresses().dns(shared.dns())) // DNS may answer differently than when saved
                .build();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = new HttpExchange(client, new HttpFailures(clock), options.maxResponseBytes());
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * Any string as the key, every mode (leavers arrive as {@code REMOVE} records), membership as a boolean or value
     * field written with the record; lists are not a concept here.
     */
    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public BatchLimits limits() {
        return LIMITS;
    }

    @Override
    public Set<String> settingNames() {
        return Set.of("url", "secret");
    }

    @Override
    public Set<String> secretSettings() {
        return Set.of("secret");
    }

    @Override
    public List<SettingProblem> validate(Map<String, String> settings) {
        List<SettingProblem> problems = new ArrayList<>();
        options.addresses().urlProblem(settings.get("url")).ifPresent(p -> problems.add(new SettingProblem("url", p)));
        String secret = settings.get("secret");
        try {
            SecretRef.parse(secret == null ? "" : secret);
        } catch (IllegalArgumentException e) {
            problems.add(
                    new SettingProblem("secret", "set secret to env:NAME or file:/path holding the signing secret"));
        }
        return problems;
    }

    @Override
    public BatchResult push(DestinationContext context, Batch batch) {
        return outcomes(batch, send(context, batch.id(), body(batch)));
    }

    /**
     * Sends a signed request with no records ({@code {"batchId":"test-…","sync":null,"test":true,"records":[]}}):
     * a receiver that answers 2xx is reachable, accepts the signature and the payload shape.
     */
    @Override
    public void probe(DestinationContext context) {
        String id = "test-" + UUID.randomUUID();
        byte[] body = ("{\"batchId\":\"" + id + "\",\"sync\":null,\"test\":true,\"records\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        send(context, id, body);
    }

    /** POSTs a signed body; the response body (read up to the limit) of a 2xx, or the failure. */
    private String send(DestinationContext context, String id, byte[] body) {
        String setting = context.requiredSetting("url");
        Optional<String> problem = options.addresses().urlProblem(setting);
        if (problem.isPresent()) {
            throw new PermanentException(PermanentException.Code.INVALID_CONFIG, problem.get());
        }
        HttpUrl url = HttpUrl.parse(setting);
        byte[] key = signingKey(context.secret("secret"));
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        Request request = new Request.Builder()
                .url(url)
                .header("webhook-id", id)
                .header("webhook-timestamp", timestamp)
                .header("webhook-signature", "v1," + sign(key, id + "." + timestamp + ".", body))
                .post(RequestBody.create(body, JSON))
                .build();
        return http.execute(request).body();
    }

    /** The batch as UTF-8 JSON, written straight to bytes (no tree in between: this runs for every batch). */
    private byte[] body(Batch batch) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(256 + 128 * batch.records().size());
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("batchId", batch.id());
            g.writeStringField("sync", batch.syncKey());
            g.writeArrayFieldStart("records");
            for (RecordChange change : batch.records()) {
                g.writeStartObject();
                g.writeStringField("learnerKey", change.learnerKey());
                g.writeStringField("recordKey", change.destinationKey());
                g.writeStringField("key", change.destinationKey()); // deprecated copy of recordKey
                g.writeStringField("kind", change.kind().name());
                g.writeFieldName("fields");
                json.writeValue(g, change.fields());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_REQUEST, "cannot serialize batch " + batch.id(), e);
        }
        return out.toByteArray();
    }

    private BatchResult outcomes(Batch batch, String responseBody) {
        if (responseBody.isBlank()) return BatchResult.allConfirmed(batch);
        JsonNode results;
        try {
            results = json.readTree(responseBody).path("results");
        } catch (JsonProcessingException e) {
            throw new RetryableException("malformed_response: 2xx body is not JSON", null, e);
        }
        if (results.isMissingNode()) return BatchResult.allConfirmed(batch);
        if (!results.isArray()) throw new RetryableException("malformed_response: results is not an array");
        Map<String, RecordOutcome> byKey = new HashMap<>();
        for (JsonNode result : results) {
            String key = result.path("recordKey").asText(null);
            if (key == null) key = result.path("key").asText(null); // deprecated name of recordKey
            if (key == null) continue;
            String status = result.path("status").asText("");
            byKey.put(
                    key,
                    switch (status) {
                        case "ok" -> RecordOutcome.confirmed(key);
                        case "rejected" ->
                            RecordOutcome.rejected(
                                    key,
                                    result.path("code").asText("rejected"),
                                    result.path("message").asText("rejected by the receiver"));
                        default ->
                            RecordOutcome.rejected(key, "unknown_status", "receiver answered status '" + status + "'");
                    });
        }
        return new BatchResult(batch.records().stream()
                .map(change -> byKey.getOrDefault(
                        change.destinationKey(),
                        RecordOutcome.rejected(
                                change.destinationKey(),
                                "missing_result",
                                "the receiver returned no result for this record")))
                .toList());
    }

    static byte[] signingKey(Secret secret) {
        String value = secret.reveal();
        if (!value.startsWith(SECRET_PREFIX)) return secret.utf8();
        try {
            return Base64.getDecoder().decode(value.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG, "a whsec_ secret must be base64 after the prefix");
        }
    }

    static String sign(byte[] key, String content) {
        return sign(key, "", content.getBytes(StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256 of {@code prefix} (UTF-8) followed by {@code body}, base64. */
    static String sign(byte[] key, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
