SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: MF104
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
