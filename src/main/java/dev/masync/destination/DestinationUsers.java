package dev.masync.destination;

import java.util.List;

/**
 * Who uses a destination. The sync engine provides the implementation; until it does, {@link NoDestinationUsers}
 * answers that nobody does. A destination in use cannot be deleted, and one whose file disappeared is kept.
 */
public interface DestinationUsers {

    /** Keys of the syncs that write to {@code destinationKey}; empty when none does. */
    List<String> syncsUsing(String destinationKey);
}
