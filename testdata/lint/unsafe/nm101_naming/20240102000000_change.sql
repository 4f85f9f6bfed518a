-- expect: NM101 NM101
CREATE TABLE "Orders" (id bigint PRIMARY KEY, "Total" numeric);
-- expect: NM101
CREATE INDEX orders_id ON "Orders" (id);
