package dev.masync.definition;

import dev.masync.audit.AuditLog;
import dev.masync.platform.problem.Preconditions;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.persistence.EntityManager;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import org.hibernate.StaleStateException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.LockAcquisitionException;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The write shape every managed definition shares: find or 404, create (409 when the key is taken, also when another
 * request takes it at the same moment), replace and delete with {@code If-Match} (428 without, 412 when stale, also
 * when another request wins the race), file-managed rows read-only, and an audit entry per write.
 *
 * <p>Call within a transaction. Writes are flushed here so that losing a race surfaces as a problem (409/412) inside
 * the service, never as a 500 at commit; views built after {@link #created}/{@link #saved} show the new version.
 *
 * @param <E> the entity
 * @param <V> what the API returns for it (also written to the audit log)
 */
public final class DefinitionStore<E extends ManagedDefinition, V> {
    private static final Logger LOG = Logger.getLogger(DefinitionStore.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final DefinitionKind kind;
    private final Class<E> type;
    private final Function<E, V> view;
    private final Clock clock;
    private final AuditLog audit;

    public DefinitionStore(DefinitionKind kind, Class<E> type, Function<E, V> view, Clock clock, AuditLog audit) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.type = Objects.requireNonNull(type, "type");
        this.view = Objects.requireNonNull(view, "view");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    public DefinitionKind kind() {
        return kind;
    }

    public Optional<E> find(String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(em().find(type, key));
    }

    /** The row, or 404. */
    public E get(String key) {
        return find(key).orElseThrow(() -> kind.notFound(key));
    }

    /** 409 when the key is taken. */
    public void requireAbsent(String key) {
        find(key).ifPresent(e -> {
            throw kind.exists(key, e.fileManaged() ? e.sourceFile : null);
        });
    }

    /**
     * Before a replace or delete through the API: 409 for a file-managed row, 428 without {@code If-Match}, 412 when
     * it is not the current version.
     */
    public void requireWritable(E e, Integer ifMatch) {
        Preconditions.requireApiManaged(kind.title(), e.key, e.source, e.sourceFile);
        Preconditions.requireVersion(kind.title(), e.key, e.version, ifMatch);
    }

    /**
     * A file's row to save into: the existing file-managed one, or a new one stamped for the file (not yet stored).
     * 409 when the API manages the key.
     */
    public E forFile(String key, String sourceFile, java.util.function.Supplier<E> factory) {
        Optional<E> existing = find(key);
        if (existing.isPresent()) {
            if (!existing.get().fileManaged()) {
                throw kind.managedByApi(key);
            }
            return existing.get();
        }
        E e = factory.get();
        e.key = key;
        e.source = ManagedDefinition.SOURCE_FILE;
        e.createdAt = clock.instant();
        e.createdBy = actor(sourceFile);
        return e;
    }

    /** A new API-managed row (not yet stored). */
    public E newApiManaged(String key, String actor, java.util.function.Supplier<E> factory) {
        E e = factory.get();
        e.key = key;
        e.source = ManagedDefinition.SOURCE_API;
        e.createdAt = clock.instant();
        e.createdBy = actor;
        return e;
    }

    /** The actor of changes a file makes. */
    public static String actor(String sourceFile) {
        return "file:" + sourceFile;
    }

    /** Who changed the row last, and when; call before {@link #created} or {@link #saved}. */
    public void touch(E e, String actor) {
        e.updatedAt = clock.instant();
        e.updatedBy = actor;
    }

    /**
     * Stores a new row and audits it; 409 when the key is taken, even by a concurrent request. Its version is 1
     * unless the caller set a higher one (a key re-created after a delete may continue its history).
     */
    public V created(E e) {
        e.version = Math.max(1, e.version);
        try {
            em().persist(e);
            em().flush();
        } catch (RuntimeException ex) {
            throw translate(ex, e.key, true);
        }
        V after = view.apply(e);
        audit.record(kind.name() + ".create", kind.name(), e.key, null, after);
        return after;
    }

    /**
     * Writes the changes made to a stored row (one version up) and audits them; 412 when another request changed or
     * deleted it since it was read.
     */
    public V saved(E e, V before) {
        return saved(e, before, kind.name() + ".update");
    }

    /** As {@link #saved(ManagedDefinition, Object)} with another audit action ({@code sync.pause}). */
    public V saved(E e, V before, String action) {
        flush(e.key);
        V after = view.apply(e);
        audit.record(action, kind.name(), e.key, before, after);
        return after;
    }

    /** A new row, or the changes to a stored one: {@link #created} or {@link #saved}. */
    public V upserted(E e, V before) {
        return before == null ? created(e) : saved(e, before);
    }

    /** Deletes a row and audits it; 412 when another request changed or deleted it since it was read. */
    public void deleted(E e) {
        V before = view.apply(e);
        em().remove(e);
        flush(e.key);
        audit.record(kind.name() + ".delete", kind.name(), e.key, before, null);
    }

    private void flush(String key) {
        try {
            em().flush();
        } catch (RuntimeException ex) {
            throw translate(ex, key, false);
        }
    }

    /** A lost race as a problem; anything else as it was. */
    private RuntimeException translate(RuntimeException ex, String key, boolean creating) {
        if (creating && uniqueViolation(ex)) {
            LOG.debugf("%s '%s': a concurrent create took the key", kind.name(), key);
            return kind.exists(key, null);
        }
        if (!creating && lostRace(ex)) {
            LOG.debugf("%s '%s': a concurrent write won", kind.name(), key);
            return kind.changedMeanwhile(key);
        }
        return ex;
    }

    private static boolean lostRace(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OptimisticLockException
                    || t instanceof StaleStateException
                    || t instanceof PessimisticLockException
                    || t instanceof LockAcquisitionException) {
                return true;
            }
        }
        return false;
    }

    private static boolean uniqueViolation(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException c && UNIQUE_VIOLATION.equals(c.getSQLState())) {
                return true;
            }
            if (t instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static EntityManager em() {
        return Panache.getEntityManager();
    }
}
