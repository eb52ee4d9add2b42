package dev.masync.segment;

import com.fasterxml.jackson.databind.JsonNode;

/** A segment definition as clients send it (POST creates, PUT replaces; on PUT {@code key} may be omitted). */
public record SegmentRequest(
        String key,
        String name,
        String description,

        @org.eclipse.microprofile.openapi.annotations.media.Schema(
                implementation = dev.masync.segment.rule.RuleSchema.class)
        JsonNode rule) {}
