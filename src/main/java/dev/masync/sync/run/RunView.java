package dev.masync.sync.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Duration;
import java.time.Instant;

/**
 * A run as the API shows it. {@code projectedCalls} and {@code projectedDrain} (ISO-8601) are what the run projected
 * before pushing; {@code drain} holds them with the calls taken and the push's duration once it ended.
 * {@code events}: for a run triggered by webhooks, the inbox events it handled ({@code count}, {@code ids}).
 * {@code samplesAt}: only in the answer that starts a dry run, where its samples appear.
 */
public record RunView(
        long id,
        String sync,
        String trigger,
        String status,
        boolean dryRun,
        boolean fullResync,
        boolean force,
        String createdBy,
        String owner,
        Instant startedAt,
        Instant finishedAt,
        Instant evaluatedAt,

        @Schema(implementation = RunCounts.class) JsonNode counts,

        @Schema(implementation = RunViewSchemas.Phases.class)
        JsonNode phasesMillis,

        @Schema(implementation = RunMonitor.Progress.class) JsonNode progress,

        @Schema(implementation = RunViewSchemas.Samples.class)
        JsonNode samples,

        String reason,

        @Schema(
                description = "max() of the sync's freshness attribute in the learners table, read before the run"
                        + " (as the warehouse wrote it); null without a freshness setting")
        String freshness,

        @Schema(implementation = RunCost.class) JsonNode cost,

        @Schema(description = "destination calls projected before pushing")
        Long projectedCalls,

        @Schema(
                description = "how long those calls were projected to take (ISO-8601 duration, e.g. PT2M30S); null"
                        + " without a rate limit")
        String projectedDrain,

        @Schema(implementation = RunDrain.class) JsonNode drain,

        @Schema(implementation = RunViewSchemas.Events.class)
        JsonNode events,

        @JsonInclude(JsonInclude.Include.NON_NULL) SamplesAt samplesAt) {

    /**
     * Where a dry run's samples appear: in the field {@code field} of the run at {@code url}, once its status is no
     * longer {@code running} ({@code POST …/runs?wait=} answers the ended run itself).
     */
    public record SamplesAt(String url, String field) {
        static SamplesAt of(long runId) {
            return new SamplesAt(RunView.url(runId), "samples");
        }
    }

    /** The run's own address. */
    static String url(long runId) {
        return "/api/v1/runs/" + runId;
    }

    /** The same view with where its samples appear (dry runs) or as it is. */
    RunView withSamplesAt() {
        if (!dryRun) {
            return this;
        }
        return new RunView(
                id,
                sync,
                trigger,
                status,
                dryRun,
                fullResync,
                force,
                createdBy,
                owner,
                startedAt,
                finishedAt,
                evaluatedAt,
                counts,
                phasesMillis,
                progress,
                samples,
                reason,
                freshness,
                cost,
                projectedCalls,
                projectedDrain,
                drain,
                events,
                SamplesAt.of(id));
    }

    static RunView of(SyncRunEntity e) {
        return new RunView(
                e.id,
                e.syncKey,
                e.trigger,
                e.status,
                e.dryRun,
                e.fullResync,
                e.forced,
                e.createdBy,
                e.owner,
                e.startedAt,
                e.finishedAt,
                e.evaluatedAt,
                tree(e.countsJson),
                tree(e.phasesJson),
                tree(e.progressJson),
                tree(e.samplesJson),
                e.reason,
                e.freshness,
                tree(e.costJson),
                e.projectedCalls,
                e.projectedDrainMillis == null
                        ? null
                        : Duration.ofMillis(e.projectedDrainMillis).toString(),
                tree(e.drainJson),
                tree(e.webhookEvents),
                null);
    }

    private static JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return RunJson.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
