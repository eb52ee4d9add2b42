package dev.masync.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.BearerAuth;
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
import java.util.function.Supplier;

/**
 * Salesforce Contacts or Leads, keyed by an External ID field (the sync's {@code identity.field}): upserts through
 * sObject Collections (200 per call) or, when the run plans at least {@code bulkThreshold} changes, a Bulk API 2.0
 * ingest job; updates that never create; membership as a checkbox or value field, or as {@code CampaignMember} rows
 * of the campaign the sync's membership field names. See connectors/salesforce/NOTES.md for the vendor facts.
 */
public final class SalesforceConnector implements Destination, Probe, SchemaReader, RateLimited {
    public static final String TYPE = "salesforce";

    private static final Capabilities CAPABILITIES = new Capabilities(
            Set.of(Capabilities.IdentityKind.EXTERNAL_ID),
            EnumSet.allOf(Capabilities.WriteMode.class),
            EnumSet.allOf(MembershipStyle.class));
    /**
     * Big enough for a Bulk job to be worth its fixed calls; split into calls of 200 on the REST path. A definition's
     * batchSize narrows it.
     */
    static final BatchLimits LIMITS = new BatchLimits(10_000, 64L * 1024 * 1024);
    /** Enterprise orgs get at least this many calls per rolling 24 h (developer orgs less: set callsPerDay). */
    static final long DEFAULT_CALLS_PER_DAY = 100_000;
    /** Long-running (20 s +) requests at once in production orgs; the fake and short calls are counted alike. */
    static final int DEFAULT_MAX_CONCURRENT = 25;
    /** At most a sixth of the day's allocation in any hour: a big run never starves the org's other integrations. */
    static final Duration WINDOW = Duration.ofHours(1);

    static final int WINDOW_SHARE = 6;
    /** Calls of one Bulk job besides polling: create, upload, close, three result reads; plus polls, typically 3. */
    static final int CALLS_PER_BULK_JOB = 9;

    /**
     * Limits of the connector's calls.
     *
     * @param addresses        which hosts may be called (instance and login URLs)
     * @param callTimeout      the most one call may take
     * @param maxResponseBytes the most of a JSON answer read
     * @param maxResultBytes   the most of a Bulk result CSV read
     * @param bulk             how long a push polls a Bulk job
     * @param pause            how it waits between polls
     * @param logging          logs each call through {@link dev.masync.connector.http.Redaction}
     */
    public record Options(
            AddressPolicy addresses,
            Duration callTimeout,
            long maxResponseBytes,
            long maxResultBytes,
            BulkIngest.Options bulk,
            BulkIngest.Pause pause,
            RedactingLogInterceptor logging) {
        public Options {
            Objects.requireNonNull(addresses, "addresses");
            Objects.requireNonNull(callTimeout, "callTimeout");
            Objects.requireNonNull(bulk, "bulk");
            Objects.requireNonNull(pause, "pause");
            Objects.requireNonNull(logging, "logging");
        }

        /** Production limits with the given address policy and timeouts; polls wait for real. */
        public static Options of(AddressPolicy addresses, Duration callTimeout, long maxResponseBytes) {
            return new Options(
                    addresses,
                    callTimeout,
                    maxResponseBytes,
                    Math.max(maxResponseBytes, 64L * 1024 * 1024),
                    BulkIngest.Options.defaults(),
                    BulkIngest.Pause.REAL,
                    new RedactingLogInterceptor());
        }
    }

    private record Account(HttpExchange api, HttpExchange results) {}

    private final OkHttpClient shared;
    private final Clock clock;
    private final Options options;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final ResumeMemo<List<RecordOutcome>> chunks;
    private final ResumeMemo<String> jobs;

    public SalesforceConnector(OkHttpClient sharedClient, Clock clock, Options options) {
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
        this.chunks = new ResumeMemo<>(clock, Duration.ofMinutes(30), 10_000);
        this.jobs = new ResumeMemo<>(clock, Duration.ofHours(24), 1_000);
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
        return SalesforceSettings.NAMES;
    }

    @Override
    public Set<String> secretSettings() {
        return SalesforceSettings.SECRETS;
    }

    @Override
    public List<SettingProblem> validate(Map<String, String> settings) {
        return SalesforceSettings.problems(settings, options.addresses());
    }

    // ---- push -----------------------------------------------------------------------------------------------------

