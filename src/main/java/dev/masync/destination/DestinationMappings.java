package dev.masync.destination;

import dev.masync.connector.spi.DestinationSchema;
import dev.masync.destination.DestinationCheck.CheckProblem;

import java.util.List;

/**
 * Checks what the syncs writing to a destination send against the destination's schema, for {@code POST
 * /api/v1/destinations/{key}/test}. The sync feature provides the implementation; until it does,
 * {@link NoDestinationMappings} finds nothing to check.
 */
public interface DestinationMappings {

    /**
     * Every problem of every sync writing to {@code destination} (fields that do not exist, are read-only or cannot
     * take what is mapped to them; an identity that cannot find records), each naming its sync.
     */
    List<CheckProblem> check(DestinationDefinition destination, DestinationSchema schema);
}
