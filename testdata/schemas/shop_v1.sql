-- A small shop schema, version 1: the starting point of the README walkthrough.
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');

CREATE TABLE customers (
    id serial PRIMARY KEY,
    email varchar(200) NOT NULL UNIQUE,
    name text
);

CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id),
    status order_status NOT NULL DEFAULT 'new',
    total numeric(10, 2) NOT NULL CHECK (total >= 0),
    created_at timestamp NOT NULL DEFAULT now()
);

CREATE INDEX orders_customer_idx ON orders (customer_id);

CREATE VIEW paid_orders AS
    SELECT id, customer_id, total FROM orders WHERE status = 'paid';
