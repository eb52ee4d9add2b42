package dev.masync.destination;

import dev.masync.definition.ManagedDefinition;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/**
 * A destination as stored. Other features read destinations through {@link DestinationService}, as
 * {@link DestinationDefinition}s.
 */
@Entity
@Table(name = "destinations")
@AttributeOverride(name = "key", column = @Column(name = "destination_key", length = 100))
public class StoredDestination extends ManagedDefinition {

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
}
