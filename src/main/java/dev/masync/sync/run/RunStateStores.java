package dev.masync.sync.run;

import dev.masync.sync.SyncService;
import dev.masync.sync.state.ConfirmationJournal;
import dev.masync.sync.state.StateStore;
import dev.masync.sync.state.StateStores;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseConfig;
import dev.masync.warehouse.WarehouseProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.jboss.logging.Logger;

/** The state store runs use, and the dropping of state generations no sync uses any more. */
@ApplicationScoped
public class RunStateStores {
    private static final Logger LOG = Logger.getLogger(RunStateStores.class);

    private final WarehouseConfig config;
    private final WarehouseProvider warehouses;
    private final ConfirmationJournal journal;

    RunStateStores(WarehouseConfig config, WarehouseProvider warehouses, ConfirmationJournal journal) {
        this.config = config;
        this.warehouses = warehouses;
        this.journal = journal;
    }

    /** @throws dev.masync.platform.DomainException {@code state_unavailable} (see {@link StateStores#of}) */
    StateStore of(Warehouse warehouse) {
        return StateStores.of(config, warehouse, journal);
    }

    /** Drops a state generation no sync uses (best effort: a leftover table is only wasted space). */
    void onRetired(@Observes(during = TransactionPhase.AFTER_SUCCESS) SyncService.StateRetired retired) {
        try {
            of(warehouses.get()).drop(retired.stateKey());
        } catch (RuntimeException e) {
            LOG.warnf("sync state %s not dropped: %s", retired.stateKey(), e.getMessage());
        }
    }
}
