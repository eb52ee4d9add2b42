package dev.masync.sync.state;

import java.util.List;

/**
 * One row of a diff, in the order the store streams them.
 *
 * @param op            {@code E} entered, {@code C} changed, {@code L} left, {@code U} unchanged (full resync only)
 * @param destinationKey the current destination key; null for a leaver or when the identity attribute is empty
 * @param previousKey   the destination key held before, if any
 * @param allFields     true when every mapped field must be sent (new record, changed definition, full resync)
 * @param changed       per mapped field, whether its value differs from what the destination holds
 * @param values        per mapped field, the current value (as read from the warehouse)
 */
public record ChangeRow(
        long seq,
        char op,
        String learnerKey,
        String destinationKey,
        String previousKey,
        boolean allFields,
        boolean[] changed,
        List<Object> values,
        String rowHash) {}
