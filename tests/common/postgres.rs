//! The PostgreSQL test server and states loaded on it.

use schemactl::devdb::ScratchDb;
use schemactl::driver::Scope;
use schemactl::driver::postgres::inspect_realm;
use schemactl::schema::Realm;
use schemactl::url::{DbUrl, PgUrl};
use schemactl::workflow::{Script, load_scripts};

/// `SCHEMACTL_TEST_PG_URL`, or the test server's default address.
pub fn test_url() -> PgUrl {
    let url = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
    match schemactl::url::parse(&url).expect("test URL") {
        DbUrl::Postgres(pg) => pg,
        _ => panic!("SCHEMACTL_TEST_PG_URL must be a postgres URL"),
    }
}

/// Column order is not a difference on PostgreSQL (an added column goes last).
pub fn normalized(mut realm: Realm) -> Realm {
    for schema in realm.schemas.values_mut() {
        for table in schema.tables.values_mut() {
            table.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    realm
}

/// Runs `sql` on the scratch database and inspects it.
pub async fn load(db: &ScratchDb, name: &str, sql: &str) -> Realm {
    let mut conn = db.connect().await.expect("connect");
    load_scripts(&mut conn, &[Script::new(name, sql)])
        .await
        .unwrap_or_else(|e| panic!("{name} loads: {e:#}"));
    inspect_realm(&mut conn, &Scope::AllSchemas)
        .await
        .expect("inspect")
}
