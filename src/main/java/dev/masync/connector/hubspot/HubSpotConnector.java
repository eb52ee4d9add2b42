package dev.masync.connector.hubspot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.RedactingLogInterceptor;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Capabilities;
import dev.masync.connector.spi.Capabilities.IdentityKind;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.Capabilities.WriteMode;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.MembershipTarget;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Writes learners to HubSpot contacts (CRM v3): batch upserts by e-mail or a unique property with only the changed
 * properties, per-record outcomes from 207 answers, membership as a property or as a v3 list, a permit from the
 * account's shared budget for every call. Settings and behaviour: README "HubSpot destination" and
 * connectors/hubspot/NOTES.md.
 */
public final class HubSpotConnector implements Destination, Probe, SchemaReader, RateLimited {
    public static final String TYPE = "hubspot";

    private static final Capabilities CAPABILITIES = new Capabilities(
            Set.of(IdentityKind.EMAIL, IdentityKind.EXTERNAL_ID),
            EnumSet.allOf(WriteMode.class),
            EnumSet.allOf(MembershipStyle.class));
    /** Five upsert calls per batch: few engine round trips, little re-sent when a call fails mid-batch. */
    private static final BatchLimits LIMITS = new BatchLimits(500, 8L * 1024 * 1024);

    /**
     * Limits of the connector's calls.
     *
     * @param addresses        which HubSpot addresses may be called (a test fake on loopback, production public)
     * @param callTimeout      the most one call may take
     * @param maxResponseBytes the most of a response body read
     * @param recordIdCache    how many contact record ids are remembered (for list membership and updates)
     * @param callLog          logs each call, redacted
     */
    public record Options(
            AddressPolicy addresses,
            Duration callTimeout,
            long maxResponseBytes,
            int recordIdCache,
            RedactingLogInterceptor callLog) {
        public Options {
            Objects.requireNonNull(addresses, "addresses");
            Objects.requireNonNull(callTimeout, "callTimeout");
            Objects.requireNonNull(callLog, "callLog");
            if (maxResponseBytes < 1) throw new IllegalArgumentException("maxResponseBytes must be positive");
            if (recordIdCache < 1) throw new IllegalArgumentException("recordIdCache must be positive");
        }

        public Options(AddressPolicy addresses, Duration callTimeout, long maxResponseBytes) {
            this(addresses, callTimeout, maxResponseBytes, 200_000, new RedactingLogInterceptor());
        }

        /** For tests and tools: loopback allowed, 30 s per call, 1 MiB per response. */
        public static Options forTests() {
            return new Options(new AddressPolicy(true, false), Duration.ofSeconds(30), 1024 * 1024);
        }
    }

    private final Clock clock;
    private final Options options;
    private final HubSpotAuth auth;
    private final RecordIds recordIds;
    private final ObjectMapper json = new ObjectMapper();

