ALTER TABLE users RENAME CONSTRAINT users_age_check TO users_age_positive;
