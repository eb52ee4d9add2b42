package dev.masync.sync;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The run that owns a state key's journal ({@link JpaConfirmationJournal}): the fencing token of its appends. */
@Entity
@Table(name = "sync_state_owners")
public class SyncStateOwnerEntity extends PanacheEntityBase {
    @Id
    @Column(name = "state_key", length = 140)
    public String stateKey;

    @Column(name = "run_id", nullable = false)
    public long runId;

    @Column(name = "claimed_at", nullable = false)
    public Instant claimedAt;
}
