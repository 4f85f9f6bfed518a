SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: MF105 PG105 ST103
ALTER TABLE users ALTER COLUMN age TYPE integer;
