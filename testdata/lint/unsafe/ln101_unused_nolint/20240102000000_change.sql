SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- The column is added, nothing is dropped: the directive below silences nothing.
-- expect-below: LN101
-- schemactl:nolint DS102
ALTER TABLE users ADD COLUMN nickname text;
-- expect-below: LN101
-- atlas:nolint

SELECT 1;
