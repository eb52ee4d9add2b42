-- A targeted run (trigger 'webhook', issue 12 §3) records the inbox events it handled: JSON {"count": n, "ids": [...]}
-- (ids of the webhook inbox, at most the first 200).
ALTER TABLE sync_runs ADD COLUMN webhook_events VARCHAR(4000);
