-- atlas:txmode none

SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_user_id ON posts (user_id);
DROP INDEX CONCURRENTLY IF EXISTS users_name;
