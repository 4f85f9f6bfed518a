//! What a container of each engine is told and where it listens: the official images'
//! environment contract (POSTGRES_*, MYSQL_*, MARIADB_*), server arguments and the port.

use crate::url::{DockerEngine, DockerUrl};

/// The superuser the dev connection uses.
pub(crate) const PG_USER: &str = "postgres";
pub(crate) const MYSQL_USER: &str = "root";

/// Settings for a throwaway server: no durability, room for big schemas in one transaction.
/// The official postgres image passes arguments starting with `-` on to the server.
const PG_ARGS: &[&str] = &[
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_locks_per_transaction=4096",
];

/// A RAM disk for PostgreSQL's data directory: a throwaway server has no use for its disk,
/// and CREATE DATABASE on the container's overlay file system takes ~1 s instead of ~0.2 s.
/// A path of its own (not the image's PGDATA, whose ownership a mount would inherit).
const PG_TMPFS: &str = "/var/lib/postgresql/schemactl";

/// How to run and reach one container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContainerSpec {
    pub env: Vec<String>,
    /// Arguments for the image's entrypoint; `None` keeps the image's CMD.
    pub cmd: Option<Vec<String>>,
    /// The port the server listens on inside the container.
    pub port: u16,
    /// The database the connection opens (created by the image's entrypoint).
    pub database: String,
    /// A tmpfs mount for the data directory (world-writable, the entrypoint makes PGDATA).
    pub tmpfs: Option<&'static str>,
}

/// The spec for `url`'s engine, with superuser `password`.
pub(crate) fn spec_for(url: &DockerUrl, password: &str) -> ContainerSpec {
    match url.engine() {
        DockerEngine::Postgres => {
            let database = url.database().unwrap_or(PG_USER).to_string();
            ContainerSpec {
                env: vec![
                    format!("POSTGRES_USER={PG_USER}"),
                    format!("POSTGRES_PASSWORD={password}"),
                    format!("POSTGRES_DB={database}"),
                    format!("PGDATA={PG_TMPFS}/data"),
                ],
                cmd: Some(
                    std::iter::once("postgres")
                        .chain(PG_ARGS.iter().copied())
                        .map(str::to_string)
                        .collect(),
                ),
                port: 5432,
                database,
                tmpfs: Some(PG_TMPFS),
            }
        }
        engine @ (DockerEngine::Mysql | DockerEngine::Mariadb) => {
            let prefix = if engine == DockerEngine::Mysql {
                "MYSQL"
            } else {
                "MARIADB"
            };
            // Both images need a database to open; `mysql` is always there.
            let database = url.database().unwrap_or("mysql").to_string();
            let mut env = vec![format!("{prefix}_ROOT_PASSWORD={password}")];
            if url.database().is_some() {
                env.push(format!("{prefix}_DATABASE={database}"));
            }
            ContainerSpec {
                env,
                cmd: None,
                port: 3306,
                database,
                tmpfs: None,
            }
        }
    }
}

/// The superuser password a container of `engine` was given, read back from its environment.
pub(crate) fn password_in_env(engine: DockerEngine, env: &[String]) -> Option<String> {
    let variable = match engine {
        DockerEngine::Postgres => "POSTGRES_PASSWORD=",
        DockerEngine::Mysql => "MYSQL_ROOT_PASSWORD=",
        DockerEngine::Mariadb => "MARIADB_ROOT_PASSWORD=",
    };
    env.iter()
        .find_map(|entry| entry.strip_prefix(variable))
        .map(str::to_string)
}

/// The dev databases that need no Docker, for the engine of a container that could not start.
pub(crate) fn no_docker_hint(engine: DockerEngine) -> &'static str {
    match engine {
        DockerEngine::Postgres => {
            "--dev-url postgres://USER@HOST:PORT/DB (an existing server; each run gets its own \
             scratch database), or no dev URL at all (a local ephemeral PostgreSQL cluster from \
             the installed binaries)"
        }
        DockerEngine::Mysql | DockerEngine::Mariadb => {
            "--dev-url mysql://USER@HOST:PORT/ (an existing MySQL or MariaDB server; each state \
             gets its own scratch database there)"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::{DbUrl, parse};

    fn docker(s: &str) -> DockerUrl {
        match parse(s).unwrap() {
            DbUrl::Docker(url) => url,
            other => panic!("not docker: {other}"),
        }
    }

    #[test]
    fn postgres_gets_password_database_and_fast_settings() {
        let spec = spec_for(&docker("docker://postgres/16/dev"), "pw");
        assert_eq!(
            spec.env,
            [
                "POSTGRES_USER=postgres",
                "POSTGRES_PASSWORD=pw",
                "POSTGRES_DB=dev",
                "PGDATA=/var/lib/postgresql/schemactl/data"
            ]
        );
        assert_eq!(spec.tmpfs, Some("/var/lib/postgresql/schemactl"));
        let cmd = spec.cmd.unwrap();
        assert_eq!(cmd[0], "postgres");
        assert!(cmd.contains(&"fsync=off".to_string()));
        assert_eq!((spec.port, spec.database.as_str()), (5432, "dev"));
        assert_eq!(
            spec_for(&docker("docker://postgres/16"), "pw").database,
            "postgres"
        );
    }

    #[test]
    fn mysql_and_mariadb_use_their_own_variables() {
        let spec = spec_for(&docker("docker://mysql/8/dev"), "pw");
        assert_eq!(spec.env, ["MYSQL_ROOT_PASSWORD=pw", "MYSQL_DATABASE=dev"]);
        assert_eq!((spec.port, spec.cmd), (3306, None));
        let spec = spec_for(&docker("docker+mariadb://mariadb:11"), "pw");
        assert_eq!(spec.env, ["MARIADB_ROOT_PASSWORD=pw"]);
        assert_eq!(spec.database, "mysql");
    }

    #[test]
    fn password_is_read_back_from_the_environment() {
        let url = docker("docker://postgres/16/dev");
        let spec = spec_for(&url, "s3cret");
        assert_eq!(
            password_in_env(DockerEngine::Postgres, &spec.env).as_deref(),
            Some("s3cret")
        );
        assert_eq!(password_in_env(DockerEngine::Mysql, &spec.env), None);
    }
}
