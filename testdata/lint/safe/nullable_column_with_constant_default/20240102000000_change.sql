SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE users ADD COLUMN bio text;
ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();
