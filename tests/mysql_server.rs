//! The MySQL driver against the real test server (`SCHEMACTL_TEST_MYSQL_URL`, a MariaDB that
//! `.ci/test-mariadb.sh start` runs): connecting, telling the flavour, whole databases, and
//! the messages for a wrong password and an unreachable server.

use schemactl::driver::mysql::{self, MySqlConnection};
use schemactl::error::exit_code;
use schemactl::url::{MysqlFlavor, MysqlUrl, parse_mysql};
use sqlx::Connection;
use std::time::{Duration, Instant};

/// The test server's URL, or `None` (with a notice) when the variable is unset; CI sets it.
fn server() -> Option<MysqlUrl> {
    match std::env::var("SCHEMACTL_TEST_MYSQL_URL") {
        Ok(url) => Some(parse_mysql(&url).unwrap()),
        Err(_) => {
            eprintln!("SCHEMACTL_TEST_MYSQL_URL is not set: skipping the MySQL server tests");
            None
        }
    }
}

/// `host:port` of the test server, for URLs with other users.
fn authority(url: &MysqlUrl) -> String {
    format!("{}:{}", url.host().unwrap_or("127.0.0.1"), url.port())
}

/// A database name no other test run uses, with an upper-case letter and a backtick to prove
/// the quoting.
fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("schemactl_T`est_{}_{nanos}", std::process::id())
}

