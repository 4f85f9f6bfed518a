CREATE INDEX comments_post_idx ON comments (post_id);
