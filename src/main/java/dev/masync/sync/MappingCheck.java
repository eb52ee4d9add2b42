package dev.masync.sync;

import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogService;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.destination.DestinationCheck.CheckProblem;
import dev.masync.destination.DestinationDefinition;
import dev.masync.destination.DestinationMappings;
import dev.masync.destination.DestinationSchemas;
import dev.masync.destination.DestinationService;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ProblemError;
import dev.masync.sync.MappingFit.Misfit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks syncs against their destination's schema ({@link MappingFit}), beside the capability checks of
 * {@link SyncDefinitionParser}: when a sync is saved (refused with 422 when the schema can be read and the sync does
 * not fit; accepted with a warning when it cannot be read now) and when its destination is tested (every sync writing
 * to it, each problem naming its sync).
 */
@ApplicationScoped
public class MappingCheck implements DestinationMappings {
    private static final Logger LOG = Logger.getLogger(MappingCheck.class);
    /** Code of the warning a save answers with when the schema could not be read. */
    public static final String NOT_CHECKED = "mapping_not_checked";
    /** Code of a destination test problem: a sync writing to it no longer fits the catalog or its segments. */
    public static final String SYNC_INVALID = "sync_invalid";

    private final DestinationSchemas schemas;
    private final DestinationService destinations;
    private final CatalogService catalogs;
    private final SyncService syncs;

    MappingCheck(
            DestinationSchemas schemas, DestinationService destinations, CatalogService catalogs, SyncService syncs) {
        this.schemas = schemas;
        this.destinations = destinations;
        this.catalogs = catalogs;
        this.syncs = syncs;
    }

    /**
     * Checks a sync about to be saved against its destination's schema (cached, or read waiting at most
     * {@code masync.connectors.schema.read-timeout}). Call it outside a transaction where possible: it may wait for the
     * destination.
     *
     * @return warnings for the answer: empty when the sync fits or its connector reads no schema; one
     *     {@value #NOT_CHECKED} when the schema could not be read now
     * @throws ApiException 422 {@code validation_failed} with a pointer and a code per problem when it does not fit
     */
    public List<ProblemError> atSave(SyncDefinition sync, Catalog catalog) {
        Optional<DestinationDefinition> destination = destinations.find(sync.destination());
        if (destination.isEmpty()) {
            return List.of(); // the definition's own check says so
        }
        DestinationDefinition d = destination.get();
        DestinationSchemas.Lookup lookup = schemas.lookup(d);
        if (lookup instanceof DestinationSchemas.Unreadable u) {
            LOG.warnf(
                    "sync '%s' saved without checking its mapping: the fields of destination '%s' could not be read"
                            + " (%s): %s",
                    sync.key(), d.key(), u.code(), u.message());
            return List.of(new ProblemError(
                    "/destination",
                    "saved without checking the mapping against destination '" + d.key() + "', whose fields could"
                            + " not be read (" + u.code() + ": " + u.message() + "); check it with POST"
                            + " /api/v1/destinations/" + d.key() + "/test once it answers",
                    NOT_CHECKED));
        }
        if (!(lookup instanceof DestinationSchemas.Found found)) {
            return List.of();
        }
        List<Misfit> misfits = MappingFit.check(sync, catalog.learners(), found.schema(), label(d));
        if (!misfits.isEmpty()) {
            throw ApiException.invalid(
                    "The sync does not fit destination '" + d.key() + "' (" + misfits.size() + " problem(s)); see"
                            + " errors (each names the field and how to fix it).",
                    misfits.stream()
                            .map(m -> new ProblemError(m.pointer(), m.message(), m.code()))
                            .toList());
        }
        return List.of();
    }

    /**
     * For a run about to send: how the sync does not fit its destination's fields, when they can be read now (kept,
     * or read waiting at most the read timeout); empty when it fits, when they cannot be read (the destination then
     * answers record by record) or when the connector reads no fields.
     */
    public List<Misfit> beforeRun(SyncDefinition sync, DestinationDefinition destination) {
        if (schemas.lookup(destination) instanceof DestinationSchemas.Found found) {
            return MappingFit.check(sync, catalogs.current().learners(), found.schema(), label(destination));
        }
        return List.of();
    }

    /** Every sync writing to the destination, checked against its schema (for the destination test). */
    @Override
    @Transactional
    public List<CheckProblem> check(DestinationDefinition destination, DestinationSchema schema) {
        Catalog catalog = catalogs.current();
        List<CheckProblem> out = new ArrayList<>();
        for (String key : syncs.syncsUsing(destination.key())) {
            SyncEntity e = SyncEntity.findById(key);
            if (e == null) {
                continue;
            }
            SyncDefinitionParser.Result r = syncs.current(e);
            if (!r.ok()) {
                ProblemError first = r.errors().get(0);
                out.add(new CheckProblem(
                        first.pointer(),
                        SYNC_INVALID,
                        "sync '" + key + "' no longer fits the catalog or its segment (" + first.pointer() + ": "
                                + first.message() + "); fix it with PUT /api/v1/syncs/" + key,
                        key));
                continue;
            }
            for (Misfit m : MappingFit.check(r.definition(), catalog.learners(), schema, label(destination))) {
                out.add(new CheckProblem(m.pointer(), m.code(), m.inSync(key), key));
            }
        }
        return out;
    }

    /** How messages name a destination: its name (e.g. "HubSpot"). */
    private static String label(DestinationDefinition d) {
        return d.name();
    }
}
