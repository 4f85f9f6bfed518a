-- Version 2: a new enum value, a changed column type, a new nullable column, a new table with a
-- foreign key, a partial index and comments.
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'refunded');

CREATE TABLE customers (
    id serial PRIMARY KEY,
    email varchar(320) NOT NULL UNIQUE,
    name text,
    phone text
);
COMMENT ON TABLE customers IS 'People who can place orders';

CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    status order_status NOT NULL DEFAULT 'new',
    total numeric(12, 2) NOT NULL CHECK (total >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE INDEX orders_open_idx ON orders (created_at) WHERE status IN ('new', 'paid');

CREATE TABLE order_items (
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sku text NOT NULL,
    quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
    PRIMARY KEY (order_id, sku)
);

CREATE VIEW paid_orders AS
    SELECT id, customer_id, total FROM orders WHERE status = 'paid';
