SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: EX101
ALTER TABLE nope ADD COLUMN x text;
