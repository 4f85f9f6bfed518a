//! Shared by the docker test files: the locally built test image and container listings
//! through the engine's API.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::sync::Once;

/// A `docker://` dev URL naming the image testdata/docker/build-images.sh builds.
pub const TEST_DEV_URL: &str = "docker+postgres://schemactl-test/postgres:15/dev";
/// The same for the MariaDB image.
pub const TEST_MARIADB_DEV_URL: &str = "docker+mariadb://schemactl-test/mariadb:10.11/dev";
pub const TEST_MARIADB_IMAGE: &str = "schemactl-test/mariadb:10.11";

/// Builds the PostgreSQL test image unless it exists (the script is idempotent and takes ~2 s).
pub fn ensure_test_image() {
    static BUILD: Once = Once::new();
    BUILD.call_once(|| build_image("postgres"));
}

/// Builds the MariaDB test image unless it exists (~3 s).
pub fn ensure_mariadb_image() {
    static BUILD: Once = Once::new();
    BUILD.call_once(|| build_image("mariadb"));
}

fn build_image(name: &str) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/docker/build-images.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(name)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} {name} failed: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Containers (running or not) whose label `key` has `value`, as `(name, labels)`.
pub fn containers_labelled(
    key: &str,
    value: &str,
) -> Vec<(String, std::collections::HashMap<String, String>)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let docker = bollard::Docker::connect_with_defaults()
            .unwrap()
            .negotiate_version()
            .await
            .unwrap();
        schemactl::devdb::docker::containers_labelled(&docker, &[(key, value)])
            .await
            .unwrap()
            .into_iter()
            .map(|c| {
                let name = c
                    .names
                    .and_then(|n| n.into_iter().next())
                    .unwrap_or_default()
                    .trim_start_matches('/')
                    .to_string();
                (name, c.labels.unwrap_or_default())
            })
            .collect()
    })
}

/// Containers a schemactl process with this pid started and left behind.
pub fn containers_of_pid(pid: u32) -> Vec<String> {
    containers_labelled("schemactl.pid", &pid.to_string())
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}