    @Override
    public BatchResult push(DestinationContext context, Batch batch) {
        SalesforceSettings settings = SalesforceSettings.of(context.settings());
        String field = batch.identityField()
                .orElseThrow(() -> new PermanentException(
                        PermanentException.Code.INVALID_CONFIG,
                        "the sync names no identity.field: set it to the External ID field of " + settings.object()
                                + " that holds the learner's key"));
        SalesforceApi api = api(context, settings);
        CollectionsWriter writer = new CollectionsWriter(api, settings.object());
        Optional<MembershipTarget> membership = batch.membership();
        Optional<CampaignMembership> campaign = membership
                .filter(m -> m.style() == MembershipStyle.LIST)
                .map(m -> new CampaignMembership(api, writer, settings.object(), m.name()));
        String scope = batch.syncKey() + "|" + settings.account() + "|" + settings.object() + "|" + field + "|"
                + membership.map(m -> m.style() + ":" + m.name()).orElse("");

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
        List<String> memoKeys = new ArrayList<>();
        boolean bulk = upserts.size() > CollectionsWriter.MAX_RECORDS
                && batch.runChanges().orElse(0) >= settings.bulkThreshold();
        if (bulk) {
            CollectionsWriter.Written written = new BulkIngest(
                            api, settings.object(), clock, options.pause(), options.bulk(), jobs)
                    .upsert(scope, field, upserts);
            put(outcomes, written.outcomes());
            campaign.ifPresent(c -> addToCampaign(c, written, outcomes, scope, memoKeys));
        } else {
            for (List<RecordChange> chunk : chunks(upserts)) {
                put(outcomes, memo(scope + "|upsert", chunk, memoKeys, () -> {
                    CollectionsWriter.Written w = writer.upsert(field, chunk);
                    return withCampaign(campaign, w);
                }));
            }
        }
        for (List<RecordChange> chunk : chunks(updates)) {
            put(outcomes, memo(scope + "|update", chunk, memoKeys, () -> {
                CollectionsWriter.Written w = writer.update(field, chunk);
                return withCampaign(campaign, w);
            }));
        }
        for (List<RecordChange> chunk : chunks(removes)) {
            put(
                    outcomes,
                    memo(scope + "|remove", chunk, memoKeys, () -> remove(writer, campaign, membership, field, chunk)));
        }
        memoKeys.forEach(chunks::remove); // the push is answered: a later push of equal changes is sent again
        List<RecordOutcome> ordered = new ArrayList<>(batch.records().size());
        for (RecordChange c : batch.records()) {
            ordered.add(outcomes.getOrDefault(
                    c.destinationKey(),
                    RecordOutcome.rejected(c.destinationKey(), "missing_result", "Salesforce returned no result")));
        }
        return new BatchResult(ordered);
    }

    /** A leaver: out of the campaign, or its checkbox false / value field cleared (a record gone counts as done). */
    private List<RecordOutcome> remove(
            CollectionsWriter writer,
            Optional<CampaignMembership> campaign,
            Optional<MembershipTarget> membership,
            String field,
            List<RecordChange> chunk) {
        List<RecordOutcome> out = new ArrayList<>();
        if (campaign.isPresent()) {
            Map<String, RecordOutcome> failed = campaign.get().remove(field, CollectionsWriter.keys(chunk));
            for (RecordChange c : chunk) {
                out.add(failed.getOrDefault(c.destinationKey(), RecordOutcome.confirmed(c.destinationKey())));
            }
            return out;
        }
        if (membership.isEmpty()) {
            chunk.forEach(c -> out.add(RecordOutcome.confirmed(c.destinationKey())));
            return out;
        }
        MembershipTarget m = membership.get();
        Map<String, Object> cleared = new LinkedHashMap<>();
        cleared.put(m.name(), m.style() == MembershipStyle.BOOLEAN ? Boolean.FALSE : null);
        List<RecordChange> updates = chunk.stream()
                .map(c -> RecordChange.update(c.learnerKey(), c.destinationKey(), cleared))
                .toList();
        for (RecordOutcome o : writer.update(field, updates).outcomes()) {
            // a record gone is done; a leaver reports no record id (only written records do)
            out.add(o.isConfirmed() || "not_found".equals(o.code()) ? RecordOutcome.confirmed(o.destinationKey()) : o);
        }
        return out;
    }

    private static List<RecordOutcome> withCampaign(
            Optional<CampaignMembership> campaign, CollectionsWriter.Written written) {
        if (campaign.isEmpty()) return written.outcomes();
        Map<String, RecordOutcome> failed = campaign.get().add(confirmedIds(written));
        List<RecordOutcome> out = new ArrayList<>(written.outcomes().size());
        for (RecordOutcome o : written.outcomes()) out.add(failed.getOrDefault(o.destinationKey(), o));
        return out;
    }

    private void addToCampaign(
            CampaignMembership campaign,
            CollectionsWriter.Written written,
            Map<String, RecordOutcome> outcomes,
            String scope,
            List<String> memoKeys) {
        List<Map.Entry<String, String>> ids =
                new ArrayList<>(confirmedIds(written).entrySet());
        for (int from = 0; from < ids.size(); from += CollectionsWriter.MAX_RECORDS) {
            Map<String, String> part = new LinkedHashMap<>();
            ids.subList(from, Math.min(ids.size(), from + CollectionsWriter.MAX_RECORDS))
                    .forEach(e -> part.put(e.getKey(), e.getValue()));
            outcomes.putAll(campaign.add(part));
        }
    }

