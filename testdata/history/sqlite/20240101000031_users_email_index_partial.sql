CREATE INDEX users_adults ON users (age) WHERE age >= 18;
