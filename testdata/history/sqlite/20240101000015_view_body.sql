DROP VIEW published_posts;
CREATE VIEW published_posts AS SELECT id, title, body FROM posts WHERE published = 1;
