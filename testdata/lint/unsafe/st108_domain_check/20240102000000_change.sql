-- expect: ST108
CREATE DOMAIN positive AS bigint CHECK (VALUE > 0);
