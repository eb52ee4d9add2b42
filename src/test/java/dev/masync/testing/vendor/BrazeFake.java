package dev.masync.testing.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.testing.receiver.Sleeper;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A stateful fake of Braze's {@code POST /users/track} in Braze's own shapes (connectors/braze/NOTES.md;
 * destination-apis.md §3 and §10). It holds users by {@code external_id} (or, without one, by {@code email}) with
 * their custom attributes, so a test can assert the final state and that replays change nothing.
 *
 * <p>A request goes through: the REST API key as a bearer token (401 {@code "Invalid API key"} when missing or
 * unknown, 403 when the workspace is {@linkplain #deactivate inactive}), the workspace's fixed rate window (429 with
 * {@code x-ratelimit-*}, reset in epoch seconds; a 429 does not count), one draw from {@link #faults()}, then the
 * endpoint. Every answer to an authenticated request carries {@code x-ratelimit-limit/-remaining/-reset}.
 *
 * <p>{@code /users/track}: more objects than the cap (combined across {@code attributes}, {@code events},
 * {@code purchases}, or per array on legacy plans) → 400 {@code "Max Input Length Exceeded"}, nothing applied; no
 * object at all → 400 {@code "Valid data must be provided…"}. Each object is checked on its own: one without an
 * identifier, with an invalid {@code email}, a string longer than {@code maxStringChars} or a malformed attribute
 * operation is an {@code errors[]} entry {@code {type, input_array, index}}; the others apply and the answer is
 * {@code successStatus} with {@code message: "success"}. When every object is invalid the answer is
 * {@code allInvalidStatus} with a non-success message and the errors. Attribute semantics: a value sets, {@code null}
 * removes, an array replaces, {@code {"add": […], "remove": […]}} edits an array (an added item moves to the end),
 * {@code {"inc": n}} adds to a number; {@code _update_existing_only: true} never creates a user (silently: Braze
 * reports nothing for an unknown user). Every attribute key sent counts one data point ({@link #dataPoints()}),
 * changed or not. An array holds at most its {@linkplain #setArrayMaxLength maximum length} (25): beyond it the oldest
 * items are dropped, silently, as Braze documents truncation.
 *
 * <p>{@code GET /custom_attributes}: the attributes written so far (or {@linkplain #defineAttribute defined}), 50 a
 * page, alphabetical, the next page in {@code Link: <…>; rel="next"}.
 *
 * <p>Faults: {@link Fault.Kind#THROTTLE} is Braze's 429, {@link Fault.Kind#SERVER_ERROR} a 5xx
 * {@code {"message": …}}, {@link Fault.Kind#SILENT_NO_OP} the maintenance answer 202 {@code {"message":"queued"}}.
 */
public final class BrazeFake extends VendorFakeServer {
    public static final String TRACK = "/users/track";
    public static final String CUSTOM_ATTRIBUTES = "/custom_attributes";

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Set<String> IDENTIFIERS = Set.of("external_id", "email", "braze_id", "user_alias", "phone");
    private static final String NO_DATA =
            "Valid data must be provided in the 'attributes', 'events', or 'purchases' fields.";

    /** A user as held: its external id (null for an e-mail-only user), custom attributes, events tracked. */
    public record User(String externalId, Map<String, Object> attributes, List<String> events) {
        public User {
            attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
            events = List.copyOf(events);
        }

        public Object attribute(String name) {
            return attributes.get(name);
        }
    }

    private static final class MutableUser {
        final String externalId;
        final Map<String, Object> attributes = new TreeMap<>();
        final List<String> events = new ArrayList<>();

        MutableUser(String externalId) {
            this.externalId = externalId;
        }
    }

    private volatile BrazeFakeConfig config;
    private final Set<String> keys = new HashSet<>();
    private final Map<String, MutableUser> byExternalId = new LinkedHashMap<>();
    private final List<MutableUser> emailOnly = new ArrayList<>();
    private boolean inactive;
    private long windowIndex = Long.MIN_VALUE;
    private int windowCount;
    private long dataPoints;
    private long objectsProcessed;
    private final Map<String, Integer> arrayMaxLength = new HashMap<>();
    /** Custom attributes recorded: name → {data_type, status}, alphabetical as the export lists them. */
    private final Map<String, String[]> customAttributes = new TreeMap<>();

    private volatile java.time.Duration latency = java.time.Duration.ZERO;

    private BrazeFake(BrazeFakeConfig config, Clock clock, Sleeper sleeper, long seed) {
        super("braze-fake", clock, sleeper, seed);
        this.config = Objects.requireNonNull(config, "config");
    }

    public static BrazeFake start() {
        return start(BrazeFakeConfig.defaults(), Clock.systemUTC(), Sleeper.REAL);
    }

    public static BrazeFake start(BrazeFakeConfig config, Clock clock, Sleeper sleeper) {
        return new BrazeFake(config, clock, sleeper, 1L);
    }

    public BrazeFakeConfig config() {
        return config;
    }

    public void reconfigure(UnaryOperator<BrazeFakeConfig> change) {
        config = Objects.requireNonNull(change.apply(config));
    }

    // ---- test-side setup and assertions -------------------------------------------------------------------------

    /** The service time of every admitted request (none by default; a benchmark's round trip to Braze). */
    public void latency(java.time.Duration latency) {
        this.latency = Objects.requireNonNull(latency, "latency");
    }

    @Override
    protected java.time.Duration latency(FakeExchange ex) {
        return latency;
    }

    /** A REST API key with the {@code users.track} permission. */
    public void addApiKey(String key) {
        synchronized (lock) {
            keys.add(Objects.requireNonNull(key, "key"));
        }
    }

    public void revoke(String key) {
        synchronized (lock) {
            keys.remove(key);
        }
    }

    /** The workspace's plan lapsed: every request gets 403. */
    public void deactivate() {
        synchronized (lock) {
            inactive = true;
        }
    }

    /** A user created outside the sync (for update-only tests). */
    public void putUser(String externalId, Map<String, Object> attributes) {
        synchronized (lock) {
            MutableUser u = byExternalId.computeIfAbsent(externalId, MutableUser::new);
            u.attributes.putAll(attributes);
        }
    }

    /** Braze's default maximum length of an array attribute. */
    public static final int DEFAULT_ARRAY_MAX_LENGTH = 25;

    /**
     * The maximum length of one array attribute, as raised in the dashboard (default {@value #DEFAULT_ARRAY_MAX_LENGTH}).
     * Braze keeps an over-long array's newest items and drops the oldest, without an error.
     */
    public void setArrayMaxLength(String attribute, int max) {
        synchronized (lock) {
            arrayMaxLength.put(Objects.requireNonNull(attribute, "attribute"), max);
        }
    }

    /** A custom attribute as the dashboard holds it, e.g. {@code ("legacy_score", "Number", "Blocklisted")}. */
    public void defineAttribute(String name, String dataType, String status) {
        synchronized (lock) {
            customAttributes.put(name, new String[] {dataType, status});
        }
    }

    public User user(String externalId) {
        synchronized (lock) {
            MutableUser u = byExternalId.get(externalId);
            return u == null ? null : snapshot(u);
        }
    }

    public User userByEmail(String email) {
        synchronized (lock) {
            MutableUser u = findByEmail(email);
            return u == null ? null : snapshot(u);
        }
    }

    public List<User> users() {
        synchronized (lock) {
            List<User> out = new ArrayList<>();
            byExternalId.values().forEach(u -> out.add(snapshot(u)));
            emailOnly.forEach(u -> out.add(snapshot(u)));
            return out;
        }
    }

    /** Data points consumed so far: one per attribute key sent on an applied object (identifiers excluded). */
    public long dataPoints() {
        synchronized (lock) {
            return dataPoints;
        }
    }

    /** Objects applied so far (attributes, events and purchases). */
    public long objectsProcessed() {
        synchronized (lock) {
            return objectsProcessed;
        }
    }

    private static User snapshot(MutableUser u) {
        Map<String, Object> copy = new TreeMap<>();
        u.attributes.forEach((k, v) -> copy.put(k, v instanceof List<?> l ? List.copyOf(l) : v));
        return new User(u.externalId, copy, u.events);
    }

    private MutableUser findByEmail(String email) {
        String want = email.toLowerCase(java.util.Locale.ROOT);
        for (MutableUser u : byExternalId.values()) {
            if (u.attributes.get("email") instanceof String e
                    && e.toLowerCase(java.util.Locale.ROOT).equals(want)) {
                return u;
            }
        }
        for (MutableUser u : emailOnly) {
            if (u.attributes.get("email") instanceof String e
                    && e.toLowerCase(java.util.Locale.ROOT).equals(want)) {
                return u;
            }
        }
        return null;
    }

    // ---- request pipeline ---------------------------------------------------------------------------------------

    @Override
    protected boolean isApiCall(FakeExchange ex) {
        return true;
    }

    @Override
    protected boolean admit(FakeExchange ex) {
        String auth = ex.header("authorization");
        String key = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim()
                : null;
        if (key == null || !keys.contains(key)) {
            ex.json(401, message("Invalid API key"));
            return true;
        }
        ex.principal = "workspace";
        if (inactive) {
            ex.json(403, message("Forbidden: the workspace's plan does not allow this call or it was deactivated"));
            return true;
        }
        long index = clock.millis() / config.window().toMillis();
        if (index != windowIndex) {
            windowIndex = index;
            windowCount = 0;
        }
        if (windowCount >= config.callsPerWindow()) {
            throttle(ex);
            return true;
        }
        windowCount++;
        return false;
    }

    @Override
    protected void decorate(FakeExchange ex) {
        BrazeFakeConfig cfg = config;
        if (!cfg.rateHeaders() || ex.principal == null) return;
        ex.responseHeaders.put("x-ratelimit-limit", Integer.toString(cfg.callsPerWindow()));
        ex.responseHeaders.put(
                "x-ratelimit-remaining", Integer.toString(Math.max(0, cfg.callsPerWindow() - windowCount)));
        ex.responseHeaders.put("x-ratelimit-reset", Long.toString(resetEpochSeconds()));
    }

    private long resetEpochSeconds() {
        long windowMs = config.window().toMillis();
        long index = clock.millis() / windowMs;
        return (index + 1) * windowMs / 1000;
    }

    @Override
    protected void renderFault(FakeExchange ex, Fault fault) {
        if (renderSpoiler(ex, fault)) return;
        switch (fault.kind()) {
            case SERVER_ERROR -> ex.json(fault.status(), message("Internal Server Error"));
            case THROTTLE -> throttle(ex);
            case SILENT_NO_OP -> ex.json(202, message("queued"));
            default -> throw new IllegalStateException("unhandled fault " + fault);
        }
    }

    private void throttle(FakeExchange ex) {
        ex.json(429, message("API rate limit reached; retry after " + Instant.ofEpochSecond(resetEpochSeconds())));
    }

    private static ObjectNode message(String text) {
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("message", text);
        return body;
    }

    @Override
    protected void route(FakeExchange ex) {
        if (ex.path.equals(CUSTOM_ATTRIBUTES) && ex.method.equals("GET")) {
            customAttributes(ex);
            return;
        }
        if (!ex.path.equals(TRACK)) {
            ex.json(404, message("Not Found: " + ex.path));
            return;
        }
        if (!ex.method.equals("POST")) {
            ex.json(405, message("Method Not Allowed"));
            return;
        }
        track(ex);
    }

    /**
     * {@code GET /custom_attributes}: 50 a page, alphabetical; {@code cursor} is base64 {@code skip:<n>} (as the
     * documented example {@code c2tpcDow} is) and the next page is named by {@code Link: <…>; rel="next"}.
     */
    private void customAttributes(FakeExchange ex) {
        int skip = 0;
        String cursor = ex.query().get("cursor");
        if (cursor != null) {
            try {
                String text = new String(
                        java.util.Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
                skip = Integer.parseInt(text.substring(text.indexOf(':') + 1));
            } catch (RuntimeException e) {
                ex.json(400, message("Invalid cursor"));
                return;
            }
        }
        List<Map.Entry<String, String[]>> all = new ArrayList<>(customAttributes.entrySet());
        ObjectNode answer = message("success");
        ArrayNode list = answer.putArray("attributes");
        for (Map.Entry<String, String[]> a : all.subList(Math.min(skip, all.size()), Math.min(skip + 50, all.size()))) {
            ObjectNode o = list.addObject();
            if (a.getValue()[0].equals("Array")) {
                o.put("array_length", arrayMaxLength.getOrDefault(a.getKey(), DEFAULT_ARRAY_MAX_LENGTH));
            } else {
                o.putNull("array_length");
            }
            o.put("data_type", a.getValue()[0]);
            o.put("description", "");
            o.put("name", a.getKey());
            o.put("status", a.getValue()[1]);
            o.putArray("tag_names");
        }
        if (skip + 50 < all.size()) {
            String next = java.util.Base64.getUrlEncoder()
                    .encodeToString(("skip:" + (skip + 50)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ex.responseHeaders.put("Link", "<" + url(CUSTOM_ATTRIBUTES) + "?cursor=" + next + ">; rel=\"next\"");
        }
        ex.json(200, answer);
    }

    private record ItemError(String type, String array, int index) {}

    private void track(FakeExchange ex) {
        BrazeFakeConfig cfg = config;
        JsonNode body = ex.json();
        if (body == null || !body.isObject()) {
            ex.json(400, message("Invalid JSON in the request body"));
            return;
        }
        int total = 0;
        for (String array : List.of("attributes", "events", "purchases")) {
            JsonNode a = body.get(array);
            if (a == null || a.isNull()) continue;
            if (!a.isArray()) {
                ex.json(400, message("'" + array + "' must be an array"));
                return;
            }
            if (!cfg.combinedCap() && a.size() > cfg.objectsPerRequest()) {
                ex.json(400, message("Max Input Length Exceeded"));
                return;
            }
            total += a.size();
        }
        if (cfg.combinedCap() && total > cfg.objectsPerRequest()) {
            ex.json(400, message("Max Input Length Exceeded"));
            return;
        }
        if (total == 0) {
            ex.json(400, message(NO_DATA));
            return;
        }
        List<ItemError> errors = new ArrayList<>();
        int attributesOk = 0;
        int eventsOk = 0;
        int purchasesOk = 0;
        JsonNode attributes = body.path("attributes");
        for (int i = 0; i < attributes.size(); i++) {
            String error = applyAttributes(attributes.get(i));
            if (error == null) attributesOk++;
            else errors.add(new ItemError(error, "attributes", i));
        }
        JsonNode events = body.path("events");
        for (int i = 0; i < events.size(); i++) {
            String error = applyEvent(events.get(i), "name");
            if (error == null) eventsOk++;
            else errors.add(new ItemError(error, "events", i));
        }
        JsonNode purchases = body.path("purchases");
        for (int i = 0; i < purchases.size(); i++) {
            String error = applyEvent(purchases.get(i), "product_id");
            if (error == null) purchasesOk++;
            else errors.add(new ItemError(error, "purchases", i));
        }
        objectsProcessed += attributesOk + eventsOk + purchasesOk;
        countRecords(attributesOk + eventsOk + purchasesOk);
        boolean allInvalid = attributesOk + eventsOk + purchasesOk == 0;
        ObjectNode answer = message(allInvalid ? NO_DATA : "success");
        if (attributes.size() > 0) answer.put("attributes_processed", attributesOk);
        if (events.size() > 0) answer.put("events_processed", eventsOk);
        if (purchases.size() > 0) answer.put("purchases_processed", purchasesOk);
        if (!errors.isEmpty()) {
            ArrayNode list = answer.putArray("errors");
            for (ItemError e : errors) {
                ObjectNode item = list.addObject();
                item.put("type", e.type());
                item.put("input_array", e.array());
                item.put("index", e.index());
            }
        }
        ex.json(allInvalid ? cfg.allInvalidStatus() : cfg.successStatus(), answer);
    }

    /** Validates one attributes object, then applies it; the error text, or null when applied. */
    private String applyAttributes(JsonNode object) {
        if (object == null || !object.isObject()) return "Each attributes object must be a JSON object";
        String problem = identifierProblem(object);
        if (problem != null) return problem;
        int maxChars = config.maxStringChars();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (IDENTIFIERS.contains(f.getKey()) || f.getKey().equals("_update_existing_only")) continue;
            JsonNode v = f.getValue();
            if (v.isObject()) {
                boolean arrayOp = v.has("add") || v.has("remove");
                if (arrayOp) {
                    for (String op : List.of("add", "remove")) {
                        if (v.has(op) && !v.get(op).isArray()) {
                            return "The '" + op + "' of attribute '" + f.getKey() + "' must be an array";
                        }
                    }
                } else if (!(v.has("inc") && v.get("inc").isNumber())) {
                    return "Invalid value for custom attribute '" + f.getKey() + "'";
                }
            } else if (v.isTextual() && v.asText().length() > maxChars) {
                return "Custom attribute '" + f.getKey() + "' is longer than " + maxChars + " characters";
            }
        }
        String externalId = text(object, "external_id");
        String email = text(object, "email");
        boolean updateOnly = object.path("_update_existing_only").asBoolean(false);
        MutableUser user = externalId != null ? byExternalId.get(externalId) : findByEmail(email);
        if (user == null) {
            if (updateOnly) return null; // Braze ignores an update of an unknown user without an error
            user = new MutableUser(externalId);
            if (externalId != null) byExternalId.put(externalId, user);
            else emailOnly.add(user);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            if (name.equals("external_id") || name.equals("_update_existing_only")) continue;
            dataPoints++;
            JsonNode v = f.getValue();
            if (!IDENTIFIERS.contains(name) && !v.isNull()) {
                customAttributes.computeIfAbsent(name, n -> new String[] {dataType(v), "Active"});
            }
            if (v.isNull()) {
                user.attributes.remove(name);
            } else if (v.isObject() && v.has("inc")) {
                Object old = user.attributes.get(name);
                BigDecimal base = old instanceof BigDecimal b ? b : BigDecimal.ZERO;
                user.attributes.put(name, base.add(v.get("inc").decimalValue()));
            } else if (v.isObject()) {
                List<String> values = new ArrayList<>();
                if (user.attributes.get(name) instanceof List<?> l) l.forEach(x -> values.add(String.valueOf(x)));
                for (JsonNode r : v.path("remove")) values.remove(r.asText());
                for (JsonNode a : v.path("add")) {
                    values.remove(a.asText()); // an added item moves to the end
                    values.add(a.asText());
                }
                user.attributes.put(name, capped(name, values));
            } else {
                Object value = value(v);
                user.attributes.put(name, value instanceof List<?> l ? capped(name, l) : value);
            }
        }
        return null;
    }

    /** The newest {@code max} items: "arrays exceeding the maximum number of elements will be truncated". */
    private List<?> capped(String attribute, List<?> values) {
        int max = arrayMaxLength.getOrDefault(attribute, DEFAULT_ARRAY_MAX_LENGTH);
        return values.size() <= max ? values : new ArrayList<>(values.subList(values.size() - max, values.size()));
    }

    private String applyEvent(JsonNode object, String nameField) {
        if (object == null || !object.isObject()) return "Each object must be a JSON object";
        String problem = identifierProblem(object);
        if (problem != null) return problem;
        String name = text(object, nameField);
        if (name == null) return "'" + nameField + "' is required";
        if (!object.path("time").isTextual()) return "'time' is required";
        String externalId = text(object, "external_id");
        MutableUser user = externalId != null ? byExternalId.get(externalId) : findByEmail(text(object, "email"));
        if (user == null) {
            user = new MutableUser(externalId);
            if (externalId != null) byExternalId.put(externalId, user);
            else emailOnly.add(user);
        }
        user.events.add(name);
        dataPoints++;
        return null;
    }

    private static String identifierProblem(JsonNode object) {
        String externalId = text(object, "external_id");
        String email = text(object, "email");
        if (externalId == null && email == null) {
            return object.has("braze_id") || object.has("user_alias") || object.has("phone")
                    ? "This fake keeps users by 'external_id' or 'email' only"
                    : "'external_id', 'braze_id', 'user_alias', 'email' or 'phone' is required";
        }
        if (email != null && !EMAIL.matcher(email).matches()) {
            return "The value provided for the 'email' field is not a valid email.";
        }
        return null;
    }

    private static String text(JsonNode object, String field) {
        JsonNode v = object.get(field);
        return v == null || !v.isTextual() || v.asText().isBlank() ? null : v.asText();
    }

    /** The data type Braze records for an attribute first written with {@code v}. */
    private static String dataType(JsonNode v) {
        if (v.isBoolean()) return "Boolean";
        if (v.isNumber() || (v.isObject() && v.has("inc"))) return "Number";
        if (v.isArray() || v.isObject()) return "Array";
        return "String";
    }

    private static Object value(JsonNode v) {
        if (v.isBoolean()) return v.booleanValue();
        if (v.isNumber()) return v.decimalValue();
        if (v.isArray()) {
            List<String> out = new ArrayList<>();
            v.forEach(x -> out.add(x.asText()));
            return out;
        }
        if (v.isObject()) return v.toString();
        return v.asText();
    }

    /** Test helper: the users' attribute {@code name} by external id (missing users and attributes left out). */
    public Map<String, Object> attributeByUser(String name) {
        synchronized (lock) {
            Map<String, Object> out = new HashMap<>();
            byExternalId.forEach((id, u) -> {
                Object v = u.attributes.get(name);
                if (v != null) out.put(id, v instanceof List<?> l ? List.copyOf(l) : v);
            });
            return out;
        }
    }

    @Override
    protected Map<String, Object> heldCounts() {
        return Map.of("users", byExternalId.size());
    }

    @Override
    protected boolean isThrottleAnswer(FakeExchange ex) {
        return ex.status == 429;
    }

    /** A 429 asks to wait until {@code X-RateLimit-Reset} (Braze sends no {@code Retry-After}). */
    @Override
    protected String askedWaitSeconds(FakeExchange ex) {
        String reset = ex.responseHeaders.get("x-ratelimit-reset");
        if (ex.status != 429 || reset == null) return super.askedWaitSeconds(ex);
        long ms = Long.parseLong(reset) * 1000 - clock.millis();
        return Long.toString(Math.max(0, (ms + 999) / 1000));
    }
}
