//! Warm dev containers kept between runs (`?reuse=true`): found by label, started if stopped,
//! left running after the run; `schemactl dev stop` removes them.

use super::{
    Container, KIND_REUSE, LABEL_KIND, LABEL_REUSE, LABEL_URL, contract, create_and_start, engine,
    image, random_hex,
};
use crate::error::failure;
use crate::url::DockerUrl;
use bollard::Docker;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The `schemactl.reuse` label value: engine, image, tag and database, hashed.
pub(crate) fn reuse_key(url: &DockerUrl) -> String {
    let identity = format!(
        "{}\n{}\n{}",
        url.engine().as_str(),
        url.image_ref(),
        url.database().unwrap_or_default()
    );
    let digest = Sha256::digest(identity.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The warm container for `url`: the existing one (started if stopped), else a new one.
pub(super) async fn find_or_start(docker: &Docker, url: &DockerUrl) -> anyhow::Result<Container> {
    let key = reuse_key(url);
    let name = format!("schemactl-reuse-{key}");
    // Two runs may race to create it: the loser finds the winner's container on its next look.
    for _ in 0..3 {
        if let Some(container) = find(docker, url, &key, &name).await? {
            return Ok(container);
        }
        match create(docker, url, &key, &name).await {
            Ok(container) => return Ok(container),
            Err(err) if is_name_conflict(&err) => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(err) => return Err(err),
        }
    }
    Err(failure(format!(
        "cannot create or find the warm container {name} for {url}"
    )))
}

/// The labelled container, started and answering, with its password read back from its
/// environment.
async fn find(
    docker: &Docker,
    url: &DockerUrl,
    key: &str,
    name: &str,
) -> anyhow::Result<Option<Container>> {
    let found =
        engine::containers_labelled(docker, &[(LABEL_KIND, KIND_REUSE), (LABEL_REUSE, key)])
            .await?;
    let Some(summary) = found.into_iter().next() else {
        return Ok(None);
    };
    let id = summary.id.unwrap_or_else(|| name.to_string());
    // A warm container of an image since rebuilt or re-pulled under the same tag is stale.
    let current_image = docker
        .inspect_image(&url.image_ref())
        .await
        .ok()
        .and_then(|image| image.id);
    if current_image.is_some() && summary.image_id != current_image {
        eprintln!(
            "the warm container {name} runs an older {}; replacing it",
            url.image_ref()
        );
        engine::remove_container(docker, &id).await?;
        return Ok(None);
    }
    if summary.state != Some(bollard::models::ContainerSummaryStateEnum::RUNNING) {
        match docker.start_container(&id, None).await {
            Ok(())
            | Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 304, ..
            }) => {}
            Err(err) => {
                return Err(failure(format!(
                    "cannot start the warm container {name}: {err}"
                )));
            }
        }
    }
    let inspected = docker
        .inspect_container(&id, None)
        .await
        .map_err(|e| failure(format!("cannot inspect container {name}: {e}")))?;
    let env = inspected.config.and_then(|c| c.env).unwrap_or_default();
    let password = contract::password_in_env(url.engine(), &env).ok_or_else(|| {
        failure(format!(
            "the warm container {name} has no password in its environment; remove it with `schemactl dev stop`"
        ))
    })?;
    Container::ready(docker, name, url, password, None)
        .await
        .map(Some)
}

/// A new warm container; removed again if it cannot be made ready (or the run is interrupted
/// while it starts), kept once it answers.
async fn create(
    docker: &Docker,
    url: &DockerUrl,
    key: &str,
    name: &str,
) -> anyhow::Result<Container> {
    image::ensure_image(docker, url.image(), url.tag()).await?;
    let password = random_hex(16)?;
    let spec = contract::spec_for(url, &password);
    let created = Arc::new(AtomicBool::new(false));
    let guard = super::cleanup::register({
        let (name, created) = (name.to_string(), created.clone());
        move || {
            // Only ours to remove if our create request succeeded (a conflict means another's).
            if created.load(Ordering::SeqCst)
                && let Err(err) = engine::remove_container_blocking(&name, false)
            {
                eprintln!("warning: {err:#}");
            }
        }
    });
    let labels = [
        (LABEL_KIND, KIND_REUSE.to_string()),
        (LABEL_REUSE, key.to_string()),
        (LABEL_URL, url.to_string()),
    ];
    create_and_start(docker, name, url, &spec, &labels)
        .await
        .inspect(|()| created.store(true, Ordering::SeqCst))
        .inspect_err(|err| {
            if !is_name_conflict(err) {
                created.store(true, Ordering::SeqCst);
            }
        })?;
    let container = Container::ready(docker, name, url, password, None).await?;
    guard.dismiss();
    Ok(container)
}

fn is_name_conflict(err: &anyhow::Error) -> bool {
    err.to_string().contains("409") || err.to_string().contains("Conflict")
}

/// Removes the warm containers of `url` (all of them without one); returns their names.
pub async fn remove_reused(url: Option<&DockerUrl>) -> anyhow::Result<Vec<String>> {
    let docker = engine::connect().await?;
    let key = url.map(reuse_key);
    let mut labels = vec![(LABEL_KIND, KIND_REUSE)];
    if let Some(key) = &key {
        labels.push((LABEL_REUSE, key.as_str()));
    }
    let mut removed = Vec::new();
    for summary in engine::containers_labelled(&docker, &labels).await? {
        let Some(id) = summary.id else { continue };
        let name = summary
            .names
            .and_then(|n| n.into_iter().next())
            .map(|n| n.trim_start_matches('/').to_string())
            .unwrap_or_else(|| id.clone());
        if engine::remove_container(&docker, &id).await? {
            removed.push(name);
        }
    }
    Ok(removed)
}
