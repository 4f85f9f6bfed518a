ALTER TABLE users ADD CONSTRAINT users_age_nonneg CHECK (age >= 0);
