-- A step that gave up on an error that may pass (database or storage unavailable) is recorded as
-- transient: the worker's periodic reconcile queues it again, up to a limit, while permanent
-- failures (a corrupt file) stay until an operator clears them.
ALTER TABLE asset_job_failures ADD COLUMN transient boolean NOT NULL DEFAULT false;
