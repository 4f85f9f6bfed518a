SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: DS103 DS104 DS105
ALTER TABLE users DROP COLUMN email CASCADE;
