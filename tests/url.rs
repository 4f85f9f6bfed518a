//! URLs against the real test server: percent-encoded passwords, socket URLs, search_path.

use schemactl::url::parse_postgres;
use sqlx::{Connection, PgConnection};

fn test_port() -> u16 {
    let url = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
    parse_postgres(&url).unwrap().port()
}

#[tokio::test]
async fn percent_encoded_password_authenticates_and_never_prints() {
    // The test server's `schemactl_pw` role has password `p@ss/w:rd%1` (scram over TCP).
    let url = parse_postgres(&format!(
        "postgres://schemactl_pw:p%40ss%2Fw%3Ard%251@127.0.0.1:{}/postgres?sslmode=disable",
        test_port()
    ))
    .unwrap();
    let mut conn = PgConnection::connect_with(&url.connect_options())
        .await
        .unwrap();
    let (user,): (String,) = sqlx::query_as("SELECT current_user::text")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(user, "schemactl_pw");
    assert!(!format!("{url} {url:?}").contains("p@ss"));
    // The full URL is what psql needs.
    let out = std::process::Command::new("psql")
        .args([url.to_url_string().as_str(), "-Atc", "select current_user"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "schemactl_pw");
}

#[tokio::test]
async fn wrong_password_fails_to_connect() {
    let url = parse_postgres(&format!(
        "postgres://schemactl_pw:wrong@127.0.0.1:{}/postgres?sslmode=disable",
        test_port()
    ))
    .unwrap();
    assert!(
        PgConnection::connect_with(&url.connect_options())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn socket_url_and_search_path_reach_the_session() {
    let url = parse_postgres(&format!(
        "postgresql://postgres@/postgres?host=/tmp&port={}&search_path=a,B",
        test_port()
    ))
    .unwrap();
    let mut conn = PgConnection::connect_with(&url.connect_options())
        .await
        .unwrap();
    let (path,): (String,) = sqlx::query_as("SHOW search_path")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(path, "a,\"B\"");
}
