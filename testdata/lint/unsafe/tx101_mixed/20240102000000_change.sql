SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE posts ADD COLUMN body text;
-- expect: TX101
UPDATE posts SET body = '';
