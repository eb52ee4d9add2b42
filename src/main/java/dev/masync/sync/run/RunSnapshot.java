package dev.masync.sync.run;

import dev.masync.connector.spi.Destination;
import dev.masync.destination.DestinationDefinition;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentLookup;
import dev.masync.sync.SyncDefinition;

import java.util.Map;

/**
 * Everything a run reads from the control DB, read once before it starts: the run then needs no entity and parses
 * no rule. {@code segments} holds every saved segment's rule, since references are resolved on the run's thread.
 */
public record RunSnapshot(
        String syncKey,
        SyncDefinition definition,
        String stateId,
        String lastFreshness,
        DestinationDefinition destination,
        Destination connector,
        Rule rule,
        SegmentLookup segments,
        Map<String, RunEngine.OpenError> openErrors) {}
