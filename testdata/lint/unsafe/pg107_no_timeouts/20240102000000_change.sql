-- expect: PG107 PG113
ALTER TABLE posts ADD COLUMN body text;
ALTER TABLE posts ADD COLUMN summary text;
