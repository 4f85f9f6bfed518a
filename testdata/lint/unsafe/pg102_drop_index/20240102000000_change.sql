SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: PG102
DROP INDEX users_name;
