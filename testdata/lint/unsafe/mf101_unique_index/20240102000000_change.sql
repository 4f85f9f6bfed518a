-- atlas:txmode none

SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: MF101
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);
