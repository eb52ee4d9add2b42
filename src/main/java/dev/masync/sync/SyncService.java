package dev.masync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.audit.AuditLog;
import dev.masync.catalog.CatalogService;
import dev.masync.connector.Connectors;
import dev.masync.connector.spi.Capabilities;
import dev.masync.connector.spi.Destination;
import dev.masync.definition.DefinitionKind;
import dev.masync.definition.DefinitionStore;
import dev.masync.definition.FieldLimit;
import dev.masync.destination.DestinationService;
import dev.masync.destination.DestinationUsers;
import dev.masync.platform.MasyncConfig;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ProblemError;
import dev.masync.segment.Segment;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Sync definitions: validated against catalog, segments and destinations; file-managed ones are read-only here. */
@ApplicationScoped
public class SyncService implements DestinationUsers, dev.masync.segment.SegmentUsers {
    static final DefinitionKind KIND = new DefinitionKind("sync", "Sync", "/api/v1/syncs");

    private final CatalogService catalogs;
    private final DestinationService destinations;
    private final Connectors connectors;
    private final DefinitionStore<SyncEntity, SyncView> store;
    private final Clock clock;
    private final MasyncConfig masync;
    private final jakarta.enterprise.event.Event<StateRetired> retired;
    private final MappingCheck mappings;
    private final ListCapacityCheck lists;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A state generation no sync uses any more; dropped from the warehouse once the transaction commits. */
    public record StateRetired(String stateKey) {}

    SyncService(
            CatalogService catalogs,
            DestinationService destinations,
            Connectors connectors,
            AuditLog audit,
            Clock clock,
            MasyncConfig masync,
            jakarta.enterprise.event.Event<StateRetired> retired,
            MappingCheck mappings,
            ListCapacityCheck lists) {
        this.retired = retired;
        this.lists = lists;
        this.mappings = mappings;
        this.catalogs = catalogs;
        this.destinations = destinations;
        this.connectors = connectors;
        this.store = new DefinitionStore<>(KIND, SyncEntity.class, this::view, clock, audit);
        this.clock = clock;
        this.masync = masync;
    }

    /** What definitions are checked against, now. */
    public SyncDefinitionParser.Context context() {
        return context(catalogs.current());
    }

    /** Like {@link #context()} with a given catalog (start-up code must not wait for the catalog). */
    public SyncDefinitionParser.Context context(dev.masync.catalog.Catalog catalog) {
        return new SyncDefinitionParser.Context(
                catalog,
                key -> Segment.findById(key) != null,
                key -> destinations
                        .find(key)
                        .map(d -> connectors
                                .byType(d.type())
                                .map(Destination::capabilities)
                                .orElse(Capabilities.FIELDS_BY_ANY_KEY)));
    }

    /** Parses a definition or answers 422 with every problem. */
    public SyncDefinition checked(JsonNode body, String keyFromPath) {
        return checked(body, keyFromPath, context());
    }

    private static SyncDefinition checked(JsonNode body, String keyFromPath, SyncDefinitionParser.Context context) {
        SyncDefinitionParser.Result r = SyncDefinitionParser.parse(body, keyFromPath, context);
        if (!r.ok()) {
            throw ApiException.invalid(
                    "The sync definition has " + r.errors().size() + " problem(s); see errors"
                            + " (each names the field and how to fix it).",
                    r.errors());
        }
        return r.definition();
    }

    /** The stored definition re-checked against today's catalog; empty with the problems if it no longer fits. */
    public SyncDefinitionParser.Result current(SyncEntity e) {
        return SyncDefinitionParser.parse(SyncJson.read(e.definitionJson), e.key, context());
    }

    /** One page of syncs by key, after {@code afterKey} (null: from the first). */
    public dev.masync.platform.Page<SyncView> page(String afterKey, int limit) {
        List<SyncEntity> rows = afterKey == null
                ? SyncEntity.<SyncEntity>findAll(io.quarkus.panache.common.Sort.by("key"))
                        .range(0, limit)
                        .list()
                : SyncEntity.<SyncEntity>find("key > ?1", io.quarkus.panache.common.Sort.by("key"), afterKey)
                        .range(0, limit)
                        .list();
        return dev.masync.platform.Cursors.page(rows, limit, this::view, s -> dev.masync.platform.Cursors.ofKey(s.key));
    }

