-- atlas:txmode none

-- expect: PG110
REINDEX TABLE users;
