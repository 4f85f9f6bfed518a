-- atlas:txmode none

-- expect: ST106
CREATE TABLE notes (id bigint PRIMARY KEY);
