package dev.masync.segment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.segment.rule.RuleWarning;

import java.time.Instant;
import java.util.List;

/**
 * A saved segment as the API returns it. {@code warnings} is set only in the answers of create and update: values of
 * the saved rule that probably select nobody (see {@link dev.masync.segment.rule.UnknownValues}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SegmentView(
        String key,
        String name,
        String description,

        @org.eclipse.microprofile.openapi.annotations.media.Schema(
                implementation = dev.masync.segment.rule.RuleSchema.class)
        JsonNode rule,

        int version,
        String source,
        String sourceFile,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy,
        List<RuleWarning> warnings) {

    /** The same view with the save's warnings. */
    public SegmentView withWarnings(List<RuleWarning> w) {
        return new SegmentView(
                key,
                name,
                description,
                rule,
                version,
                source,
                sourceFile,
                createdAt,
                createdBy,
                updatedAt,
                updatedBy,
                List.copyOf(w));
    }
}
