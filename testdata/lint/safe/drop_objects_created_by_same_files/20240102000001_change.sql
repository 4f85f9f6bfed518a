DROP VIEW recent_posts;
DROP DOMAIN short_text;
DROP SEQUENCE ticket_numbers;
DROP FUNCTION one();
DROP EXTENSION hstore;
DROP POLICY posts_titled ON posts;
