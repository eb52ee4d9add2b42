package dev.masync.sync;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A saved sync: its definition (as JSON), schedule bookkeeping and the lease of its active run. */
@Entity
@Table(name = "syncs")
public class SyncEntity extends PanacheEntityBase {
    public static final String SOURCE_API = "api";
    public static final String SOURCE_FILE = "file";

    @Id
    @Column(name = "sync_key", length = 100)
    public String key;

    @Column(nullable = false, length = 200)
    public String name;

    @Column(name = "segment_key", nullable = false, length = 100)
    public String segmentKey;

    @Column(name = "destination_key", nullable = false, length = 100)
    public String destinationKey;

    @Column(name = "definition_json", nullable = false, length = 100000)
    public String definitionJson;

    @Column(nullable = false)
    public boolean paused;

    @Column(nullable = false)
    public int version;

    @Column(nullable = false, length = 16)
    public String source;

    @Column(name = "source_file", length = 500)
    public String sourceFile;

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

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false, length = 100)
    public String createdBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false, length = 100)
    public String updatedBy;
}
