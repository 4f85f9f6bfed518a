SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: DS102
DROP TABLE archive.old;
