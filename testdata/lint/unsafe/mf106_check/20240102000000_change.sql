SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: MF106 PG104
ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0);
