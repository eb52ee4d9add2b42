package dev.masync.testing.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.testing.receiver.Sleeper;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful fake of HubSpot's CRM v3 contacts, properties and lists APIs and its OAuth token endpoint, in HubSpot's
 * own shapes (connectors/hubspot/NOTES.md; recorded examples in connectors/hubspot/fixtures/). It holds the contacts
 * and list memberships so a test can assert the final state and that replays change nothing.
 *
 * <p>An API request goes through: bearer token (401 in HubSpot's error shape when missing, unknown, revoked or
 * expired on the injected clock), scopes (403 {@code MISSING_SCOPES}), the app's rolling burst window and the
 * account's daily count (429 with {@code policyName} {@code TEN_SECONDLY_ROLLING} or {@code DAILY}; a 429 does not
 * count), one draw from {@link #faults()}, then the endpoint. Every API answer carries {@code X-HubSpot-RateLimit-*}
 * unless configured off.
 *
 * <p>Endpoints, under {@code /crm/v3/} or a date version ({@code /crm/objects/2026-03/...}): {@code objects/contacts/
 * batch/upsert | batch/create | batch/read | search}, {@code properties/contacts[/{name}]}, {@code lists} (create),
 * {@code lists/{id}}, {@code lists/object-type-id/0-1/name/{name}}, {@code lists/{id}/memberships} (GET) and
 * {@code /add}, {@code /remove}, {@code /add-and-remove} (PUT); {@code POST /oauth/v1/token}. The sunset v1 lists
 * API answers 404.
 */
public final class HubSpotFake extends VendorFakeServer {
    public static final String CONTACTS_OBJECT_TYPE = "0-1";
    public static final String SCOPE_CONTACTS_READ = "crm.objects.contacts.read";
    public static final String SCOPE_CONTACTS_WRITE = "crm.objects.contacts.write";
    public static final String SCOPE_SCHEMAS_READ = "crm.schemas.contacts.read";
    public static final String SCOPE_LISTS_READ = "crm.lists.read";
    public static final String SCOPE_LISTS_WRITE = "crm.lists.write";
    public static final Set<String> ALL_SCOPES =
            Set.of(SCOPE_CONTACTS_READ, SCOPE_CONTACTS_WRITE, SCOPE_SCHEMAS_READ, SCOPE_LISTS_READ, SCOPE_LISTS_WRITE);

    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern VERSIONED = Pattern.compile("^/crm/([a-z]+)/(\\d{4}-\\d{2}(?:-beta)?)/(.*)$");

    /** A contact as held: its id, properties (no empty values) and timestamps. */
    public record Contact(String id, Map<String, String> properties, Instant createdAt, Instant updatedAt) {
        public Contact {
            properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        }

        public String property(String name) {
            return properties.get(name);
        }
    }

    /** A contact property: {@code type} string, number, date, datetime, enumeration or bool. */
    public record Property(
            String name, String type, String fieldType, boolean unique, boolean readOnly, List<String> options) {
        public Property {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            options = List.copyOf(options);
        }

        public static Property string(String name) {
            return new Property(name, "string", "text", false, false, List.of());
        }

        public static Property uniqueString(String name) {
            return new Property(name, "string", "text", true, false, List.of());
        }

        public static Property number(String name) {
            return new Property(name, "number", "number", false, false, List.of());
        }

        public static Property date(String name) {
            return new Property(name, "date", "date", false, false, List.of());
        }

        public static Property datetime(String name) {
            return new Property(name, "datetime", "date", false, false, List.of());
        }

        public static Property checkbox(String name) {
            return new Property(name, "bool", "booleancheckbox", false, false, List.of("true", "false"));
        }

        public static Property select(String name, String... options) {
            return new Property(name, "enumeration", "select", false, false, List.of(options));
        }

        public static Property readOnly(String name, String type) {
            return new Property(name, type, "text", false, true, List.of());
        }
    }

    /** A list as held; {@code processingType} MANUAL, SNAPSHOT or DYNAMIC. */
    public record HubSpotList(String listId, String name, String processingType, String legacyListId) {}

    private record Token(String app, Set<String> scopes, Instant expiresAt, boolean oauth) {}

    private record OAuthApp(String clientId, String secret, Set<String> scopes) {}

    private record RecordError(int index, String code, String in, String message, String category) {}

    private volatile HubSpotFakeConfig config;
    private final Map<String, Token> tokens = new HashMap<>();
    private final Map<String, OAuthApp> apps = new HashMap<>();
    private final Map<String, String> refreshTokens = new HashMap<>(); // refresh token -> client id
    private final Map<String, Property> properties = new LinkedHashMap<>();
    private final Map<String, MutableContact> contacts = new LinkedHashMap<>();
    /** property → value → ids of the contacts holding it, oldest first: lookups by key without scanning. */
    private final Map<String, Map<String, java.util.TreeSet<Long>>> byValue = new HashMap<>();

    private final Map<String, HubSpotList> lists = new LinkedHashMap<>();
    private final Map<String, Map<String, Instant>> members = new HashMap<>();
    private final Map<String, Deque<Instant>> burstWindows = new HashMap<>();

    private LocalDate dailyDate;
    private long dailyCount;
    private long nextRecordId;
    private long nextListId = 1;
    private long tokenSeq;
    private long correlationSeq;

    private static final class MutableContact {
        final String id;
        final Map<String, String> props = new TreeMap<>();
        final Instant createdAt;
        Instant updatedAt;

        MutableContact(String id, Instant at) {
            this.id = id;
            this.createdAt = at;
            this.updatedAt = at;
        }
    }

    private HubSpotFake(HubSpotFakeConfig config, Clock clock, Sleeper sleeper, long seed) {
        super("hubspot-fake", clock, sleeper, seed);
        this.config = Objects.requireNonNull(config, "config");
        this.nextRecordId = config.firstRecordId();
        for (Property p : List.of(
                Property.uniqueString("email"),
                Property.string("firstname"),
                Property.string("lastname"),
                Property.select("lifecyclestage", "subscriber", "lead", "customer"),
                Property.readOnly("hs_object_id", "number"),
                Property.readOnly("createdate", "datetime"),
                Property.readOnly("lastmodifieddate", "datetime"))) {
            properties.put(p.name(), p);
        }
    }

    public static HubSpotFake start() {
        return start(HubSpotFakeConfig.defaults(), Clock.systemUTC(), Sleeper.REAL);
    }

    public static HubSpotFake start(HubSpotFakeConfig config, Clock clock, Sleeper sleeper) {
        return new HubSpotFake(config, clock, sleeper, 1L);
    }

    public HubSpotFakeConfig config() {
        return config;
    }

    public void reconfigure(UnaryOperator<HubSpotFakeConfig> change) {
        config = Objects.requireNonNull(change.apply(config));
    }

    // ---- test-side setup and assertions -------------------------------------------------------------------------

    /** A private-app token with these scopes, valid until revoked (or {@code privateAppTokenTtl}). */
    public void addPrivateAppToken(String token, Set<String> scopes) {
        synchronized (lock) {
            Duration ttl = config.privateAppTokenTtl();
            tokens.put(
                    token,
                    new Token(
                            "private-app:" + token,
                            Set.copyOf(scopes),
                            ttl == null ? null : clock.instant().plus(ttl),
                            false));
        }
    }

    /** An OAuth app; returns a refresh token for an account that installed it with these scopes. */
    public String registerOAuthApp(String clientId, String clientSecret, Set<String> scopes) {
        synchronized (lock) {
            apps.put(clientId, new OAuthApp(clientId, clientSecret, Set.copyOf(scopes)));
            String refresh = "fake-hs-rt-" + clientId + "-" + (++tokenSeq);
            refreshTokens.put(refresh, clientId);
            return refresh;
        }
    }

    /** Revokes an access token, a private-app token or a refresh token. */
    public void revoke(String token) {
        synchronized (lock) {
            tokens.remove(token);
            refreshTokens.remove(token);
        }
    }

    public void defineProperty(Property property) {
        synchronized (lock) {
            properties.put(property.name(), property);
        }
    }

    /** Creates a list as if made in HubSpot's UI; returns its (ILS) list id. */
    public String createList(String name, String processingType, String legacyListId) {
        synchronized (lock) {
            return newList(name, processingType, legacyListId).listId();
        }
    }

    public List<Contact> contacts() {
        synchronized (lock) {
            return contacts.values().stream().map(HubSpotFake::snapshot).toList();
        }
    }

    public Contact contact(String id) {
        synchronized (lock) {
            MutableContact c = contacts.get(id);
            return c == null ? null : snapshot(c);
        }
    }

    public Contact contactByEmail(String email) {
        synchronized (lock) {
            MutableContact c = findBy("email", email);
            return c == null ? null : snapshot(c);
        }
    }

    public List<HubSpotList> lists() {
        synchronized (lock) {
            return List.copyOf(lists.values());
        }
    }

    /** Record ids in the list, sorted. */
    public Set<String> listMembers(String listId) {
        synchronized (lock) {
            return Collections.unmodifiableSet(new java.util.TreeSet<>(
                    members.getOrDefault(listId, Map.of()).keySet()));
        }
    }

    /** Requests counted against the account today (the {@code DAILY} policy). */
    public long dailyUsed() {
        synchronized (lock) {
            return dailyDate != null && dailyDate.equals(today()) ? dailyCount : 0;
        }
    }

    private static Contact snapshot(MutableContact c) {
        return new Contact(c.id, c.props, c.createdAt, c.updatedAt);
    }

    // ---- request pipeline ---------------------------------------------------------------------------------------

    @Override
    protected boolean isApiCall(FakeExchange ex) {
        return !ex.path.startsWith("/oauth/");
    }

    @Override
    protected boolean admit(FakeExchange ex) {
        HubSpotFakeConfig cfg = config;
        String auth = ex.header("authorization");
        String bearer = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim()
                : null;
        Token token = bearer == null ? null : tokens.get(bearer);
        if (token == null) {
            ex.json(
                    401,
                    error(
                            cfg.authFailureCategory(),
                            bearer == null
                                    ? "Authentication credentials not found. This API supports OAuth 2.0 authentication."
                                    : "The access token is not valid: it is unknown or was revoked.",
                            null));
            return true;
        }
        Instant now = clock.instant();
        if (token.expiresAt() != null && !now.isBefore(token.expiresAt())) {
            long minutes = Duration.between(token.expiresAt(), now).toMinutes();
            ex.json(
                    401,
                    error(
                            cfg.expiredCategory(),
                            "The OAuth token used to make this call expired " + minutes + " minute(s) ago.",
                            null));
            return true;
        }
        ex.principal = token.app();
        String scope = requiredScope(ex);
        if (scope != null && !token.scopes().contains(scope)) {
            ObjectNode body = error(
                    "MISSING_SCOPES", "This app hasn't been granted all required scopes to make this call.", null);
            ObjectNode inner = body.putArray("errors").addObject();
            inner.put("message", "One or more of the following scopes are required.");
            inner.putObject("context").putArray("requiredGranularScopes").add(scope);
            ex.json(403, body);
            return true;
        }
        LocalDate today = today();
        if (!today.equals(dailyDate)) {
            dailyDate = today;
            dailyCount = 0;
        }
        Deque<Instant> window = burstWindows.computeIfAbsent(token.app(), k -> new ArrayDeque<>());
        Instant from = now.minus(cfg.burstInterval());
        while (!window.isEmpty() && !window.peekFirst().isAfter(from)) window.pollFirst();
        if (dailyCount >= cfg.dailyMax()) {
            throttle(ex, "DAILY");
            return true;
        }
        if (window.size() >= cfg.burstMax()) {
            throttle(ex, "TEN_SECONDLY_ROLLING");
            return true;
        }
        window.addLast(now);
        dailyCount++;
        return false;
    }

    @Override
    protected boolean isThrottleAnswer(FakeExchange ex) {
        return ex.status == 429;
    }

    @Override
    protected Map<String, Object> heldCounts() {
        Map<String, Object> held = new LinkedHashMap<>();
        held.put("contacts", contacts.size());
        held.put("lists", lists.size());
        held.put("dailyUsed", dailyCount);
        return held;
    }

    @Override
    protected void decorate(FakeExchange ex) {
        HubSpotFakeConfig cfg = config;
        if (!cfg.rateHeaders() || ex.principal == null) return;
        Deque<Instant> window = burstWindows.getOrDefault(ex.principal, new ArrayDeque<>());
        ex.responseHeaders.put(
                "X-HubSpot-RateLimit-Interval-Milliseconds",
                Long.toString(cfg.burstInterval().toMillis()));
        ex.responseHeaders.put("X-HubSpot-RateLimit-Max", Integer.toString(cfg.burstMax()));
        ex.responseHeaders.put(
                "X-HubSpot-RateLimit-Remaining", Integer.toString(Math.max(0, cfg.burstMax() - window.size())));
        boolean oauth = ex.principal.startsWith("oauth:");
        if (!oauth || cfg.dailyHeadersForOAuth()) {
            ex.responseHeaders.put("X-HubSpot-RateLimit-Daily", Long.toString(cfg.dailyMax()));
            ex.responseHeaders.put(
                    "X-HubSpot-RateLimit-Daily-Remaining", Long.toString(Math.max(0, cfg.dailyMax() - dailyCount)));
        }
    }

    @Override
    protected void renderFault(FakeExchange ex, Fault fault) {
        if (renderSpoiler(ex, fault)) return;
        switch (fault.kind()) {
            case SERVER_ERROR ->
                ex.json(fault.status(), error("INTERNAL_ERROR", "An internal error occurred. Please try again.", null));
            case THROTTLE -> throttle(ex, fault.policy() == null ? "TEN_SECONDLY_ROLLING" : fault.policy());
            case SILENT_NO_OP -> {
                ObjectNode body = FakeExchange.JSON.createObjectNode();
                body.put("status", "COMPLETE");
                body.putArray("results");
                body.put("startedAt", TS.format(clock.instant()));
                body.put("completedAt", TS.format(clock.instant()));
                ex.json(200, body);
            }
            default -> throw new IllegalStateException("unhandled fault " + fault);
        }
    }

    private void throttle(FakeExchange ex, String policy) {
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("status", "error");
        body.put(
                "message",
                "DAILY".equals(policy)
                        ? "You have reached your daily limit."
                        : "You have reached your ten_secondly_rolling limit.");
        body.put("errorType", "RATE_LIMIT");
        body.put("correlationId", correlationId());
        body.put("policyName", policy);
        body.put("requestId", correlationId());
        ex.json(429, body);
        Integer retryAfter = config.retryAfterSeconds();
        if (retryAfter != null) ex.responseHeaders.put("Retry-After", retryAfter.toString());
    }

    private LocalDate today() {
        return clock.instant().atZone(config.accountZone()).toLocalDate();
    }

    /** The API path with its version taken off: {@code objects/contacts/batch/upsert}, or null when not ours. */
    private String apiPath(String path) {
        if (path.startsWith("/crm/v3/")) return path.substring("/crm/v3/".length());
        Matcher m = VERSIONED.matcher(path);
        if (m.matches() && config.pathVersions().contains(m.group(2))) return m.group(1) + "/" + m.group(3);
        return null;
    }

    private String requiredScope(FakeExchange ex) {
        String p = apiPath(ex.path);
        if (p == null) return null;
        if (p.startsWith("objects/contacts/batch/read") || p.startsWith("objects/contacts/search")) {
            return SCOPE_CONTACTS_READ;
        }
        if (p.startsWith("objects/contacts"))
            return ex.method.equals("GET") ? SCOPE_CONTACTS_READ : SCOPE_CONTACTS_WRITE;
        if (p.startsWith("properties/contacts")) return SCOPE_SCHEMAS_READ;
        if (p.startsWith("lists")) return ex.method.equals("GET") ? SCOPE_LISTS_READ : SCOPE_LISTS_WRITE;
        return null;
    }

    @Override
    protected void route(FakeExchange ex) {
        if (ex.path.equals("/oauth/v1/token")) {
            token(ex);
            return;
        }
        String p = apiPath(ex.path);
        if (p == null) {
            notFound(
                    ex,
                    ex.path.startsWith("/contacts/v1/lists")
                            ? "The v1 Contact Lists API was sunset on 2026-04-30; use /crm/v3/lists."
                            : "No API at " + ex.path + ".");
            return;
        }
        String m = ex.method;
        if (m.equals("POST") && p.equals("objects/contacts/batch/upsert")) batchWrite(ex, true);
        else if (m.equals("POST") && p.equals("objects/contacts/batch/create")) batchWrite(ex, false);
        else if (m.equals("POST") && p.equals("objects/contacts/batch/read")) batchRead(ex);
        else if (m.equals("POST") && p.equals("objects/contacts/search")) search(ex);
        else if (m.equals("GET") && p.equals("properties/contacts")) listProperties(ex);
        else if (m.equals("GET") && p.startsWith("properties/contacts/")) getProperty(ex, p.substring(20));
        else if (p.equals("lists") && m.equals("POST")) createListCall(ex);
        else if (p.startsWith("lists/")) lists(ex, p.substring(6));
        else notFound(ex, "No API at " + ex.path + ".");
    }

    // ---- OAuth ----------------------------------------------------------------------------------------------------

    private void token(FakeExchange ex) {
        if (!ex.method.equals("POST")) {
            ex.json(405, oauthError("BAD_REQUEST", "POST the token request form."));
            return;
        }
        Map<String, String> form = ex.form();
        String grant = form.get("grant_type");
        if (!"refresh_token".equals(grant)) {
            ex.json(400, oauthError("BAD_GRANT_TYPE", "grant_type must be refresh_token here, got " + grant));
            return;
        }
        OAuthApp app = apps.get(form.get("client_id"));
        if (app == null) {
            ex.json(400, oauthError("BAD_CLIENT_ID", "missing or unknown client id"));
            return;
        }
        if (!app.secret().equals(form.get("client_secret"))) {
            ex.json(400, oauthError("BAD_CLIENT_SECRET", "missing or invalid client secret"));
            return;
        }
        String refresh = form.get("refresh_token");
        if (refresh == null || !app.clientId().equals(refreshTokens.get(refresh))) {
            ex.json(400, oauthError("BAD_REFRESH_TOKEN", "missing or unknown refresh token"));
            return;
        }
        String access = "fake-hs-at-" + (++tokenSeq);
        Duration ttl = config.accessTokenTtl();
        tokens.put(
                access,
                new Token(
                        "oauth:" + app.clientId(), app.scopes(), clock.instant().plus(ttl), true));
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("token_type", "bearer");
        body.put("refresh_token", refresh);
        body.put("access_token", access);
        body.put("expires_in", ttl.toSeconds());
        ex.json(200, body);
    }

    private ObjectNode oauthError(String status, String message) {
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("status", status);
        body.put("message", message);
        body.put("correlationId", correlationId());
        body.put("requestId", correlationId());
        return body;
    }

    // ---- contacts -------------------------------------------------------------------------------------------------

    private void batchWrite(FakeExchange ex, boolean upsert) {
        HubSpotFakeConfig cfg = config;
        JsonNode root = ex.json();
        JsonNode inputs = root == null ? null : root.get("inputs");
        if (inputs == null || !inputs.isArray()) {
            ex.json(
                    400,
                    error(
                            "VALIDATION_ERROR",
                            "Invalid input JSON: the body must be an object with an inputs array.",
                            null));
            return;
        }
        if (inputs.isEmpty()) {
            ex.json(400, error("VALIDATION_ERROR", "inputs must hold at least one input.", null));
            return;
        }
        if (inputs.size() > cfg.maxBatchInputs()) {
            ex.json(
                    400,
                    error(
                            "VALIDATION_ERROR",
                            "Batch input limit exceeded: " + inputs.size() + " inputs, the limit is "
                                    + cfg.maxBatchInputs() + ".",
                            null));
            return;
        }
        boolean traced = true;
        for (JsonNode in : inputs) {
            if (!in.isObject()
                    || !in.path("objectWriteTraceId").isTextual()
                    || in.path("objectWriteTraceId").asText().isBlank()) {
                traced = false;
            }
        }
        List<RecordError> errors = new ArrayList<>();
        List<Planned> plans = new ArrayList<>();
        Map<String, Integer> firstByKey = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode in = inputs.get(i);
            if (!in.isObject() || (in.has("properties") && !in.get("properties").isObject())) {
                ex.json(400, error("VALIDATION_ERROR", "Invalid input JSON at inputs[" + i + "].", null));
                return;
            }
            String idProperty = upsert ? textOrNull(in.get("idProperty")) : null;
            String id = upsert ? textOrNull(in.get("id")) : null;
            if (idProperty != null) {
                Property p = properties.get(idProperty);
                if (p == null || !p.unique()) {
                    ex.json(
                            400,
                            error(
                                    "VALIDATION_ERROR",
                                    "Unable to perform update/upsert by non-unique 0-1 property " + idProperty + ".",
                                    null));
                    return;
                }
            }
            if (upsert && (id == null || id.isBlank())) {
                ex.json(400, error("VALIDATION_ERROR", "inputs[" + i + "].id is required.", null));
                return;
            }
            Map<String, String> props = new LinkedHashMap<>();
            in.path("properties")
                    .fields()
                    .forEachRemaining(e -> props.put(
                            e.getKey(),
                            e.getValue().isNull() ? "" : e.getValue().asText()));
            if (idProperty != null && !props.containsKey(idProperty)) props.put(idProperty, id);
            if (idProperty != null && idProperty.equals("email")) {
                props.put("email", id);
            }
            List<RecordError> mine = validate(i, props);
            String key = idProperty == null
                    ? (upsert ? "id:" + id : "email:" + normalize("email", props.get("email")))
                    : idProperty + ":" + normalize(idProperty, id);
            if (mine.isEmpty()
                    && firstByKey.containsKey(key)
                    && cfg.duplicateIds() != HubSpotFakeConfig.DuplicateIds.LAST_WINS) {
                if (cfg.duplicateIds() == HubSpotFakeConfig.DuplicateIds.REJECT_BATCH) {
                    ex.json(400, error("VALIDATION_ERROR", "Duplicate IDs found in batch input: " + id + ".", null));
                    return;
                }
                mine = List.of(new RecordError(
                        i,
                        cfg.codes().duplicateId(),
                        idProperty,
                        "Duplicate id " + id + " in the batch.",
                        "VALIDATION_ERROR"));
            }
            firstByKey.putIfAbsent(key, i);
            if (mine.isEmpty() && !upsert) {
                MutableContact existing = findBy("email", props.get("email"));
                if (existing != null) {
                    mine = List.of(new RecordError(
                            i, "CONFLICT", "email", "Contact already exists. Existing ID: " + existing.id, "CONFLICT"));
                }
            }
            if (mine.isEmpty() && upsert && idProperty == null && !contacts.containsKey(id)) {
                mine = List.of(new RecordError(
                        i, "OBJECT_NOT_FOUND", "id", "No contact with id " + id + ".", "OBJECT_NOT_FOUND"));
            }
            errors.addAll(mine);
            plans.add(new Planned(
                    i, idProperty, id, props, in.path("objectWriteTraceId").asText(null), mine.isEmpty()));
        }
        if (!errors.isEmpty() && !traced) {
            RecordError first = errors.get(0);
            int status = switch (first.category()) {
                case "CONFLICT" -> 409;
                case "OBJECT_NOT_FOUND" -> 404;
                default -> 400;
            };
            ObjectNode body = error(first.category(), first.message(), null);
            ArrayNode list = body.putArray("errors");
            for (RecordError e : errors) {
                ObjectNode item = list.addObject();
                item.put("message", e.message());
                if (e.code() != null) item.put("code", e.code());
                if (e.in() != null) item.put("in", e.in());
            }
            ex.json(status, body);
            return;
        }
        Instant now = clock.instant();
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("status", "COMPLETE");
        ArrayNode results = body.putArray("results");
        List<ObjectNode> resultNodes = new ArrayList<>();
        for (Planned plan : plans) {
            if (!plan.ok()) continue;
            MutableContact c = plan.idProperty() == null && upsert
                    ? contacts.get(plan.id())
                    : plan.idProperty() == null ? null : findBy(plan.idProperty(), plan.id());
            boolean created = c == null;
            if (created) {
                c = new MutableContact(Long.toString(nextRecordId++), now);
                contacts.put(c.id, c);
            }
            Map<String, String> written = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : plan.props().entrySet()) {
                String v = normalize(e.getKey(), e.getValue());
                String before = v.isEmpty() ? c.props.remove(e.getKey()) : c.props.put(e.getKey(), v);
                index(c, e.getKey(), before, v);
                written.put(e.getKey(), v);
            }
            c.updatedAt = now;
            ObjectNode r = FakeExchange.JSON.createObjectNode();
            r.put("id", c.id);
            if (upsert) r.put("new", created);
            ObjectNode rp = r.putObject("properties");
            written.forEach(rp::put);
            r.put("createdAt", TS.format(c.createdAt));
            r.put("updatedAt", TS.format(c.updatedAt));
            r.put("archived", false);
            resultNodes.add(r);
        }
        if (config.reverseResults()) Collections.reverse(resultNodes);
        resultNodes.forEach(results::add);
        if (!errors.isEmpty()) {
            // one entry per failed input, holding each of its problems
            Map<Integer, List<RecordError>> byInput = new LinkedHashMap<>();
            errors.forEach(e ->
                    byInput.computeIfAbsent(e.index(), k -> new ArrayList<>()).add(e));
            body.put("numErrors", byInput.size());
            ArrayNode list = body.putArray("errors");
            for (Map.Entry<Integer, List<RecordError>> input : byInput.entrySet()) {
                RecordError first = input.getValue().get(0);
                ObjectNode item = list.addObject();
                item.put("status", "error");
                item.put("category", first.category());
                item.put(
                        "message",
                        input.getValue().size() == 1
                                ? first.message()
                                : "Property values were not valid: "
                                        + input.getValue().size() + " problems");
                item.putObject("context")
                        .putArray("objectWriteTraceId")
                        .add(plans.get(input.getKey()).traceId());
                ArrayNode inner = item.putArray("errors");
                for (RecordError e : input.getValue()) {
                    ObjectNode n = inner.addObject();
                    n.put("message", e.message());
                    if (e.code() != null) n.put("code", e.code());
                    if (e.in() != null) n.put("in", e.in());
                }
            }
        }
        body.put("startedAt", TS.format(now));
        body.put("completedAt", TS.format(now));
        ex.json(errors.isEmpty() ? (upsert ? 200 : 201) : 207, body);
        countRecords(resultNodes.size());
    }

    private record Planned(
            int index, String idProperty, String id, Map<String, String> props, String traceId, boolean ok) {}

    private List<RecordError> validate(int index, Map<String, String> props) {
        HubSpotFakeConfig cfg = config;
        HubSpotFakeConfig.ErrorCodes codes = cfg.codes();
        List<RecordError> errors = new ArrayList<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            Property p = properties.get(name);
            String problem = null;
            String code = null;
            if (p == null) {
                code = codes.propertyDoesntExist();
                problem = "Property \"" + name + "\" does not exist";
            } else if (p.readOnly()) {
                code = codes.readOnlyValue();
                problem = "Property \"" + name + "\" is read-only";
            } else if (value.isEmpty()) {
                continue; // clears the value
            } else if (value.length() > cfg.maxValueChars()) {
                code = codes.tooLong();
                problem = "Property \"" + name + "\" is longer than " + cfg.maxValueChars() + " characters";
            } else if (name.equals("email") && !EMAIL.matcher(value).matches()) {
                code = codes.invalidEmail();
                problem = "Email address " + value + " is invalid";
            } else {
                switch (p.type()) {
                    case "number" -> {
                        if (!isNumber(value)) {
                            code = codes.invalidNumber();
                            problem = value + " was not a valid number.";
                        }
                    }
                    case "date", "datetime" -> {
                        if (!isDate(value, p.type().equals("date"))) {
                            code = codes.invalidDate();
                            problem = value + " was not a valid " + p.type()
                                    + ": send epoch milliseconds (midnight UTC for a date) or an ISO-8601 value.";
                        }
                    }
                    case "bool", "enumeration" -> {
                        List<String> values =
                                p.fieldType().equals("checkbox") ? List.of(value.split(";")) : List.of(value);
                        for (String v : values) {
                            if (!p.options().contains(v)) {
                                code = codes.invalidOption();
                                problem = v + " was not one of the allowed options: " + p.options();
                                break;
                            }
                        }
                    }
                    default -> {}
                }
            }
            if (problem != null) {
                errors.add(new RecordError(
                        index, code, name, "Property values were not valid: " + problem, "VALIDATION_ERROR"));
            }
        }
        return errors;
    }

    private static boolean isNumber(String v) {
        try {
            new BigDecimal(v);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isDate(String v, boolean dateOnly) {
        try {
            long millis = Long.parseLong(v);
            return !dateOnly || millis % 86_400_000L == 0;
        } catch (NumberFormatException e) {
            // fall through
        }
        try {
            if (dateOnly) LocalDate.parse(v);
            else Instant.parse(v);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private String normalize(String property, String value) {
        if (value == null) return null;
        return property.equals("email") && config.caseInsensitiveEmails() ? value.toLowerCase(Locale.ROOT) : value;
    }

    private MutableContact findBy(String property, String value) {
        if (value == null) return null;
        if (property.equals("hs_object_id")) return contacts.get(value);
        String wanted = normalize(property, value);
        java.util.TreeSet<Long> ids = byValue.getOrDefault(property, Map.of()).get(wanted);
        return ids == null || ids.isEmpty() ? null : contacts.get(Long.toString(ids.first()));
    }

    private void index(MutableContact c, String property, String before, String after) {
        Map<String, java.util.TreeSet<Long>> values = byValue.computeIfAbsent(property, k -> new HashMap<>());
        long id = Long.parseLong(c.id);
        if (before != null) {
            java.util.TreeSet<Long> held = values.get(before);
            if (held != null) {
                held.remove(id);
                if (held.isEmpty()) values.remove(before);
            }
        }
        if (!after.isEmpty())
            values.computeIfAbsent(after, k -> new java.util.TreeSet<>()).add(id);
    }

    private void batchRead(FakeExchange ex) {
        JsonNode root = ex.json();
        JsonNode inputs = root == null ? null : root.get("inputs");
        if (inputs == null || !inputs.isArray()) {
            ex.json(
                    400,
                    error(
                            "VALIDATION_ERROR",
                            "Invalid input JSON: the body must be an object with an inputs array.",
                            null));
            return;
        }
        if (inputs.size() > config.maxBatchInputs()) {
            ex.json(
                    400,
                    error(
                            "VALIDATION_ERROR",
                            "Batch input limit exceeded: " + inputs.size() + " inputs, the limit is "
                                    + config.maxBatchInputs() + ".",
                            null));
            return;
        }
        String idProperty = textOrNull(root.get("idProperty"));
        if (idProperty != null
                && (properties.get(idProperty) == null
                        || !properties.get(idProperty).unique())) {
            ex.json(
                    400,
                    error("VALIDATION_ERROR", "Unable to read by non-unique 0-1 property " + idProperty + ".", null));
            return;
        }
        List<String> wanted = new ArrayList<>();
        root.path("properties").forEach(n -> wanted.add(n.asText()));
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("status", "COMPLETE");
        ArrayNode results = body.putArray("results");
        List<String> missing = new ArrayList<>();
        for (JsonNode in : inputs) {
            String id = in.path("id").asText();
            MutableContact c = idProperty == null ? contacts.get(id) : findBy(idProperty, id);
            if (c == null) {
                missing.add(id);
                continue;
            }
            results.add(readResult(c, wanted));
        }
        if (!missing.isEmpty()) {
            body.put("numErrors", 1);
            ObjectNode e = body.putArray("errors").addObject();
            e.put("status", "error");
            e.put("category", "OBJECT_NOT_FOUND");
            e.put(
                    "message",
                    "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.");
            ArrayNode ids = e.putObject("context").putArray("ids");
            missing.forEach(ids::add);
        }
        body.put("startedAt", TS.format(clock.instant()));
        body.put("completedAt", TS.format(clock.instant()));
        ex.json(missing.isEmpty() ? 200 : 207, body);
    }

    private ObjectNode readResult(MutableContact c, List<String> wanted) {
        ObjectNode r = FakeExchange.JSON.createObjectNode();
        r.put("id", c.id);
        ObjectNode props = r.putObject("properties");
        props.put("hs_object_id", c.id);
        props.put("createdate", TS.format(c.createdAt));
        props.put("lastmodifieddate", TS.format(c.updatedAt));
        for (String w : wanted) {
            if (!w.equals("hs_object_id") && !w.equals("createdate") && !w.equals("lastmodifieddate")) {
                props.put(w, c.props.get(w));
            }
        }
        r.put("createdAt", TS.format(c.createdAt));
        r.put("updatedAt", TS.format(c.updatedAt));
        r.put("archived", false);
        return r;
    }

    /** Search with {@code EQ}, {@code IN} and {@code HAS_PROPERTY} filters (ANDed in a group, groups ORed). */
    private void search(FakeExchange ex) {
        JsonNode root = ex.json();
        if (root == null || !root.isObject()) {
            ex.json(400, error("VALIDATION_ERROR", "Invalid input JSON.", null));
            return;
        }
        int limit = root.path("limit").asInt(10);
        if (limit > 200) {
            ex.json(400, error("VALIDATION_ERROR", "limit must be at most 200.", null));
            return;
        }
        long after = root.path("after").asLong(0);
        List<String> wanted = new ArrayList<>();
        root.path("properties").forEach(n -> wanted.add(n.asText()));
        List<MutableContact> hits = new ArrayList<>();
        for (MutableContact c : contacts.values()) {
            if (Long.parseLong(c.id) > after && matches(c, root.path("filterGroups"))) hits.add(c);
        }
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("total", hits.size());
        ArrayNode results = body.putArray("results");
        for (int i = 0; i < Math.min(limit, hits.size()); i++) results.add(readResult(hits.get(i), wanted));
        if (hits.size() > limit) {
            body.putObject("paging").putObject("next").put("after", hits.get(limit - 1).id);
        }
        ex.json(200, body);
    }

    private boolean matches(MutableContact c, JsonNode groups) {
        if (!groups.isArray() || groups.isEmpty()) return true;
        for (JsonNode g : groups) {
            boolean all = true;
            for (JsonNode f : g.path("filters")) {
                String prop = f.path("propertyName").asText();
                String actual = prop.equals("hs_object_id") ? c.id : c.props.get(prop);
                boolean ok = switch (f.path("operator").asText()) {
                    case "EQ" ->
                        actual != null
                                && actual.equals(normalize(prop, f.path("value").asText()));
                    case "IN" -> {
                        boolean any = false;
                        for (JsonNode v : f.path("values"))
                            any |= v.asText().equals(actual)
                                    || normalize(prop, v.asText()).equals(actual);
                        yield any;
                    }
                    case "HAS_PROPERTY" -> actual != null;
                    default -> false;
                };
                all &= ok;
            }
            if (all) return true;
        }
        return false;
    }

    // ---- properties -----------------------------------------------------------------------------------------------

    private void listProperties(FakeExchange ex) {
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        ArrayNode results = body.putArray("results");
        properties.values().forEach(p -> results.add(propertyJson(p)));
        ex.json(200, body);
    }

    private void getProperty(FakeExchange ex, String name) {
        Property p = properties.get(name);
        if (p == null) {
            notFound(ex, "Unable to find property " + name + " on object type 0-1.");
            return;
        }
        ex.json(200, propertyJson(p));
    }

    private static ObjectNode propertyJson(Property p) {
        ObjectNode n = FakeExchange.JSON.createObjectNode();
        n.put("name", p.name());
        n.put("label", p.name());
        n.put("type", p.type());
        n.put("fieldType", p.fieldType());
        n.put("description", "");
        n.put("groupName", "contactinformation");
        ArrayNode options = n.putArray("options");
        for (int i = 0; i < p.options().size(); i++) {
            ObjectNode o = options.addObject();
            o.put("label", p.options().get(i));
            o.put("value", p.options().get(i));
            o.put("displayOrder", i);
            o.put("hidden", false);
        }
        n.put("hasUniqueValue", p.unique());
        n.put("hidden", false);
        n.put("calculated", false);
        ObjectNode meta = n.putObject("modificationMetadata");
        meta.put("archivable", !p.readOnly());
        meta.put("readOnlyDefinition", p.readOnly());
        meta.put("readOnlyValue", p.readOnly());
        return n;
    }

    // ---- lists ----------------------------------------------------------------------------------------------------

    private HubSpotList newList(String name, String processingType, String legacyListId) {
        String id = Long.toString(nextListId++);
        HubSpotList l = new HubSpotList(id, name, processingType, legacyListId);
        lists.put(id, l);
        members.put(id, new LinkedHashMap<>());
        return l;
    }

    private void createListCall(FakeExchange ex) {
        JsonNode root = ex.json();
        String name = root == null ? null : textOrNull(root.get("name"));
        String type = root == null ? null : textOrNull(root.get("processingType"));
        String objectType = root == null ? null : textOrNull(root.get("objectTypeId"));
        if (name == null
                || name.isBlank()
                || type == null
                || !Set.of("MANUAL", "SNAPSHOT", "DYNAMIC").contains(type)
                || !CONTACTS_OBJECT_TYPE.equals(objectType)) {
            ex.json(
                    400,
                    error(
                            "VALIDATION_ERROR",
                            "A list needs a name, objectTypeId 0-1 and processingType MANUAL, SNAPSHOT or DYNAMIC.",
                            null));
            return;
        }
        for (HubSpotList l : lists.values()) {
            if (l.name().equalsIgnoreCase(name)) {
                ex.json(400, error("VALIDATION_ERROR", "A list named " + name + " already exists.", null));
                return;
            }
        }
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.set("list", listJson(newList(name, type, null)));
        ex.json(200, body);
    }

    private ObjectNode listJson(HubSpotList l) {
        ObjectNode n = FakeExchange.JSON.createObjectNode();
        n.put("listId", l.listId());
        n.put("name", l.name());
        n.put("objectTypeId", CONTACTS_OBJECT_TYPE);
        n.put("processingType", l.processingType());
        n.put("processingStatus", "COMPLETE");
        n.put("size", members.get(l.listId()).size());
        if (l.legacyListId() != null) n.put("legacyListId", l.legacyListId());
        return n;
    }

    private void lists(FakeExchange ex, String rest) {
        if (rest.startsWith("object-type-id/")) {
            String[] parts = rest.split("/", 4);
            if (ex.method.equals("GET") && parts.length == 4 && parts[2].equals("name")) {
                String name = java.net.URLDecoder.decode(parts[3], java.nio.charset.StandardCharsets.UTF_8);
                for (HubSpotList l : lists.values()) {
                    if (l.name().equalsIgnoreCase(name) && parts[1].equals(CONTACTS_OBJECT_TYPE)) {
                        ObjectNode body = FakeExchange.JSON.createObjectNode();
                        body.set("list", listJson(l));
                        ex.json(200, body);
                        return;
                    }
                }
                notFound(ex, "List does not exist with name " + name + ".");
                return;
            }
            notFound(ex, "No API at " + ex.path + ".");
            return;
        }
        String[] parts = rest.split("/");
        HubSpotList list = lists.get(parts[0]);
        if (list == null) {
            notFound(ex, "List does not exist with ID " + parts[0] + ".");
            return;
        }
        if (parts.length == 1 && ex.method.equals("GET")) {
            ObjectNode body = FakeExchange.JSON.createObjectNode();
            body.set("list", listJson(list));
            ex.json(200, body);
            return;
        }
        if (parts.length == 2 && parts[1].equals("memberships") && ex.method.equals("GET")) {
            ObjectNode body = FakeExchange.JSON.createObjectNode();
            ArrayNode results = body.putArray("results");
            members.get(list.listId()).forEach((id, at) -> {
                ObjectNode m = results.addObject();
                m.put("recordId", id);
                m.put("membershipTimestamp", TS.format(at));
            });
            body.put("total", results.size());
            ex.json(200, body);
            return;
        }
        if (parts.length == 3 && parts[1].equals("memberships") && ex.method.equals("PUT")) {
            memberships(ex, list, parts[2]);
            return;
        }
        notFound(ex, "No API at " + ex.path + ".");
    }

    private void memberships(FakeExchange ex, HubSpotList list, String op) {
        JsonNode root = ex.json();
        List<String> add = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        boolean ok;
        switch (op) {
            case "add" -> ok = ids(root, add);
            case "remove" -> ok = ids(root, remove);
            case "add-and-remove" ->
                ok = root != null
                        && root.isObject()
                        && ids(root.path("recordIdsToAdd"), add)
                        && ids(root.path("recordIdsToRemove"), remove);
            default -> {
                notFound(ex, "No API at " + ex.path + ".");
                return;
            }
        }
        if (!ok) {
            ex.json(
                    400,
                    error(
                            "VALIDATION_ERROR",
                            op.equals("add-and-remove")
                                    ? "The body must be {\"recordIdsToAdd\": [...], \"recordIdsToRemove\": [...]} of record ids."
                                    : "The body must be a JSON array of record ids.",
                            null));
            return;
        }
        if (add.size() + remove.size() > config.maxListIds()) {
            ex.json(400, error("VALIDATION_ERROR", "At most " + config.maxListIds() + " record ids per call.", null));
            return;
        }
        if (list.processingType().equals("DYNAMIC")) {
            ex.json(
                    400,
                    error(
                            "VALIDATION_ERROR",
                            "List " + list.listId()
                                    + " is a DYNAMIC list: memberships can only be changed on MANUAL or SNAPSHOT lists.",
                            null));
            return;
        }
        Map<String, Instant> held = members.get(list.listId());
        Set<String> added = new LinkedHashSet<>();
        Set<String> removed = new LinkedHashSet<>();
        Set<String> missing = new LinkedHashSet<>();
        for (String id : add) {
            if (!contacts.containsKey(id)) missing.add(id);
            else if (!held.containsKey(id)) {
                held.put(id, clock.instant());
                added.add(id);
            }
        }
        for (String id : remove) {
            if (!contacts.containsKey(id)) missing.add(id);
            else if (held.remove(id) != null) removed.add(id);
        }
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        if (!op.equals("remove")) added.forEach(body.putArray("recordIdsAdded")::add);
        if (!op.equals("add")) removed.forEach(body.putArray("recordIdsRemoved")::add);
        missing.forEach(body.putArray("recordIdsMissing")::add);
        ex.json(200, body);
    }

    private static boolean ids(JsonNode node, List<String> out) {
        if (node == null || !node.isArray()) return false;
        Set<String> seen = new HashSet<>();
        for (JsonNode n : node) {
            if (!(n.isTextual() && n.asText().matches("\\d+")) && !n.isIntegralNumber()) return false;
            if (seen.add(n.asText())) out.add(n.asText());
        }
        return true;
    }

    // ---- shapes ---------------------------------------------------------------------------------------------------

    private void notFound(FakeExchange ex, String message) {
        ex.json(404, error("OBJECT_NOT_FOUND", message, null));
    }

    /** HubSpot's generic error body {@code {status, message, correlationId, category}}. */
    private ObjectNode error(String category, String message, String subCategory) {
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("status", "error");
        body.put("message", message);
        body.put("correlationId", correlationId());
        body.put("category", category);
        if (subCategory != null) body.put("subCategory", subCategory);
        return body;
    }

    private String correlationId() {
        return UUID.nameUUIDFromBytes(("hubspot-fake-" + (++correlationSeq)).getBytes())
                .toString();
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }
}
