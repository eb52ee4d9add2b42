package dev.masync.destination;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A destination as stored. Other features read destinations through {@link DestinationService}, as
 * {@link DestinationDefinition}s.
 */
@Entity
@Table(name = "destinations")
public class StoredDestination extends PanacheEntityBase {

    @Id
    @Column(name = "destination_key", length = 100)
    public String key;

    @Column(nullable = false, length = 200)
    public String name;

    @Column(nullable = false, length = 50)
    public String type;

    /** The settings as a JSON object of strings; secrets appear only as references. */
    @Column(name = "settings_json", nullable = false, length = 100000)
    public String settingsJson;

    @Column(name = "batch_size")
    public Integer batchSize;

    @Column(name = "rate_requests")
    public Integer rateRequests;

    @Column(name = "rate_per_ms")
    public Long ratePerMs;

    @Column(nullable = false)
    public int version;

    @Column(nullable = false, length = 16)
    public String source;

    @Column(name = "source_file", length = 500)
    public String sourceFile;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false, length = 100)
    public String createdBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false, length = 100)
    public String updatedBy;
}
