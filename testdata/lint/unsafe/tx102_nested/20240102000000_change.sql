-- expect: TX102
BEGIN;
CREATE TABLE notes (id bigint PRIMARY KEY);
COMMIT;
