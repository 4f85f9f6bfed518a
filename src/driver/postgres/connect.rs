//! Opening a connection and asking the server who it is.

use crate::url::PgUrl;
use anyhow::Context;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

/// Connect; an unreachable server or bad credentials is a clear failure that names
/// host:port and database (never the password), not a panic.
pub async fn connect(options: &PgConnectOptions) -> anyhow::Result<PgConnection> {
    PgConnection::connect_with(options).await.map_err(|error| {
        crate::error::failure(format!(
            "cannot connect to PostgreSQL at {}: {}",
            describe_target(options),
            error
        ))
    })
}

/// Connects to `url` within its connect timeout; failures (server down, wrong port, timeout)
/// name the redacted URL.
pub async fn connect_url(url: &PgUrl) -> anyhow::Result<PgConnection> {
    let timeout = url.connect_timeout();
    match tokio::time::timeout(timeout, PgConnection::connect_with(&url.connect_options())).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(err)) => Err(crate::error::failure(format!(
            "cannot connect to {url}: {err}"
        ))),
        Err(_) => Err(crate::error::failure(format!(
            "cannot connect to {url}: no answer within {} s",
            timeout.as_secs()
        ))),
    }
}

/// Server major version (e.g. 15).
pub async fn server_version(conn: &mut PgConnection) -> anyhow::Result<u32> {
    let number: String = sqlx::query_scalar("SELECT current_setting('server_version_num')")
        .fetch_one(conn)
        .await
        .context("reading the server version")?;
    let number: u32 = number
        .trim()
        .parse()
        .with_context(|| format!("unexpected server_version_num {number:?}"))?;
    Ok(number / 10_000)
}

/// `user@host:port/database` (or the socket path), without the password.
fn describe_target(options: &PgConnectOptions) -> String {
    let place = match options.get_socket() {
        Some(socket) => format!("{} (port {})", socket.display(), options.get_port()),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    };
    let database = options
        .get_database()
        .unwrap_or_else(|| options.get_username());
    format!(
        "{place}, database \"{database}\" as user \"{}\"",
        options.get_username()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn target_description_names_host_port_and_database_but_not_the_password() {
        let options =
            PgConnectOptions::from_str("postgres://alice:s3cret@db.example:6543/shop").unwrap();
        let text = describe_target(&options);
        assert!(text.contains("db.example:6543"), "{text}");
        assert!(text.contains("\"shop\""), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
    }
}
