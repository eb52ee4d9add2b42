package dev.masync.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.Objects;

/**
 * The audit log. Every feature that writes calls {@link #record} inside the transaction of its write, so the entry
 * is stored if and only if the write is.
 */
@ApplicationScoped
public class AuditLog {
    static final String REQUEST_ID_HEADER = "X-Request-Id";

    private final AuditJson json;
    private final Clock clock;

    AuditLog(ObjectMapper mapper, Clock clock) {
        this.json = new AuditJson(mapper);
        this.clock = clock;
    }

    /**
     * Records a write by the current caller ({@code system} outside an API request). Pass views, never entities or
     * requests that hold secrets; properties marked {@link Secret} are left out whatever is passed.
     *
     * @param action     what happened, {@code <entity>.<verb>}, e.g. {@code api_key.create}, {@code segment.update}
     * @param entityType the kind of thing written, e.g. {@code api_key}, {@code segment}
     * @param entityKey  which one (its key or id)
     * @param before     its state before the write, or {@code null} when it was created; serialised with Jackson
     * @param after      its state after the write, or {@code null} when it was deleted
     * @throws IllegalArgumentException if a value cannot be serialised
     * @throws jakarta.transaction.TransactionalException without an active transaction
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String action, String entityType, String entityKey, Object before, Object after) {
        AuditEntry e = new AuditEntry();
        Actor actor = currentActor();
        e.occurredAt = clock.instant();
        e.actor = truncate(actor.name(), 100);
        e.actorRole = actor.role();
        e.actorKeyId = actor.keyId();
        e.action = Objects.requireNonNull(action, "action");
        e.entityType = Objects.requireNonNull(entityType, "entityType");
        e.entityKey = truncate(Objects.requireNonNull(entityKey, "entityKey"), 200);
        e.beforeJson = json.write(before);
        e.afterJson = json.write(after);
        e.requestId = requestId();
        e.persist();
    }

    /** The caller of the current request, or {@link Actor#SYSTEM}. */
    public Actor currentActor() {
        ArcContainer arc = Arc.container();
        if (arc == null || !arc.requestContext().isActive()) {
            return Actor.SYSTEM;
        }
        return Actor.of(arc.instance(SecurityIdentity.class).get());
    }

    AuditJson json() {
        return json;
    }

    private static String requestId() {
        ArcContainer arc = Arc.container();
        if (arc == null || !arc.requestContext().isActive()) {
            return null;
        }
        var current = arc.instance(CurrentVertxRequest.class).get().getCurrent();
        String id = current == null ? null : current.request().getHeader(REQUEST_ID_HEADER);
        return id == null || id.isBlank() ? null : truncate(id.trim(), 100);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
