SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: DS103
ALTER TABLE posts DROP COLUMN title;
