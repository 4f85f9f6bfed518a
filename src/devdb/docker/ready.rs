//! Waiting for a container's server to accept connections and answer a query, with the
//! container's log tail when it does not.

use crate::error::failure;
use bollard::Docker;
use bollard::query_parameters::LogsOptionsBuilder;
use futures::StreamExt;
use sqlx::Connection;
use std::time::{Duration, Instant};

/// How long a server may take to answer (`SCHEMACTL_DOCKER_TIMEOUT` seconds, default 120:
/// the official images initialise a data directory on first start).
pub(crate) fn ready_timeout() -> Duration {
    let secs = std::env::var("SCHEMACTL_DOCKER_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(120);
    Duration::from_secs(secs.max(1))
}

/// How a server is reached for the readiness query.
pub(crate) enum Probe {
    Postgres(sqlx::postgres::PgConnectOptions),
    Mysql(sqlx::mysql::MySqlConnectOptions),
}

impl Probe {
    /// Connects and runs `SELECT 1`; the error text when that fails.
    async fn answer(&self) -> Result<(), String> {
        let attempt = async {
            match self {
                Probe::Postgres(options) => {
                    let mut conn = sqlx::PgConnection::connect_with(options).await?;
                    sqlx::query("SELECT 1").execute(&mut conn).await?;
                    conn.close().await
                }
                Probe::Mysql(options) => {
                    let mut conn = sqlx::MySqlConnection::connect_with(options).await?;
                    sqlx::query("SELECT 1").execute(&mut conn).await?;
                    conn.close().await
                }
            }
        };
        match tokio::time::timeout(Duration::from_secs(5), attempt).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(err.to_string()),
            Err(_) => Err("no answer within 5 s".into()),
        }
    }
}

/// Polls until `probe` answers; fails early when the container stops, and after `timeout`.
pub(crate) async fn wait_ready(
    docker: &Docker,
    container: &str,
    probe: &Probe,
    timeout: Duration,
) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let last_error = match probe.answer().await {
            Ok(()) => return Ok(()),
            Err(err) => err,
        };
        let running = docker
            .inspect_container(container, None)
            .await
            .ok()
            .and_then(|c| c.state)
            .and_then(|s| s.running)
            .unwrap_or(false);
        if !running {
            return Err(not_ready(docker, container, "the container stopped").await);
        }
        if started.elapsed() >= timeout {
            let why = format!(
                "no answer within {} s (last error: {last_error}; raise SCHEMACTL_DOCKER_TIMEOUT to wait longer)",
                timeout.as_secs()
            );
            return Err(not_ready(docker, container, &why).await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many log lines a readiness failure shows.
const LOG_TAIL_LINES: usize = 20;

pub(crate) async fn not_ready(docker: &Docker, container: &str, why: &str) -> anyhow::Error {
    let tail = log_tail(docker, container).await;
    failure(format!(
        "the dev container {container} did not become ready: {why}\ncontainer log (last {LOG_TAIL_LINES} lines):\n{tail}"
    ))
}

/// The container's last log lines (stdout and stderr), or why they cannot be read.
pub(crate) async fn log_tail(docker: &Docker, container: &str) -> String {
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .tail(&LOG_TAIL_LINES.to_string())
        .build();
    let mut stream = docker.logs(container, Some(options));
    let mut text = String::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(output) => text.push_str(&String::from_utf8_lossy(&output.into_bytes())),
            Err(err) => {
                text.push_str(&format!("(cannot read the log: {err})"));
                break;
            }
        }
    }
    text.trim_end().to_string()
}
