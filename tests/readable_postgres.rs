//! Readable PostgreSQL plans on a real server: new tables planned from an empty database come
//! out with `serial` columns and their keys inside `CREATE TABLE` (except a key closing a
//! cycle, and sequences `serial` would not make), and the plan applies and converges.

mod common;

use common::conformance::check_converged;
use common::postgres::{Loaded, apply, normalized};
use schemactl::dialect;
use schemactl::diff::{DiffOptions, diff};
use schemactl::plan::Planner;
use schemactl::plan::postgres::{PostgresDiffPolicy, PostgresPlanner};

/// Written in an order PostgreSQL accepts; the plan finds its own.
const DESIRED: &str = "
CREATE TABLE accounts (id smallserial PRIMARY KEY, name text NOT NULL UNIQUE, CHECK (name <> ''));
CREATE TABLE posts (
  id bigserial PRIMARY KEY,
  account_id smallint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  parent_id bigint REFERENCES posts (id),
  title text
);
CREATE TABLE comments (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, post_id bigint REFERENCES posts (id));
CREATE TABLE a_left (id serial PRIMARY KEY, right_id integer);
CREATE TABLE b_right (id serial PRIMARY KEY, left_id integer REFERENCES a_left (id));
ALTER TABLE a_left ADD FOREIGN KEY (right_id) REFERENCES b_right (id);
CREATE SEQUENCE order_numbers AS integer;
CREATE TABLE orders (no integer NOT NULL DEFAULT nextval('order_numbers'), batch integer);
ALTER SEQUENCE order_numbers OWNED BY orders.no;
CREATE SEQUENCE orders_batch_seq AS integer CACHE 10 OWNED BY orders.batch;
ALTER TABLE orders ALTER batch SET DEFAULT nextval('orders_batch_seq'), ALTER batch SET NOT NULL;
";

#[tokio::test]
async fn new_tables_plan_as_serials_with_inline_keys_and_converge() {
    let loaded = Loaded::new("", DESIRED).await;
    let desired = &loaded.desired;
    let changes = diff(
        &loaded.current,
        desired,
        &DiffOptions::default(),
        &PostgresDiffPolicy,
    );
    let plan = PostgresPlanner.plan(&changes).unwrap();
    let sql = plan.to_commented_sql();
    for expected in [
        r#""id" smallserial NOT NULL"#,
        r#""id" bigserial NOT NULL"#,
        r#""id" serial NOT NULL"#,
        r#""id" integer GENERATED ALWAYS AS IDENTITY"#,
        r#"CONSTRAINT "posts_parent_id_fkey" FOREIGN KEY (parent_id) REFERENCES public.posts(id)"#,
        r#"CONSTRAINT "comments_post_id_fkey" FOREIGN KEY"#,
        r#"CREATE SEQUENCE "public"."order_numbers" AS integer"#,
        r#"CREATE SEQUENCE "public"."orders_batch_seq" AS integer CACHE 10"#,
        r#"-- create table "public"."posts""#,
    ] {
        assert!(sql.contains(expected), "{expected} missing from:\n{sql}");
    }
    let closing_keys = sql.matches("ADD CONSTRAINT").count();
    assert_eq!(closing_keys, 1, "one key closes the cycle:\n{sql}");
    assert!(
        sql.find(r#"TABLE "public"."posts""#) < sql.find(r#"TABLE "public"."comments""#),
        "posts first:\n{sql}"
    );

    let mut conn = loaded.a.connect().await.expect("connect A");
    let after = apply(&mut conn, &plan).await;
    let outcome = check_converged(&after, desired, &dialect::POSTGRES, normalized);
    assert!(outcome.is_none(), "{outcome:?}\nplan:\n{sql}");
    drop(conn);
    loaded.drop_now().await;
}
