SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- schemactl:nolint ST101
ALTER TABLE archive.old ADD COLUMN note varchar(50);
