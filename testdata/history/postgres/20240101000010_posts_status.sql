ALTER TABLE posts ADD COLUMN status post_status NOT NULL DEFAULT 'draft';
