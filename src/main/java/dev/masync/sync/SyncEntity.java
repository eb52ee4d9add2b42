package dev.masync.sync;

import dev.masync.definition.ManagedDefinition;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;

/**
 * A saved sync: its definition (as JSON), schedule bookkeeping and the lease of its active run. Bookkeeping is
 * written by bulk updates that leave the version alone; a definition write sets only the columns it changed
 * ({@code @DynamicUpdate}), so it never puts back a lease or schedule it read before.
 */
@Entity
@Table(name = "syncs")
@DynamicUpdate
@AttributeOverride(name = "key", column = @Column(name = "sync_key", length = 100))
public class SyncEntity extends ManagedDefinition {

    @Column(name = "segment_key", nullable = false, length = 100)
    public String segmentKey;

    @Column(name = "destination_key", nullable = false, length = 100)
    public String destinationKey;

    @Column(name = "definition_json", nullable = false, length = 100000)
    public String definitionJson;

    @Column(nullable = false)
    public boolean paused;

    /** Generation of the warehouse state; see {@link dev.masync.sync.state.SyncPlan#stateKey()}. */
    @Column(name = "state_id", nullable = false, length = 32)
    public String stateId;

    @Column(name = "next_run_at")
    public Instant nextRunAt;

    /** The freshness value seen by the last successful run. */
    @Column(name = "last_freshness", length = 64)
    public String lastFreshness;

    @Column(name = "lease_owner", length = 100)
    public String leaseOwner;

    @Column(name = "lease_until")
    public Instant leaseUntil;
}