    public List<SyncView> list() {
        return SyncEntity.<SyncEntity>listAll(io.quarkus.panache.common.Sort.by("key")).stream()
                .map(this::view)
                .toList();
    }

    public SyncEntity find(String key) {
        return store.get(key);
    }

    public SyncView get(String key) {
        return view(find(key));
    }

    /**
     * Creates a sync: 422 with every problem of the definition, then (outside the transaction, as it may wait for the
     * destination) with every way its mapping does not fit the destination's schema when that can be read; the
     * answer carries a {@code mapping_not_checked} warning when it could not.
     */
    public SyncView create(JsonNode body, String actor) {
        List<ProblemError> warnings = fitsDestination(body, null);
        SyncView created = QuarkusTransaction.joiningExisting().call(() -> {
            SyncDefinition d = checked(body, null);
            store.requireAbsent(d.key());
            SyncEntity e = store.newApiManaged(d.key(), actor, SyncEntity::new);
            apply(e, d);
            store.touch(e, actor);
            return store.created(e);
        });
        return created.withWarnings(warnings);
    }

    /** Replaces a sync's definition; checked as {@link #create}, after the version ({@code If-Match}) is. */
    public SyncView update(String key, JsonNode body, Integer ifMatch, String actor) {
        QuarkusTransaction.joiningExisting().run(() -> store.requireWritable(find(key), ifMatch));
        List<ProblemError> warnings = fitsDestination(body, key);
        SyncView saved = QuarkusTransaction.joiningExisting().call(() -> {
            SyncEntity e = find(key);
            store.requireWritable(e, ifMatch);
            SyncDefinition d = checked(body, key);
            SyncView before = view(e);
            apply(e, d);
            store.touch(e, actor);
            return store.saved(e, before);
        });
        return saved.withWarnings(warnings);
    }

    /**
     * The definition checked (422), then its list membership beside the destination's other syncs (422), then its
     * mapping against the destination's schema (422, or a warning).
     */
    private List<ProblemError> fitsDestination(JsonNode body, String key) {
        SyncDefinitionParser.Context context = context();
        SyncDefinition d = QuarkusTransaction.joiningExisting().call(() -> checked(body, key, context));
        lists.atSave(d);
        return mappings.atSave(d, context.catalog());
    }

    /**
     * Whether a file's definition is what the sync already holds from that file (nothing to save, nothing to check
     * against the destination again).
     */
    boolean holdsFile(SyncDefinition d, String sourceFile) {
        SyncEntity e = SyncEntity.findById(d.key());
        return e != null
                && sourceFile.equals(e.sourceFile)
                && SyncJson.write(d).toString().equals(e.definitionJson);
    }

    /**
     * Saves a definition read from a file (create or replace); returns false if nothing changed. 409 when the API
     * manages the key.
     */
    boolean saveFile(SyncDefinition d, String sourceFile) {
        SyncEntity e = store.forFile(d.key(), sourceFile, SyncEntity::new);
        boolean created = !e.isPersistent();
        if (!created && SyncJson.write(d).toString().equals(e.definitionJson) && sourceFile.equals(e.sourceFile)) {
            return false;
        }
        SyncView before = created ? null : view(e);
        e.sourceFile = sourceFile;
        apply(e, d);
        store.touch(e, DefinitionStore.actor(sourceFile));
        store.upserted(e, before);
        return true;
    }

    @Transactional
    public void delete(String key, Integer ifMatch, String actor) {
        SyncEntity e = find(key);
        store.requireWritable(e, ifMatch);
        remove(e);
    }

    /** Deletes a sync and its record errors and retires its state; 409 {@code run_in_progress} while it runs. */
    void remove(SyncEntity e) {
        if (e.leaseOwner != null && e.leaseUntil != null && e.leaseUntil.isAfter(clock.instant())) {
            throw ApiException.conflict(
                    "run_in_progress",
                    "Sync '" + e.key + "' is running; wait for the run to" + " end (GET /api/v1/syncs/" + e.key
                            + "/runs), then delete it.");
        }
        RecordErrorEntity.delete("syncKey", e.key);
        store.deleted(e);
        retired.fire(new StateRetired(e.key + "__" + e.stateId));
    }

