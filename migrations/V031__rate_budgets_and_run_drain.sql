-- One call budget per destination account (issue 10 §4), shared by every sync and every replica: the next free call
-- slot (replicas lease blocks of slots from it), a pause every caller honours (a throttle), and the calls spent in
-- the current day of the daily quota. Times are epoch microseconds. Rows are keyed by the connector's account id
-- (e.g. "hubspot:portal:4711") or "destination:<key>" for a destination's own rateLimit; they outlive destinations.
CREATE TABLE rate_budgets (
    account          VARCHAR(500) PRIMARY KEY,
    next_slot_us     BIGINT NOT NULL,
    paused_until_us  BIGINT NOT NULL,
    day_start_us     BIGINT NOT NULL,
    day_used         BIGINT NOT NULL,
    version          BIGINT NOT NULL
);

-- What a run projected before pushing (vendor calls, and how long draining them takes at the account's budget), and
-- projected against actual once it ended.
ALTER TABLE sync_runs ADD COLUMN projected_calls BIGINT;
ALTER TABLE sync_runs ADD COLUMN projected_drain_ms BIGINT;
ALTER TABLE sync_runs ADD COLUMN drain_json VARCHAR(1000);
