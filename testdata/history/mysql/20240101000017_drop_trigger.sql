DROP TRIGGER users_age_guard;
