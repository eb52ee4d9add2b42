-- The confirmation journal records every step of a batch (sending, confirmed, uncertain) with the run that wrote
-- it, and each state key has an owner run: only the owner may append, so a replica that lost its lease cannot write
-- over the run of the replica that took over (fencing). Entries written before this migration were confirmations
-- of a run without an owner (run 0), which the next run folds as before.
ALTER TABLE sync_confirmations ADD COLUMN run_id BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE sync_confirmations ADD COLUMN kind VARCHAR(16) DEFAULT 'CONFIRMED' NOT NULL;
ALTER TABLE sync_confirmations ADD CONSTRAINT ck_sync_confirmations_kind
    CHECK (kind IN ('SENDING', 'CONFIRMED', 'UNCERTAIN'));

CREATE TABLE sync_state_owners (
    -- the state key: the sync key and its state generation
    state_key   VARCHAR(140) PRIMARY KEY,
    run_id      BIGINT NOT NULL,
    claimed_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
