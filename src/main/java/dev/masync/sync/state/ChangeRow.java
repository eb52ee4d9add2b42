package dev.masync.sync.state;

import java.util.List;

/**
 * One row of a diff, in the order the store streams them.
 *
 * @param op             what happened to the learner since the destination last heard from us
 * @param destinationKey the current destination key; null for a leaver or when the identity attribute is empty (the
 *                       shared key of an {@link Op#IDENTITY_DUPLICATE})
 * @param previousKey    the destination key held before, if any
 * @param allFields      true when every mapped field must be sent (new record, changed definition, full resync)
 * @param changed        per mapped field, whether its value differs from what the destination holds
 * @param values         per mapped field, the current value (as read from the warehouse)
 */
public record ChangeRow(
        long seq,
        Op op,
        String learnerKey,
        String destinationKey,
        String previousKey,
        boolean allFields,
        boolean[] changed,
        List<Object> values,
        String rowHash) {

    /** The operation of a diff row; {@link #code()} is how the state tables store it. */
    public enum Op {
        /** A member the destination does not hold. */
        ENTERED('E'),
        /** A held member whose mapped values (or definition) differ. */
        CHANGED('C'),
        /** A held record no longer in the segment. */
        LEFT('L'),
        /** A held, unchanged member, included only by a full resync. */
        UNCHANGED('U'),
        /** A member whose identity attribute is NULL: never sent nor folded into the state. */
        IDENTITY_NULL('N'),
        /** A member whose destination key another member shares: never sent nor folded into the state. */
        IDENTITY_DUPLICATE('D');

        private final char code;

        Op(char code) {
            this.code = code;
        }

        public char code() {
            return code;
        }

        public static Op of(char code) {
            for (Op op : values()) {
                if (op.code == code) {
                    return op;
                }
            }
            throw new IllegalArgumentException("unknown diff operation '" + code + "'");
        }
    }
}
