SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- Duplicates were checked before this migration; the lock is still taken.
-- schemactl:nolint MF101
-- expect: PG109
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
