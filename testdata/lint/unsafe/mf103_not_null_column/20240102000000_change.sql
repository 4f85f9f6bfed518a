SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: MF103
ALTER TABLE users ADD COLUMN country text NOT NULL;
