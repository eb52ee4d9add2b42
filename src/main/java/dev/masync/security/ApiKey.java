package dev.masync.security;

import dev.masync.audit.Secret;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Optional;

/** A stored API key: only its SHA-256 hash and a short prefix to recognise it are kept. */
@Entity
@Table(name = "api_keys")
public class ApiKey extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, length = 100)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "access_role", nullable = false, length = 16)
    public Role role;

    @Secret
    @Column(name = "key_hash", nullable = false, length = 64, unique = true)
    public String keyHash;

    @Column(name = "key_prefix", nullable = false, length = 16)
    public String keyPrefix;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false, length = 100)
    public String createdBy;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    // Native SQL on purpose: these run on every authenticated request and at start-up, where parsing HQL would
    // initialise Hibernate's query parser (about half a second) before the first request is served.

    @SuppressWarnings("unchecked")
    public static Optional<ApiKey> findActiveByHash(String hash) {
        return getEntityManager()
                .createNativeQuery("SELECT * FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL", ApiKey.class)
                .setParameter(1, hash)
                .getResultStream()
                .findFirst();
    }

    public static long countActiveAdmins() {
        return ((Number) getEntityManager()
                        .createNativeQuery(
                                "SELECT count(*) FROM api_keys WHERE access_role = ?1 AND revoked_at IS NULL")
                        .setParameter(1, Role.ADMIN.name())
                        .getSingleResult())
                .longValue();
    }

    /** Locks the active admin keys until the transaction ends and counts them, so two revocations cannot race. */
    public static int lockActiveAdmins() {
        return getEntityManager()
                .createNativeQuery("SELECT id FROM api_keys WHERE access_role = ?1 AND revoked_at IS NULL FOR UPDATE")
                .setParameter(1, Role.ADMIN.name())
                .getResultList()
                .size();
    }
}
