SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- expect: PG111
ALTER TABLE events DETACH PARTITION events_2024;
