CREATE INDEX comments_post_id ON comments (post_id);
ALTER TABLE comments ADD COLUMN author text NOT NULL;
ALTER TABLE comments ADD CONSTRAINT comments_post_fk FOREIGN KEY (post_id) REFERENCES posts (id);
ALTER TABLE comments ADD CONSTRAINT body_len CHECK (char_length(body) < 1000);
ALTER TABLE comments ALTER COLUMN body SET NOT NULL;
ALTER TABLE comments RENAME COLUMN author TO author_name;
ALTER TABLE comments DROP COLUMN author_name;
