package dev.masync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.platform.problem.ProblemError;

import java.time.Instant;
import java.util.List;

/**
 * A sync as the API shows it: the definition plus bookkeeping.
 *
 * @param warnings what the answer to a save wants the user to know although the sync was saved (e.g.
 *                 {@code mapping_not_checked}: the destination's fields could not be read); empty, and left out,
 *                 otherwise
 */
public record SyncView(
        String key,
        int version,
        String source,
        String sourceFile,

        @org.eclipse.microprofile.openapi.annotations.media.Schema(implementation = SyncSchema.class)
        JsonNode definition,

        Instant nextRunAt,
        boolean running,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ProblemError> warnings) {

    public SyncView {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** This view with the warnings of the save that produced it. */
    public SyncView withWarnings(List<ProblemError> warnings) {
        return warnings.isEmpty()
                ? this
                : new SyncView(
                        key,
                        version,
                        source,
                        sourceFile,
                        definition,
                        nextRunAt,
                        running,
                        createdAt,
                        createdBy,
                        updatedAt,
                        updatedBy,
                        warnings);
    }
}
