ALTER TABLE users DROP CONSTRAINT users_age_positive;
DROP INDEX articles_user_id_idx;
