SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE TABLE accounts_new (id bigint PRIMARY KEY, handle text NOT NULL, joined date);
INSERT INTO accounts_new (id, handle) SELECT id, handle FROM accounts;
DROP TABLE accounts;
-- expect: LK101
ALTER TABLE accounts_new RENAME TO accounts;
