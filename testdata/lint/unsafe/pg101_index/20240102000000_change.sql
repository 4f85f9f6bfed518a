SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: PG101
CREATE INDEX posts_user_id ON posts (user_id);
