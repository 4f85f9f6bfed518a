-- schemactl:nolint BC101

SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- atlas:nolint DS103
ALTER TABLE posts DROP COLUMN title;
-- schemactl:nolint destructive
DROP TABLE archive.old;
ALTER TABLE users RENAME TO members;
