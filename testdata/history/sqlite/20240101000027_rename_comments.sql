ALTER TABLE comments RENAME TO post_comments;
