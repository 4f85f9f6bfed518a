SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: BC105
ALTER TABLE accounts ALTER COLUMN handle DROP NOT NULL;
