package dev.masync.testing.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.testing.receiver.Sleeper;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful fake of a Salesforce org's REST API, in Salesforce's own shapes (connectors/salesforce/NOTES.md;
 * recorded examples in connectors/salesforce/fixtures/): the OAuth token endpoint (client credentials and JWT bearer),
 * sObject Collections upsert by external id, update by id, create and delete, single-record upsert, describe, limits, a small SOQL
 * subset, and Bulk API 2.0 ingest jobs whose progress follows the injected clock. It holds the records (Contact, Lead,
 * Campaign, CampaignMember and any added sObject).
 *
 * <p>An API request goes through: bearer session (401 {@code INVALID_SESSION_ID} when missing, unknown, revoked or
 * older than the session timeout), the org's rolling 24-hour request count and the concurrency cap (403
 * {@code REQUEST_LIMIT_EXCEEDED}; a refused request does not count), one draw from {@link #faults()}, then the
 * endpoint. Every API answer carries {@code Sforce-Limit-Info: api-usage=n/m}.
 */
public final class SalesforceFake extends VendorFakeServer {
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'+0000'").withZone(ZoneOffset.UTC);
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern DATA = Pattern.compile("^/services/data/v(\\d+\\.\\d)/(.*)$");
    private static final Pattern SOQL =
            Pattern.compile("(?i)^\\s*SELECT\\s+(.+?)\\s+FROM\\s+(\\w+)(?:\\s+WHERE\\s+(.+?))?\\s*$");
    private static final Pattern CONDITION =
            Pattern.compile("(?i)^\\s*(\\w+)\\s*(=\\s*'((?:[^'\\\\]|\\\\.)*)'|IN\\s*\\(([^)]*)\\))\\s*$");

    /** A field of an sObject, as describe reports it. {@code type}: id, string, email, boolean, double, date, datetime, picklist, reference. */
    public record Field(
            String name,
            String type,
            int length,
            boolean externalId,
            boolean nillable,
            boolean createable,
            boolean updateable,
            boolean defaultedOnCreate,
            List<String> referenceTo) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            referenceTo = List.copyOf(referenceTo);
        }

        public static Field text(String name, int length) {
            return new Field(name, "string", length, false, true, true, true, false, List.of());
        }

        public static Field required(String name, int length) {
            return new Field(name, "string", length, false, false, true, true, false, List.of());
        }

        public static Field externalId(String name, int length) {
            return new Field(name, "string", length, true, true, true, true, false, List.of());
        }

        public static Field email(String name) {
            return new Field(name, "email", 80, false, true, true, true, false, List.of());
        }

        /** A checkbox: never null, false by default. */
        public static Field checkbox(String name) {
            return new Field(name, "boolean", 0, false, false, true, true, true, List.of());
        }

        public static Field number(String name) {
            return new Field(name, "double", 0, false, true, true, true, false, List.of());
        }

        public static Field date(String name) {
            return new Field(name, "date", 0, false, true, true, true, false, List.of());
        }

        public static Field reference(String name, String to) {
            return new Field(name, "reference", 18, false, true, true, false, false, List.of(to));
        }

        static Field id() {
            return new Field("Id", "id", 18, false, false, false, false, true, List.of());
        }

        static Field system(String name, String type) {
            return new Field(name, type, 0, false, false, false, false, true, List.of());
        }
    }

    /** A per-record error: {@code statusCode}, {@code message}, {@code fields}. */
    public record SfError(String statusCode, String message, List<String> fields) {}

    private record SObjectType(String name, String keyPrefix, Map<String, Field> fields) {}

    private record Session(String user, Instant issuedAt, Instant[] lastUsed) {}

    private record ConnectedApp(String clientId, String secret, String runAs, Set<String> jwtUsers, PublicKey jwtKey) {}

    private final class Job {
        final String id;
        final String object;
        final String externalIdField;
        final double apiVersion;
        final Instant createdAt;
        final StringBuilder data = new StringBuilder();
        String state = "Open";
        Instant closedAt;
        String errorMessage;
        List<String> header = List.of();
        final List<List<String>> successes = new ArrayList<>();
        final List<List<String>> failures = new ArrayList<>();
        final List<List<String>> unprocessed = new ArrayList<>();
        int processed;
        /** CSV data rows uploaded, counted when the job is closed (for a per-row processing time). */
        long rows;

        Job(String id, String object, String externalIdField, double apiVersion, Instant createdAt) {
            this.id = id;
            this.object = object;
            this.externalIdField = externalIdField;
            this.apiVersion = apiVersion;
            this.createdAt = createdAt;
        }
    }

    private volatile SalesforceFakeConfig config;
    /** Bulk rows processed per second on top of {@code bulkProcessingTime}, 0 for none (a benchmark's job rate). */
    private volatile double bulkRowsPerSecond;

    private final Map<String, SObjectType> types = new LinkedHashMap<>();
    private final Map<String, Map<String, Map<String, Object>>> records = new HashMap<>(); // type -> id -> fields
    private final Set<String> deleted = new java.util.HashSet<>();
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, ConnectedApp> apps = new HashMap<>();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Deque<Instant> usage = new ArrayDeque<>();
    /**
     * sObject to field to case-folded value to the ids that held it when it was written: the external id lookup (a
     * linear scan per record made a 100,000-record benchmark quadratic). Entries may be stale (a record updated or
     * deleted since); {@link #matching} checks each candidate's current value.
     */
    private final Map<String, Map<String, Map<String, Set<String>>>> index = new HashMap<>();

    private int inFlight;
    private int busyTokenRequests;
    private long idSeq = 1;
    private long tokenSeq;

    private SalesforceFake(SalesforceFakeConfig config, Clock clock, Sleeper sleeper, long seed) {
        super("salesforce-fake", clock, sleeper, seed);
        this.config = Objects.requireNonNull(config, "config");
        defineSObject(
                "Contact", "003", Field.text("FirstName", 40), Field.required("LastName", 80), Field.email("Email"));
        defineSObject(
                "Lead",
                "00Q",
                Field.text("FirstName", 40),
                Field.required("LastName", 80),
                Field.required("Company", 255),
                Field.email("Email"),
                new Field("Status", "picklist", 255, false, false, true, true, true, List.of()));
        defineSObject("Campaign", "701", Field.required("Name", 80));
        defineSObject(
                "CampaignMember",
                "00v",
                new Field("CampaignId", "reference", 18, false, false, true, false, false, List.of("Campaign")),
                Field.reference("ContactId", "Contact"),
                Field.reference("LeadId", "Lead"),
                new Field("Status", "picklist", 255, false, true, true, true, true, List.of()));
    }

    public static SalesforceFake start() {
        return start(SalesforceFakeConfig.defaults(), Clock.systemUTC(), Sleeper.REAL);
    }

    public static SalesforceFake start(SalesforceFakeConfig config, Clock clock, Sleeper sleeper) {
        return new SalesforceFake(config, clock, sleeper, 1L);
    }

    public SalesforceFakeConfig config() {
        return config;
    }

    public void reconfigure(UnaryOperator<SalesforceFakeConfig> change) {
        config = Objects.requireNonNull(change.apply(config));
    }

    // ---- test-side setup and assertions -------------------------------------------------------------------------

    /** Adds (or extends) an sObject with these fields next to {@code Id}, {@code CreatedDate}, {@code LastModifiedDate}. */
    public void defineSObject(String name, String keyPrefix, Field... fields) {
        synchronized (lock) {
            SObjectType t = types.computeIfAbsent(name, n -> {
                Map<String, Field> f = new LinkedHashMap<>();
                f.put("Id", Field.id());
                f.put("CreatedDate", Field.system("CreatedDate", "datetime"));
                f.put("LastModifiedDate", Field.system("LastModifiedDate", "datetime"));
                return new SObjectType(n, keyPrefix, f);
            });
            for (Field f : fields) t.fields().put(f.name(), f);
            records.computeIfAbsent(name, n -> new LinkedHashMap<>());
        }
    }

    public void addField(String sObject, Field field) {
        synchronized (lock) {
            types.get(sObject).fields().put(field.name(), field);
        }
    }

    /**
     * Bulk jobs take {@code bulkProcessingTime} plus their rows at this rate from UploadComplete to JobComplete (0: no
     * per-row time), as a benchmark's model of the org's Bulk throughput.
     */
    public void bulkRowsPerSecond(double rate) {
        if (rate < 0) throw new IllegalArgumentException("a rate is >= 0, got " + rate);
        this.bulkRowsPerSecond = rate;
    }

    /** A connected app for the client-credentials flow (run as {@code runAsUser}) and the JWT bearer flow. */
    public void registerApp(
            String clientId, String clientSecret, String runAsUser, Set<String> jwtUsers, PublicKey jwtKey) {
        synchronized (lock) {
            apps.put(clientId, new ConnectedApp(clientId, clientSecret, runAsUser, Set.copyOf(jwtUsers), jwtKey));
        }
    }

    /**
     * The next {@code count} token requests answer 400 {@code invalid_grant} "token request is already being
     * processed", as when two callers refresh at once (retry it).
     */
    public void failNextTokenRequests(int count) {
        synchronized (lock) {
            busyTokenRequests = count;
        }
    }

    /** A session as if minted now, without a token call. */
    public String issueSession(String user) {
        synchronized (lock) {
            return newSession(user);
        }
    }

    public void revokeSession(String token) {
        synchronized (lock) {
            sessions.remove(token);
        }
    }

    /** Inserts a record directly (e.g. a duplicate external id that makes upserts ambiguous); returns its id. */
    public String insert(String sObject, Map<String, Object> fields) {
        synchronized (lock) {
            return create(types.get(sObject), new LinkedHashMap<>(fields), clock.instant());
        }
    }

    /** Every record of the sObject: id to fields (Id included), in creation order. */
    public Map<String, Map<String, Object>> records(String sObject) {
        synchronized (lock) {
            advanceJobs();
            Map<String, Map<String, Object>> out = new LinkedHashMap<>();
            records.getOrDefault(sObject, Map.of())
                    .forEach((id, f) -> out.put(id, Collections.unmodifiableMap(new TreeMap<>(f))));
            return Collections.unmodifiableMap(out);
        }
    }

    /** The record whose {@code field} equals {@code value}, or null. */
    public Map<String, Object> find(String sObject, String field, Object value) {
        return records(sObject).values().stream()
                .filter(r -> Objects.equals(r.get(field), value))
                .findFirst()
                .orElse(null);
    }

    /** API requests counted in the rolling 24 hours. */
    public long apiUsage() {
        synchronized (lock) {
            trimUsage();
            return usage.size();
        }
    }

    /** The bulk job's state on the injected clock. */
    public String jobState(String jobId) {
        synchronized (lock) {
            advanceJobs();
            return jobs.get(jobId).state;
        }
    }

    // ---- request pipeline ---------------------------------------------------------------------------------------

    @Override
    protected boolean isThrottleAnswer(FakeExchange ex) {
        return ex.status == 403
                && ex.responseBody.length > 0
                && ex.bodyTextOfAnswer().contains("REQUEST_LIMIT_EXCEEDED");
    }

    @Override
    protected Map<String, Object> heldCounts() {
        Map<String, Object> held = new LinkedHashMap<>();
        records.forEach((type, byId) -> held.put(type, byId.size()));
        trimUsage();
        held.put("apiUsage", usage.size());
        held.put("bulkJobs", jobs.size());
        return held;
    }

    @Override
    protected boolean isApiCall(FakeExchange ex) {
        return ex.path.startsWith("/services/data/");
    }

    @Override
    protected boolean admit(FakeExchange ex) {
        SalesforceFakeConfig cfg = config;
        String auth = ex.header("authorization");
        String bearer = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim()
                : null;
        Session s = bearer == null ? null : sessions.get(bearer);
        Instant now = clock.instant();
        if (s != null) {
            Instant from = cfg.slidingSession() ? s.lastUsed()[0] : s.issuedAt();
            if (!now.isBefore(from.plus(cfg.sessionTimeout()))) {
                sessions.remove(bearer);
                s = null;
            }
        }
        if (s == null) {
            ex.json(401, restErrors("INVALID_SESSION_ID", "Session expired or invalid", null));
            ex.responseHeaders.put("WWW-Authenticate", "Token");
            return true;
        }
        s.lastUsed()[0] = now;
        ex.principal = s.user();
        trimUsage();
        if (usage.size() >= cfg.dailyApiLimit()) {
            ex.json(403, restErrors("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", null));
            return true;
        }
        if (inFlight >= cfg.maxConcurrent()) {
            ex.json(
                    403,
                    restErrors(
                            "REQUEST_LIMIT_EXCEEDED",
                            "ConcurrentRequests (Concurrent API Requests) Limit exceeded.",
                            null));
            return true;
        }
        inFlight++;
        ex.holdsSlot = true;
        usage.addLast(now);
        return false;
    }

    @Override
    protected void release(FakeExchange ex) {
        if (ex.holdsSlot) {
            synchronized (lock) {
                inFlight--;
            }
        }
    }

    @Override
    protected void decorate(FakeExchange ex) {
        trimUsage();
        ex.responseHeaders.put("Sforce-Limit-Info", "api-usage=" + usage.size() + "/" + config.dailyApiLimit());
    }

    @Override
    protected void renderFault(FakeExchange ex, Fault fault) {
        if (renderSpoiler(ex, fault)) return;
        switch (fault.kind()) {
            case SERVER_ERROR ->
                ex.json(
                        fault.status(),
                        fault.status() == 503
                                ? restErrors("SERVER_UNAVAILABLE", "Server is temporarily unavailable.", null)
                                : restErrors("UNKNOWN_EXCEPTION", "An unexpected error occurred.", null));
            case THROTTLE -> ex.json(403, restErrors("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", null));
            case SILENT_NO_OP -> ex.json(200, FakeExchange.JSON.createArrayNode());
            default -> throw new IllegalStateException("unhandled fault " + fault);
        }
    }

    private void trimUsage() {
        Instant from = clock.instant().minus(Duration.ofHours(24));
        while (!usage.isEmpty() && !usage.peekFirst().isAfter(from)) usage.pollFirst();
    }

    @Override
    protected void route(FakeExchange ex) {
        if (ex.path.equals("/services/oauth2/token")) {
            token(ex);
            return;
        }
        advanceJobs();
        Matcher m = DATA.matcher(ex.path);
        if (!m.matches()) {
            notFound(ex);
            return;
        }
        double version = Double.parseDouble(m.group(1));
        if (version < config.minApiVersion() || version > config.maxApiVersion()) {
            notFound(ex);
            return;
        }
        String rest = m.group(2);
        String[] p = rest.split("/");
        String method = ex.method;
        if (p.length == 4 && p[0].equals("composite") && p[1].equals("sobjects") && method.equals("PATCH")) {
            if (version < 46.0) notFound(ex);
            else collectionUpsert(ex, p[2], p[3]);
        } else if (p.length == 2 && p[0].equals("composite") && p[1].equals("sobjects") && method.equals("PATCH")) {
            collectionUpdate(ex);
        } else if (p.length == 2 && p[0].equals("composite") && p[1].equals("sobjects") && method.equals("POST")) {
            collectionCreate(ex);
        } else if (p.length == 2 && p[0].equals("composite") && p[1].equals("sobjects") && method.equals("DELETE")) {
            collectionDelete(ex);
        } else if (p.length == 3 && p[0].equals("sobjects") && p[2].equals("describe") && method.equals("GET")) {
            describe(ex, p[1]);
        } else if (p.length == 4 && p[0].equals("sobjects") && method.equals("PATCH")) {
            singleUpsert(ex, version, p[1], p[2], java.net.URLDecoder.decode(p[3], StandardCharsets.UTF_8));
        } else if (p.length == 1 && p[0].equals("limits") && method.equals("GET")) {
            limits(ex);
        } else if (p.length == 1 && p[0].equals("query") && method.equals("GET")) {
            query(ex, version);
        } else if (p.length >= 2 && p[0].equals("jobs") && p[1].equals("ingest")) {
            bulk(ex, version, p);
        } else {
            notFound(ex);
        }
    }

    // ---- OAuth ----------------------------------------------------------------------------------------------------

    private void token(FakeExchange ex) {
        Map<String, String> form = ex.form();
        String grant = form.get("grant_type");
        if (busyTokenRequests > 0) {
            busyTokenRequests--;
            ex.json(400, oauthError("invalid_grant", "token request is already being processed"));
            return;
        }
        if ("client_credentials".equals(grant)) {
            ConnectedApp app = apps.get(form.get("client_id"));
            if (app == null || !Objects.equals(app.secret(), form.get("client_secret"))) {
                ex.json(400, oauthError("invalid_client", "invalid client credentials"));
                return;
            }
            if (app.runAs() == null) {
                ex.json(400, oauthError("invalid_grant", "no client credentials user enabled"));
                return;
            }
            ex.json(200, tokenBody(newSession(app.runAs()), app.runAs()));
        } else if ("urn:ietf:params:oauth:grant-type:jwt-bearer".equals(grant)) {
            jwtBearer(ex, form.get("assertion"));
        } else {
            ex.json(400, oauthError("unsupported_grant_type", "grant type not supported"));
        }
    }

    private void jwtBearer(FakeExchange ex, String assertion) {
        String[] parts = assertion == null ? new String[0] : assertion.split("\\.");
        JsonNode header;
        JsonNode claims;
        try {
            if (parts.length != 3) throw new IllegalArgumentException();
            header = FakeExchange.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = FakeExchange.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (Exception e) {
            ex.json(400, oauthError("invalid_grant", "invalid assertion"));
            return;
        }
        ConnectedApp app = apps.get(claims.path("iss").asText());
        if (app == null) {
            ex.json(400, oauthError("invalid_client_id", "client identifier invalid"));
            return;
        }
        if (!"RS256".equals(header.path("alg").asText()) || !verify(app.jwtKey(), parts)) {
            ex.json(400, oauthError("invalid_grant", "invalid assertion"));
            return;
        }
        if (!config.jwtAudience().equals(claims.path("aud").asText())) {
            ex.json(400, oauthError("invalid_grant", "audience is invalid"));
            return;
        }
        long now = clock.instant().getEpochSecond();
        long exp = claims.path("exp").asLong(0);
        if (exp <= now) {
            ex.json(400, oauthError("invalid_grant", "expired authorization code"));
            return;
        }
        Duration ahead = config.jwtMaxAhead();
        if (ahead != null && exp > now + ahead.toSeconds()) {
            ex.json(
                    400,
                    oauthError(
                            "invalid_grant",
                            "invalid assertion: exp is more than " + ahead.toMinutes() + " minutes ahead"));
            return;
        }
        String user = claims.path("sub").asText();
        if (!app.jwtUsers().contains(user)) {
            ex.json(400, oauthError("invalid_grant", "user hasn't approved this consumer"));
            return;
        }
        ex.json(200, tokenBody(newSession(user), user));
    }

    private static boolean verify(PublicKey key, String[] parts) {
        if (key == null) return true;
        try {
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initVerify(key);
            sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return sig.verify(Base64.getUrlDecoder().decode(parts[2]));
        } catch (Exception e) {
            return false;
        }
    }

    private String newSession(String user) {
        String token = "00DFAKE0000000001!fake-sf-session-" + (++tokenSeq);
        Instant now = clock.instant();
        sessions.put(token, new Session(user, now, new Instant[] {now}));
        return token;
    }

    private ObjectNode tokenBody(String token, String user) {
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("access_token", token);
        body.put("signature", Base64.getEncoder().encodeToString(("sig-" + tokenSeq).getBytes(StandardCharsets.UTF_8)));
        body.put("scope", "api");
        body.put("instance_url", url());
        body.put("id", url() + "/id/00DFAKE0000000001AAA/" + user);
        body.put("token_type", "Bearer");
        body.put("issued_at", Long.toString(clock.instant().toEpochMilli()));
        return body;
    }

    private static ObjectNode oauthError(String error, String description) {
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("error", error);
        body.put("error_description", description);
        return body;
    }

    // ---- records --------------------------------------------------------------------------------------------------

    private String newId(SObjectType t) {
        String n = Long.toString(idSeq++, 36).toUpperCase(java.util.Locale.ROOT);
        return t.keyPrefix() + "FAKE" + "0".repeat(8 - n.length()) + n + "AAA";
    }

    private String create(SObjectType t, Map<String, Object> values, Instant now) {
        String id = newId(t);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("Id", id);
        for (Field f : t.fields().values()) {
            if (f.type().equals("boolean") && !values.containsKey(f.name())) r.put(f.name(), false);
        }
        values.forEach((k, v) -> {
            if (v != null) r.put(k, v);
        });
        r.put("CreatedDate", TS.format(now));
        r.put("LastModifiedDate", TS.format(now));
        records.get(t.name()).put(id, r);
        indexValues(t, id, r);
        return id;
    }

    private void update(SObjectType t, String id, Map<String, Object> values, Instant now) {
        Map<String, Object> r = records.get(t.name()).get(id);
        values.forEach((k, v) -> {
            if (v == null) r.remove(k);
            else r.put(k, v);
        });
        r.put("LastModifiedDate", TS.format(now));
        indexValues(t, id, values);
    }

    private List<String> matching(SObjectType t, String field, Object value) {
        List<String> ids = new ArrayList<>();
        if (value == null) return ids;
        Map<String, Map<String, Object>> held = records.get(t.name());
        Set<String> candidates = indexOf(t, field).get(fold(value.toString()));
        if (candidates == null) return ids;
        for (String id : candidates) {
            Map<String, Object> r = held.get(id);
            if (r != null && value.toString().equalsIgnoreCase(String.valueOf(r.get(field)))) ids.add(id);
        }
        // in creation order, as a scan over the records finds them
        ids.sort(java.util.Comparator.comparing((String id) -> id.length()).thenComparing(id -> id));
        return ids;
    }

    /** The index of one field, built from the held records on first use and kept up by {@link #indexValues}. */
    private Map<String, Set<String>> indexOf(SObjectType t, String field) {
        Map<String, Map<String, Set<String>>> fields = index.computeIfAbsent(t.name(), k -> new HashMap<>());
        Map<String, Set<String>> byValue = fields.get(field);
        if (byValue == null) {
            byValue = new HashMap<>();
            for (Map.Entry<String, Map<String, Object>> e :
                    records.get(t.name()).entrySet()) {
                Object v = e.getValue().get(field);
                if (v != null) {
                    byValue.computeIfAbsent(fold(String.valueOf(v)), k -> new java.util.LinkedHashSet<>())
                            .add(e.getKey());
                }
            }
            fields.put(field, byValue);
        }
        return byValue;
    }

    private void indexValues(SObjectType t, String id, Map<String, Object> values) {
        Map<String, Map<String, Set<String>>> fields = index.get(t.name());
        if (fields == null) return;
        values.forEach((k, v) -> {
            Map<String, Set<String>> byValue = fields.get(k);
            if (byValue != null && v != null) {
                byValue.computeIfAbsent(fold(String.valueOf(v)), x -> new java.util.LinkedHashSet<>())
                        .add(id);
            }
        });
    }

    /** A key under which strings equal ignoring case ({@link String#equalsIgnoreCase}) meet. */
    private static String fold(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) b.append(Character.toLowerCase(Character.toUpperCase(s.charAt(i))));
        return b.toString();
    }

    /** Typed values of one input, or the errors that refuse it. Values come as JSON nodes or as CSV strings. */
    private record Checked(Map<String, Object> values, List<SfError> errors) {}

    private Checked check(SObjectType t, Map<String, Object> raw, boolean creating) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<SfError> errors = new ArrayList<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            String name = e.getKey();
            Field f = t.fields().get(name);
            if (f == null) {
                errors.add(new SfError(
                        "INVALID_FIELD",
                        "No such column '" + name + "' on sobject of type " + t.name(),
                        List.of(name)));
                continue;
            }
            if (creating ? !f.createable() : !f.updateable()) {
                errors.add(new SfError(
                        "INVALID_FIELD_FOR_INSERT_UPDATE",
                        "Unable to create/update fields: " + name
                                + ". Please check the security settings of this field and verify that it is read/write for "
                                + "your profile or permission set.",
                        List.of(name)));
                continue;
            }
            Object raw1 = e.getValue();
            String text;
            if (raw1 instanceof JsonNode n) {
                if (n.isNull()) {
                    text = null;
                } else if (n.isBoolean() && f.type().equals("boolean")) {
                    values.put(name, n.asBoolean());
                    continue;
                } else if (n.isNumber() && f.type().equals("double")) {
                    values.put(name, n.decimalValue());
                    continue;
                } else if (n.isTextual()) {
                    text = n.asText();
                } else {
                    errors.add(new SfError(
                            "JSON_PARSER_ERROR",
                            "Cannot deserialize a " + n.getNodeType() + " into the " + f.type() + " field " + name,
                            List.of(name)));
                    continue;
                }
            } else {
                text = (String) raw1; // CSV: "#N/A" clears
                if ("#N/A".equals(text)) text = null;
            }
            if (text == null) {
                if (!f.nillable()) {
                    errors.add(new SfError(
                            "REQUIRED_FIELD_MISSING", "Required fields are missing: [" + name + "]", List.of(name)));
                } else {
                    values.put(name, null);
                }
                continue;
            }
            SfError problem = null;
            Object value = text;
            switch (f.type()) {
                case "email" -> {
                    if (!EMAIL.matcher(text).matches()) {
                        problem = new SfError(
                                "INVALID_EMAIL_ADDRESS", name + ": invalid email address: " + text, List.of(name));
                    }
                }
                case "boolean" -> {
                    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))
                        value = Boolean.parseBoolean(text);
                    else
                        problem = new SfError(
                                "INVALID_TYPE_ON_FIELD_IN_RECORD",
                                name + ": value not of required type: " + text,
                                List.of(name));
                }
                case "double" -> {
                    try {
                        value = new BigDecimal(text);
                    } catch (NumberFormatException x) {
                        problem = new SfError(
                                "INVALID_TYPE_ON_FIELD_IN_RECORD",
                                name + ": value not of required type: " + text,
                                List.of(name));
                    }
                }
                case "date" -> {
                    try {
                        LocalDate.parse(text);
                    } catch (java.time.format.DateTimeParseException x) {
                        problem = new SfError(
                                "INVALID_TYPE_ON_FIELD_IN_RECORD",
                                name + ": value not of required type: " + text,
                                List.of(name));
                    }
                }
                case "reference" -> {
                    String target =
                            f.referenceTo().isEmpty() ? null : f.referenceTo().get(0);
                    if (target == null
                            || !records.getOrDefault(target, Map.of()).containsKey(text)) {
                        problem =
                                new SfError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", List.of(name));
                    }
                }
                default -> {}
            }
            if (problem == null && f.length() > 0 && text.length() > f.length()) {
                problem = new SfError(
                        "STRING_TOO_LONG",
                        name + ": data value too large: " + text + " (max length=" + f.length() + ")",
                        List.of(name));
            }
            if (problem != null) errors.add(problem);
            else values.put(name, value);
        }
        if (creating && errors.isEmpty()) {
            List<String> missing = new ArrayList<>();
            for (Field f : t.fields().values()) {
                if (!f.nillable() && f.createable() && !f.defaultedOnCreate() && values.get(f.name()) == null) {
                    missing.add(f.name());
                }
            }
            if (!missing.isEmpty()) {
                errors.add(new SfError("REQUIRED_FIELD_MISSING", "Required fields are missing: " + missing, missing));
            }
        }
        if (errors.isEmpty() && t.name().equals("CampaignMember") && creating) {
            Object campaign = values.get("CampaignId");
            Object who = values.get("ContactId") != null ? values.get("ContactId") : values.get("LeadId");
            if (who == null) {
                errors.add(new SfError(
                        "REQUIRED_FIELD_MISSING",
                        "Required fields are missing: [ContactId, LeadId]",
                        List.of("ContactId", "LeadId")));
            } else {
                for (Map<String, Object> r : records.get("CampaignMember").values()) {
                    if (campaign.equals(r.get("CampaignId"))
                            && (who.equals(r.get("ContactId")) || who.equals(r.get("LeadId")))) {
                        errors.add(new SfError("DUPLICATE_VALUE", "Already a campaign member.", List.of()));
                        break;
                    }
                }
            }
        }
        return new Checked(values, errors);
    }

    /** One upsert outcome in input order: the planned write, or its errors. */
    private record Outcome(String existingId, Map<String, Object> values, List<SfError> errors) {}

    /** Plans an upsert batch (nothing changes); {@code rows} hold JSON nodes or CSV strings per field. */
    private List<Outcome> planUpserts(
            SObjectType t, String extField, List<Map<String, Object>> rows, List<SfError> preErrors) {
        SalesforceFakeConfig cfg = config;
        Map<String, Integer> counts = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Object v = row.get(extField);
            String key = v instanceof JsonNode n ? (n.isNull() ? null : n.asText()) : (String) v;
            if (key != null && key.isEmpty()) key = null;
            keys.add(key == null ? null : key.toLowerCase(java.util.Locale.ROOT));
            if (key != null) counts.merge(key.toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
        }
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            SfError pre = preErrors == null ? null : preErrors.get(i);
            if (pre != null) {
                out.add(new Outcome(null, null, List.of(pre)));
                continue;
            }
            String key = keys.get(i);
            if (key == null) {
                out.add(new Outcome(
                        null,
                        null,
                        List.of(new SfError(
                                "REQUIRED_FIELD_MISSING",
                                "Required fields are missing: [" + extField + "]",
                                List.of(extField)))));
                continue;
            }
            if (counts.get(key) > 1) {
                out.add(new Outcome(
                        null,
                        null,
                        List.of(new SfError(
                                cfg.duplicateInRequestCode(),
                                "Duplicate external id specified: " + key,
                                List.of(extField)))));
                continue;
            }
            List<String> matches = matching(t, extField, key);
            if (matches.size() > 1) {
                out.add(new Outcome(
                        null,
                        null,
                        List.of(new SfError(
                                cfg.ambiguousCode(),
                                extField + ": more than one record found for external id field: " + matches,
                                List.of(extField)))));
                continue;
            }
            String existing = matches.isEmpty() ? null : matches.get(0);
            Checked c = check(t, rows.get(i), existing == null);
            out.add(new Outcome(existing, c.values(), c.errors()));
        }
        return out;
    }

    private void collectionUpsert(FakeExchange ex, String sObject, String extField) {
        SObjectType t = types.get(sObject);
        if (t == null) {
            ex.json(404, restErrors("NOT_FOUND", "The requested resource does not exist", null));
            return;
        }
        Field f = t.fields().get(extField);
        if (f == null || !(f.externalId() || f.name().equals("Id"))) {
            ex.json(
                    400,
                    restErrors(
                            "INVALID_FIELD",
                            "Field " + extField + " is not an External ID or indexed field for " + sObject,
                            List.of(extField)));
            return;
        }
        JsonNode root = ex.json();
        JsonNode recs = root == null ? null : root.get("records");
        if (recs == null || !recs.isArray()) {
            ex.json(
                    400,
                    restErrors(
                            "JSON_PARSER_ERROR", "The body must be {\"allOrNone\": ..., \"records\": [...]}.", null));
            return;
        }
        if (recs.size() > config.maxCollectionRecords()) {
            ex.json(
                    400,
                    restErrors(
                            config.tooManyRecordsCode(),
                            "Number of records exceeds the limit of " + config.maxCollectionRecords() + ": "
                                    + recs.size(),
                            null));
            return;
        }
        boolean allOrNone = root.path("allOrNone").asBoolean(false);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<SfError> pre = new ArrayList<>();
        for (JsonNode r : recs) {
            Map<String, Object> row = new LinkedHashMap<>();
            SfError bad = null;
            if (!r.isObject()
                    || !sObject.equals(r.path("attributes").path("type").asText())) {
                bad = new SfError("INVALID_TYPE", "Each record needs attributes.type " + sObject, List.of());
            } else if (r.has("Id")) {
                bad = new SfError("INVALID_FIELD", "Id is not allowed when upserting by " + extField, List.of("Id"));
            } else {
                r.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("attributes")) row.put(e.getKey(), e.getValue());
                });
            }
            rows.add(row);
            pre.add(bad);
        }
        List<Outcome> outcomes = planUpserts(t, extField, rows, pre);
        boolean anyFailed = outcomes.stream().anyMatch(o -> !o.errors().isEmpty());
        ArrayNode results = FakeExchange.JSON.createArrayNode();
        Instant now = clock.instant();
        long written = 0;
        for (Outcome o : outcomes) {
            ObjectNode r = results.addObject();
            if (!o.errors().isEmpty() || (allOrNone && anyFailed)) {
                r.putNull("id");
                r.put("success", false);
                r.put("created", false);
                List<SfError> errs = o.errors().isEmpty()
                        ? List.of(new SfError(
                                "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                "Record rolled back because not all records were valid and the request was using "
                                        + "AllOrNone header",
                                List.of()))
                        : o.errors();
                r.set("errors", errorArray(errs));
                continue;
            }
            String id;
            if (o.existingId() == null) {
                id = create(t, o.values(), now);
            } else {
                id = o.existingId();
                update(t, id, o.values(), now);
            }
            r.put("id", id);
            r.put("success", true);
            r.put("created", o.existingId() == null);
            r.putArray("errors");
            written++;
        }
        ex.json(200, results);
        countRecords(written);
    }

    private void singleUpsert(FakeExchange ex, double version, String sObject, String extField, String value) {
        SObjectType t = types.get(sObject);
        Field f = t == null ? null : t.fields().get(extField);
        if (t == null || f == null || !f.externalId()) {
            ex.json(404, restErrors("NOT_FOUND", "The requested resource does not exist", null));
            return;
        }
        JsonNode root = ex.json();
        if (root == null || !root.isObject()) {
            ex.json(400, restErrors("JSON_PARSER_ERROR", "The body must be a JSON object of fields.", null));
            return;
        }
        List<String> matches = matching(t, extField, value);
        if (matches.size() > 1) {
            ArrayNode urls = FakeExchange.JSON.createArrayNode();
            matches.forEach(id -> urls.add("/services/data/v" + version + "/sobjects/" + sObject + "/" + id));
            ex.json(300, urls);
            return;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("attributes")) row.put(e.getKey(), e.getValue());
        });
        row.put(extField, FakeExchange.JSON.getNodeFactory().textNode(value));
        String existing = matches.isEmpty() ? null : matches.get(0);
        Checked c = check(t, row, existing == null);
        if (!c.errors().isEmpty()) {
            ArrayNode body = FakeExchange.JSON.createArrayNode();
            for (SfError e : c.errors()) {
                ObjectNode n = body.addObject();
                n.put("message", e.message());
                n.put("errorCode", e.statusCode());
                ArrayNode fields = n.putArray("fields");
                e.fields().forEach(fields::add);
            }
            ex.json(400, body);
            return;
        }
        String id;
        if (existing == null) id = create(t, c.values(), clock.instant());
        else {
            id = existing;
            update(t, id, c.values(), clock.instant());
        }
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("id", id);
        body.put("success", true);
        body.putArray("errors");
        body.put("created", existing == null);
        if (existing == null) ex.json(201, body);
        else if (version >= 46.0) ex.json(200, body);
        else ex.empty(204);
    }

    private void collectionCreate(FakeExchange ex) {
        JsonNode root = ex.json();
        JsonNode recs = root == null ? null : root.get("records");
        if (recs == null || !recs.isArray()) {
            ex.json(
                    400,
                    restErrors(
                            "JSON_PARSER_ERROR", "The body must be {\"allOrNone\": ..., \"records\": [...]}.", null));
            return;
        }
        if (recs.size() > config.maxCollectionRecords()) {
            ex.json(
                    400,
                    restErrors(
                            config.tooManyRecordsCode(),
                            "Number of records exceeds the limit of " + config.maxCollectionRecords() + ": "
                                    + recs.size(),
                            null));
            return;
        }
        boolean allOrNone = root.path("allOrNone").asBoolean(false);
        // applied one by one, so a later record sees an earlier one (a second identical CampaignMember is a
        // duplicate); with allOrNone a failure removes what was created
        List<Object[]> done = new ArrayList<>(); // {type, id or null, errors}
        boolean anyFailed = false;
        Instant now = clock.instant();
        for (JsonNode r : recs) {
            SObjectType t = types.get(r.path("attributes").path("type").asText());
            if (t == null || r.has("Id")) {
                done.add(new Object[] {
                    null,
                    null,
                    List.of(new SfError(
                            "INVALID_TYPE", "Each record needs a known attributes.type and no Id", List.of()))
                });
                anyFailed = true;
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            r.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("attributes")) row.put(e.getKey(), e.getValue());
            });
            Checked c = check(t, row, true);
            if (!c.errors().isEmpty()) {
                anyFailed = true;
                done.add(new Object[] {t, null, c.errors()});
            } else {
                done.add(new Object[] {t, create(t, c.values(), now), List.of()});
            }
        }
        ArrayNode results = FakeExchange.JSON.createArrayNode();
        for (Object[] d : done) {
            @SuppressWarnings("unchecked")
            List<SfError> errs = (List<SfError>) d[2];
            ObjectNode r = results.addObject();
            if (!errs.isEmpty() || (allOrNone && anyFailed)) {
                if (d[1] != null) records.get(((SObjectType) d[0]).name()).remove((String) d[1]);
                r.putNull("id");
                r.put("success", false);
                r.set(
                        "errors",
                        errorArray(
                                errs.isEmpty()
                                        ? List.of(new SfError(
                                                "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                                "Record rolled back because not all records were valid and the request was using "
                                                        + "AllOrNone header",
                                                List.of()))
                                        : errs));
                continue;
            }
            r.put("id", (String) d[1]);
            r.put("success", true);
            r.putArray("errors");
        }
        ex.json(200, results);
    }

    /**
     * sObject Collections update by {@code Id} ({@code PATCH /composite/sobjects}): never creates; an unknown or
     * deleted id fails that record ({@code ENTITY_IS_DELETED} / {@code INVALID_CROSS_REFERENCE_KEY}).
     */
    private void collectionUpdate(FakeExchange ex) {
        JsonNode root = ex.json();
        JsonNode recs = root == null ? null : root.get("records");
        if (recs == null || !recs.isArray()) {
            ex.json(
                    400,
                    restErrors(
                            "JSON_PARSER_ERROR", "The body must be {\"allOrNone\": ..., \"records\": [...]}.", null));
            return;
        }
        if (recs.size() > config.maxCollectionRecords()) {
            ex.json(
                    400,
                    restErrors(
                            config.tooManyRecordsCode(),
                            "Number of records exceeds the limit of " + config.maxCollectionRecords() + ": "
                                    + recs.size(),
                            null));
            return;
        }
        boolean allOrNone = root.path("allOrNone").asBoolean(false);
        List<Object[]> planned = new ArrayList<>(); // {type, id, values, errors}
        boolean anyFailed = false;
        for (JsonNode r : recs) {
            SObjectType t = types.get(r.path("attributes").path("type").asText());
            String id = r.path("Id").asText(null);
            List<SfError> errs = new ArrayList<>();
            Map<String, Object> values = null;
            if (t == null || id == null) {
                errs.add(new SfError("INVALID_TYPE", "Each record needs a known attributes.type and an Id", List.of()));
            } else if (!records.get(t.name()).containsKey(id)) {
                errs.add(
                        deleted.contains(id)
                                ? new SfError("ENTITY_IS_DELETED", "entity is deleted", List.of())
                                : new SfError(
                                        "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", List.of("Id")));
            } else {
                Map<String, Object> row = new LinkedHashMap<>();
                r.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("attributes") && !e.getKey().equals("Id")) row.put(e.getKey(), e.getValue());
                });
                Checked c = check(t, row, false);
                errs.addAll(c.errors());
                values = c.values();
            }
            anyFailed |= !errs.isEmpty();
            planned.add(new Object[] {t, id, values, errs});
        }
        ArrayNode results = FakeExchange.JSON.createArrayNode();
        Instant now = clock.instant();
        for (Object[] d : planned) {
            @SuppressWarnings("unchecked")
            List<SfError> errs = (List<SfError>) d[3];
            ObjectNode r = results.addObject();
            if (!errs.isEmpty() || (allOrNone && anyFailed)) {
                r.putNull("id");
                r.put("success", false);
                r.set(
                        "errors",
                        errorArray(
                                errs.isEmpty()
                                        ? List.of(new SfError(
                                                "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                                "Record rolled back because not all records were valid and the request"
                                                        + " was using AllOrNone header",
                                                List.of()))
                                        : errs));
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> values = (Map<String, Object>) d[2];
            update((SObjectType) d[0], (String) d[1], values, now);
            r.put("id", (String) d[1]);
            r.put("success", true);
            r.putArray("errors");
        }
        ex.json(200, results);
    }

    private void collectionDelete(FakeExchange ex) {
        Map<String, String> q = ex.query();
        String ids = q.get("ids");
        if (ids == null || ids.isBlank()) {
            ex.json(400, restErrors("MISSING_ARGUMENT", "ids parameter not specified", null));
            return;
        }
        String[] list = ids.split(",");
        if (list.length > config.maxCollectionRecords()) {
            ex.json(
                    400,
                    restErrors(
                            config.tooManyRecordsCode(),
                            "Number of ids exceeds the limit of " + config.maxCollectionRecords() + ": " + list.length,
                            null));
            return;
        }
        boolean allOrNone = Boolean.parseBoolean(q.getOrDefault("allOrNone", "false"));
        List<String> owner = new ArrayList<>();
        boolean anyFailed = false;
        for (String id : list) {
            String type = null;
            for (Map.Entry<String, Map<String, Map<String, Object>>> e : records.entrySet()) {
                if (e.getValue().containsKey(id)) type = e.getKey();
            }
            owner.add(type);
            anyFailed |= type == null;
        }
        ArrayNode results = FakeExchange.JSON.createArrayNode();
        for (int i = 0; i < list.length; i++) {
            ObjectNode r = results.addObject();
            String id = list[i];
            if (owner.get(i) == null || (allOrNone && anyFailed)) {
                r.put("id", id);
                r.put("success", false);
                r.set(
                        "errors",
                        errorArray(List.of(
                                owner.get(i) == null
                                        ? (deleted.contains(id)
                                                ? new SfError("ENTITY_IS_DELETED", "entity is deleted", List.of())
                                                : new SfError("MALFORMED_ID", "malformed id " + id, List.of()))
                                        : new SfError(
                                                "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                                "Record rolled back because not all "
                                                        + "records were valid and the request was using AllOrNone header",
                                                List.of()))));
                continue;
            }
            records.get(owner.get(i)).remove(id);
            deleted.add(id);
            r.put("id", id);
            r.put("success", true);
            r.putArray("errors");
        }
        ex.json(200, results);
    }

    private void describe(FakeExchange ex, String sObject) {
        SObjectType t = types.get(sObject);
        if (t == null) {
            ex.json(404, restErrors("NOT_FOUND", "The requested resource does not exist", null));
            return;
        }
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        body.put("name", t.name());
        body.put("label", t.name());
        body.put("keyPrefix", t.keyPrefix());
        body.put("custom", t.name().endsWith("__c"));
        body.put("createable", true);
        body.put("updateable", true);
        ArrayNode fields = body.putArray("fields");
        for (Field f : t.fields().values()) {
            ObjectNode n = fields.addObject();
            n.put("name", f.name());
            n.put("label", f.name());
            n.put("type", f.type());
            n.put("length", f.length());
            n.put("externalId", f.externalId());
            n.put(
                    "idLookup",
                    f.externalId() || f.name().equals("Id") || f.type().equals("email"));
            n.put("unique", f.externalId());
            n.put("nillable", f.nillable());
            n.put("createable", f.createable());
            n.put("updateable", f.updateable());
            n.put("defaultedOnCreate", f.defaultedOnCreate());
            n.put("custom", f.name().endsWith("__c"));
            n.putArray("picklistValues");
            ArrayNode refs = n.putArray("referenceTo");
            f.referenceTo().forEach(refs::add);
        }
        ex.json(200, body);
    }

    private void limits(FakeExchange ex) {
        trimUsage();
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        ObjectNode daily = body.putObject("DailyApiRequests");
        daily.put("Max", config.dailyApiLimit());
        daily.put("Remaining", Math.max(0, config.dailyApiLimit() - usage.size()));
        ex.json(200, body);
    }

    /** {@code SELECT f, ... FROM X [WHERE f = 'v' [AND f IN ('a', 'b')]...]}: enough to find members and ids. */
    private void query(FakeExchange ex, double version) {
        String q = ex.query().get("q");
        Matcher m = q == null ? null : SOQL.matcher(q);
        SObjectType t = m != null && m.matches() ? types.get(m.group(2)) : null;
        if (t == null) {
            ex.json(
                    400,
                    restErrors(
                            "MALFORMED_QUERY",
                            "This fake reads SELECT fields FROM Object [WHERE f = 'v' " + "AND f IN ('a','b')]; got: "
                                    + q,
                            null));
            return;
        }
        List<String> select = new ArrayList<>();
        for (String s : m.group(1).split(",")) select.add(s.trim());
        List<String[]> conditions = new ArrayList<>(); // field, values...
        if (m.group(3) != null) {
            for (String c : m.group(3).split("(?i)\\s+AND\\s+")) {
                Matcher cm = CONDITION.matcher(c);
                if (!cm.matches()) {
                    ex.json(400, restErrors("MALFORMED_QUERY", "unsupported condition: " + c, null));
                    return;
                }
                List<String> vals = new ArrayList<>();
                vals.add(cm.group(1));
                if (cm.group(3) != null) vals.add(cm.group(3));
                else for (String v : cm.group(4).split(",")) vals.add(v.trim().replaceAll("^'|'$", ""));
                conditions.add(vals.toArray(String[]::new));
            }
        }
        for (String s : select) {
            if (!t.fields().containsKey(s)) {
                ex.json(
                        400,
                        restErrors("INVALID_FIELD", "No such column '" + s + "' on entity '" + t.name() + "'", null));
                return;
            }
        }
        ObjectNode body = FakeExchange.JSON.createObjectNode();
        ArrayNode out = FakeExchange.JSON.createArrayNode();
        for (Map<String, Object> r : records.get(t.name()).values()) {
            boolean ok = true;
            for (String[] c : conditions) {
                Object v = r.get(c[0]);
                boolean any = false;
                for (int i = 1; i < c.length; i++)
                    any |= v != null && v.toString().equals(c[i]);
                ok &= any;
            }
            if (!ok) continue;
            ObjectNode n = out.addObject();
            ObjectNode a = n.putObject("attributes");
            a.put("type", t.name());
            a.put("url", "/services/data/v" + version + "/sobjects/" + t.name() + "/" + r.get("Id"));
            for (String s : select) n.set(s, FakeExchange.JSON.valueToTree(r.get(s)));
        }
        body.put("totalSize", out.size());
        body.put("done", true);
        body.set("records", out);
        ex.json(200, body);
    }

    // ---- Bulk API 2.0 ---------------------------------------------------------------------------------------------

    private void bulk(FakeExchange ex, double version, String[] p) {
        if (p.length == 2 && ex.method.equals("POST")) {
            createJob(ex, version);
            return;
        }
        Job job = p.length >= 3 ? jobs.get(p[2]) : null;
        if (job == null) {
            ex.json(404, restErrors("NOT_FOUND", "The requested resource does not exist", null));
            return;
        }
        if (p.length == 3 && ex.method.equals("GET")) {
            ex.json(200, jobInfo(job, true));
        } else if (p.length == 3 && ex.method.equals("PATCH")) {
            String state = ex.json() == null ? null : ex.json().path("state").asText(null);
            if ("UploadComplete".equals(state) && job.state.equals("Open")) {
                job.state = "UploadComplete";
                job.closedAt = clock.instant();
                job.rows = bulkRowsPerSecond > 0 ? rowsOf(job.data.toString()) : 0;
                advanceJobs();
                ex.json(200, jobInfo(job, false));
            } else if ("Aborted".equals(state)
                    && Set.of("Open", "UploadComplete", "InProgress").contains(job.state)) {
                job.state = "Aborted";
                ex.json(200, jobInfo(job, false));
            } else {
                ex.json(
                        400,
                        restErrors(
                                "INVALIDJOBSTATE",
                                "Cannot move job " + job.id + " from " + job.state + " to " + state,
                                null));
            }
        } else if (p.length == 4 && p[3].equals("batches") && ex.method.equals("PUT")) {
            if (!job.state.equals("Open")) {
                ex.json(
                        400,
                        restErrors(
                                "INVALIDJOBSTATE",
                                "Job " + job.id + " is " + job.state + "; data can only be uploaded to an Open job",
                                null));
            } else if (job.data.length() + ex.body.length > config.bulkMaxUploadBytes()) {
                ex.json(
                        400,
                        restErrors("INVALIDBATCH", "Upload exceeds " + config.bulkMaxUploadBytes() + " bytes", null));
            } else {
                job.data.append(ex.bodyText());
                ex.empty(201);
            }
        } else if (p.length == 4
                && ex.method.equals("GET")
                && Set.of("successfulResults", "failedResults", "unprocessedrecords")
                        .contains(p[3])) {
            List<List<String>> rows;
            List<String> head = new ArrayList<>();
            switch (p[3]) {
                case "successfulResults" -> {
                    head.addAll(List.of("sf__Id", "sf__Created"));
                    rows = job.successes;
                }
                case "failedResults" -> {
                    head.addAll(List.of("sf__Id", "sf__Error"));
                    rows = job.failures;
                }
                default -> rows = job.unprocessed;
            }
            head.addAll(job.header);
            StringBuilder csv = new StringBuilder(Csv.line(head));
            List<List<String>> ordered = new ArrayList<>(rows);
            if (config.reverseBulkResults()) Collections.reverse(ordered);
            ordered.forEach(r -> csv.append(Csv.line(r)));
            ex.text(200, "text/csv", csv.toString());
        } else {
            notFound(ex);
        }
    }

    private void createJob(FakeExchange ex, double version) {
        JsonNode root = ex.json();
        String object = root == null ? null : root.path("object").asText(null);
        String operation = root == null ? null : root.path("operation").asText(null);
        String extField = root == null ? null : root.path("externalIdFieldName").asText(null);
        SObjectType t = object == null ? null : types.get(object);
        if (t == null) {
            ex.json(400, restErrors("INVALIDJOB", "Unknown object: " + object, null));
            return;
        }
        if (!"upsert".equals(operation)) {
            ex.json(400, restErrors("INVALIDJOB", "This fake runs upsert jobs only, got operation " + operation, null));
            return;
        }
        Field f = extField == null ? null : t.fields().get(extField);
        if (f == null || !f.externalId()) {
            ex.json(
                    400,
                    restErrors(
                            "INVALIDJOB",
                            "externalIdFieldName " + extField + " is not an external id field of " + object,
                            null));
            return;
        }
        if (!"CSV".equals(root.path("contentType").asText("CSV"))
                || !"COMMA".equals(root.path("columnDelimiter").asText("COMMA"))) {
            ex.json(
                    400,
                    restErrors("INVALIDJOB", "Only contentType CSV with columnDelimiter COMMA is supported", null));
            return;
        }
        Job job = new Job(
                "750FAKE" + String.format("%08d", jobs.size() + 1) + "AAA", object, extField, version, clock.instant());
        jobs.put(job.id, job);
        ex.json(200, jobInfo(job, false));
    }

    private ObjectNode jobInfo(Job job, boolean counts) {
        ObjectNode n = FakeExchange.JSON.createObjectNode();
        n.put("id", job.id);
        n.put("operation", "upsert");
        n.put("object", job.object);
        n.put("createdById", "005FAKE00000001AAA");
        n.put("createdDate", TS.format(job.createdAt));
        n.put("systemModstamp", TS.format(job.closedAt == null ? job.createdAt : job.closedAt));
        n.put("state", job.state);
        n.put("externalIdFieldName", job.externalIdField);
        n.put("concurrencyMode", "Parallel");
        n.put("contentType", "CSV");
        n.put("apiVersion", job.apiVersion);
        n.put("contentUrl", "services/data/v" + job.apiVersion + "/jobs/ingest/" + job.id + "/batches");
        n.put("lineEnding", "LF");
        n.put("columnDelimiter", "COMMA");
        if (counts) {
            n.put("jobType", "V2Ingest");
            n.put("numberRecordsProcessed", job.processed);
            n.put("numberRecordsFailed", job.failures.size());
            n.put("retries", 0);
            n.put("totalProcessingTime", 0);
            if (job.errorMessage != null) n.put("errorMessage", job.errorMessage);
        }
        return n;
    }

    private static long rowsOf(String csv) {
        try {
            return Math.max(0, Csv.parse(csv).size() - 1);
        } catch (IllegalArgumentException e) {
            return 0; // the job fails when processed
        }
    }

    /** Moves closed jobs along the clock; a job's records are applied when it completes. */
    private void advanceJobs() {
        Instant now = clock.instant();
        for (Job job : jobs.values()) {
            if (job.closedAt == null || !Set.of("UploadComplete", "InProgress").contains(job.state)) continue;
            Instant start = job.closedAt.plus(config.bulkQueueDelay());
            Instant end = start.plus(config.bulkProcessingTime());
            if (bulkRowsPerSecond > 0) end = end.plusMillis((long) Math.ceil(job.rows * 1000 / bulkRowsPerSecond));
            if (!now.isBefore(end)) process(job);
            else if (!now.isBefore(start)) job.state = "InProgress";
        }
    }

    private void process(Job job) {
        SObjectType t = types.get(job.object);
        List<List<String>> rows;
        try {
            rows = Csv.parse(job.data.toString());
        } catch (IllegalArgumentException e) {
            fail(job, "ClientInputError : " + e.getMessage(), List.of());
            return;
        }
        if (rows.isEmpty()) {
            job.state = "JobComplete";
            return;
        }
        job.header = rows.get(0);
        List<List<String>> data = rows.subList(1, rows.size());
        for (String col : job.header) {
            if (!t.fields().containsKey(col)) {
                fail(job, "InvalidBatch : Field name not found : " + col, data);
                return;
            }
        }
        if (!job.header.contains(job.externalIdField)) {
            fail(job, "InvalidBatch : Field name not found : " + job.externalIdField, data);
            return;
        }
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (List<String> row : data) {
            Map<String, Object> in = new LinkedHashMap<>();
            for (int i = 0; i < job.header.size(); i++) {
                String v = i < row.size() ? row.get(i) : "";
                if (!v.isEmpty()) in.put(job.header.get(i), v); // an empty cell leaves the field as it is
            }
            inputs.add(in);
        }
        List<Outcome> outcomes = planUpserts(t, job.externalIdField, inputs, null);
        Instant now = clock.instant();
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            List<String> row = new ArrayList<>(data.get(i));
            while (row.size() < job.header.size()) row.add("");
            if (!o.errors().isEmpty()) {
                SfError e = o.errors().get(0);
                List<String> out = new ArrayList<>(
                        List.of("", e.statusCode() + ":" + e.message() + ":" + String.join(",", e.fields()) + " --"));
                out.addAll(row);
                job.failures.add(out);
            } else {
                String id;
                if (o.existingId() == null) id = create(t, o.values(), now);
                else {
                    id = o.existingId();
                    update(t, id, o.values(), now);
                }
                List<String> out = new ArrayList<>(List.of(id, Boolean.toString(o.existingId() == null)));
                out.addAll(row);
                job.successes.add(out);
            }
        }
        job.processed = outcomes.size();
        job.state = "JobComplete";
        countRecords(job.successes.size());
    }

    private static void fail(Job job, String message, List<List<String>> unprocessed) {
        job.state = "Failed";
        job.errorMessage = message;
        job.unprocessed.addAll(unprocessed);
    }

    // ---- shapes ---------------------------------------------------------------------------------------------------

    private void notFound(FakeExchange ex) {
        ex.json(404, restErrors("NOT_FOUND", "The requested resource does not exist", null));
    }

    /** Salesforce's whole-request error body: an array of {@code {message, errorCode[, fields]}}. */
    private static ArrayNode restErrors(String code, String message, List<String> fields) {
        ArrayNode body = FakeExchange.JSON.createArrayNode();
        ObjectNode n = body.addObject();
        n.put("message", message);
        n.put("errorCode", code);
        if (fields != null) {
            ArrayNode f = n.putArray("fields");
            fields.forEach(f::add);
        }
        return body;
    }

    private static ArrayNode errorArray(List<SfError> errors) {
        ArrayNode a = FakeExchange.JSON.createArrayNode();
        for (SfError e : errors) {
            ObjectNode n = a.addObject();
            n.put("statusCode", e.statusCode());
            n.put("message", e.message());
            ArrayNode f = n.putArray("fields");
            e.fields().forEach(f::add);
        }
        return a;
    }
}
