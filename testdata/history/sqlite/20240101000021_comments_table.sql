CREATE TABLE comments (id integer PRIMARY KEY, post_id integer NOT NULL REFERENCES posts (id) ON DELETE CASCADE, body text NOT NULL);
