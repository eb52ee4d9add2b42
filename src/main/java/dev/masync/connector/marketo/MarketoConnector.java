package dev.masync.connector.marketo;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.CachedTokenProvider;
import dev.masync.connector.http.HttpExchange;
import dev.masync.connector.http.HttpFailures;
import dev.masync.connector.http.RedactingLogInterceptor;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Capabilities;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.MembershipTarget;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.Probe;
import dev.masync.connector.spi.RateLimited;
import dev.masync.connector.spi.RateLimits;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.SchemaReader;
import dev.masync.connector.spi.SettingProblem;
import okhttp3.OkHttpClient;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Marketo leads, matched by a dedupe field (the sync's {@code identity.field}, else the {@code lookupField} setting,
 * {@code email} by default): upserts with {@code createOrUpdate}, updates with {@code updateOnly}, 300 leads and 1 MB
 * per call; membership as a boolean or value field, or as a static list (the sync's membership names the list id:
 * joiners are added by the lead ids the upsert answered, leavers looked up by key and removed). See
 * connectors/marketo/NOTES.md for the vendor facts.
 */
public final class MarketoConnector implements Destination, Probe, SchemaReader, RateLimited {
    public static final String TYPE = "marketo";

    private static final Capabilities CAPABILITIES = new Capabilities(
            Set.of(Capabilities.IdentityKind.EMAIL, Capabilities.IdentityKind.EXTERNAL_ID),
            EnumSet.allOf(Capabilities.WriteMode.class),
            EnumSet.allOf(MembershipStyle.class));
    /** Ten calls' worth: the connector splits into calls of 300 records and under 1 MB. */
    static final BatchLimits LIMITS = new BatchLimits(3_000, 9L * 1024 * 1024);
    /** 100 calls per 20 s per instance. */
    static final int CALLS_PER_WINDOW = 100;

    static final Duration WINDOW = Duration.ofSeconds(20);

    /**
     * Limits of the connector's calls.
     *
     * @param addresses        which hosts may be called
     * @param callTimeout      the most one call may take
     * @param maxResponseBytes the most of a JSON answer read
     * @param logging          logs each call through {@link dev.masync.connector.http.Redaction}
     */
    public record Options(
            AddressPolicy addresses, Duration callTimeout, long maxResponseBytes, RedactingLogInterceptor logging) {
        public Options {
            Objects.requireNonNull(addresses, "addresses");
            Objects.requireNonNull(callTimeout, "callTimeout");
            Objects.requireNonNull(logging, "logging");
        }

        public static Options of(AddressPolicy addresses, Duration callTimeout, long maxResponseBytes) {
            return new Options(addresses, callTimeout, maxResponseBytes, new RedactingLogInterceptor());
        }
    }

    private record Account(HttpExchange http, CachedTokenProvider tokens) {}

    private final OkHttpClient shared;
    private final Clock clock;
    private final Options options;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    /**
     * Runs a push's lead calls side by side (up to {@code maxConcurrent}, each holding a budget permit): with
     * Marketo's ~300 ms per call, one call at a time would use a third of the 100 calls per 20 s.
     */
    private final ExecutorService callThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "marketo-call-" + CALL_THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private static final AtomicInteger CALL_THREADS = new AtomicInteger();

