SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: MF108 PG109
ALTER TABLE posts DROP CONSTRAINT posts_pkey, ADD CONSTRAINT posts_pk PRIMARY KEY (id);
