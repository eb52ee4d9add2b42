package dev.masync.segment;

import dev.masync.definition.ManagedDefinition;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A saved segment: its current definition. Earlier definitions are {@link SegmentVersion}s. */
@Entity
@Table(name = "segments")
@AttributeOverride(name = "key", column = @Column(name = "segment_key", length = 100))
public class Segment extends ManagedDefinition {

    @Column(length = 2000)
    public String description;

    @Column(name = "rule_json", nullable = false, length = 300000)
    public String ruleJson;
}