    /** Pauses or resumes scheduled runs (runs started through the API still run). */
    @Transactional
    public SyncView setPaused(String key, boolean paused, String actor) {
        SyncEntity e = find(key);
        if (e.paused == paused) {
            return view(e);
        }
        SyncView before = view(e);
        ObjectNode json = (ObjectNode) SyncJson.read(e.definitionJson);
        json.put("paused", paused);
        e.definitionJson = json.toString();
        e.paused = paused;
        store.touch(e, actor);
        if (!paused) {
            // from the schedule alone: a definition that no longer fits the catalog still runs (and says why it fails)
            e.nextRunAt = SyncDefinitionParser.scheduleOf(json)
                    .map(s -> nextRun(s, clock.instant()))
                    .orElse(null);
        }
        return store.saved(e, before, paused ? "sync.pause" : "sync.resume");
    }

    @Override
    public List<String> syncsUsing(String destinationKey) {
        return SyncEntity.<SyncEntity>list("destinationKey", destinationKey).stream()
                .map(s -> s.key)
                .sorted()
                .toList();
    }

    /** Syncs that send this segment. */
    @Override
    public List<String> syncsOf(String segmentKey) {
        return SyncEntity.<SyncEntity>list("segmentKey", segmentKey).stream()
                .map(s -> s.key)
                .sorted()
                .toList();
    }

    /** Writes a checked definition into the row (not its key, source or bookkeeping). */
    private void apply(SyncEntity e, SyncDefinition d) {
        String definitionJson = SyncJson.write(d).toString();
        FieldLimit.storedTooLarge(definitionJson, FieldLimit.SYNC_JSON, "", "The sync definition")
                .ifPresent(error -> {
                    throw ApiException.invalid("The sync definition is too large to store.", List.of(error));
                });
        if (e.stateId == null || !d.destination().equals(e.destinationKey)) {
            // a destination we never sent to holds nothing from us: start from an empty state
            if (e.stateId != null) {
                retired.fire(new StateRetired(e.key + "__" + e.stateId));
            }
            e.stateId = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        }
        e.name = d.name();
        e.segmentKey = d.segment();
        e.destinationKey = d.destination();
        e.definitionJson = definitionJson;
        e.paused = d.paused();
        e.nextRunAt = nextRun(d, clock.instant());
    }

    /** The next scheduled run strictly after {@code after}, or null without a schedule. */
    public Instant nextRun(SyncDefinition d, Instant after) {
        if (d == null || d.schedule().isEmpty()) {
            return null;
        }
        return nextRun(d.schedule().get(), after);
    }

    /** The next firing of a schedule strictly after {@code after} (null if a cron never fires again). */
    public Instant nextRun(SyncDefinition.Schedule s, Instant after) {
        if (s.every().isPresent()) {
            return after.plus(s.every().get());
        }
        return CronSchedule.next(s.cron().orElseThrow(), after, masync.timeZone())
                .orElse(null);
    }

    SyncView view(SyncEntity e) {
        boolean running = e.leaseOwner != null && e.leaseUntil != null && e.leaseUntil.isAfter(clock.instant());
        return new SyncView(
                e.key,
                e.version,
                e.source,
                e.sourceFile,
                SyncJson.read(e.definitionJson),
                e.nextRunAt,
                running,
                e.createdAt,
                e.createdBy,
                e.updatedAt,
                e.updatedBy,
                List.of());
    }

    /** What a run reads of its sync: the stored definition re-checked against today's catalog, and its state. */
    public record RunInput(SyncDefinitionParser.Result definition, String stateId, String lastFreshness) {}

    /** The run input of a sync, or empty if there is no such sync. */
    public java.util.Optional<RunInput> runInput(String key) {
        return SyncEntity.<SyncEntity>findByIdOptional(key)
                .map(e -> new RunInput(current(e), e.stateId, e.lastFreshness));
    }
}
