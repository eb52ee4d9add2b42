package dev.masync.sync.run;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * OpenAPI schemas of the run view's JSON columns that have no Java type of their own: the view passes them through
 * as read from the run ({@link RunView}), so these records only document what {@link RunCoordinator},
 * {@link RunColumns} and {@link PersistingMonitor} write. {@code counts}, {@code progress}, {@code cost} and
 * {@code drain} are documented by the records written ({@link RunCounts}, {@link RunMonitor.Progress},
 * {@link RunCost}, {@link RunDrain}).
 */
public final class RunViewSchemas {
    private RunViewSchemas() {}

    /** {@code phasesMillis}: the engine's phases, then {@code total} (absent for a phase the run did not reach). */
    @Schema(
            name = "RunPhases",
            description = "Milliseconds per phase of the run; a phase the run did not reach is left out")
    public record Phases(
            @Schema(description = "comparing the segment now with the state at the destination")
            Long diff,

            @Schema(description = "reading the changed members' values")
            Long load,

            @Schema(description = "sending the changes to the destination")
            Long push,

            @Schema(description = "recording what the destination confirmed")
            Long commit,

            @Schema(description = "the whole run, start to end")
            Long total) {}

    /** {@code samples}: a dry run's changes, up to a few per kind (see {@code RunEngine}). */
    @Schema(
            name = "RunSamples",
            description =
                    "A dry run's samples of the changes it would send, by kind, once it ended (a few of each; lists may be"
                            + " shortened to fit)")
    public record Samples(List<Sample> entered, List<Sample> changed, List<Sample> left) {}

    /** One sampled change, as the connector would receive it. */
    @Schema(name = "RunSample", description = "One change a dry run would send")
    public record Sample(
            String learnerKey,

            @Schema(description = "the record's key at the destination (the sync's identity value)")
            String recordKey,

            @Schema(enumeration = {"upsert", "update", "remove"})
            String kind,

            @Schema(
                    description = "the fields sent, by destination field name (the sync's mapping decides the names);"
                            + " empty for a removal")
            Map<String, Object> fields) {}

    /** {@code events}: see {@link RunColumns#eventsJson}. */
    @Schema(
            name = "RunEvents",
            description = "The inbound webhook events a run triggered by webhooks handled (absent for other runs)")
    public record Events(
            @Schema(description = "how many events the run handled")
            int count,

            @Schema(description = "the first 200 of their ids (see GET /api/v1/webhooks/events)")
            List<Long> ids) {}
}
