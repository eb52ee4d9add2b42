package dev.masync.connector.spi;

/**
 * An optional capability: a {@link Destination} that can check, on demand, that a configured destination is
 * usable (reachable, credentials accepted, writable) implements this interface too. {@code POST
 * /api/v1/destinations/{key}/test} calls it after the settings validated and every secret resolved.
 *
 * <p>A probe must not change anything a user of the destination sees: no records written, no lists created. It
 * may read (fetch an account, list fields) or write and remove something invisible (a temporary file). It is
 * called rarely, from a request thread, and may be called concurrently with {@link Destination#push}; the same
 * threading rules apply. It never retries or sleeps.
 *
 * <p>Failures are reported as for a push:
 * <ul>
 *   <li>{@link PermanentException}: the destination cannot work as configured; the {@link PermanentException#code()
 *       code} says why (auth, permission, invalid configuration);</li>
 *   <li>{@link RetryableException}: the destination did not answer or is throttling; try again later.</li>
 * </ul>
 * Returning normally means the destination looks usable.
 */
@FunctionalInterface
public interface Probe {

    /**
     * @param context the destination's validated settings and the secret resolver
     * @throws PermanentException when the destination cannot work until someone acts
     * @throws RetryableException when it could not be checked right now
     */
    void probe(DestinationContext context);
}
