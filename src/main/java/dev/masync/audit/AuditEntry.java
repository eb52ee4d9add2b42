package dev.masync.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One recorded write. Rows are only ever inserted. */
@Entity
@Table(name = "audit_log")
public class AuditEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(nullable = false, length = 100)
    public String actor;

    @Column(name = "actor_role", length = 16)
    public String actorRole;

    @Column(name = "actor_key_id")
    public Long actorKeyId;

    @Column(nullable = false, length = 64)
    public String action;

    @Column(name = "entity_type", nullable = false, length = 64)
    public String entityType;

    @Column(name = "entity_key", nullable = false, length = 200)
    public String entityKey;

    @Column(name = "before_json", length = AuditJson.MAX_CHARS)
    public String beforeJson;

    @Column(name = "after_json", length = AuditJson.MAX_CHARS)
    public String afterJson;

    @Column(name = "request_id", length = 100)
    public String requestId;
}
