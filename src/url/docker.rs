//! `docker://` URLs: a throwaway database container (image, tag and database name).
//!
//! `docker://postgres/15/dev` is shorthand for the official image of one of the known engines;
//! `docker+postgres://IMAGE:TAG/db` names any image and says which engine it runs.
//! `?reuse=true` keeps one warm container between runs (each run still gets its own scratch
//! database inside it).

use std::fmt;

/// Which database a container runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DockerEngine {
    Postgres,
    Mysql,
    Mariadb,
}

impl DockerEngine {
    fn parse(s: &str) -> Option<DockerEngine> {
        Some(match s {
            "postgres" | "postgresql" => DockerEngine::Postgres,
            "mysql" => DockerEngine::Mysql,
            "mariadb" => DockerEngine::Mariadb,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DockerEngine::Postgres => "postgres",
            DockerEngine::Mysql => "mysql",
            DockerEngine::Mariadb => "mariadb",
        }
    }
}

/// A parsed `docker://` or `docker+ENGINE://` URL; `devdb::docker` runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerUrl {
    engine: DockerEngine,
    image: String,
    tag: String,
    database: Option<String>,
    /// Whether written in the `docker+ENGINE://IMAGE:TAG/db` form.
    explicit_image: bool,
    /// `?reuse=true`: keep a warm container between runs.
    reuse: bool,
    /// `?search_path=a,b`: the schemas in scope, as for postgres:// URLs.
    search_path: Option<Vec<String>>,
}

/// The query parameters docker URLs take.
#[derive(Default)]
struct DockerQuery {
    reuse: bool,
    search_path: Option<Vec<String>>,
}

/// Splits off `?reuse=…&search_path=…`.
fn split_query(rest: &str) -> Result<(&str, DockerQuery), String> {
    let (before, pairs) = super::split_query(rest)?;
    let mut query = DockerQuery::default();
    for (key, value) in pairs {
        match (key.as_str(), value.as_str()) {
            ("reuse", "true" | "1" | "") => query.reuse = true,
            ("reuse", "false" | "0") => query.reuse = false,
            ("reuse", other) => return Err(format!("reuse={other}: expected true or false")),
            ("search_path", schemas) => {
                query.search_path = Some(super::postgres::parse_schema_list(schemas)?)
            }
            (other, _) => {
                return Err(format!(
                    "unknown parameter {other:?} (docker URLs take reuse and search_path)"
                ));
            }
        }
    }
    Ok((before, query))
}

impl DockerUrl {
    /// `ENGINE[/TAG[/DB]]` after `docker://`.
    pub(super) fn parse_short(rest: &str) -> Result<DockerUrl, String> {
        let (rest, query) = split_query(rest)?;
        let mut parts = rest.split('/');
        let engine_name = parts.next().unwrap_or_default();
        let engine = DockerEngine::parse(engine_name).ok_or_else(|| {
            format!(
                "unknown image {engine_name:?} (expected postgres, mysql or mariadb; use docker+ENGINE://IMAGE:TAG/db for others)"
            )
        })?;
        let tag = parts.next().filter(|t| !t.is_empty()).unwrap_or("latest");
        let database = parts.next().filter(|d| !d.is_empty()).map(str::to_string);
        if parts.next().is_some() {
            return Err("expected docker://ENGINE/TAG/DB".into());
        }
        Ok(DockerUrl {
            engine,
            image: engine.as_str().to_string(),
            tag: tag.to_string(),
            database,
            explicit_image: false,
            reuse: query.reuse,
            search_path: query.search_path,
        })
    }

    /// `IMAGE[:TAG][/DB]` after `docker+ENGINE://`; the image may contain `/` (registry paths),
    /// so the database is the last segment only when a tag precedes it.
    pub(super) fn parse_with_engine(engine: &str, rest: &str) -> Result<DockerUrl, String> {
        let engine = DockerEngine::parse(engine).ok_or_else(|| {
            format!("unknown engine docker+{engine} (expected postgres, mysql or mariadb)")
        })?;
        let (rest, query) = split_query(rest)?;
        let (image_ref, database) = match rest.rsplit_once('/') {
            Some((image, db))
                if image
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| last.contains(':')) =>
            {
                (image, Some(db.to_string()).filter(|d| !d.is_empty()))
            }
            _ => (rest, None),
        };
        let last_segment_start = image_ref.rfind('/').map_or(0, |i| i + 1);
        let (image, tag) = match image_ref[last_segment_start..].rfind(':') {
            Some(colon) => {
                let colon = last_segment_start + colon;
                (&image_ref[..colon], &image_ref[colon + 1..])
            }
            None => (image_ref, "latest"),
        };
        if image.is_empty() || tag.is_empty() {
            return Err("expected docker+ENGINE://IMAGE:TAG/DB".into());
        }
        Ok(DockerUrl {
            engine,
            image: image.to_string(),
            tag: tag.to_string(),
            database,
            explicit_image: true,
            reuse: query.reuse,
            search_path: query.search_path,
        })
    }

    pub fn engine(&self) -> DockerEngine {
        self.engine
    }

    pub fn image(&self) -> &str {
        &self.image
    }

    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The database to create in the container; `None` = the engine's default.
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// `image:tag`, as the engine names it.
    pub fn image_ref(&self) -> String {
        format!("{}:{}", self.image, self.tag)
    }

    /// The same URL with `?reuse=` set.
    pub fn with_reuse(&self, reuse: bool) -> DockerUrl {
        DockerUrl {
            reuse,
            ..self.clone()
        }
    }

    /// The schemas in scope (`?search_path=a,b`); `None` means the whole database.
    pub fn schemas(&self) -> Option<&[String]> {
        self.search_path.as_deref()
    }

    /// Whether a warm container is kept between runs (`?reuse=true`).
    pub fn reuse(&self) -> bool {
        self.reuse
    }
}

