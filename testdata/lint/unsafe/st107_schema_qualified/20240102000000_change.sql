-- expect: ST107
CREATE TABLE notes (id bigint PRIMARY KEY);
CREATE TABLE public.tags (id bigint PRIMARY KEY);
