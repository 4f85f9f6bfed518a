SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: BC102
ALTER TABLE users RENAME COLUMN name TO full_name;
