package dev.masync.connector.spi;

import java.util.Map;
import java.util.OptionalInt;

/**
 * An optional ability: a connector that keeps list-style membership as items of one bounded field of each record
 * (Braze: an item in an array attribute) says how many items that field holds. A sync's item is its membership
 * {@link MembershipTarget#value() value}, or the sync's key when it gives none. Every sync with list membership in the
 * same field of one destination shares that field: the application refuses, when a sync is saved, an item that would
 * not fit beside the other syncs' items (naming them) and an item another sync already writes there (its leavers would
 * take the other sync's members out), instead of the destination dropping a learner's oldest item unnoticed.
 *
 * <p>Reads settings only; no I/O.
 */
@FunctionalInterface
public interface ListCapacity {

    /**
     * @param settings the destination's settings (validated)
     * @param field    the membership field the syncs name ({@link MembershipTarget#name()})
     * @return how many distinct items one record's {@code field} holds at that destination; empty when unbounded
     */
    OptionalInt itemsPerRecord(Map<String, String> settings, String field);
}
