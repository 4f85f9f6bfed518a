CREATE OR REPLACE VIEW published_posts AS SELECT id, title, updated_at FROM articles WHERE status = 'published';