impl fmt::Display for DockerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.explicit_image {
            write!(
                f,
                "docker+{}://{}:{}",
                self.engine.as_str(),
                self.image,
                self.tag
            )?;
        } else {
            write!(f, "docker://{}/{}", self.image, self.tag)?;
        }
        if let Some(db) = &self.database {
            write!(f, "/{db}")?;
        }
        let mut params = Vec::new();
        if self.reuse {
            params.push("reuse=true".to_string());
        }
        if let Some(schemas) = &self.search_path {
            let value = super::encode_query_value(&schemas.join(","));
            params.push(format!("search_path={value}"));
        }
        if !params.is_empty() {
            write!(f, "?{}", params.join("&"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::DockerEngine;
    use crate::url::{DbUrl, parse};

    fn docker(s: &str) -> super::DockerUrl {
        match parse(s).unwrap() {
            DbUrl::Docker(url) => url,
            other => panic!("not docker: {other}"),
        }
    }

    #[test]
    fn short_form_names_engine_tag_and_database() {
        let url = docker("docker://postgres/15/dev");
        assert_eq!(url.engine(), DockerEngine::Postgres);
        assert_eq!(
            (url.image(), url.tag(), url.database()),
            ("postgres", "15", Some("dev"))
        );
        assert_eq!(url.to_string(), "docker://postgres/15/dev");
        let url = docker("docker://mariadb/11");
        assert_eq!(
            (url.engine(), url.database()),
            (DockerEngine::Mariadb, None)
        );
        assert_eq!(docker("docker://mysql").tag(), "latest");
    }

    #[test]
    fn explicit_image_form_allows_registry_paths() {
        let url = docker("docker+postgres://ghcr.io/org/pg-ext:15.4/app");
        assert_eq!(
            (url.image(), url.tag(), url.database()),
            ("ghcr.io/org/pg-ext", "15.4", Some("app"))
        );
        assert_eq!(
            url.to_string(),
            "docker+postgres://ghcr.io/org/pg-ext:15.4/app"
        );
        let url = docker("docker+mysql://percona");
        assert_eq!(
            (url.image(), url.tag(), url.database()),
            ("percona", "latest", None)
        );
    }

    #[test]
    fn reuse_parameter_keeps_a_warm_container() {
        let url = docker("docker://postgres/16/dev?reuse=true");
        assert!(url.reuse());
        assert_eq!(url.to_string(), "docker://postgres/16/dev?reuse=true");
        let url = docker("docker+postgres://schemactl-test/postgres:15/dev?reuse=1");
        assert!(url.reuse());
        assert_eq!(url.image_ref(), "schemactl-test/postgres:15");
        assert!(!docker("docker://postgres/16/dev?reuse=false").reuse());
        let url = docker("docker://postgres/15/dev?search_path=public,app&reuse=true");
        assert_eq!(
            url.schemas(),
            Some(&["public".to_string(), "app".to_string()][..])
        );
        assert_eq!(
            url.to_string(),
            "docker://postgres/15/dev?reuse=true&search_path=public,app"
        );
    }

    #[test]
    fn schema_names_show_encoded() {
        // Found by tests/prop_urls.rs: a schema named `#` showed as `?search_path=#`.
        let url = docker("docker://postgres/16/dev?search_path=a%23,My%20S");
        assert_eq!(
            url.schemas(),
            Some(&["a#".to_string(), "My S".to_string()][..])
        );
        assert_eq!(
            url.to_string(),
            "docker://postgres/16/dev?search_path=a%23,My%20S"
        );
    }

    #[test]
    fn unknown_engines_are_bad_input() {
        for bad in [
            "docker://oracle/1/db",
            "docker+oracle://img:1/db",
            "docker://postgres/15/dev/x",
            "docker://postgres/15/dev?keep=1",
            "docker://postgres/15/dev?reuse=maybe",
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), 2, "{bad}");
        }
    }
}
