//! A database server that goes away mid-run: the connection is cut (by a TCP proxy between
//! schemactl and the test server) while a migration runs, and the error says the server went
//! away instead of the driver's "expected to read 5 bytes, got 0 bytes at EOF".

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn server_url() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-qXAt", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Forwards 127.0.0.1:port to the test server until [`Proxy::cut`] closes every connection.
struct Proxy {
    port: u16,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let streams = open.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let mut open = streams.lock().unwrap();
                open.push(client.try_clone().unwrap());
                open.push(server.try_clone().unwrap());
                pump(client.try_clone().unwrap(), server.try_clone().unwrap());
                pump(server, client);
            }
        });
        Proxy { port, open }
    }

    fn cut(&self) {
        for stream in self.open.lock().unwrap().iter() {
            stream.shutdown(Shutdown::Both).ok();
        }
    }
}

fn pump(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        while let Ok(n) = from.read(&mut buffer) {
            if n == 0 || to.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        to.shutdown(Shutdown::Both).ok();
    });
}

#[test]
fn a_server_that_goes_away_mid_migration_is_named_as_such() {
    let server = server_url();
    let name = format!("schemactl_lost_{}", std::process::id());
    psql(
        &server,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    );
    psql(&server, &format!("CREATE DATABASE {name}"));
    let host_port = server
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_string();
    let proxy = Proxy::start(host_port);

    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("1_slow.sql"),
        "CREATE TABLE lost (id int);\nSELECT pg_sleep(20);\n",
    )
    .unwrap();
    let schemactl = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_schemactl"));
        command
            .current_dir(work.path())
            .env("NO_COLOR", "1")
            .args(args);
        command
    };
    assert!(schemactl(&["migrate", "hash"]).status().unwrap().success());
    let url = format!("postgres://postgres@127.0.0.1:{}/{name}", proxy.port);
    let run = schemactl(&["migrate", "apply", "--url", &url])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Cut the connection once the migration sleeps on the server.
    let waiting = Instant::now();
    while psql(
        &server,
        &format!(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}' \
             AND query LIKE '%pg_sleep%' AND state = 'active'"
        ),
    ) != "1"
    {
        assert!(
            waiting.elapsed() < Duration::from_secs(30),
            "the migration never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    proxy.cut();
    let out = run.wait_with_output().unwrap();
    psql(
        &server,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    );

    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("the database server went away"), "{said}");
    // The progress line is ended before the error, which starts a line of its own.
    let progress: Vec<&str> = said.lines().filter(|l| l.starts_with("applying")).collect();
    assert!(!progress.is_empty(), "{said}");
    assert!(
        progress
            .iter()
            .all(|l| l.ends_with("FAILED") || l.contains(" ... ok ")),
        "{said}"
    );
}
