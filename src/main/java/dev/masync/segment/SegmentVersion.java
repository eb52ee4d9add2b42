package dev.masync.segment;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One definition a segment had: written on every create, update and delete. */
@Entity
@Table(name = "segment_versions")
public class SegmentVersion extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "segment_key", nullable = false, length = 100)
    public String segmentKey;

    @Column(nullable = false)
    public int version;

    @Column(nullable = false, length = 200)
    public String name;

    @Column(length = 2000)
    public String description;

    @Column(name = "rule_json", nullable = false, length = 300000)
    public String ruleJson;

    @Column(name = "change_kind", nullable = false, length = 16)
    public String changeKind;

    @Column(name = "changed_at", nullable = false)
    public Instant changedAt;

    @Column(name = "changed_by", nullable = false, length = 100)
    public String changedBy;
}
