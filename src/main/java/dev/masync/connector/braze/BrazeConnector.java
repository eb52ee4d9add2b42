package dev.masync.connector.braze;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.BearerAuth;
import dev.masync.connector.http.HttpExchange;
import dev.masync.connector.http.HttpFailures;
import dev.masync.connector.http.HttpReply;
import dev.masync.connector.http.RedactingLogInterceptor;
import dev.masync.connector.http.Redaction;
import dev.masync.connector.http.StaticTokenProvider;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.CallBudget;
import dev.masync.connector.spi.Capabilities;
import dev.masync.connector.spi.Capabilities.IdentityKind;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.Capabilities.WriteMode;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.ListCapacity;
import dev.masync.connector.spi.MembershipTarget;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.Probe;
import dev.masync.connector.spi.RateLimited;
import dev.masync.connector.spi.RateLimits;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SchemaReader;
import dev.masync.connector.spi.SettingProblem;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Writes learners to Braze user profiles through {@code POST /users/track}: custom attributes by {@code external_id}
 * (or {@code email}), only the changed ones, at most {@code objectsPerRequest} objects per call, per-item
 * {@code errors[]} as record rejections, membership as a boolean or value attribute or as the segment's key added to
 * and removed from an array attribute, a permit from the workspace's shared budget for every call. Settings and
 * behaviour: README "Braze destination" and connectors/braze/NOTES.md.
 */
public final class BrazeConnector implements Destination, Probe, RateLimited, ListCapacity, SchemaReader {
    public static final String TYPE = "braze";

    static final String TRACK = "users/track";
    static final String UPDATE_EXISTING_ONLY = "_update_existing_only";

    private static final Capabilities CAPABILITIES = new Capabilities(
            Set.of(IdentityKind.EXTERNAL_ID, IdentityKind.EMAIL),
            EnumSet.allOf(WriteMode.class),
            EnumSet.allOf(MembershipStyle.class));
    /**
     * One {@code /users/track} call per batch at the default cap: a failed call makes the engine resend the batch,
     * and Braze bills every resent attribute, so a batch never holds more than one call's worth. 4 MB is the request
     * size RudderStack keeps under (UNCONFIRMED as Braze's limit).
     */
    private static final BatchLimits LIMITS =
            new BatchLimits(BrazeSettings.DEFAULT_OBJECTS_PER_REQUEST, 4L * 1024 * 1024);

    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    /**
     * Limits of the connector's calls.
     *
     * @param addresses        which Braze addresses may be called (a test fake on loopback, production public)
     * @param callTimeout      the most one call may take
     * @param maxResponseBytes the most of a response body read
     * @param callLog          logs each call, redacted
     */
    public record Options(
            AddressPolicy addresses, Duration callTimeout, long maxResponseBytes, RedactingLogInterceptor callLog) {
        public Options {
            Objects.requireNonNull(addresses, "addresses");
            Objects.requireNonNull(callTimeout, "callTimeout");
            Objects.requireNonNull(callLog, "callLog");
            if (maxResponseBytes < 1) throw new IllegalArgumentException("maxResponseBytes must be positive");
        }

        /** For tests and tools: loopback allowed, 30 s per call, 1 MiB per response. */
        public static Options forTests() {
            return new Options(
                    new AddressPolicy(true, false), Duration.ofSeconds(30), 1024 * 1024, new RedactingLogInterceptor());
        }
    }

    private final Clock clock;
    private final Options options;
    private final OkHttpClient client;
    private final ObjectMapper json = new ObjectMapper();

