ALTER TABLE posts ADD COLUMN updated_at timestamptz;
