DROP TABLE IF EXISTS never_created;
CREATE TABLE IF NOT EXISTS users (id bigint);
