package dev.masync.platform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.ZoneId;

/** Settings every feature shares. */
@ConfigMapping(prefix = "masync")
public interface MasyncConfig {

    /** Where embedded state lives: H2 control DB, DuckDB demo warehouse, file-connector outbox. */
    @WithDefault("./data")
    Path dataDir();

    /** Zone for dates and relative windows; zone-less warehouse timestamps are read in it. */
    @WithDefault("Asia/Tokyo")
    ZoneId timeZone();
}
