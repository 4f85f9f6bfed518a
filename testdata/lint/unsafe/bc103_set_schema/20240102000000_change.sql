SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: BC103
ALTER TABLE posts SET SCHEMA archive;
