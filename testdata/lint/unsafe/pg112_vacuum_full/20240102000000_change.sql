-- atlas:txmode none

-- expect: PG112
VACUUM FULL users;
