SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: DS105
DROP DOMAIN positive_amount;
-- expect: DS105
DROP POLICY posts_with_author ON posts;
-- expect: DS105
DROP EXTENSION citext;
