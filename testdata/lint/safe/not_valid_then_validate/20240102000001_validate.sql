SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE posts VALIDATE CONSTRAINT posts_user_fk;
ALTER TABLE users VALIDATE CONSTRAINT age_positive;
