SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE FUNCTION next_code() RETURNS bigint LANGUAGE sql VOLATILE AS 'SELECT (random() * 100)::bigint';
-- No rule knows next_code() is volatile; the dev database shows the rewrite.
-- expect: PG114
ALTER TABLE posts ADD COLUMN code bigint DEFAULT next_code();
