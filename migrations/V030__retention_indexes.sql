-- Retention (masync.retention.*) deletes finished runs and rejections by age: index the columns it selects on.
CREATE INDEX ix_sync_runs_finished ON sync_runs (finished_at);
CREATE INDEX ix_run_rejections_rejected ON run_rejections (rejected_at);
