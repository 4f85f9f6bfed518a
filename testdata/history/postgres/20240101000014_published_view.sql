CREATE VIEW published_posts AS SELECT id, title FROM posts WHERE status = 'published';
