-- atlas:txmode none

-- expect: TX103
BEGIN;
CREATE TABLE IF NOT EXISTS notes (id bigint PRIMARY KEY);
