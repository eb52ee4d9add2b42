package dev.masync.connector.spi;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kind of destination the engine can push record changes to.
 *
 * <h2>Threading</h2>
 * One instance serves every destination of its {@link #type()}. The engine may call {@link #push} concurrently
 * from several threads, for different batches (of the same or different syncs). Implementations keep no
 * per-push mutable state in fields; everything a push needs comes from its {@link DestinationContext} and
 * {@link Batch}. The engine never pushes two batches of the same sync at the same time.
 *
 * <h2>Idempotency</h2>
 * Delivery is at least once: after a crash, a timeout or a {@link RetryableException} the engine pushes the
 * same batch (same {@link Batch#id()}, same records) again, possibly after the destination already applied
 * it. A push must be safe to replay: write by destination key (upsert, not append), or hand the batch id to the
 * destination as an idempotency key. Connectors never retry or sleep themselves; retry and back-off live in the
 * engine.
 *
 * <h2>Batch size</h2>
 * The engine never sends a batch larger than {@link #limits()}, counting records and the approximate
 * serialized size of the changed fields. A connector may still split a batch into several vendor calls.
 *
 * <h2>Capabilities</h2>
 * {@link #capabilities()} declares how records are identified, which sync modes and which membership styles the
 * connector carries out; a sync asking for anything else is refused when it is saved, so {@link #push} only ever
 * sees batches within them. A connector may also implement {@link Probe} (check a destination on demand); optional
 * abilities are separate interfaces so that a connector implements only what its vendor offers.
 *
 * <h2>Failures</h2>
 * <ul>
 *   <li>A record the destination refuses (invalid e-mail, unknown field…) is a {@link RecordOutcome#rejected
 *       rejection} in the returned {@link BatchResult}, never an exception. The other records stand.</li>
 *   <li>{@link RetryableException}: transient (timeout, connection reset, 408, 429, 5xx, malformed
 *       response). The whole batch is sent again, honouring {@link RetryableException#retryAfter()}.</li>
 *   <li>{@link PermanentException}: retrying cannot help until someone acts (auth, permission, invalid
 *       configuration, a request the destination will never accept). The engine stops the sync and reports
 *       the {@link PermanentException#code() code}.</li>
 *   <li>Any other runtime exception is a connector bug; the engine treats it as permanent.</li>
 * </ul>
 */
public interface Destination {

    /** A stable, lower-case identifier used in destination definitions, e.g. {@code "webhook"}. */
    String type();

    /**
     * Checks destination settings without contacting the destination. Returns every problem found, or an
     * empty list; never throws for bad input. Secrets appear in settings only as {@link SecretRef} strings.
     */
    List<SettingProblem> validate(Map<String, String> settings);

    /**
     * Every setting this connector reads, credentials included. The application refuses a definition with any
     * other setting (with a "did you mean" for a near name), so a misspelt optional setting such as {@code fromat}
     * is never silently ignored. Empty by default: a connector without settings.
     */
    default Set<String> settingNames() {
        return Set.of();
    }

    /**
     * The settings that hold credentials. Their values must be {@link SecretRef} strings ({@code env:NAME} or
     * {@code file:/path}), never the secret itself: the application refuses a definition with anything else
     * there, so stored and returned settings only ever name where a secret lives. Secrets are resolved at push
     * (and test) time through the {@link DestinationContext}. Empty by default, for connectors without
     * credentials.
     */
    default Set<String> secretSettings() {
        return Set.of();
    }

    /**
     * Sends one batch. Returns one {@link RecordOutcome} per record of the batch, in any order.
     * A record is {@link RecordOutcome.Status#CONFIRMED CONFIRMED} only when the destination durably
     * accepted it.
     *
     * @param context settings (already {@linkplain #validate validated}) and the secret resolver
     * @throws RetryableException when the batch should be sent again later
     * @throws PermanentException when sending again cannot succeed until a human acts
     */
    BatchResult push(DestinationContext context, Batch batch);

    /**
     * What this connector can do; constant for an instance. The default is what the engine assumed of every
     * connector before capabilities were declared ({@link Capabilities#FIELDS_BY_ANY_KEY}); a connector states its
     * own.
     */
    default Capabilities capabilities() {
        return Capabilities.FIELDS_BY_ANY_KEY;
    }

    /** The largest batch this destination accepts; constant for an instance. */
    BatchLimits limits();
}
