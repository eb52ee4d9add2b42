package dev.masync.segment;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;

/** Segments as code, and the limits of evaluating segments on request. */
@ConfigMapping(prefix = "masync.segments")
public interface SegmentsConfig {

    /** Folder of {@code *.yaml} segment definitions loaded at start (read-only through REST). */
    @WithDefault("segments")
    Path dir();

    /**
     * Longest one warehouse query of a preview, member page, edit impact or explain may run; DuckDB cancels it and
     * the request answers 422 {@code preview_timeout}. (BigQuery jobs keep
     * {@code masync.warehouse.bigquery.query-timeout}.)
     */
    @WithDefault("30s")
    Duration previewTimeout();

    /**
     * BigQuery's {@code maximumBytesBilled} for those queries (below {@code masync.warehouse.bigquery.
     * maximum-bytes-billed} if that is lower): a query that would bill more does not run and the request answers 422
     * {@code bytes_billed_limit}. Default 100 GiB.
     */
    @WithDefault("107374182400")
    long previewMaximumBytesBilled();
}
