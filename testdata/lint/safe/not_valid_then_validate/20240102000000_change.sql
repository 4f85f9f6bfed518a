SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0) NOT VALID;
