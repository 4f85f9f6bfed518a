CREATE VIEW adult_users AS SELECT id, full_name FROM users WHERE age >= 18;
