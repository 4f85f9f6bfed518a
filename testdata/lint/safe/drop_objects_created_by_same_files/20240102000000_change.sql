CREATE VIEW recent_posts AS SELECT id, title FROM posts;
CREATE DOMAIN short_text AS text;
CREATE SEQUENCE ticket_numbers AS bigint;
CREATE FUNCTION one() RETURNS bigint LANGUAGE sql AS 'SELECT 1';
CREATE EXTENSION hstore;
CREATE POLICY posts_titled ON posts USING (title IS NOT NULL);
