//! Holds dev databases until a signal arrives, for the devdb cleanup tests; also times cluster
//! start-up.
//!
//! `devdb_signal cluster`        local cluster + scratch db, prints `ready DIR DBNAME`, sleeps
//! `devdb_signal existing URL`   scratch db on URL, prints `ready - DBNAME`, sleeps
//! `devdb_signal bench N`        opens and closes N local clusters, prints each start-up time

use schemactl::devdb::{DevServer, DevSpec, interrupted_exit_code, with_cleanup};
use std::io::Write;
use std::time::Instant;

async fn hold(dev: DevSpec) -> anyhow::Result<()> {
    let server = DevServer::open(&dev).await?;
    let scratch = server.scratch().await?;
    let dir = server
        .cluster_dir()
        .map_or("-".to_string(), |d| d.display().to_string());
    println!("ready {dir} {}", scratch.name());
    std::io::stdout().flush()?;
    tokio::time::sleep(std::time::Duration::from_secs(600)).await;
    Ok(())
}

async fn bench(runs: usize) -> anyhow::Result<()> {
    for _ in 0..runs {
        let started = Instant::now();
        let server = DevServer::open(&DevSpec::Ephemeral).await?;
        let (source, startup) = server.cluster_startup().expect("a local cluster");
        let scratch = server.scratch().await?;
        let mut conn = scratch.connect().await?;
        let (one,): (i32,) = sqlx::query_as("select 1").fetch_one(&mut conn).await?;
        assert_eq!(one, 1);
        drop(conn);
        scratch.drop_now().await?;
        let ready = started.elapsed();
        server.close().await?;
        println!(
            "{source:?} start={:.3}s ready-with-scratch={:.3}s total-with-close={:.3}s",
            startup.as_secs_f64(),
            ready.as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = with_cleanup(async {
        match args.first().map(String::as_str) {
            Some("cluster") => hold(DevSpec::Ephemeral).await,
            Some("existing") => {
                hold(DevSpec::Server(schemactl::url::parse_postgres(&args[1])?)).await
            }
            Some("bench") => bench(args.get(1).and_then(|n| n.parse().ok()).unwrap_or(3)).await,
            _ => anyhow::bail!("usage: devdb_signal cluster | existing URL | bench N"),
        }
    })
    .await;
    if let Err(err) = result {
        eprintln!("error: {err:#}");
        std::process::exit(interrupted_exit_code(&err).unwrap_or(1));
    }
}
