DROP INDEX posts_user_id_idx;
CREATE INDEX posts_by_user ON posts (user_id);
