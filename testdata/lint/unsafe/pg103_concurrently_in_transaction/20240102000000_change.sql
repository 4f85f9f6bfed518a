SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: PG103
CREATE INDEX CONCURRENTLY posts_user_id ON posts (user_id);
