package dev.masync.destination;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Objects;

/**
 * The answer of {@code POST /api/v1/destinations/{key}/test}: whether the destination looks usable, and if not why.
 * Never holds a secret value; secrets are named by their reference.
 */
public record DestinationCheck(boolean ok, List<CheckProblem> problems) {

    public DestinationCheck {
        problems = List.copyOf(problems);
    }

    static DestinationCheck of(List<CheckProblem> problems) {
        return new DestinationCheck(problems.isEmpty(), problems);
    }

    /**
     * @param pointer the setting concerned ({@code /settings/secret}), or empty for the destination as a whole; for a
     *                problem of a sync writing to the destination, the member of that sync's definition
     *                ({@code /mapping/2/target}, {@code /identity/field}, {@code /membership/field})
     * @param code    {@code invalid_setting}, {@code unknown_type}, {@code secret_missing}, {@code secret_empty}, or
     *                from the probe or the schema read: {@code auth}, {@code permission}, {@code invalid_config},
     *                {@code invalid_request}, {@code unavailable}, {@code probe_failed}, {@code schema_failed}; or
     *                from the mapping checks (see {@code sync/MappingFit}): {@code mapping_field_missing},
     *                {@code mapping_type_mismatch}, {@code identity_field_not_unique}, {@code sync_invalid}…
     * @param message what is wrong and how to fix it
     * @param sync    the key of the sync the problem belongs to; null (and left out) for the destination's own
     */
    public record CheckProblem(
            String pointer,
            String code,
            String message,
            @JsonInclude(JsonInclude.Include.NON_NULL) String sync) {
        public CheckProblem {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        /** A problem of the destination itself. */
        public CheckProblem(String pointer, String code, String message) {
            this(pointer, code, message, null);
        }
    }
}