    private static Map<String, String> confirmedIds(CollectionsWriter.Written written) {
        Map<String, String> ids = new LinkedHashMap<>();
        for (RecordOutcome o : written.outcomes()) {
            String id = written.ids().get(o.destinationKey());
            if (o.isConfirmed() && id != null) ids.put(o.destinationKey(), id);
        }
        return ids;
    }

    private List<RecordOutcome> memo(
            String scope, List<RecordChange> chunk, List<String> memoKeys, Supplier<List<RecordOutcome>> write) {
        String key = ResumeMemo.digest(scope, chunk);
        memoKeys.add(key);
        Optional<List<RecordOutcome>> done = chunks.get(key);
        if (done.isPresent()) return done.get();
        List<RecordOutcome> outcomes = write.get();
        chunks.put(key, outcomes);
        return outcomes;
    }

    private static void put(Map<String, RecordOutcome> outcomes, List<RecordOutcome> more) {
        more.forEach(o -> outcomes.put(o.destinationKey(), o));
    }

    private static List<List<RecordChange>> chunks(List<RecordChange> records) {
        List<List<RecordChange>> out = new ArrayList<>();
        for (int from = 0; from < records.size(); from += CollectionsWriter.MAX_RECORDS) {
            out.add(records.subList(from, Math.min(records.size(), from + CollectionsWriter.MAX_RECORDS)));
        }
        return out;
    }

    // ---- probe and schema -----------------------------------------------------------------------------------------

    /** Mints a session and reads the object's describe (proves the credentials and access to the object). */
    @Override
    public void probe(DestinationContext context) {
        schema(context);
    }

    @Override
    public DestinationSchema schema(DestinationContext context) {
        SalesforceSettings settings = SalesforceSettings.of(context.settings());
        SalesforceApi api = api(context, settings);
        JsonNode describe =
                api.get(api.url("sobjects/" + settings.object() + "/describe").build());
        return DescribeSchema.read(describe);
    }

    // ---- rate limits ----------------------------------------------------------------------------------------------

    @Override
    public String account(DestinationContext context) {
        return SalesforceSettings.of(context.settings()).account();
    }

    @Override
    public RateLimits rateLimits(DestinationContext context) {
        SalesforceSettings settings = SalesforceSettings.of(context.settings());
        long perDay = settings.callsPerDay().orElse(DEFAULT_CALLS_PER_DAY);
        int perWindow = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (perDay + WINDOW_SHARE - 1) / WINDOW_SHARE));
        return new RateLimits(
                perWindow,
                WINDOW,
                settings.maxConcurrent().orElse(DEFAULT_MAX_CONCURRENT),
                OptionalLong.of(perDay),
                Optional.empty());
    }

    /**
     * Upserts: one call per 200 records, or, from the default {@code bulkThreshold} on, {@value #CALLS_PER_BULK_JOB}
     * per Bulk job of up to {@link #LIMITS} records; campaign membership adds one call per 200 records.
     */
    @Override
    public long callsFor(long records, Optional<MembershipTarget> membership) {
        return callsFor(records, membership, SalesforceSettings.DEFAULT_BULK_THRESHOLD);
    }

    /** As {@link #callsFor(long, Optional)} with the destination's own {@code bulkThreshold}. */
    @Override
    public long callsFor(DestinationContext context, long records, Optional<MembershipTarget> membership) {
        return callsFor(
                records, membership, SalesforceSettings.of(context.settings()).bulkThreshold());
    }

    private static long callsFor(long records, Optional<MembershipTarget> membership, long bulkThreshold) {
        if (records <= 0) return 0;
        long perRequest = CollectionsWriter.MAX_RECORDS;
        long calls = records >= bulkThreshold
                ? ceil(records, LIMITS.maxRecords()) * CALLS_PER_BULK_JOB
                : ceil(records, perRequest);
        if (membership.filter(m -> m.style() == MembershipStyle.LIST).isPresent()) calls += ceil(records, perRequest);
        return calls;
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    // ---- accounts -------------------------------------------------------------------------------------------------

    private SalesforceApi api(DestinationContext context, SalesforceSettings settings) {
        SalesforceAuth.Credentials credentials = SalesforceAuth.Credentials.of(context);
        String key = settings.account() + "|" + settings.tokenUrl() + "|" + settings.flow() + "|"
                + credentials.fingerprint();
        Account account = accounts.computeIfAbsent(key, k -> newAccount(settings, credentials));
        return new SalesforceApi(account.api(), account.results(), settings.dataUrl(), context.calls());
    }

    private Account newAccount(SalesforceSettings settings, SalesforceAuth.Credentials credentials) {
        SalesforceAuth auth = new SalesforceAuth(settings, credentials, shared, clock);
        OkHttpClient client = new BearerAuth(auth.provider())
                .applyTo(shared)
                .newBuilder()
                .addInterceptor(new SalesforceQuirks.LimitObserver())
                .build();
        HttpFailures failures = new HttpFailures(clock).withQuirk(new SalesforceQuirks());
        return new Account(
                new HttpExchange(client, failures, options.maxResponseBytes()),
                new HttpExchange(client, failures, options.maxResultBytes()));
    }
}
