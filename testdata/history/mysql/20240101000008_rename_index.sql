ALTER TABLE users RENAME INDEX users_email TO users_email_key;
