//! MariaDB dev containers on a real Docker engine, with the image that
//! testdata/docker/build-images.sh builds from the host's `mariadb-server` files (no registry).
//!
//! schemactl has no MySQL dialect yet, so no command starts a MariaDB container; these tests
//! drive the lowest public level that does, `devdb::docker::start`, and the image itself.

#[path = "support/docker.rs"]
mod docker_support;

use docker_support::{
    TEST_MARIADB_DEV_URL, TEST_MARIADB_IMAGE, containers_labelled, ensure_mariadb_image,
};
use schemactl::driver::mysql;
use schemactl::url::{DbUrl, DockerUrl, parse, parse_mysql};
use sqlx::Connection;
use std::process::Command;
use std::time::Duration;

fn docker_url(text: &str) -> DockerUrl {
    match parse(text).unwrap() {
        DbUrl::Docker(url) => url,
        other => panic!("not a docker URL: {other}"),
    }
}

#[test]
fn a_mariadb_dev_container_starts_answers_and_is_removed() {
    ensure_mariadb_image();
    let url = docker_url(TEST_MARIADB_DEV_URL);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let container = runtime.block_on(async {
        let container = schemactl::devdb::docker::start(&url).await.unwrap();
        assert!(!container.reused());
        let mut conn = sqlx::MySqlConnection::connect_with(&container.mysql_options())
            .await
            .unwrap();
        let one: i32 = sqlx::query_scalar("SELECT 1")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(one, 1);
        let database: String = sqlx::query_scalar("SELECT DATABASE()")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(database, "dev", "MARIADB_DATABASE made the URL's database");
        let server = mysql::server_flavor(&mut conn).await.unwrap();
        assert!(server.is_mariadb(), "{server:?}");
        assert_eq!((server.version.0, server.version.1), (10, 11));
        conn.close().await.unwrap();
        container
    });
    eprintln!("mariadb container answered after {:?}", container.startup());
    let name = container.name().to_string();
    let listed = containers_labelled("schemactl.pid", &std::process::id().to_string());
    assert!(listed.iter().any(|(n, _)| *n == name), "{listed:?}");
    runtime.block_on(container.close()).unwrap();
    let left = containers_labelled("schemactl.pid", &std::process::id().to_string());
    assert!(
        left.iter().all(|(n, _)| *n != name),
        "not removed: {left:?}"
    );
}

/// A container started with `docker run`, removed when dropped.
struct RunningImage(String);

impl RunningImage {
    fn start(env: &[&str]) -> RunningImage {
        let name = format!(
            "schemactl-test-mariadb-{}-{}",
            std::process::id(),
            env.len()
        );
        let mut args = vec!["run", "-d", "--name", &name, "-p", "127.0.0.1::3306"];
        for variable in env {
            args.extend(["-e", variable]);
        }
        args.push(TEST_MARIADB_IMAGE);
        let out = Command::new("docker").args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        RunningImage(name)
    }

    /// The host port the engine published the server's 3306 on.
    fn port(&self) -> u16 {
        let out = Command::new("docker")
            .args(["port", &self.0, "3306/tcp"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let first = text.lines().next().unwrap_or_default();
        first.rsplit(':').next().unwrap().trim().parse().unwrap()
    }
}

impl Drop for RunningImage {
    fn drop(&mut self) {
        Command::new("docker")
            .args(["rm", "-f", &self.0])
            .output()
            .ok();
    }
}

#[test]
fn the_image_honours_the_official_environment() {
    ensure_mariadb_image();
    // The MySQL spellings and an empty root password; a user whose password needs quoting.
    let image = RunningImage::start(&[
        "MYSQL_ALLOW_EMPTY_PASSWORD=yes",
        "MYSQL_DATABASE=app_db",
        "MARIADB_USER=app",
        "MARIADB_PASSWORD=it's \\ p@ss",
    ]);
    let port = image.port();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let root = parse_mysql(&format!("mariadb://root@127.0.0.1:{port}/")).unwrap();
        mysql::wait_until_ready(&root, Duration::from_secs(60))
            .await
            .unwrap();
        // Reachable over TCP from outside the container, root without a password.
        let mut conn = mysql::connect(&root).await.unwrap();
        let user: String = sqlx::query_scalar("SELECT CURRENT_USER()")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(user, "root@%");
        conn.close().await.unwrap();
        // The user has the database, and only that one (`_` in the grant is no wildcard).
        let app = parse_mysql(&format!(
            "mariadb://app:it%27s%20%5C%20p%40ss@127.0.0.1:{port}/app_db"
        ))
        .unwrap();
        let mut conn = mysql::connect(&app).await.unwrap();
        sqlx::raw_sql("CREATE TABLE t (id int)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let err = mysql::connect(&app.with_database("appXdb"))
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("user \"app\" may not use database \"appXdb\""),
            "{err}"
        );
    });
}

#[test]
fn the_image_refuses_to_start_without_a_root_password_choice() {
    ensure_mariadb_image();
    let out = Command::new("docker")
        .args(["run", "--rm", TEST_MARIADB_IMAGE])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("MARIADB_ROOT_PASSWORD"), "{stderr}");
}
