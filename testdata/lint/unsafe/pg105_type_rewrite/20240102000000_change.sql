SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: PG105
ALTER TABLE users ALTER COLUMN age TYPE numeric;
