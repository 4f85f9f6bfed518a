CREATE TABLE audit (id integer PRIMARY KEY, post_id integer, at text);
