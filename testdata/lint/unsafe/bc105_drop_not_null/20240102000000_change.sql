SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE users ALTER COLUMN email SET DEFAULT '';
-- expect: MF104
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
