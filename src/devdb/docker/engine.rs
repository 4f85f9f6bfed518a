//! Reaching the Docker engine (DOCKER_HOST or the default socket), and removing containers
//! from synchronous code (Drop, signal paths).

use super::contract;
use crate::error::failure;
use crate::url::DockerEngine;
use bollard::Docker;
use bollard::query_parameters::{ListContainersOptionsBuilder, RemoveContainerOptionsBuilder};
use std::collections::HashMap;
use std::time::Duration;

/// Where the engine is: `$DOCKER_HOST`, else the default unix socket.
pub(crate) fn docker_host() -> String {
    std::env::var("DOCKER_HOST")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unix:///var/run/docker.sock".to_string())
}

/// A client that has answered a ping, speaking the engine's API version. When no engine
/// answers, the error names DOCKER_HOST and the dev URLs that need no Docker.
pub(crate) async fn connect() -> anyhow::Result<Docker> {
    connect_or_suggest(contract::no_docker_hint(DockerEngine::Postgres)).await
}

/// [`connect`], suggesting `instead` (the dev databases of the container's engine that need
/// no Docker) when no engine answers.
pub(crate) async fn connect_or_suggest(instead: &str) -> anyhow::Result<Docker> {
    let host = docker_host();
    let unreachable = |why: String| {
        failure(format!(
            "cannot reach a Docker engine at {host} (DOCKER_HOST): {why}\n  \
             start Docker or point DOCKER_HOST at a running engine, or use a dev database that \
             needs no Docker: {instead}"
        ))
    };
    let docker = Docker::connect_with_defaults().map_err(|e| unreachable(e.to_string()))?;
    let docker = tokio::time::timeout(Duration::from_secs(10), docker.negotiate_version())
        .await
        .map_err(|_| unreachable("no answer within 10 s".into()))?
        .map_err(|e| unreachable(e.to_string()))?;
    docker
        .ping()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    Ok(docker)
}

/// Force-removes container `name` (and its anonymous volumes). Gone already is fine.
pub(crate) async fn remove_container(docker: &Docker, name: &str) -> anyhow::Result<bool> {
    let options = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(true)
        .build();
    match docker.remove_container(name, Some(options)).await {
        Ok(()) => Ok(true),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(false),
        Err(err) => Err(failure(format!("cannot remove container {name}: {err}"))),
    }
}

/// Removes container `name` from synchronous code: a thread with its own runtime and client,
/// so it works inside and outside a tokio runtime and after the run's runtime stopped.
/// `may_appear`: a create request may still be on its way, so a missing container is looked
/// for again for a moment before giving up.
pub(crate) fn remove_container_blocking(name: &str, may_appear: bool) -> anyhow::Result<()> {
    let name = name.to_string();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let docker = connect().await?;
            let attempts = if may_appear { 10 } else { 1 };
            for attempt in 0..attempts {
                if remove_container(&docker, &name).await? {
                    return Ok(());
                }
                if attempt + 1 < attempts {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
            Ok(())
        })
    })
    .join()
    .unwrap_or_else(|_| Err(failure("removing a dev container panicked")))
}

/// The containers (running or not) carrying every `key=value` label given.
pub async fn containers_labelled(
    docker: &Docker,
    labels: &[(&str, &str)],
) -> anyhow::Result<Vec<bollard::models::ContainerSummary>> {
    let label_filters: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let filters = HashMap::from([("label".to_string(), label_filters)]);
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    docker
        .list_containers(Some(options))
        .await
        .map_err(|e| failure(format!("cannot list containers: {e}")))
}
