CREATE OR REPLACE VIEW adult_users AS SELECT id, full_name, email FROM users WHERE age >= 18;
