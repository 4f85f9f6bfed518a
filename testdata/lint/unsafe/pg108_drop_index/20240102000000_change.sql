SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: PG108
DROP INDEX users_name;
