-- expect: ST101 ST102 ST103 ST104 ST105
CREATE TABLE happenings (id serial PRIMARY KEY, code char(2), label varchar(40), at timestamp);
