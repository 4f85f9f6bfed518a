SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE archive.old ALTER COLUMN note TYPE text;