    public BrazeConnector(OkHttpClient sharedClient, Clock clock, Options options) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.options = Objects.requireNonNull(options, "options");
        OkHttpClient shared = Objects.requireNonNull(sharedClient, "sharedClient");
        this.client = shared.newBuilder()
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false) // the engine retries
                .callTimeout(options.callTimeout())
                .dns(options.addresses().dns(shared.dns()))
                .addNetworkInterceptor(options.callLog()) // sees what is sent: the key (masked) and each resend
                .build();
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * Users by {@code external_id} or {@code email}; upsert, update ({@code _update_existing_only}) and mirror;
     * membership as a boolean or value attribute, or as a list: {@code membership.field} names an array attribute
     * and {@code membership.value} the item a member carries in it (the sync's key when not given).
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
        return BrazeSettings.NAMES;
    }

    @Override
    public Set<String> secretSettings() {
        return BrazeSettings.SECRETS;
    }

    @Override
    public List<SettingProblem> validate(Map<String, String> settings) {
        return BrazeSettings.problems(settings, options.addresses());
    }

    /**
     * One attributes object, the batch record it stands for, and the data points Braze bills for it when applied:
     * every attribute key but the identifier and {@code _update_existing_only} (an array edit is one).
     */
    private record Item(int record, ObjectNode object, long dataPoints) {}

    @Override
    public BatchResult push(DestinationContext context, Batch batch) {
        BrazeSettings settings = settings(context);
        String idField = identityField(batch);
        Optional<MembershipTarget> membership = batch.membership();
        List<RecordChange> records = batch.records();
        RecordOutcome[] outcomes = new RecordOutcome[records.size()];
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            RecordChange change = records.get(i);
            String key = change.destinationKey().strip();
            if (key.isEmpty()) {
                outcomes[i] = RecordOutcome.rejected(
                        change.destinationKey(), "invalid_key", "the record's " + idField + " is empty");
                continue;
            }
            ObjectNode object = object(change, idField, key, membership, batch.syncKey());
            if (object == null) {
                // without membership a leaver keeps its profile: Braze users are never deleted here
                outcomes[i] = RecordOutcome.confirmed(change.destinationKey());
                continue;
            }
            items.add(new Item(i, object, object.size() - 1 - (object.has(UPDATE_EXISTING_ONLY) ? 1 : 0)));
        }

        long dataPoints = 0;
        if (!items.isEmpty()) {
            Track track = new Track(settings, context);
            int per = settings.objectsPerRequest();
            for (int from = 0; from < items.size(); from += per) {
                List<Item> chunk = items.subList(from, Math.min(items.size(), from + per));
                Map<Integer, String> errors = track.send(chunk);
                for (int j = 0; j < chunk.size(); j++) {
                    RecordChange change = records.get(chunk.get(j).record());
                    String error = errors.get(j);
                    if (error == null) dataPoints += chunk.get(j).dataPoints();
                    outcomes[chunk.get(j).record()] = error == null
                            ? RecordOutcome.confirmed(change.destinationKey())
                            : RecordOutcome.rejected(change.destinationKey(), "braze_item_error", error);
                }
            }
        }
        return new BatchResult(List.of(outcomes)).withDataPoints(dataPoints);
    }

    private static String identityField(Batch batch) {
        String field = batch.identityField().orElse("external_id");
        if (!field.equals("external_id") && !field.equals("email")) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "Braze finds users by external_id or email, not '" + field
                            + "': set the sync's identity.field to external_id or email");
        }
        return field;
    }

    /** The attributes object for one change, or null when nothing is to be sent. */
    private ObjectNode object(
            RecordChange change, String idField, String key, Optional<MembershipTarget> membership, String syncKey) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put(idField, key);
        boolean list = membership.map(m -> m.style() == MembershipStyle.LIST).orElse(false);
        switch (change.kind()) {
            case UPSERT, UPDATE -> {
                if (change.kind() == RecordChange.Kind.UPDATE) o.put(UPDATE_EXISTING_ONLY, true);
                change.fields().forEach((name, value) -> {
                    if (!name.equals(idField)) o.set(name, value(value));
                });
                if (list) {
                    MembershipTarget m = membership.get();
                    o.putObject(m.name()).putArray("add").add(listItem(m, syncKey));
                }
            }
            case REMOVE -> {
                if (membership.isEmpty()) return null;
                MembershipTarget m = membership.get();
                o.put(UPDATE_EXISTING_ONLY, true); // never create a profile just to take a membership away
                switch (m.style()) {
                    case LIST -> o.putObject(m.name()).putArray("remove").add(listItem(m, syncKey));
                    case BOOLEAN -> o.put(m.name(), false);
                    case VALUE -> o.putNull(m.name());
                }
            }
        }
        return o;
    }

    /** The item a member carries in the array attribute: the membership's value, else the sync's key. */
    static String listItem(MembershipTarget m, String syncKey) {
        return m.value() == null || m.value().isBlank() ? syncKey : m.value();
    }

    private JsonNode value(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v == null) return f.nullNode();
        if (v instanceof String s) return f.textNode(s);
        if (v instanceof Boolean b) return f.booleanNode(b);
        if (v instanceof Integer n) return f.numberNode(n);
        if (v instanceof Long n) return f.numberNode(n);
        if (v instanceof BigDecimal n) return f.numberNode(n);
        if (v instanceof BigInteger n) return f.numberNode(n);
        if (v instanceof Double n) return f.numberNode(n);
        if (v instanceof Float n) return f.numberNode(n);
        if (v instanceof Number n) return f.numberNode(new BigDecimal(n.toString()));
        if (v instanceof TemporalAccessor t) return f.textNode(t.toString());
        if (v instanceof Collection<?> c) {
            ArrayNode a = f.arrayNode();
            c.forEach(x -> a.add(value(x)));
            return a;
        }
        if (v instanceof JsonNode n) return n;
        try {
            return json.valueToTree(v);
        } catch (IllegalArgumentException e) {
            return f.textNode(v.toString());
        }
    }

    /** One push's {@code /users/track} calls: bearer key, a permit per call, Braze's classification. */
    private final class Track {
        private final BrazeSettings settings;
        private final CallBudget budget;
        private final BrazeSignals signals;
        private final HttpExchange http;

        Track(BrazeSettings settings, DestinationContext context) {
            this.settings = settings;
            this.budget = context.calls();
            this.signals = new BrazeSignals(budget, clock);
            OkHttpClient authed = new BearerAuth(new StaticTokenProvider(
                            () -> context.secrets().resolve(settings.apiKey()).reveal()))
                    .applyTo(client);
            this.http =
                    new HttpExchange(authed, new HttpFailures(clock).withQuirk(signals), options.maxResponseBytes());
        }

        /** Sends one chunk; the per-item errors by position in the chunk (empty when all were processed). */
        Map<Integer, String> send(List<Item> chunk) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ArrayNode attributes = body.putArray("attributes");
            chunk.forEach(item -> attributes.add(item.object()));
            byte[] bytes;
            try {
                bytes = json.writeValueAsBytes(body);
            } catch (JsonProcessingException e) {
                throw new PermanentException(
                        PermanentException.Code.INVALID_REQUEST, "cannot serialize a Braze request body", e);
            }
            Request request = new Request.Builder()
                    .url(settings.url(TRACK))
                    .post(RequestBody.create(bytes, JSON_TYPE))
                    .build();
            HttpReply reply;
            signals.clearRefusal();
            try (CallBudget.Permit permit = budget.take()) {
                reply = http.execute(request);
            } catch (PermanentException e) {
                HttpReply refused = signals.lastRefusal();
                if (e.code() == PermanentException.Code.INVALID_REQUEST && refused != null) {
                    Map<Integer, String> errors = itemErrors(BrazeSignals.tree(refused.body()), chunk.size());
                    // every object refused one by one: record outcomes, not a failed request
                    if (!chunk.isEmpty() && errors.size() == chunk.size()) return errors;
                }
                throw e;
            }
            if (reply.body().isBlank()) {
                throw new RetryableException("malformed_response: Braze answered HTTP " + reply.status()
                        + " with an empty body to /users/track; the outcome is unknown, so the batch is sent again");
            }
            JsonNode tree;
            try {
                tree = json.readTree(reply.body());
            } catch (IOException e) {
                throw new RetryableException(
                        "malformed_response: Braze's HTTP " + reply.status() + " answer to /users/track is not JSON",
                        null,
                        e);
            }
            if (tree == null || !tree.isObject()) {
                throw new RetryableException("malformed_response: Braze's HTTP " + reply.status()
                        + " answer to /users/track is not a JSON object");
            }
            Map<Integer, String> errors = itemErrors(tree, chunk.size());
            String message = tree.path("message").asText("");
            if (message.equals("success")) return errors;
            if (!chunk.isEmpty() && errors.size() == chunk.size()) return errors;
            if (message.equals("queued")) {
                throw new RetryableException("queued: Braze answered HTTP " + reply.status()
                        + " \"queued\" (maintenance) instead of success; the records are not marked synced until"
                        + " Braze confirms them, so the batch is sent again later");
            }
            throw new RetryableException("malformed_response: Braze answered HTTP " + reply.status()
                    + " to /users/track without message \"success\""
                    + (message.isEmpty() ? "" : " (\"" + Redaction.text(message) + "\")")
                    + "; the outcome is unknown, so the batch is sent again");
        }
    }

    /**
     * Posts an empty {@code attributes} array to {@code /users/track}: Braze checks the key (401/403) and the
     * endpoint (404, connection) and refuses the empty request with 400 "Valid data must be provided…", writing
     * nothing. That 400 means usable; a 2xx (nothing written either) too.
     */
    @Override
    public void probe(DestinationContext context) {
        BrazeSettings settings = settings(context);
        Track track = new Track(settings, context);
        try {
            track.send(List.of());
        } catch (PermanentException e) {
            HttpReply refused = track.signals.lastRefusal();
            String message = refused == null ? null : BrazeSignals.message(refused.body());
            if (e.code() == PermanentException.Code.INVALID_REQUEST
                    && message != null
                    && message.startsWith("Valid data must be provided")) {
                return;
            }
            throw e;
        }
    }

    /**
     * An array attribute holds {@code arrayMaxLength} items (25 unless raised in Braze); Braze keeps the newest and
     * drops the oldest without an error, so the syncs sharing one array are bounded when saved.
     */
    @Override
    public OptionalInt itemsPerRecord(Map<String, String> settings, String field) {
        return OptionalInt.of(BrazeSettings.arrayMaxLength(settings));
    }

    /**
     * The workspace's custom attributes ({@code GET /custom_attributes}, a key with {@code custom_attributes.get}).
     * Not paced by the workspace's {@code /users/track} budget: the endpoint has its own hourly limit, and schemas are
     * kept between reads. A key without the permission is a {@code PERMISSION} failure saying so (the sync is then saved
     * with an unchecked-mapping warning).
     */
    @Override
    public DestinationSchema schema(DestinationContext context) {
        BrazeSettings settings = settings(context);
        OkHttpClient authed = new BearerAuth(new StaticTokenProvider(
                        () -> context.secrets().resolve(settings.apiKey()).reveal()))
                .applyTo(client);
        HttpExchange http = new HttpExchange(
                authed,
                new HttpFailures(clock)
                        .withQuirk((reply, standard) -> reply.status() == 403
                                ? Optional.of(
                                        new PermanentException(
                                                PermanentException.Code.PERMISSION,
                                                "Braze refused to list the workspace's custom attributes (HTTP 403): give the REST"
                                                        + " API key the custom_attributes.get permission to have mappings checked"))
                                : Optional.empty()),
                options.maxResponseBytes());
        return BrazeSchema.read(http, settings.url(BrazeSchema.PATH));
    }

    /** Per-item errors of the {@code attributes} array by index, their texts redacted. */
    static Map<Integer, String> itemErrors(JsonNode tree, int size) {
        Map<Integer, String> out = new HashMap<>();
        if (tree == null) return out;
        for (JsonNode e : tree.path("errors")) {
            String array = e.path("input_array").asText("attributes");
            if (!array.equals("attributes") || !e.path("index").canConvertToInt()) continue;
            int index = e.path("index").asInt();
            if (index < 0 || index >= size) continue;
            String type = e.path("type").asText(e.path("message").asText("refused by Braze"));
            out.merge(index, "Braze refused the user's attributes: " + Redaction.text(type), (a, b) -> a + "; " + b);
        }
        return out;
    }

    /**
     * The workspace's budget: {@code braze:<endpoint host>:<workspace>} when the destination names its workspace,
     * else {@code braze:<endpoint host>:key-<first 12 hex digits of the key's SHA-256>} (a key belongs to one
     * workspace; the key itself never appears).
     */
    @Override
    public String account(DestinationContext context) {
        BrazeSettings s = settings(context);
        String host = s.restEndpoint().host()
                + (s.restEndpoint().port() == 443 ? "" : ":" + s.restEndpoint().port());
        if (s.workspace().isPresent())
            return "braze:" + host + ":" + s.workspace().get();
        String material;
        try {
            material = context.secrets().resolve(s.apiKey()).reveal();
        } catch (RuntimeException unresolvable) {
            material = s.apiKey().toString(); // the push will fail on the secret anyway
        }
        return "braze:" + host + ":key-" + sha256(material).substring(0, 12);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 3,000 {@code /users/track} calls per 3 s, {@code maxConcurrent}, a {@code dailyQuota} per UTC day if set. */
    @Override
    public RateLimits rateLimits(DestinationContext context) {
        BrazeSettings s = settings(context);
        return new RateLimits(
                BrazeSettings.DEFAULT_CALLS_PER_WINDOW,
                BrazeSettings.WINDOW,
                s.maxConcurrent(),
                s.dailyQuota(),
                s.dailyQuota().isPresent() ? Optional.of(ZoneOffset.UTC) : Optional.empty());
    }

    /** One call per 75 records (membership rides in the same objects); at the default objectsPerRequest. */
    @Override
    public long callsFor(long records, Optional<MembershipTarget> membership) {
        return callsFor(records, BrazeSettings.DEFAULT_OBJECTS_PER_REQUEST);
    }

    /** As {@link #callsFor(long, Optional)} with the destination's own {@code objectsPerRequest}. */
    @Override
    public long callsFor(DestinationContext context, long records, Optional<MembershipTarget> membership) {
        return callsFor(records, settings(context).objectsPerRequest());
    }

    private static long callsFor(long records, long perCall) {
        return records <= 0 ? 0 : (records + perCall - 1) / perCall;
    }

    private BrazeSettings settings(DestinationContext context) {
        return BrazeSettings.of(context.destinationName(), context.settings(), options.addresses());
    }
}
