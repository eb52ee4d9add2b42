-- What each run cost (warehouse queries, bytes processed and billed, destination requests, records and data points),
-- and a status for runs stopped by their sync's budget of bytes billed.
ALTER TABLE sync_runs ADD COLUMN cost_json VARCHAR(4000);
ALTER TABLE sync_runs DROP CONSTRAINT ck_sync_runs_status;
ALTER TABLE sync_runs ADD CONSTRAINT ck_sync_runs_status CHECK (status IN ('running', 'succeeded',
    'partially_failed', 'failed', 'blocked_by_guard', 'skipped_stale', 'cancelled', 'over_budget'));
