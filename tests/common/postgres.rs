//! The PostgreSQL test server and states loaded on it.

use schemactl::devdb::{DevServer, DevSpec, ScratchDb};
use schemactl::driver::Scope;
use schemactl::driver::postgres::{execute_each, inspect_realm};
use schemactl::plan::Plan;
use schemactl::schema::Realm;
use schemactl::url::{DbUrl, PgUrl};
use schemactl::workflow::{Script, load_scripts};
use sqlx::PgConnection;

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

/// Two scratch databases on the test server: A holding `current` and B holding `desired`,
/// with their inspected states.
pub struct Loaded {
    pub a: ScratchDb,
    pub b: ScratchDb,
    pub current: Realm,
    pub desired: Realm,
}

impl Loaded {
    pub async fn new(current: &str, desired: &str) -> Self {
        let server = DevServer::open(&DevSpec::Server(test_url()))
            .await
            .expect("dev server");
        let (a, b) = (
            server.scratch().await.expect("A"),
            server.scratch().await.expect("B"),
        );
        let current = load(&a, "current", current).await;
        let desired = load(&b, "desired", desired).await;
        Self {
            a,
            b,
            current,
            desired,
        }
    }

    pub async fn drop_now(self) {
        self.a.drop_now().await.expect("drop A");
        self.b.drop_now().await.expect("drop B");
    }
}

/// Runs the plan's statements on `conn` and inspects it again; a failing statement fails the
/// test with the plan.
pub async fn apply(conn: &mut PgConnection, plan: &Plan) -> Realm {
    let statements: Vec<String> = plan.statements().map(|s| s.sql.clone()).collect();
    if let Err(e) = execute_each(conn, &statements).await {
        panic!("plan fails: {e}\nplan:\n{}", plan.to_sql());
    }
    inspect_realm(conn, &Scope::AllSchemas)
        .await
        .expect("inspect after the plan")
}
