DROP FUNCTION touch_updated();
DROP SEQUENCE invoice_no;
COMMENT ON COLUMN users.email IS NULL;
