package dev.masync.segment;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;

/** Segments as code. */
@ConfigMapping(prefix = "masync.segments")
public interface SegmentsConfig {

    /** Folder of {@code *.yaml} segment definitions loaded at start (read-only through REST). */
    @WithDefault("segments")
    Path dir();
}
