-- A destination that asked to wait longer than masync.sync.retry.max-retry-after (a long Retry-After): no run sends
-- to it before held_until. Kept in the control DB so that a restart or another replica honours it too.
CREATE TABLE destination_holds (
    destination_key  VARCHAR(100) PRIMARY KEY,
    held_until       TIMESTAMP WITH TIME ZONE NOT NULL,
    reason           VARCHAR(1000) NOT NULL,
    CONSTRAINT fk_destination_holds_destination FOREIGN KEY (destination_key)
        REFERENCES destinations (destination_key) ON DELETE CASCADE
);