async fn scalar(conn: &mut MySqlConnection, sql: &str) -> String {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

#[tokio::test]
async fn connects_and_tells_the_servers_flavour() {
    let Some(url) = server() else { return };
    let mut conn = mysql::connect(&url).await.unwrap();
    let server = mysql::server_flavor(&mut conn).await.unwrap();
    let text = scalar(&mut conn, "SELECT VERSION()").await;
    assert_eq!(server.text, text);
    assert_eq!(server.is_mariadb(), text.contains("MariaDB"), "{text}");
    assert!(server.version.0 >= 5, "{server:?}");
    if text.starts_with("10.11.") {
        assert_eq!(server.flavor, MysqlFlavor::Mariadb);
        assert_eq!((server.version.0, server.version.1), (10, 11));
        assert!(server.to_string().starts_with("MariaDB 10.11."), "{server}");
    }
    // The session keeps the server's sql_mode (no PIPES_AS_CONCAT, no IGNORE_SPACE from sqlx).
    let session = scalar(&mut conn, "SELECT @@SESSION.sql_mode").await;
    let global = scalar(&mut conn, "SELECT @@GLOBAL.sql_mode").await;
    assert_eq!(session, global);
    conn.close().await.unwrap();
}

/// Names of built-in functions are names in DDL, as in the mysql client.
#[tokio::test]
async fn function_names_are_not_reserved_in_ddl() {
    let Some(server) = server() else { return };
    let url = server.with_database(&unique_name());
    assert!(mysql::create_database(&url).await.unwrap());
    let mut conn = mysql::connect(&url).await.unwrap();
    let created = sqlx::raw_sql("CREATE TABLE count (now INT, `user` INT)")
        .execute(&mut conn)
        .await;
    conn.close().await.unwrap();
    mysql::drop_database(&url).await.unwrap();
    created.unwrap();
}

#[tokio::test]
async fn creates_finds_and_drops_a_database() {
    let Some(server) = server() else { return };
    let name = unique_name();
    let url = server.with_database(&name);
    assert!(!mysql::database_exists(&url).await.unwrap());
    assert!(mysql::create_database(&url).await.unwrap());
    assert!(
        !mysql::create_database(&url).await.unwrap(),
        "already there"
    );
    assert!(mysql::database_exists(&url).await.unwrap());
    let mut conn = mysql::connect(&url).await.unwrap();
    assert_eq!(scalar(&mut conn, "SELECT DATABASE()").await, name);
    conn.close().await.unwrap();
    let mut probe = mysql::connect(&server).await.unwrap();
    let folds_case: i64 = sqlx::query_scalar("SELECT CAST(@@lower_case_table_names AS SIGNED)")
        .fetch_one(&mut probe)
        .await
        .unwrap();
    if folds_case == 0 {
        // The catalog compares names without regard to case; the server does not.
        let lower = server.with_database(&name.to_lowercase());
        assert!(!mysql::database_exists(&lower).await.unwrap());
    }
    assert!(mysql::drop_database(&url).await.unwrap());
    assert!(!mysql::drop_database(&url).await.unwrap(), "already gone");
    assert!(!mysql::database_exists(&url).await.unwrap());
}

#[tokio::test]
async fn server_level_urls_and_system_databases_are_bad_input() {
    let Some(server) = server() else { return };
    let err = mysql::create_database(&server.without_database())
        .await
        .unwrap_err();
    assert_eq!(exit_code(&err), 2);
    assert!(err.to_string().contains("names no database"), "{err}");
    let err = mysql::drop_database(&server.with_database("mysql"))
        .await
        .unwrap_err();
    assert_eq!(exit_code(&err), 2);
    assert!(err.to_string().contains("refusing to drop mysql"), "{err}");
}

#[tokio::test]
async fn a_percent_encoded_password_authenticates_and_never_prints() {
    let Some(server) = server() else { return };
    // The test server's `schemactl_pw` user has password `p@ss/w:rd%1`.
    let url = parse_mysql(&format!(
        "mariadb://schemactl_pw:p%40ss%2Fw%3Ard%251@{}/",
        authority(&server)
    ))
    .unwrap();
    let mut conn = mysql::connect(&url).await.unwrap();
    let user = scalar(&mut conn, "SELECT CURRENT_USER()").await;
    assert!(user.starts_with("schemactl_pw@"), "{user}");
    assert!(!format!("{url} {url:?}").contains("p@ss"));
    conn.close().await.unwrap();
}

#[tokio::test]
async fn a_wrong_password_is_a_clear_failure_without_the_password() {
    let Some(server) = server() else { return };
    let url = parse_mysql(&format!(
        "mysql://schemactl_pw:Wr0ng%2Dsecret@{}/",
        authority(&server)
    ))
    .unwrap();
    let err = mysql::connect(&url).await.unwrap_err();
    let text = format!("{err:#}");
    assert_eq!(exit_code(&err), 1, "{text}");
    assert!(
        text.contains("access denied for user \"schemactl_pw\""),
        "{text}"
    );
    assert!(text.contains("the password is wrong"), "{text}");
    assert!(text.contains("schemactl_pw:xxxxx@"), "{text}");
    assert!(!text.contains("Wr0ng"), "{text}");
}

#[tokio::test]
async fn a_missing_database_says_how_to_create_it() {
    let Some(server) = server() else { return };
    let url = server.with_database(&unique_name());
    let err = mysql::connect(&url).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("does not exist"), "{text}");
    assert!(text.contains("db create"), "{text}");
    // The server answered: for `db wait` it is ready.
    let waited = mysql::wait_until_ready(&url, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(waited < Duration::from_secs(5));
}

/// A port nothing listens on: a moment ago it was ours, now it is closed.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn an_unreachable_server_fails_fast_with_a_clear_message() {
    let port = closed_port();
    let url = parse_mysql(&format!("mysql://root:hunter2@127.0.0.1:{port}/app")).unwrap();
    let started = Instant::now();
    let err = mysql::connect(&url).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let text = format!("{err:#}");
    assert_eq!(exit_code(&err), 1, "{text}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(
        text.contains("is a MySQL server running and listening there?"),
        "{text}"
    );
    assert!(text.contains("root:xxxxx@"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");

    let started = Instant::now();
    let err = mysql::wait_until_ready(&url, Duration::from_millis(600))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    let text = err.to_string();
    assert!(text.contains("does not accept connections"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

#[tokio::test]
async fn waits_for_a_running_server_at_once() {
    let Some(server) = server() else { return };
    let waited = mysql::wait_until_ready(&server, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(waited < Duration::from_secs(2), "{waited:?}");
}

#[tokio::test]
async fn connects_over_the_servers_unix_socket() {
    let Some(server) = server() else { return };
    let mut conn = mysql::connect(&server).await.unwrap();
    let socket = scalar(&mut conn, "SELECT @@socket").await;
    conn.close().await.unwrap();
    if !std::path::Path::new(&socket).exists() {
        eprintln!("the test server's socket {socket} is not on this machine: skipping");
        return;
    }
    let url = parse_mysql(&format!("mysql://{}@/?socket={socket}", server.user())).unwrap();
    let mut conn = mysql::connect(&url).await.unwrap();
    assert_eq!(
        scalar(&mut conn, "SELECT 'over the socket'").await,
        "over the socket"
    );
    conn.close().await.unwrap();
}
