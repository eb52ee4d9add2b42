package dev.masync.sync.run;

import dev.masync.destination.DestinationDefinition;
import dev.masync.destination.DestinationService;
import dev.masync.sync.SyncDefinition;
import dev.masync.sync.SyncDefinitionParser;
import dev.masync.sync.SyncEntity;
import dev.masync.sync.SyncService;
import dev.masync.sync.state.StateStore;
import dev.masync.sync.state.SyncPlan;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseProvider;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the targeted sync (webhooks) needs of the sync engine: the syncs that may run, the learners behind
 * destination keys, and runs for some learners ({@link RunCoordinator#runTargeted}). Every warehouse call is metered,
 * so a micro-batch can report what it cost.
 */
@ApplicationScoped
public class TargetedRuns {
    private final SyncService syncs;
    private final DestinationService destinations;
    private final RunPreparation preparation;
    private final RunStateStores stores;
    private final WarehouseProvider warehouses;
    private final RunCoordinator coordinator;
    private final SentValues sent;
    private final RecordIds recordIds;

    TargetedRuns(
            SyncService syncs,
            DestinationService destinations,
            RunPreparation preparation,
            RunStateStores stores,
            WarehouseProvider warehouses,
            RunCoordinator coordinator,
            SentValues sent,
            RecordIds recordIds) {
        this.syncs = syncs;
        this.destinations = destinations;
        this.preparation = preparation;
        this.stores = stores;
        this.warehouses = warehouses;
        this.coordinator = coordinator;
        this.sent = sent;
        this.recordIds = recordIds;
    }

    /** An enabled sync (not paused, fitting today's catalog) with the destination it writes to. */
    public record Target(SyncDefinition sync, DestinationDefinition destination) {}

    /** Learners found per destination key, and what finding them cost in the warehouse. */
    public record Lookup(Map<String, Set<String>> learners, RunCost cost) {}

    /** The enabled syncs, each with its destination; syncs that no longer fit are left out (their runs say why). */
    public List<Target> targets() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Target> out = new ArrayList<>();
            for (SyncEntity e : SyncEntity.<SyncEntity>list("paused = false order by key")) {
                SyncDefinitionParser.Result r = syncs.current(e);
                if (!r.ok()) {
                    continue;
                }
                destinations.find(r.definition().destination()).ifPresent(d -> out.add(new Target(r.definition(), d)));
            }
            return out;
        });
    }

    /**
     * The learners an event's values name for the sync: those whose destination key is one of {@code values}, in the
     * warehouse now or in the sync's state, compared without regard to case (see {@link StateStore#learnersOf}: one
     * warehouse query), and those whose record the destination knows under one of them as its own id (remembered
     * from earlier pushes, see {@link RecordIds}: one control-DB query).
     *
     * @return value → learner keys, only for values that matched
     */
    public Lookup learnersOf(String syncKey, Collection<String> values) {
        RunSnapshot run = preparation.prepare(syncKey);
        RunCostMeter meter = new RunCostMeter(OptionalLong.empty());
        Warehouse warehouse = warehouses.get().meteredBy(meter);
        StateStore store = stores.of(warehouse);
        SyncPlan plan = preparation.plan(run);
        Map<String, Set<String>> found = new HashMap<>();
        store.learnersOf(plan, preparation.compiler(run, warehouse), values)
                .forEach(
                        (k, v) -> found.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v));
        recordIds
                .learnersOf(syncKey, plan.stateKey(), values)
                .forEach(
                        (k, v) -> found.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v));
        return new Lookup(found, meter.snapshot(RunCounts.ZERO));
    }

    /**
     * See {@link RunCoordinator#runTargeted}; the forgotten learners' remembered values go first, their record ids
     * when the run forgot their state.
     */
    public Optional<RunCoordinator.Targeted> run(
            String syncKey, Set<String> keys, Set<String> forget, List<Long> events) {
        sent.forget(syncKey, forget); // first: the run may send some of them again
        return coordinator.runTargeted(syncKey, keys, forget, events);
    }

    /** What this process last had confirmed for a field of a learner (see {@link SentValues#lastSent}). */
    public Optional<Optional<Object>> lastSent(String syncKey, String learnerKey, String field) {
        return sent.lastSent(syncKey, learnerKey, field);
    }
}
