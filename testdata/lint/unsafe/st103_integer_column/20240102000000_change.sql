SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: ST103
ALTER TABLE posts ADD COLUMN views integer;
-- expect: ST103
CREATE TABLE counters (id bigint PRIMARY KEY, hits smallint NOT NULL DEFAULT 0);
