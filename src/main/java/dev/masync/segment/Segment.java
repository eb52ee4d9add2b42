package dev.masync.segment;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A saved segment: its current definition. Earlier definitions are {@link SegmentVersion}s. */
@Entity
@Table(name = "segments")
public class Segment extends PanacheEntityBase {

    /** Where a segment is managed: through the API, or by a file under {@code segments/} (read-only via REST). */
    public static final String SOURCE_API = "api";

    public static final String SOURCE_FILE = "file";

    @Id
    @Column(name = "segment_key", length = 100)
    public String key;

    @Column(nullable = false, length = 200)
    public String name;

    @Column(length = 2000)
    public String description;

    @Column(name = "rule_json", nullable = false, length = 300000)
    public String ruleJson;

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
