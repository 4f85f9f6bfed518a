SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: BC101
ALTER TABLE posts RENAME TO articles;
