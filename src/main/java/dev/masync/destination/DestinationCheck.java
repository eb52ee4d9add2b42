package dev.masync.destination;

import java.util.List;

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
     * @param pointer the setting concerned ({@code /settings/secret}), or empty for the destination as a whole
     * @param code    {@code invalid_setting}, {@code unknown_type}, {@code secret_missing}, {@code secret_empty}, or
     *                from the probe: {@code auth}, {@code permission}, {@code invalid_config},
     *                {@code invalid_request}, {@code unavailable}, {@code probe_failed}
     * @param message what is wrong and how to fix it
     */
    public record CheckProblem(String pointer, String code, String message) {}
}
