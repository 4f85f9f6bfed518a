//! `dev start` and `dev stop`: the warm dev container kept between runs (`?reuse=true`).

use super::GlobalArgs;
use super::project::Settings;
use crate::devdb::docker;
use crate::error::bad_input;
use crate::url::DockerUrl;
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct StartArgs {
    /// `docker://postgres/TAG/DB` or `docker+postgres://IMAGE:TAG/DB` (default: the env's `dev`).
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct StopArgs {
    /// The warm container of this dev URL (default: the env's `dev`, else all of them).
    pub url: Option<String>,
}

/// Starts (or finds) the warm container of a docker dev URL, so that later runs with
/// `?reuse=true` find it ready.
pub async fn start(global: &GlobalArgs, args: StartArgs) -> Result<i32> {
    let Some(url) = docker_url(global, args.url.as_deref())? else {
        return Err(bad_input(
            "dev start: pass a docker:// dev URL, or --env NAME with a docker:// `dev`",
        ));
    };
    let container = docker::start(&url.with_reuse(true)).await?;
    eprintln!(
        "warm dev container {} for {} is ready ({:.1} s); runs with ?reuse=true use it, \
         `schemactl dev stop` removes it",
        container.name(),
        url.with_reuse(true),
        container.startup().as_secs_f64()
    );
    Ok(0)
}

/// Removes the warm container of one dev URL, or every warm schemactl container.
pub async fn stop(global: &GlobalArgs, args: StopArgs) -> Result<i32> {
    let url = docker_url(global, args.url.as_deref())?;
    let removed = docker::remove_reused(url.as_ref()).await?;
    if removed.is_empty() {
        eprintln!("no warm dev container to remove");
    }
    for name in removed {
        eprintln!("removed {name}");
    }
    Ok(0)
}

/// The docker dev URL from the argument or the env; bad input when it is another kind.
fn docker_url(global: &GlobalArgs, flag: Option<&str>) -> Result<Option<DockerUrl>> {
    let settings = Settings::load(global)?;
    let Some(url) = settings.dev_url(flag)? else {
        return Ok(None);
    };
    match url.as_docker() {
        Some(docker) => Ok(Some(docker.clone())),
        None => Err(bad_input(format!(
            "dev URL {url}: not a docker:// URL; only docker dev containers can be kept warm"
        ))),
    }
}
