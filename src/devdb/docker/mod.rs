//! Dev database containers through the Docker Engine API (bollard): `docker://` dev URLs.
//!
//! A per-run container is named and registered for removal (see `cleanup`) *before* it is
//! created, so that an error, a panic or SIGINT/SIGTERM at any moment removes it; it is
//! labelled `schemactl.dev=ephemeral` with the owning process id, and containers whose owner
//! was killed outright are removed by the next run on the same host. A reused container
//! (`?reuse=true`, see `reuse`) is labelled `schemactl.dev=reuse` and outlives the run.

mod contract;
mod engine;
mod image;
mod ready;
mod reuse;

pub use engine::containers_labelled;
pub use reuse::remove_reused;

use super::cleanup::{self, CleanupGuard};
use crate::error::failure;
use crate::url::{DockerEngine, DockerUrl, MysqlFlavor, MysqlUrl, PgUrl};
use bollard::Docker;
use bollard::models::{ContainerCreateBody, HostConfig, PortBinding};
use bollard::query_parameters::CreateContainerOptionsBuilder;
use contract::ContainerSpec;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Label keys every schemactl container carries.
pub const LABEL_KIND: &str = "schemactl.dev";
pub const LABEL_PID: &str = "schemactl.pid";
pub const LABEL_HOST: &str = "schemactl.host";
pub const LABEL_REUSE: &str = "schemactl.reuse";
pub const LABEL_URL: &str = "schemactl.url";
/// `schemactl.dev` values: removed at the end of the run, or kept warm between runs.
pub const KIND_EPHEMERAL: &str = "ephemeral";
pub const KIND_REUSE: &str = "reuse";

static NEXT_CONTAINER: AtomicU64 = AtomicU64::new(1);

/// A running dev container and how to reach its server.
pub struct Container {
    name: String,
    engine: DockerEngine,
    host_port: u16,
    password: String,
    database: String,
    reused: bool,
    startup: Duration,
    /// Removes the container; `None` for a reused container, which is kept.
    guard: Option<CleanupGuard>,
}

/// Starts (or, with `?reuse=true`, finds or starts) the container `url` names and waits until
/// its server answers a query.
pub async fn start(url: &DockerUrl) -> anyhow::Result<Container> {
    let started = Instant::now();
    let docker = engine::connect_or_suggest(contract::no_docker_hint(url.engine())).await?;
    let mut container = if url.reuse() {
        reuse::find_or_start(&docker, url).await?
    } else {
        remove_orphans(&docker).await;
        start_ephemeral(&docker, url).await?
    };
    container.startup = started.elapsed();
    Ok(container)
}

/// The image a container of `url` runs, by reference and id (a re-pulled tag has another
/// id), without starting anything; an image not present yet is named by its reference alone.
pub async fn image_identity(url: &DockerUrl) -> anyhow::Result<String> {
    let docker = engine::connect_or_suggest(contract::no_docker_hint(url.engine())).await?;
    let reference = url.image_ref();
    let id = docker
        .inspect_image(&reference)
        .await
        .ok()
        .and_then(|image| image.id);
    Ok(match id {
        Some(id) => format!("{reference} {id}"),
        None => reference,
    })
}

async fn start_ephemeral(docker: &Docker, url: &DockerUrl) -> anyhow::Result<Container> {
    image::ensure_image(docker, url.image(), url.tag()).await?;
    let password = random_hex(16)?;
    let spec = contract::spec_for(url, &password);
    let pid = std::process::id();
    let name = format!(
        "schemactl-dev-{pid}-{}-{}",
        NEXT_CONTAINER.fetch_add(1, Ordering::Relaxed),
        random_hex(3)?
    );
    // Registered before the create request leaves, so that no moment leaks the container.
    let requested = Arc::new(AtomicBool::new(false));
    let guard = cleanup::register({
        let (name, requested) = (name.clone(), requested.clone());
        move || {
            if let Err(err) =
                engine::remove_container_blocking(&name, requested.load(Ordering::SeqCst))
            {
                eprintln!("warning: {err:#}");
            }
        }
    });
    let labels = [
        (LABEL_KIND, KIND_EPHEMERAL.to_string()),
        (LABEL_PID, pid.to_string()),
        (LABEL_HOST, host_name()),
        (LABEL_URL, url.to_string()),
    ];
    requested.store(true, Ordering::SeqCst);
    create_and_start(docker, &name, url, &spec, &labels).await?;
    Container::ready(docker, &name, url, password, Some(guard)).await
}

/// Creates container `name` from `url`'s image, publishing the server port on 127.0.0.1 at a
/// random host port, and starts it.
async fn create_and_start(
    docker: &Docker,
    name: &str,
    url: &DockerUrl,
    spec: &ContainerSpec,
    labels: &[(&str, String)],
) -> anyhow::Result<()> {
    let port_key = format!("{}/tcp", spec.port);
    let binding = PortBinding {
        host_ip: Some("127.0.0.1".into()),
        host_port: Some(String::new()),
    };
    let body = ContainerCreateBody {
        image: Some(url.image_ref()),
        env: Some(spec.env.clone()),
        cmd: spec.cmd.clone(),
        labels: Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        ),
        exposed_ports: Some(vec![port_key.clone()]),
        host_config: Some(HostConfig {
            port_bindings: Some(HashMap::from([(port_key, Some(vec![binding]))])),
            tmpfs: spec
                .tmpfs
                .map(|path| HashMap::from([(path.to_string(), "rw,mode=1777".to_string())])),
            ..Default::default()
        }),
        ..Default::default()
    };
    let options = CreateContainerOptionsBuilder::default().name(name).build();
    docker
        .create_container(Some(options), body)
        .await
        .map_err(|e| failure(format!("cannot create a container from {url}: {e}")))?;
    docker
        .start_container(name, None)
        .await
        .map_err(|e| failure(format!("cannot start container {name} ({url}): {e}")))?;
    Ok(())
}

