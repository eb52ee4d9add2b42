package dev.masync.segment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** A saved segment as the API returns it. */
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
        String updatedBy) {}
