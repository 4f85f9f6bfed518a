SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: MF107 PG108
ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
