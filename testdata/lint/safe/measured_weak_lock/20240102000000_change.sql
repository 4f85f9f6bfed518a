-- ALTER TABLE on an existing table without timeouts, but the dev database shows it takes only
-- SHARE UPDATE EXCLUSIVE: no reads or writes queue behind it, so no PG107/PG113.
ALTER TABLE users ALTER COLUMN name SET STATISTICS 200;
