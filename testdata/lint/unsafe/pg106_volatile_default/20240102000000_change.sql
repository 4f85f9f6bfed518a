SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: PG106
ALTER TABLE posts ADD COLUMN token uuid DEFAULT gen_random_uuid();