    public MarketoConnector(OkHttpClient sharedClient, Clock clock, Options options) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        OkHttpClient client = Objects.requireNonNull(sharedClient, "sharedClient");
        this.shared = client.newBuilder()
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false) // the engine retries
                .callTimeout(options.callTimeout())
                .dns(options.addresses().dns(client.dns()))
                .addInterceptor(options.logging())
                .build();
    }

    @Override
    public String type() {
        return TYPE;
    }

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
        return MarketoSettings.NAMES;
    }

    @Override
    public Set<String> secretSettings() {
        return MarketoSettings.SECRETS;
    }

    @Override
    public List<SettingProblem> validate(Map<String, String> settings) {
        return MarketoSettings.problems(settings, options.addresses());
    }

    // ---- push -----------------------------------------------------------------------------------------------------

    @Override
    public BatchResult push(DestinationContext context, Batch batch) {
        MarketoSettings settings = MarketoSettings.of(context.settings());
        String lookupField = batch.identityField().orElse(settings.lookupField());
        MarketoApi api = api(context, settings);
        LeadWriter writer = new LeadWriter(api, lookupField);
        Optional<MembershipTarget> membership = batch.membership();
        Optional<StaticLists> list = membership
                .filter(m -> m.style() == MembershipStyle.LIST)
                .map(m -> new StaticLists(api, listId(m.name())));

        List<RecordChange> upserts = new ArrayList<>();
        List<RecordChange> updates = new ArrayList<>();
        List<RecordChange> removes = new ArrayList<>();
        for (RecordChange c : batch.records()) {
            switch (c.kind()) {
                case UPSERT -> upserts.add(c);
                case UPDATE -> updates.add(c);
                case REMOVE -> removes.add(c);
            }
        }
        Map<String, RecordOutcome> outcomes = new HashMap<>();
        int parallel = settings.maxConcurrent();
        if (!upserts.isEmpty()) write(writer, "createOrUpdate", upserts, list, outcomes, parallel);
        if (!updates.isEmpty()) write(writer, "updateOnly", updates, list, outcomes, parallel);
        if (!removes.isEmpty()) remove(writer, list, membership, removes, outcomes, parallel);
        List<RecordOutcome> ordered = new ArrayList<>(batch.records().size());
        for (RecordChange c : batch.records()) {
            ordered.add(outcomes.getOrDefault(
                    c.destinationKey(),
                    RecordOutcome.rejected(c.destinationKey(), "missing_result", "Marketo returned no result")));
        }
        return new BatchResult(ordered);
    }

    private void write(
            LeadWriter writer,
            String action,
            List<RecordChange> records,
            Optional<StaticLists> list,
            Map<String, RecordOutcome> outcomes,
            int parallel) {
        LeadWriter.Written written = writer.write(action, records, callThreads, parallel);
        written.outcomes().forEach(o -> outcomes.put(o.destinationKey(), o));
        if (list.isPresent()) {
            Map<String, Long> ids = new LinkedHashMap<>();
            for (RecordOutcome o : written.outcomes()) {
                Long id = written.ids().get(o.destinationKey());
                if (o.isConfirmed() && id != null) ids.put(o.destinationKey(), id);
            }
            outcomes.putAll(list.get().add(ids));
        }
    }

    /** A leaver: out of the static list, or its boolean false / value field cleared (a lead gone counts as done). */
    private void remove(
            LeadWriter writer,
            Optional<StaticLists> list,
            Optional<MembershipTarget> membership,
            List<RecordChange> removes,
            Map<String, RecordOutcome> outcomes,
            int parallel) {
        if (list.isPresent()) {
            Map<String, Long> ids = writer.ids(
                    removes.stream().map(RecordChange::destinationKey).toList());
            Map<String, RecordOutcome> refused =
                    ids.isEmpty() ? Map.of() : list.get().remove(ids);
            for (RecordChange c : removes) {
                outcomes.put(
                        c.destinationKey(),
                        refused.getOrDefault(c.destinationKey(), RecordOutcome.confirmed(c.destinationKey())));
            }
            return;
        }
        if (membership.isEmpty()) {
            removes.forEach(c -> outcomes.put(c.destinationKey(), RecordOutcome.confirmed(c.destinationKey())));
            return;
        }
        MembershipTarget m = membership.get();
        Map<String, Object> cleared = new LinkedHashMap<>();
        cleared.put(m.name(), m.style() == MembershipStyle.BOOLEAN ? Boolean.FALSE : null);
        List<RecordChange> updates = removes.stream()
                .map(c -> RecordChange.update(c.learnerKey(), c.destinationKey(), cleared))
                .toList();
        for (RecordOutcome o :
                writer.write("updateOnly", updates, callThreads, parallel).outcomes()) {
            // a lead gone is done; a leaver reports no lead id (only written leads do)
            outcomes.put(
                    o.destinationKey(),
                    o.isConfirmed() || "not_found".equals(o.code()) ? RecordOutcome.confirmed(o.destinationKey()) : o);
        }
    }

    private static String listId(String name) {
        String id = name.trim();
        if (!id.matches("\\d{1,18}")) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "the sync's membership list must be the numeric id of a Marketo static list (the number in the"
                            + " list's URL, e.g. 1042), not '" + name + "'");
        }
        return id;
    }

    // ---- probe and schema -----------------------------------------------------------------------------------------

    /** Mints a token and reads the lead describe (proves the credentials and read access to leads). */
    @Override
    public void probe(DestinationContext context) {
        schema(context);
    }

    @Override
    public DestinationSchema schema(DestinationContext context) {
        MarketoSettings settings = MarketoSettings.of(context.settings());
        MarketoApi api = api(context, settings);
        return MarketoSchema.read(
                api.get(api.url("/rest/v1/leads/describe2.json").build()));
    }

    // ---- rate limits ----------------------------------------------------------------------------------------------

    @Override
    public String account(DestinationContext context) {
        return MarketoSettings.of(context.settings()).account();
    }

    @Override
    public RateLimits rateLimits(DestinationContext context) {
        MarketoSettings settings = MarketoSettings.of(context.settings());
        return new RateLimits(
                CALLS_PER_WINDOW,
                WINDOW,
                settings.maxConcurrent(),
                OptionalLong.of(settings.callsPerDay()),
                Optional.of(MarketoSignals.QUOTA_ZONE));
    }

    /** One call per 300 leads; a static list adds one call per 300 leads. */
    @Override
    public long callsFor(long records, Optional<MembershipTarget> membership) {
        if (records <= 0) return 0;
        long calls = ceil(records, LeadWriter.MAX_RECORDS);
        if (membership.filter(m -> m.style() == MembershipStyle.LIST).isPresent()) {
            calls += ceil(records, StaticLists.MAX_IDS);
        }
        return calls;
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    // ---- accounts -------------------------------------------------------------------------------------------------

    private MarketoApi api(DestinationContext context, MarketoSettings settings) {
        MarketoAuth.Credentials credentials = MarketoAuth.Credentials.of(context);
        String key = settings.account() + "|" + credentials.fingerprint();
        Account account = accounts.computeIfAbsent(key, k -> newAccount(settings, credentials));
        return new MarketoApi(account.http(), account.tokens(), settings, context.calls(), clock);
    }

    private Account newAccount(MarketoSettings settings, MarketoAuth.Credentials credentials) {
        CachedTokenProvider tokens = new MarketoAuth(settings, credentials, shared, clock).provider();
        HttpExchange http = new HttpExchange(shared, new HttpFailures(clock), options.maxResponseBytes());
        return new Account(http, tokens);
    }
}
