package dev.masync.sync;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** A sync as the API shows it: the definition plus bookkeeping. */
public record SyncView(
        String key,
        int version,
        String source,
        String sourceFile,
        JsonNode definition,
        Instant nextRunAt,
        boolean running,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy) {}