/// The host port the engine picked for `port`. A container that already stopped has none;
/// its log says why.
async fn published_port(docker: &Docker, name: &str, port: u16) -> anyhow::Result<u16> {
    let inspected = docker
        .inspect_container(name, None)
        .await
        .map_err(|e| failure(format!("cannot inspect container {name}: {e}")))?;
    let running = inspected
        .state
        .as_ref()
        .and_then(|s| s.running)
        .unwrap_or(false);
    let host_port = inspected
        .network_settings
        .and_then(|n| n.ports)
        .and_then(|ports| ports.get(&format!("{port}/tcp")).cloned().flatten())
        .into_iter()
        .flatten()
        .find_map(|b| b.host_port.and_then(|p| p.parse::<u16>().ok()));
    match host_port {
        Some(host_port) => Ok(host_port),
        None if !running => Err(ready::not_ready(docker, name, "the container stopped").await),
        None => Err(failure(format!(
            "container {name} publishes no host port for {port}"
        ))),
    }
}

impl Container {
    /// The handle of started container `name` once its server answers; `guard` removes it
    /// (none: a reused container, kept).
    async fn ready(
        docker: &Docker,
        name: &str,
        url: &DockerUrl,
        password: String,
        guard: Option<CleanupGuard>,
    ) -> anyhow::Result<Container> {
        let spec = contract::spec_for(url, &password);
        let container = Container {
            host_port: published_port(docker, name, spec.port).await?,
            name: name.to_string(),
            engine: url.engine(),
            password,
            database: spec.database,
            reused: guard.is_none(),
            startup: Duration::ZERO,
            guard,
        };
        container.wait_ready(docker).await?;
        Ok(container)
    }

    /// The superuser URL of the container's database (PostgreSQL containers).
    pub fn pg_url(&self) -> anyhow::Result<PgUrl> {
        let base = crate::url::parse_postgres(&format!(
            "postgres://{}:{}@127.0.0.1:{}/postgres?sslmode=disable",
            contract::PG_USER,
            self.password,
            self.host_port
        ))?;
        Ok(base.with_database(&self.database))
    }

    /// The URL of a MySQL or MariaDB container's server (root; no database).
    pub fn mysql_url(&self) -> MysqlUrl {
        let flavor = match self.engine {
            DockerEngine::Mariadb => MysqlFlavor::Mariadb,
            _ => MysqlFlavor::Mysql,
        };
        MysqlUrl::for_tcp(
            flavor,
            "127.0.0.1",
            self.host_port,
            contract::MYSQL_USER,
            Some(&self.password),
        )
    }

    /// Connection options for a MySQL or MariaDB container (root, the URL's database).
    pub fn mysql_options(&self) -> sqlx::mysql::MySqlConnectOptions {
        sqlx::mysql::MySqlConnectOptions::new()
            .host("127.0.0.1")
            .port(self.host_port)
            .username(contract::MYSQL_USER)
            .password(&self.password)
            .database(&self.database)
    }

    fn probe(&self) -> anyhow::Result<ready::Probe> {
        Ok(match self.engine {
            DockerEngine::Postgres => ready::Probe::Postgres(self.pg_url()?.connect_options()),
            DockerEngine::Mysql | DockerEngine::Mariadb => {
                ready::Probe::Mysql(self.mysql_options())
            }
        })
    }

    async fn wait_ready(&self, docker: &Docker) -> anyhow::Result<()> {
        ready::wait_ready(docker, &self.name, &self.probe()?, ready::ready_timeout()).await
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this is a warm container kept between runs.
    pub fn reused(&self) -> bool {
        self.reused
    }

    /// From the request to a server answering queries.
    pub fn startup(&self) -> Duration {
        self.startup
    }

    /// Removes a per-run container now; a reused one is left running.
    pub async fn close(mut self) -> anyhow::Result<()> {
        let Some(guard) = self.guard.take() else {
            return Ok(());
        };
        let removed = match engine::connect().await {
            Ok(docker) => engine::remove_container(&docker, &self.name)
                .await
                .map(drop),
            Err(err) => Err(err),
        };
        match removed {
            Ok(()) => {
                guard.dismiss();
                Ok(())
            }
            // The guard retries on its own client as it drops.
            Err(err) => {
                drop(guard);
                Err(err)
            }
        }
    }
}

/// Removes per-run containers of this host whose schemactl process is gone (killed outright,
/// with no chance to clean up). Best effort: a failure here must not stop the run.
async fn remove_orphans(docker: &Docker) {
    let host = host_name();
    let Ok(found) = engine::containers_labelled(
        docker,
        &[(LABEL_KIND, KIND_EPHEMERAL), (LABEL_HOST, host.as_str())],
    )
    .await
    else {
        return;
    };
    for summary in found {
        let owner = summary
            .labels
            .as_ref()
            .and_then(|l| l.get(LABEL_PID))
            .and_then(|pid| pid.parse::<i32>().ok());
        let (Some(owner), Some(id)) = (owner, summary.id) else {
            continue;
        };
        if owner != std::process::id() as i32 && !super::cleanup::process_alive(owner) {
            engine::remove_container(docker, &id).await.ok();
        }
    }
}

/// This machine's name, to tell its orphans from other machines' containers on a shared engine.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

/// `bytes` random bytes as hex (passwords, name suffixes).
fn random_hex(bytes: usize) -> anyhow::Result<String> {
    use std::io::Read;
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| failure(format!("cannot read /dev/urandom: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}
