-- Destinations: configured instances of a connector type. Settings hold secrets only as references (env:NAME,
-- file:/path), never values. A rate limit is both columns or neither.
CREATE TABLE destinations (
    destination_key  VARCHAR(100) PRIMARY KEY,
    name             VARCHAR(200) NOT NULL,
    type             VARCHAR(50) NOT NULL,
    settings_json    VARCHAR(100000) NOT NULL,
    batch_size       INTEGER,
    rate_requests    INTEGER,
    rate_per_ms      BIGINT,
    version          INTEGER NOT NULL,
    source           VARCHAR(16) NOT NULL,
    source_file      VARCHAR(500),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by       VARCHAR(100) NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by       VARCHAR(100) NOT NULL,
    CONSTRAINT ck_destinations_source CHECK (source IN ('api', 'file')),
    CONSTRAINT ck_destinations_batch_size CHECK (batch_size IS NULL OR batch_size >= 1),
    CONSTRAINT ck_destinations_rate CHECK ((rate_requests IS NULL AND rate_per_ms IS NULL)
        OR (rate_requests >= 1 AND rate_per_ms >= 1))
);
