SET lock_timeout = '2s';
-- expect: PG113
ALTER TABLE posts ADD COLUMN body text;