    public HubSpotConnector(OkHttpClient sharedClient, Clock clock, Options options) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.options = Objects.requireNonNull(options, "options");
        OkHttpClient shared = Objects.requireNonNull(sharedClient, "sharedClient");
        OkHttpClient client = shared.newBuilder()
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false) // the engine retries
                .callTimeout(options.callTimeout())
                .dns(options.addresses().dns(shared.dns()))
                .addNetworkInterceptor(options.callLog()) // sees what is sent: the token (masked) and each resend
                .build();
        this.auth = new HubSpotAuth(client, clock, options.maxResponseBytes());
        this.recordIds = new RecordIds(options.recordIdCache());
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * Contacts by {@code email} or a unique property ({@code identity.field}); upsert, update (never creates) and
     * mirror; membership as a checkbox or value property, or as a list ({@code membership.field} = ILS list id).
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
        return HubSpotSettings.NAMES;
    }

    @Override
    public Set<String> secretSettings() {
        return HubSpotSettings.SECRETS;
    }

    @Override
    public List<SettingProblem> validate(Map<String, String> settings) {
        return HubSpotSettings.problems(settings, options.addresses());
    }

    @Override
    public BatchResult push(DestinationContext context, Batch batch) {
        HubSpotSettings settings = settings(context);
        HubSpotCalls calls = calls(context, settings);
        String idProperty = batch.identityField().orElse("email");
        String account = settings.account();
        Optional<MembershipTarget> membership = batch.membership();
        boolean list = membership.map(m -> m.style() == MembershipStyle.LIST).orElse(false);

        List<RecordChange> records = batch.records();
        RecordOutcome[] outcomes = new RecordOutcome[records.size()];
        Map<String, ContactTarget> upserts = new LinkedHashMap<>();
        Map<String, ContactTarget> updates = new LinkedHashMap<>();
        Map<String, ContactTarget> leaves = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            RecordChange change = records.get(i);
            String key = ContactTarget.key(idProperty, change.destinationKey());
            if (key.isBlank()) {
                outcomes[i] = RecordOutcome.rejected(
                        change.destinationKey(), "invalid_key", "the record's " + idProperty + " is empty");
                continue;
            }
            switch (change.kind()) {
                case UPSERT -> target(upserts, key, i).put(change.fields());
                case UPDATE -> target(updates, key, i).put(change.fields());
                case REMOVE -> {
                    if (list) {
                        target(leaves, key, i);
                    } else if (membership.isPresent()) {
                        // a field-style membership ends by clearing its field, on a contact that exists
                        MembershipTarget m = membership.get();
                        target(updates, key, i)
                                .properties
                                .put(m.name(), m.style() == MembershipStyle.BOOLEAN ? "false" : "");
                    } else {
                        // without membership a leaver keeps its contact: HubSpot records are never deleted here
                        outcomes[i] = RecordOutcome.confirmed(change.destinationKey());
                    }
                }
            }
        }

        ContactWriter writer = new ContactWriter(calls, recordIds, account, idProperty);
        RecordIdResolver resolver = new RecordIdResolver(calls, recordIds, account, idProperty);
        if (!upserts.isEmpty()) writer.upsertByKey(upserts.values());
        if (!updates.isEmpty()) {
            resolver.resolve(updates.values());
            List<ContactTarget> known =
                    updates.values().stream().filter(t -> t.recordId != null).toList();
            if (!known.isEmpty()) writer.updateById(known);
            // a remembered id HubSpot no longer knows (merged, deleted and re-created): read the key once more
            List<ContactTarget> stale = updates.values().stream()
                    .filter(t -> t.notFound && t.remembered)
                    .toList();
            if (!stale.isEmpty()) {
                stale.forEach(t -> {
                    t.notFound = false;
                    t.remembered = false;
                    t.recordId = null;
                });
                resolver.resolve(stale);
                List<ContactTarget> found =
                        stale.stream().filter(t -> t.recordId != null).toList();
                if (!found.isEmpty()) writer.updateById(found);
            }
        }
        if (list) {
            List<ContactTarget> adds = new ArrayList<>();
            upserts.values().stream().filter(t -> t.confirmed).forEach(adds::add);
            updates.values().stream().filter(t -> t.confirmed).forEach(adds::add);
            resolver.resolve(adds);
            for (ContactTarget t : adds) {
                if (t.recordId == null) {
                    t.reject(
                            "record_missing",
                            "HubSpot wrote the contact but cannot find it by " + idProperty
                                    + " to add it to the list; it is tried again on the next run");
                }
            }
            resolver.resolve(leaves.values());
            List<ContactTarget> removes = new ArrayList<>();
            for (ContactTarget t : leaves.values()) {
                if (t.notFound) t.confirmed = true; // no contact, so in no list
                else removes.add(t);
            }
            List<ContactTarget> addable = adds.stream().filter(t -> t.confirmed).toList();
            if (!addable.isEmpty() || !removes.isEmpty()) {
                new ListMemberships(calls, recordIds, account, idProperty, settings.listIdsPerCall())
                        .apply(membership.get().name(), addable, removes);
            }
        }

        for (Map<String, ContactTarget> group : List.of(upserts, updates, leaves)) {
            for (ContactTarget t : group.values()) {
                for (int i : t.records) outcomes[i] = outcome(records.get(i), t, idProperty);
            }
        }
        return new BatchResult(List.of(outcomes));
    }

    private static ContactTarget target(Map<String, ContactTarget> group, String key, int record) {
        ContactTarget t = group.computeIfAbsent(key, ContactTarget::new);
        t.records.add(record);
        return t;
    }

    private static RecordOutcome outcome(RecordChange change, ContactTarget t, String idProperty) {
        String key = change.destinationKey();
        if (t.rejected()) return RecordOutcome.rejected(key, t.rejectCode, t.rejectMessage);
        if (t.confirmed) {
            // a written contact reports the id HubSpot answered (webhooks name contacts by it); a leaver, none
            return change.kind() == RecordChange.Kind.REMOVE
                    ? RecordOutcome.confirmed(key)
                    : RecordOutcome.confirmed(key, t.answeredId);
        }
        if (t.notFound) {
            if (change.kind() == RecordChange.Kind.UPDATE) {
                return RecordOutcome.rejected(
                        key,
                        "not_found",
                        "no HubSpot contact has this " + idProperty + "; update mode does not create contacts");
            }
            return RecordOutcome.confirmed(key); // nothing to clear or remove on a contact that does not exist
        }
        return RecordOutcome.rejected(key, "missing_result", "HubSpot gave no outcome for this contact");
    }

    /**
     * Reads the contact properties (token valid, {@code crm.schemas.contacts.read}) and looks a contact up
     * ({@code crm.objects.contacts.read}); writes nothing. Write and list scopes show only when used: a push
     * without them fails with {@code PERMISSION} naming the scope.
     */
    @Override
    public void probe(DestinationContext context) {
        HubSpotCalls calls = calls(context, settings(context));
        HubSpotSchema.read(calls);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("idProperty", "email");
        body.putArray("properties").add("email");
        body.putArray("inputs").addObject().put("id", "masync-probe@invalid.example");
        calls.post(RecordIdResolver.READ, body);
    }

    @Override
    public DestinationSchema schema(DestinationContext context) {
        return HubSpotSchema.read(calls(context, settings(context)));
    }

    @Override
    public String account(DestinationContext context) {
        return settings(context).account();
    }

    /** 190 calls per 10 s (Professional/Enterprise), {@code maxConcurrent}, {@code callsPerDay} reset at midnight in {@code timeZone}. */
    @Override
    public RateLimits rateLimits(DestinationContext context) {
        HubSpotSettings s = settings(context);
        return new RateLimits(
                HubSpotSettings.DEFAULT_CALLS_PER_WINDOW,
                HubSpotSettings.WINDOW,
                s.maxConcurrent(),
                OptionalLong.of(s.callsPerDay()),
                Optional.of(s.timeZone()));
    }

    /**
     * One upsert call per 100 records, plus one list call per 100 record ids with list membership (record ids of
     * contacts this daemon did not write itself cost one read per 100 more).
     */
    @Override
    public long callsFor(long records, Optional<MembershipTarget> membership) {
        if (records <= 0) return 0;
        long calls = ceil(records, ContactWriter.INPUTS_PER_CALL);
        if (membership.map(m -> m.style() == MembershipStyle.LIST).orElse(false)) {
            calls += ceil(records, HubSpotSettings.DEFAULT_LIST_IDS_PER_CALL);
        }
        return calls;
    }

    private static long ceil(long n, long per) {
        return (n + per - 1) / per;
    }

    private HubSpotSettings settings(DestinationContext context) {
        return HubSpotSettings.of(context.destinationName(), context.settings(), options.addresses());
    }

    private HubSpotCalls calls(DestinationContext context, HubSpotSettings settings) {
        return new HubSpotCalls(
                auth.client(settings, context.secrets()),
                settings,
                context.calls(),
                clock,
                options.maxResponseBytes(),
                json);
    }
}
