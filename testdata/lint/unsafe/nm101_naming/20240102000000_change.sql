-- expect: NM101
CREATE SCHEMA "Sales";
-- expect: NM102 NM103
CREATE TABLE "Orders" (id bigint PRIMARY KEY, "Total" numeric);
-- expect: NM104
CREATE INDEX orders_id ON "Orders" (id);
-- expect: NM105
ALTER TABLE "Orders" ADD CONSTRAINT "Positive" CHECK (id > 0);
