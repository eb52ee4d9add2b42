package dev.masync.segment.rule;

import dev.masync.platform.problem.ProblemError;

import java.util.List;

/** The result of {@link RuleParser#parse}: a rule, or (when {@code errors} is not empty) a partial one to ignore. */
public record Parsed(Rule rule, List<ProblemError> errors) {
    public Parsed {
        errors = List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty() && rule != null;
    }
}
