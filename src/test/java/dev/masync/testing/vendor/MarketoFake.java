package dev.masync.testing.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.testing.receiver.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
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
 * A stateful fake of a Marketo instance's REST API in Marketo's own shapes (connectors/marketo/NOTES.md): the identity
 * endpoint (client credentials, tokens of {@code tokenLifetime}, the same token handed back with its remaining life
 * before expiry, HTTP 401 for bad credentials), lead sync ({@code POST /rest/v1/leads.json}, actions {@code
 * createOrUpdate}, {@code updateOnly}, {@code createOnly}, any unique {@code lookupField}), lead lookup by field, both
 * describe endpoints, and static-list membership (add, remove, is-member).
 *
 * <p>Every API answer is HTTP 200 with {@code success} and either {@code result} or {@code errors[{code,message}]},
 * except a body above {@code maxBodyBytes} (HTTP 413). An API request goes through: token only from the {@code
 * Authorization: Bearer} header (a query {@code access_token} is refused: the query form is being removed; 600 empty,
 * 601 unknown, 602 expired), concurrency (615), the rolling window (606), the daily quota (607), all before one draw
 * from {@link #faults()}. Refused requests do not count against window or quota. {@link Fault.Kind#THROTTLE} takes its
 * code from the policy ({@code "606"}, {@code "607"}, {@code "615"}; default 606).
 */
public final class MarketoFake extends VendorFakeServer {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern LIST_LEADS = Pattern.compile("^/rest/v1/lists/(\\d+)/leads\\.json$");
    private static final Pattern LIST_ISMEMBER = Pattern.compile("^/rest/v1/lists/(\\d+)/leads/ismember\\.json$");
    private static final Pattern LIST = Pattern.compile("^/rest/v1/lists/(\\d+)\\.json$");

    /**
     * A lead field as describe reports it. {@code dataType}: string, email, integer, boolean, float, date, datetime,
     * text, phone, url, currency. {@code unique}: a dedupe field, usable as {@code lookupField}.
     */
    public record Field(String name, String dataType, int length, boolean readOnly, boolean unique) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dataType, "dataType");
        }

        public static Field string(String name) {
            return new Field(name, "string", 255, false, false);
        }

        public static Field unique(String name) {
            return new Field(name, "string", 255, false, true);
        }

        public static Field bool(String name) {
            return new Field(name, "boolean", 0, false, false);
        }

        public static Field integer(String name) {
            return new Field(name, "integer", 0, false, false);
        }
    }

    private record Token(String value, String clientId, Instant expiresAt) {}

    private volatile MarketoFakeConfig config;
    private final Map<String, String> clients = new HashMap<>();
    private final Map<String, Token> tokens = new HashMap<>();
    private final Map<String, Token> currentToken = new HashMap<>();
    private final Map<String, Field> fields = new LinkedHashMap<>(); // lower-case name -> field
    private final Map<Integer, Map<String, Object>> leads = new TreeMap<>();
    /** Leads by each unique field's value: lookups stay fast with 100,000+ leads (a benchmark's). */
    private final MarketoLeadIndex index = new MarketoLeadIndex();

    private final Map<Integer, String> lists = new TreeMap<>();
    private final Map<Integer, Set<Integer>> members = new HashMap<>();
    private final Deque<Instant> window = new ArrayDeque<>();
    private LocalDate quotaDay;
    private long quotaUsed;
    private int inFlight;
    private int leadSeq = 1000;
    private int listSeq = 100;
    private long requestSeq;

    private MarketoFake(MarketoFakeConfig config, Clock clock, Sleeper sleeper, long seed) {
        super("marketo-fake", clock, sleeper, seed);
        this.config = Objects.requireNonNull(config, "config");
        addField(new Field("id", "integer", 0, true, true));
        addField(new Field("email", "email", 255, false, true));
        addField(Field.string("firstName"));
        addField(Field.string("lastName"));
        addField(Field.string("company"));
        addField(new Field("createdAt", "datetime", 0, true, false));
        addField(new Field("updatedAt", "datetime", 0, true, false));
    }

    public static MarketoFake start() {
        return start(MarketoFakeConfig.defaults(), Clock.systemUTC(), Sleeper.REAL);
    }

    public static MarketoFake start(MarketoFakeConfig config, Clock clock, Sleeper sleeper) {
        return new MarketoFake(config, clock, sleeper, 1L);
    }

    public MarketoFakeConfig config() {
        return config;
    }

    public void reconfigure(UnaryOperator<MarketoFakeConfig> change) {
        config = Objects.requireNonNull(change.apply(config));
    }

    // ---- set-up and inspection ----------------------------------------------------------------------------------

    public void registerClient(String clientId, String clientSecret) {
        synchronized (lock) {
            clients.put(clientId, clientSecret);
        }
    }

    /** Adds (or replaces) a lead field, e.g. a custom field or a custom dedupe field. */
    public void addField(Field field) {
        synchronized (lock) {
            Field old = fields.put(field.name().toLowerCase(Locale.ROOT), field);
            if (old != null) index.drop(old.name());
            if (field.unique() && !field.name().equals("id")) index.index(field.name(), leads);
        }
    }

    /** Creates a static list; returns its id. */
    public int createList(String name) {
        synchronized (lock) {
            int id = ++listSeq;
            lists.put(id, name);
            members.put(id, new LinkedHashSet<>());
            return id;
        }
    }

    /** A token for {@code clientId} as the identity endpoint would hand out (for tests of the fake). */
    public String issueToken(String clientId) {
        synchronized (lock) {
            return token(clientId).value();
        }
    }

    /** Ends every token now: the next API call with one gets 602, the identity endpoint mints a new one. */
    public void expireTokens() {
        synchronized (lock) {
            Instant now = clock.instant();
            tokens.replaceAll((k, t) -> new Token(t.value(), t.clientId(), now));
            currentToken.replaceAll((k, t) -> new Token(t.value(), t.clientId(), now));
        }
    }

    /** Forgets every token: the next API call with one gets 601. */
    public void revokeTokens() {
        synchronized (lock) {
            tokens.clear();
            currentToken.clear();
        }
    }

    /** Copies of every lead, by id. */
    public Map<Integer, Map<String, Object>> leads() {
        synchronized (lock) {
            Map<Integer, Map<String, Object>> out = new TreeMap<>();
            leads.forEach((id, l) -> out.put(id, Map.copyOf(l)));
            return out;
        }
    }

    /** The leads whose {@code field} equals {@code value} (case-insensitively, as Marketo matches). */
    public List<Map<String, Object>> find(String field, String value) {
        synchronized (lock) {
            return matches(field, value).stream()
                    .map(id -> Map.copyOf(leads.get(id)))
                    .toList();
        }
    }

    public Set<Integer> listMembers(int listId) {
        synchronized (lock) {
            Set<Integer> m = members.get(listId);
            return m == null ? Set.of() : Set.copyOf(m);
        }
    }

    /** API calls counted against today's quota. */
    public long quotaUsed() {
        synchronized (lock) {
            rollQuota();
            return quotaUsed;
        }
    }

    // ---- request pipeline ---------------------------------------------------------------------------------------

    @Override
    protected boolean isApiCall(FakeExchange ex) {
        return ex.path.startsWith("/rest/");
    }

    @Override
    protected boolean admit(FakeExchange ex) {
        MarketoFakeConfig cfg = config;
        if (ex.query().containsKey("access_token")) {
            fail(
                    ex,
                    "601",
                    "Access token invalid: the access_token query parameter is no longer supported, send "
                            + "Authorization: Bearer");
            return true;
        }
        String auth = ex.header("authorization");
        String bearer = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim()
                : null;
        if (bearer == null || bearer.isEmpty()) {
            fail(ex, "600", "Access token not specified");
            return true;
        }
        Token t = tokens.get(bearer);
        if (t == null) {
            fail(ex, "601", "Access token invalid");
            return true;
        }
        Instant now = clock.instant();
        if (!now.isBefore(t.expiresAt())) {
            fail(ex, "602", "Access token expired");
            return true;
        }
        if (ex.body.length > cfg.maxBodyBytes()) {
            ex.text(413, "text/html", "<html><body><h1>413 Request Entity Too Large</h1></body></html>");
            return true;
        }
        if (inFlight >= cfg.maxConcurrent()) {
            fail(ex, "615", "Concurrent access limit reached");
            return true;
        }
        Instant from = now.minus(cfg.window());
        while (!window.isEmpty() && !window.peekFirst().isAfter(from)) window.pollFirst();
        if (window.size() >= cfg.callsPerWindow()) {
            fail(
                    ex,
                    "606",
                    "Max rate limit '" + cfg.callsPerWindow() + "' exceeded with in '"
                            + cfg.window().toSeconds() + "' secs");
            return true;
        }
        rollQuota();
        if (quotaUsed >= cfg.dailyQuota()) {
            fail(ex, "607", "Daily quota reached");
            return true;
        }
        window.addLast(now);
        quotaUsed++;
        inFlight++;
        ex.holdsSlot = true;
        return false;
    }

    @Override
    protected Duration latency(FakeExchange ex) {
        return config.latency();
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
    protected void renderFault(FakeExchange ex, Fault fault) {
        if (renderSpoiler(ex, fault)) return;
        switch (fault.kind()) {
            case SERVER_ERROR ->
                ex.text(fault.status(), "text/html", "<html><body>" + fault.status() + "</body></html>");
            case THROTTLE -> {
                String code = fault.policy() == null ? "606" : fault.policy();
                fail(
                        ex,
                        code,
                        switch (code) {
                            case "607" -> "Daily quota reached";
                            case "615" -> "Concurrent access limit reached";
                            default -> "Max rate limit '100' exceeded with in '20' secs";
                        });
            }
            case SILENT_NO_OP -> {
                Map<String, Object> body = envelope(true);
                body.put("result", List.of());
                ex.json(200, body);
            }
            default -> throw new IllegalStateException("unhandled fault " + fault);
        }
    }

    private void rollQuota() {
        LocalDate today = clock.instant().atZone(config.dailyReset()).toLocalDate();
        if (!today.equals(quotaDay)) {
            quotaDay = today;
            quotaUsed = 0;
        }
    }

    @Override
    protected void route(FakeExchange ex) {
        if (ex.path.equals("/identity/oauth/token")) {
            identity(ex);
            return;
        }
        boolean postAsGet = ex.method.equals("POST") && "GET".equals(ex.query().get("_method"));
        if (ex.method.equals("POST")
                && !postAsGet
                && !isJson(ex)
                && !ex.path.matches("^/rest/v1/lists/\\d+/leads\\.json$")) {
            fail(ex, "612", "Invalid Content Type");
            return;
        }
        Matcher m;
        if (ex.path.equals("/rest/v1/leads.json") && postAsGet) {
            getLeads(ex, ex.form());
        } else if (ex.path.equals("/rest/v1/leads.json") && ex.method.equals("POST")) {
            syncLeads(ex);
        } else if (ex.path.equals("/rest/v1/leads.json") && ex.method.equals("GET")) {
            getLeads(ex, ex.query());
        } else if (ex.path.equals("/rest/v1/leads/describe2.json") && ex.method.equals("GET")) {
            describe2(ex);
        } else if (ex.path.equals("/rest/v1/leads/describe.json") && ex.method.equals("GET")) {
            describe(ex);
        } else if ((m = LIST_LEADS.matcher(ex.path)).matches()
                && (ex.method.equals("POST") || ex.method.equals("DELETE"))) {
            listLeads(ex, Integer.parseInt(m.group(1)), ex.method.equals("POST"));
        } else if ((m = LIST_ISMEMBER.matcher(ex.path)).matches() && ex.method.equals("GET")) {
            isMember(ex, Integer.parseInt(m.group(1)));
        } else if ((m = LIST.matcher(ex.path)).matches() && ex.method.equals("GET")) {
            getList(ex, Integer.parseInt(m.group(1)));
        } else {
            fail(ex, "610", "Requested resource not found");
        }
    }

    private static boolean isJson(FakeExchange ex) {
        String ct = ex.header("content-type");
        return ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    // ---- identity -----------------------------------------------------------------------------------------------

    private void identity(FakeExchange ex) {
        Map<String, String> p = new LinkedHashMap<>(ex.query());
        if (ex.method.equals("POST")) p.putAll(ex.form());
        if (!"client_credentials".equals(p.get("grant_type"))) {
            ex.json(400, Map.of("error", "invalid_request", "error_description", "Bad grant type"));
            return;
        }
        String id = p.get("client_id");
        String secret = p.get("client_secret");
        if (id == null || secret == null || !secret.equals(clients.get(id))) {
            ex.json(401, Map.of("error", "unauthorized", "error_description", "Bad client credentials"));
            return;
        }
        Token t = token(id);
        long remaining = Duration.between(clock.instant(), t.expiresAt()).toSeconds();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", t.value());
        body.put("token_type", "bearer");
        body.put("expires_in", Math.max(0, remaining));
        body.put("scope", "api@example.test");
        ex.json(200, body);
    }

    private Token token(String clientId) {
        Token t = currentToken.get(clientId);
        Instant now = clock.instant();
        if (t != null && now.isBefore(t.expiresAt())) return t; // the same token, with its remaining life
        t = new Token(UUID.randomUUID() + ":ab", clientId, now.plus(config.tokenLifetime()));
        tokens.put(t.value(), t);
        currentToken.put(clientId, t);
        return t;
    }

    // ---- leads --------------------------------------------------------------------------------------------------

    private void syncLeads(FakeExchange ex) {
        JsonNode body = ex.json();
        if (body == null || !body.isObject()) {
            fail(ex, "609", "Invalid JSON");
            return;
        }
        String action = body.path("action").asText("createOrUpdate");
        if (!Set.of("createOrUpdate", "updateOnly", "createOnly", "createDuplicate")
                .contains(action)) {
            fail(ex, "1003", "Invalid action '" + action + "'");
            return;
        }
        String lookup = body.path("lookupField").asText("email");
        Field lf = fields.get(lookup.toLowerCase(Locale.ROOT));
        if (lf == null || !lf.unique()) {
            fail(ex, "1003", "Invalid lookup field '" + lookup + "'");
            return;
        }
        JsonNode input = body.path("input");
        if (!input.isArray() || input.isEmpty()) {
            fail(ex, "1003", "input is empty");
            return;
        }
        if (input.size() > config.maxBatchRecords()) {
            fail(
                    ex,
                    config.overCapCode(),
                    "Input size " + input.size() + " exceeds the limit of " + config.maxBatchRecords());
            return;
        }
        List<Object> result = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        int seq = 0;
        long written = 0;
        for (JsonNode rec : input) {
            Map<String, Object> one = syncOne(seq++, rec, action, lf, seen);
            if (!"skipped".equals(one.get("status"))) written++;
            result.add(one);
        }
        countRecords(written);
        Map<String, Object> out = envelope(true);
        out.put("result", result);
        ex.json(200, out);
    }

    private Map<String, Object> syncOne(int seq, JsonNode rec, String action, Field lf, Set<String> seen) {
        if (!rec.isObject()) return skipped(seq, "1003", "Invalid data");
        JsonNode keyNode = rec.get(lf.name());
        if (keyNode == null || keyNode.isNull() || keyNode.asText().isEmpty()) {
            return skipped(seq, "1003", "Value for lookup field '" + lf.name() + "' not found");
        }
        String key = keyNode.asText();
        if (!seen.add(key.toLowerCase(Locale.ROOT))) return skipped(seq, "1036", "Duplicate lead in input");
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = rec.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Field f = fields.get(e.getKey().toLowerCase(Locale.ROOT));
            if (f == null) return skipped(seq, "1006", "Field '" + e.getKey() + "' not found");
            if (f.readOnly() && !(f.name().equals("id") && f == lf)) {
                return skipped(seq, "1003", "Field '" + f.name() + "' is read only");
            }
            JsonNode v = e.getValue();
            if (v.isNull()) {
                values.put(f.name(), null);
                continue;
            }
            String problem = checkValue(f, v);
            if (problem != null) return skipped(seq, "1001", "Invalid value for field '" + f.name() + "': " + problem);
            values.put(f.name(), scalar(f, v));
        }
        List<Integer> found = matches(lf.name(), key);
        if (found.size() > 1) return skipped(seq, "1007", "Multiple lead match lookup criteria");
        Instant now = clock.instant();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seq", seq);
        if (found.isEmpty()) {
            if (action.equals("updateOnly")) return skipped(seq, "1004", "Lead not found");
            if (lf.name().equals("id")) return skipped(seq, "1004", "Lead not found");
            int id = ++leadSeq;
            Map<String, Object> lead = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                if (v != null) lead.put(k, v);
            });
            lead.put("id", id);
            lead.put("createdAt", now.toString());
            lead.put("updatedAt", now.toString());
            leads.put(id, lead);
            lead.forEach((k, v) -> index.changed(k, id, null, v));
            out.put("id", id);
            out.put("status", "created");
            return out;
        }
        if (action.equals("createOnly")) return skipped(seq, "1005", "Lead already exists");
        int id = found.get(0);
        Map<String, Object> lead = leads.get(id);
        values.forEach((k, v) -> {
            if (k.equals("id")) return;
            Object before = v == null ? lead.remove(k) : lead.put(k, v);
            index.changed(k, id, before, v);
        });
        lead.put("updatedAt", now.toString());
        out.put("id", id);
        out.put("status", "updated");
        return out;
    }

    private static String checkValue(Field f, JsonNode v) {
        switch (f.dataType()) {
            case "email" -> {
                return EMAIL.matcher(v.asText()).matches() ? null : "invalid email address";
            }
            case "boolean" -> {
                if (v.isBoolean()) return null;
                String s = v.asText().toLowerCase(Locale.ROOT);
                return Set.of("true", "false", "1", "0").contains(s) ? null : "not a boolean";
            }
            case "integer" -> {
                if (v.isIntegralNumber()) return null;
                try {
                    Long.parseLong(v.asText());
                    return null;
                } catch (NumberFormatException e) {
                    return "not an integer";
                }
            }
            case "float", "currency" -> {
                if (v.isNumber()) return null;
                try {
                    Double.parseDouble(v.asText());
                    return null;
                } catch (NumberFormatException e) {
                    return "not a number";
                }
            }
            default -> {
                if (f.length() > 0 && v.asText().length() > f.length()) return "longer than " + f.length();
                return v.isContainerNode() ? "not a scalar" : null;
            }
        }
    }

    private static Object scalar(Field f, JsonNode v) {
        return switch (f.dataType()) {
            case "boolean" ->
                v.isBoolean()
                        ? v.asBoolean()
                        : Set.of("true", "1").contains(v.asText().toLowerCase(Locale.ROOT));
            case "integer" -> v.asLong();
            case "float", "currency" -> v.asDouble();
            default -> v.asText();
        };
    }

    private List<Integer> matches(String field, String value) {
        Field f = fields.get(field.toLowerCase(Locale.ROOT));
        if (f == null) return List.of();
        if (f.name().equals("id")) {
            try {
                int id = Integer.parseInt(value);
                return leads.containsKey(id) && Integer.toString(id).equals(value) ? List.of(id) : List.of();
            } catch (NumberFormatException e) {
                return List.of();
            }
        }
        if (index.covers(f.name())) return index.find(f.name(), value);
        List<Integer> out = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, Object>> e : leads.entrySet()) {
            Object v = e.getValue().get(f.name());
            if (v != null && String.valueOf(v).equalsIgnoreCase(value)) out.add(e.getKey());
        }
        return out;
    }

    /** By query, or (a long filter) {@code POST ?_method=GET} with the parameters as a form body. */
    private void getLeads(FakeExchange ex, Map<String, String> q) {
        String filterType = q.get("filterType");
        String filterValues = q.get("filterValues");
        if (filterType == null || filterValues == null) {
            fail(ex, "1003", "filterType and filterValues are required");
            return;
        }
        Field f = fields.get(filterType.toLowerCase(Locale.ROOT));
        if (f == null) {
            fail(ex, "1003", "Invalid filterType '" + filterType + "'");
            return;
        }
        String[] values = filterValues.split(",");
        if (values.length > config.maxBatchRecords()) {
            fail(ex, "1003", "Too many filterValues: " + values.length);
            return;
        }
        List<String> wanted = q.containsKey("fields")
                ? List.of(q.get("fields").split(","))
                : List.of("id", "email", "firstName", "lastName", "updatedAt", "createdAt");
        List<Object> result = new ArrayList<>();
        for (String v : values) {
            for (int id : matches(f.name(), v.trim())) {
                Map<String, Object> lead = leads.get(id);
                Map<String, Object> row = new LinkedHashMap<>();
                for (String w : wanted) {
                    Field wf = fields.get(w.trim().toLowerCase(Locale.ROOT));
                    if (wf != null) row.put(wf.name(), lead.get(wf.name()));
                }
                result.add(row);
            }
        }
        Map<String, Object> out = envelope(true);
        out.put("result", result);
        ex.json(200, out);
    }

    private void describe2(FakeExchange ex) {
        List<Object> fs = new ArrayList<>();
        List<Object> searchable = new ArrayList<>();
        List<String> dedupe = new ArrayList<>();
        for (Field f : fields.values()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", f.name());
            d.put("displayName", f.name());
            d.put("dataType", f.dataType());
            if (f.length() > 0) d.put("length", f.length());
            d.put("updateable", !f.readOnly());
            d.put("crmManaged", false);
            fs.add(d);
            if (f.unique()) {
                searchable.add(List.of(f.name()));
                if (!f.name().equals("id")) dedupe.add(f.name());
            }
        }
        Map<String, Object> lead = new LinkedHashMap<>();
        lead.put("name", "API Lead");
        lead.put("searchableFields", searchable);
        lead.put("fields", fs);
        lead.put("dedupeFields", dedupe);
        Map<String, Object> out = envelope(true);
        out.put("result", List.of(lead));
        ex.json(200, out);
    }

    private void describe(FakeExchange ex) {
        List<Object> result = new ArrayList<>();
        int n = 1;
        for (Field f : fields.values()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", n++);
            d.put("displayName", f.name());
            d.put("dataType", f.dataType());
            if (f.length() > 0) d.put("length", f.length());
            Map<String, Object> names = new LinkedHashMap<>();
            names.put("name", f.name());
            names.put("readOnly", f.readOnly());
            d.put("rest", names);
            d.put("soap", names);
            result.add(d);
        }
        Map<String, Object> out = envelope(true);
        out.put("result", result);
        ex.json(200, out);
    }

    // ---- static lists -------------------------------------------------------------------------------------------

    /** Lead ids from the query ({@code id=1&id=2} or {@code id=1,2}) or a body {@code {"input":[{"id":1}]}}. */
    private static List<String> ids(FakeExchange ex) {
        List<String> out = new ArrayList<>();
        if (ex.rawQuery != null) {
            for (String pair : ex.rawQuery.split("&")) {
                if (pair.startsWith("id=")) {
                    for (String v : java.net.URLDecoder.decode(
                                    pair.substring(3), java.nio.charset.StandardCharsets.UTF_8)
                            .split(",")) {
                        if (!v.isBlank()) out.add(v.trim());
                    }
                }
            }
        }
        JsonNode body = ex.json();
        if (body != null) {
            for (JsonNode in : body.path("input")) out.add(in.path("id").asText());
        }
        return out;
    }

    private void listLeads(FakeExchange ex, int listId, boolean add) {
        if (!lists.containsKey(listId)) {
            fail(ex, "1013", "Static list not found");
            return;
        }
        List<String> ids = ids(ex);
        if (ids.isEmpty()) {
            fail(ex, "1003", "No lead ids given");
            return;
        }
        if (ids.size() > config.maxBatchRecords()) {
            fail(ex, "1003", "Too many lead ids: " + ids.size() + " (at most " + config.maxBatchRecords() + ")");
            return;
        }
        Set<Integer> m = members.get(listId);
        List<Object> result = new ArrayList<>();
        for (String s : ids) {
            Map<String, Object> row = new LinkedHashMap<>();
            int id;
            try {
                id = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                id = -1;
            }
            row.put("id", id);
            if (!leads.containsKey(id)) {
                row.put("status", "skipped");
                row.put("reasons", List.of(reason("1004", "Lead not found")));
            } else if (add) {
                m.add(id);
                row.put("status", "added");
            } else if (m.remove(id)) {
                row.put("status", "removed");
            } else {
                row.put("status", "skipped");
                row.put("reasons", List.of(reason("1015", "Lead not in list")));
            }
            result.add(row);
        }
        Map<String, Object> out = envelope(true);
        out.put("result", result);
        ex.json(200, out);
    }

    private void isMember(FakeExchange ex, int listId) {
        if (!lists.containsKey(listId)) {
            fail(ex, "1013", "Static list not found");
            return;
        }
        Set<Integer> m = members.get(listId);
        List<Object> result = new ArrayList<>();
        for (String s : ids(ex)) {
            int id = Integer.parseInt(s);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            row.put("status", m.contains(id) ? "memberof" : "notmemberof");
            result.add(row);
        }
        Map<String, Object> out = envelope(true);
        out.put("result", result);
        ex.json(200, out);
    }

    private void getList(FakeExchange ex, int listId) {
        String name = lists.get(listId);
        if (name == null) {
            fail(ex, "1013", "Static list not found");
            return;
        }
        Map<String, Object> out = envelope(true);
        out.put("result", List.of(Map.of("id", listId, "name", name)));
        ex.json(200, out);
    }

    // ---- shapes -------------------------------------------------------------------------------------------------

    private Map<String, Object> envelope(boolean success) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requestId", Long.toHexString(++requestSeq) + "#" + Long.toHexString(clock.millis()));
        out.put("success", success);
        return out;
    }

    private void fail(FakeExchange ex, String code, String message) {
        Map<String, Object> out = envelope(false);
        out.put("errors", List.of(reason(code, message)));
        ex.json(200, out);
    }

    private static Map<String, Object> reason(String code, String message) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("code", code);
        r.put("message", message);
        return r;
    }

    private static Map<String, Object> skipped(int seq, String code, String message) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seq", seq);
        out.put("status", "skipped");
        out.put("reasons", List.of(reason(code, message)));
        return out;
    }

    @Override
    protected Map<String, Object> heldCounts() {
        return Map.of("leads", leads.size(), "lists", lists.size());
    }

    @Override
    protected boolean isThrottleAnswer(FakeExchange ex) {
        // Marketo throttles with HTTP 200 success:false and code 606 (rate), 607 (daily quota) or 615 (concurrency)
        String body = new String(ex.responseBody, java.nio.charset.StandardCharsets.UTF_8);
        return body.contains("\"success\":false")
                && (body.contains("\"606\"") || body.contains("\"607\"") || body.contains("\"615\""));
    }
}
