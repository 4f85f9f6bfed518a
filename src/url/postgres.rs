//! `postgres://` and `postgresql://` URLs in libpq's syntax, and their sqlx connect options.
//!
//! Defaults differ from libpq in one place: a URL without a user connects as `postgres`
//! (libpq would use the operating-system user, which in containers and CI is usually `root`
//! and has no role). The database defaults to the user name, as in libpq. A URL without a
//! host connects to the local unix socket (`/var/run/postgresql`, then `/tmp`) when one exists
//! for the port, else to `localhost`. Passwords come from the URL, else `PGPASSWORD`, else the
//! password file (`PGPASSFILE` or `~/.pgpass`, see `passfiles`).

use super::{
    REDACTED, decode, encode_component, encode_query_value, parse_port, passfiles, split_host_port,
    split_query,
};
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use std::fmt;
use std::path::Path;
use std::time::Duration;

/// The user a URL without one connects as.
pub const DEFAULT_USER: &str = "postgres";
/// The port a URL without one connects to.
pub const DEFAULT_PORT: u16 = 5432;

/// libpq's `sslmode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Option<SslMode> {
        Some(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    fn to_sqlx(self) -> PgSslMode {
        match self {
            SslMode::Disable => PgSslMode::Disable,
            SslMode::Allow => PgSslMode::Allow,
            SslMode::Prefer => PgSslMode::Prefer,
            SslMode::Require => PgSslMode::Require,
            SslMode::VerifyCa => PgSslMode::VerifyCa,
            SslMode::VerifyFull => PgSslMode::VerifyFull,
        }
    }
}

/// Query parameters passed on unchanged to sqlx and to libpq child processes.
const PASS_THROUGH: &[&str] = &["application_name", "sslrootcert", "sslcert", "sslkey"];

/// A PostgreSQL connection URL. Debug and Display never show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl {
    user: Option<String>,
    password: Option<String>,
    /// TCP host name or address; `None` with `socket_dir` also `None` means "local default".
    host: Option<String>,
    socket_dir: Option<String>,
    port: Option<u16>,
    database: String,
    sslmode: Option<SslMode>,
    search_path: Option<Vec<String>>,
    connect_timeout: Option<u64>,
    /// libpq `options` as `-c key=value` settings, in order.
    settings: Vec<(String, String)>,
    pass_through: Vec<(String, String)>,
}

impl PgUrl {
    /// Parses what follows `postgres://`; the error says what is wrong (without the URL).
    pub(super) fn parse_after_scheme(rest: &str) -> Result<PgUrl, String> {
        let (before_query, query) = split_query(rest)?;
        let (authority, path) = match before_query.find('/') {
            Some(slash) => (&before_query[..slash], &before_query[slash + 1..]),
            None => (before_query, ""),
        };
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let mut url = PgUrl {
            user: None,
            password: None,
            host: None,
            socket_dir: None,
            port: None,
            database: String::new(),
            sslmode: None,
            search_path: None,
            connect_timeout: None,
            settings: Vec::new(),
            pass_through: Vec::new(),
        };
        if let Some(userinfo) = userinfo {
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            if !user.is_empty() {
                url.user = Some(decode(user, "the user name")?);
            }
            if let Some(p) = password {
                url.password = Some(decode(p, "the password")?);
            }
        }
        url.set_hostport(hostport)?;
        if path.contains('/') {
            return Err(format!("database name {path:?} contains '/'"));
        }
        let mut database = decode(path, "the database name")?;
        for (key, value) in query {
            match key.as_str() {
                "sslmode" => {
                    url.sslmode = Some(SslMode::parse(&value).ok_or_else(|| {
                        format!(
                            "sslmode={value} is not one of disable, allow, prefer, require, verify-ca, verify-full"
                        )
                    })?)
                }
                "search_path" => url.search_path = Some(parse_schema_list(&value)?),
                "host" | "hostaddr" => url.set_host(&value)?,
                "port" => url.port = Some(parse_port(&value)?),
                "user" => url.user = Some(value),
                "password" => url.password = Some(value),
                "dbname" => database = value,
                "connect_timeout" => {
                    url.connect_timeout = Some(value.parse().map_err(|_| {
                        format!("connect_timeout={value} is not a number of seconds")
                    })?)
                }
                "options" => url.settings.extend(parse_libpq_options(&value)?),
                k if PASS_THROUGH.contains(&k) => url.pass_through.push((key, value)),
                _ => {
                    return Err(format!(
                        "unsupported query parameter {key:?} (supported: sslmode, search_path, host, hostaddr, port, user, password, dbname, connect_timeout, options, {})",
                        PASS_THROUGH.join(", ")
                    ));
                }
            }
        }
        url.database = if database.is_empty() {
            url.user().to_string()
        } else {
            database
        };
        Ok(url)
    }

    fn set_hostport(&mut self, hostport: &str) -> Result<(), String> {
        if hostport.contains(',') {
            return Err("several hosts in one URL are not supported".into());
        }
        let (host, port) = split_host_port(hostport)?;
        if let Some(p) = port.filter(|p| !p.is_empty()) {
            self.port = Some(parse_port(p)?);
        }
        if !host.is_empty() {
            self.set_host(&host)?;
        }
        Ok(())
    }

    /// A host starting with `/` is a unix-socket directory, as in libpq.
    fn set_host(&mut self, host: &str) -> Result<(), String> {
        if host.contains(',') {
            return Err("several hosts in one URL are not supported".into());
        }
        if host.starts_with('/') {
            self.socket_dir = Some(host.to_string());
            self.host = None;
        } else if !host.is_empty() {
            self.host = Some(host.to_string());
            self.socket_dir = None;
        }
        Ok(())
    }

    /// sqlx options for this URL; `search_path` becomes a session setting when scoped.
    pub fn connect_options(&self) -> PgConnectOptions {
        let port = self.port();
        let mut options = PgConnectOptions::new_without_pgpass()
            .username(self.user())
            .database(&self.database)
            .port(port);
        // libpq's name for a socket connection in the password file is `localhost`.
        let (options_at_host, host_for_passfile) = match (&self.socket_dir, &self.host) {
            (Some(dir), _) => (options.socket(dir), "localhost"),
            (None, Some(host)) => (options.host(host), host.as_str()),
            (None, None) => match local_socket_dir(port) {
                Some(dir) => (options.socket(dir), "localhost"),
                None => (options.host("localhost"), "localhost"),
            },
        };
        options = options_at_host;
        // The URL's password, else PGPASSWORD (sqlx reads it), else the password file.
        let password = self.password.clone().or_else(|| {
            std::env::var_os("PGPASSWORD").is_none().then(|| {
                passfiles::pgpass_password(host_for_passfile, port, &self.database, self.user())
            })?
        });
        if let Some(password) = &password {
            options = options.password(password);
        }
        if let Some(mode) = self.sslmode {
            options = options.ssl_mode(mode.to_sqlx());
        }
        for (key, value) in &self.pass_through {
            options = match key.as_str() {
                "application_name" => options.application_name(value),
                "sslrootcert" => options.ssl_root_cert(value),
                "sslcert" => options.ssl_client_cert(value),
                "sslkey" => options.ssl_client_key(value),
                _ => options,
            };
        }
        let settings = self.session_settings();
        if !settings.is_empty() {
            options = options.options(
                settings
                    .iter()
                    .map(|(k, v)| (escape_option(k), escape_option(v))),
            );
        }
        options
    }

    /// `-c` settings sent at connection start: `options=` settings, then the search path.
    fn session_settings(&self) -> Vec<(String, String)> {
        let mut settings = self.settings.clone();
        if let Some(schemas) = &self.search_path {
            settings.push(("search_path".into(), search_path_value(schemas)));
        }
        settings
    }

    /// How long to wait for a connection (`connect_timeout`, default 10 s).
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout.unwrap_or(10).max(1))
    }

    pub fn database(&self) -> &str {
        &self.database
    }

    pub fn user(&self) -> &str {
        self.user.as_deref().unwrap_or(DEFAULT_USER)
    }

    pub fn port(&self) -> u16 {
        self.port.unwrap_or(DEFAULT_PORT)
    }

    /// The unix-socket directory, when the URL names one.
    pub fn socket_dir(&self) -> Option<&str> {
        self.socket_dir.as_deref()
    }

    /// The same server and settings, another database.
    pub fn with_database(&self, db: &str) -> PgUrl {
        PgUrl {
            database: db.to_string(),
            ..self.clone()
        }
    }

    /// The same URL with another password (e.g. for a server schemaclt started itself).
    pub fn with_password(&self, password: Option<&str>) -> PgUrl {
        PgUrl {
            password: password.map(str::to_string),
            ..self.clone()
        }
    }

    /// The same URL scoped to `schemas` (`None`: the whole database).
    pub fn with_search_path(&self, schemas: Option<&[String]>) -> PgUrl {
        PgUrl {
            search_path: schemas.map(<[String]>::to_vec),
            ..self.clone()
        }
    }

    /// A URL for a server on a unix socket in `dir`.
    pub fn for_socket(dir: &Path, port: u16, user: &str, database: &str) -> PgUrl {
        PgUrl {
            user: Some(user.to_string()),
            password: None,
            host: None,
            socket_dir: Some(dir.display().to_string()),
            port: Some(port),
            database: database.to_string(),
            sslmode: Some(SslMode::Disable),
            search_path: None,
            connect_timeout: None,
            settings: Vec::new(),
            pass_through: Vec::new(),
        }
    }

    /// The schemas in scope (`?search_path=a,b`); `None` means the whole database.
    pub fn schemas(&self) -> Option<Vec<String>> {
        self.search_path.clone()
    }

    /// The URL with the password replaced by `xxxxx`; what Display and Debug print.
    pub fn redacted(&self) -> String {
        self.render(self.password.as_ref().map(|_| REDACTED.to_string()), false)
    }

    /// The full URL including the password, in a form libpq accepts (`search_path` becomes
    /// `options=-c search_path=…`). Only for child processes such as psql and pg_dump.
    pub fn to_url_string(&self) -> String {
        self.render(self.password.as_ref().map(|p| encode_component(p)), true)
    }

    fn render(&self, password: Option<String>, for_libpq: bool) -> String {
        let mut out = String::from("postgresql://");
        if self.user.is_some() || password.is_some() {
            // libpq's default user is another; shown, a URL keeps the user as written (none).
            let user = match &self.user {
                None if !for_libpq => "",
                _ => self.user(),
            };
            out.push_str(&encode_component(user));
            if let Some(p) = password {
                out.push(':');
                out.push_str(&p);
            }
            out.push('@');
        }
        if let Some(host) = &self.host {
            if host.contains(':') {
                out.push_str(&format!("[{host}]"));
            } else {
                out.push_str(&encode_component(host));
            }
        }
        let mut query: Vec<(String, String)> = Vec::new();
        if let Some(dir) = &self.socket_dir {
            query.push(("host".into(), dir.clone()));
        }
        if let Some(port) = self.port {
            if self.socket_dir.is_some() || self.host.is_none() {
                query.push(("port".into(), port.to_string()));
            } else {
                out.push_str(&format!(":{port}"));
            }
        }
        out.push('/');
        out.push_str(&encode_component(&self.database));
        if let Some(mode) = self.sslmode {
            query.push(("sslmode".into(), mode.as_str().into()));
        }
        if let Some(timeout) = self.connect_timeout {
            query.push(("connect_timeout".into(), timeout.to_string()));
        }
        query.extend(self.pass_through.iter().cloned());
        let settings = if for_libpq {
            self.session_settings()
        } else {
            if let Some(schemas) = &self.search_path {
                query.push(("search_path".into(), schemas.join(",")));
            }
            self.settings.clone()
        };
        if !settings.is_empty() {
            let text = settings
                .iter()
                .map(|(k, v)| format!("-c {}={}", escape_option(k), escape_option(v)))
                .collect::<Vec<_>>()
                .join(" ");
            query.push(("options".into(), text));
        }
        for (i, (k, v)) in query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(k);
            out.push('=');
            out.push_str(&encode_query_value(v));
        }
        out
    }
}

impl fmt::Display for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Written by hand so that `{:?}` can never print the password.
impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgUrl({})", self.redacted())
    }
}

/// `a,b` or `"My Schema",b` → names; empty entries are an error.
pub(super) fn parse_schema_list(value: &str) -> Result<Vec<String>, String> {
    let names: Vec<String> = value
        .split(',')
        .map(|name| {
            let name = name.trim();
            name.strip_prefix('"')
                .and_then(|n| n.strip_suffix('"'))
                .unwrap_or(name)
                .to_string()
        })
        .collect();
    if names.iter().any(String::is_empty) {
        return Err(format!("search_path={value} has an empty schema name"));
    }
    Ok(names)
}

/// The search_path setting value: names quoted where PostgreSQL would otherwise fold them.
fn search_path_value(schemas: &[String]) -> String {
    schemas
        .iter()
        .map(|s| {
            let plain = s
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if plain {
                s.clone()
            } else {
                format!("\"{}\"", s.replace('"', "\"\""))
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// libpq's `options` (`-c a=b -c c=d`, `-ca=b`, `--a=b`) as key/value pairs.
fn parse_libpq_options(value: &str) -> Result<Vec<(String, String)>, String> {
    let words = split_option_words(value);
    let mut pairs = Vec::new();
    let mut words = words.into_iter();
    while let Some(word) = words.next() {
        let setting = if word == "-c" {
            words
                .next()
                .ok_or("options: '-c' must be followed by name=value")?
        } else if let Some(s) = word.strip_prefix("-c") {
            s.to_string()
        } else if let Some(s) = word.strip_prefix("--") {
            s.to_string()
        } else {
            return Err(format!(
                "options: {word:?} is not a '-c name=value' setting"
            ));
        };
        let (k, v) = setting
            .split_once('=')
            .ok_or_else(|| format!("options: {setting:?} is not name=value"))?;
        pairs.push((k.replace('-', "_"), v.to_string()));
    }
    Ok(pairs)
}

/// Splits on unescaped whitespace; `\x` stands for `x`.
fn split_option_words(value: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.extend(chars.next()),
            c if c.is_whitespace() => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Escapes spaces and backslashes for the startup `options` string.
fn escape_option(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\\' || c.is_whitespace() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// libpq's default socket directories, when a server socket for `port` exists there.
fn local_socket_dir(port: u16) -> Option<&'static str> {
    ["/var/run/postgresql", "/tmp"]
        .into_iter()
        .find(|dir| Path::new(dir).join(format!(".s.PGSQL.{port}")).exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(s: &str) -> PgUrl {
        match crate::url::parse(s).unwrap() {
            crate::url::DbUrl::Postgres(url) => url,
            other => panic!("not postgres: {other}"),
        }
    }

    fn pg_err(s: &str) -> String {
        let err = crate::url::parse(s).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2, "{err}");
        err.to_string()
    }

    #[test]
    fn decodes_percent_encoded_user_and_password() {
        let url = pg("postgres://us%3Aer:p%40ss%2Fw%3Ard%251@h:5433/db");
        let options = url.connect_options();
        assert_eq!(options.get_username(), "us:er");
        assert_eq!(url.password.as_deref(), Some("p@ss/w:rd%1"));
        assert_eq!(options.get_host(), "h");
        assert_eq!(options.get_port(), 5433);
        assert_eq!(options.get_database(), Some("db"));
    }

    #[test]
    fn accepts_both_schemes_and_defaults_port_user_and_database() {
        let url = pg("postgresql://db.example.com");
        assert_eq!(url.port(), 5432);
        assert_eq!(url.user(), "postgres");
        assert_eq!(url.database(), "postgres");
        let url = pg("postgres://alice@db.example.com");
        assert_eq!(
            url.database(),
            "alice",
            "database defaults to the user, as in libpq"
        );
    }

    #[test]
    fn url_without_password_has_none() {
        let url = pg("postgres://u@h/db");
        assert_eq!(url.password, None);
        assert_eq!(url.redacted(), "postgresql://u@h/db");
    }

    #[test]
    fn empty_host_with_socket_dir_query_uses_the_socket() {
        let url = pg("postgresql://postgres@/mydb?host=/var/run/postgresql&port=5433");
        let options = url.connect_options();
        assert_eq!(
            options.get_socket().map(|p| p.display().to_string()),
            Some("/var/run/postgresql".to_string())
        );
        assert_eq!(options.get_port(), 5433);
        assert_eq!(url.database(), "mydb");
        assert_eq!(url.socket_dir(), Some("/var/run/postgresql"));
    }

    #[test]
    fn percent_encoded_socket_dir_in_host_position_is_a_socket() {
        let url = pg("postgres://%2Ftmp%2Fpg/db");
        assert_eq!(url.socket_dir(), Some("/tmp/pg"));
    }

    #[test]
    fn parses_ipv6_host_with_port() {
        let url = pg("postgres://u@[::1]:6000/db");
        assert_eq!(url.connect_options().get_host(), "::1");
        assert_eq!(url.port(), 6000);
        assert_eq!(url.redacted(), "postgresql://u@[::1]:6000/db");
    }

    #[test]
    fn maps_every_sslmode() {
        for (text, mode) in [
            ("disable", PgSslMode::Disable),
            ("allow", PgSslMode::Allow),
            ("prefer", PgSslMode::Prefer),
            ("require", PgSslMode::Require),
            ("verify-ca", PgSslMode::VerifyCa),
            ("verify-full", PgSslMode::VerifyFull),
        ] {
            let url = pg(&format!("postgres://h/db?sslmode={text}"));
            assert_eq!(
                format!("{:?}", url.connect_options().get_ssl_mode()),
                format!("{mode:?}"),
                "{text}"
            );
        }
        assert!(pg_err("postgres://h/db?sslmode=sometimes").contains("sslmode"));
    }

    #[test]
    fn search_path_scopes_schemas_and_sets_the_session_option() {
        let url = pg("postgres://h/db?search_path=public,Sales");
        assert_eq!(url.schemas(), Some(vec!["public".into(), "Sales".into()]));
        assert_eq!(
            url.connect_options().get_options(),
            Some("-c search_path=public,\"Sales\"")
        );
        assert_eq!(pg("postgres://h/db").schemas(), None);
        assert!(pg_err("postgres://h/db?search_path=a,,b").contains("empty schema"));
    }

    #[test]
    fn unknown_query_parameter_is_bad_input_naming_it() {
        let text = pg_err("postgres://u:secret@h/db?frobnicate=1");
        assert!(text.contains("frobnicate"), "{text}");
        assert!(!text.contains("secret"), "{text}");
    }

    #[test]
    fn passes_supported_parameters_through() {
        let url = pg("postgres://h/db?application_name=schemactl&connect_timeout=3");
        assert_eq!(
            url.connect_options().get_application_name(),
            Some("schemactl")
        );
        assert_eq!(url.connect_timeout(), Duration::from_secs(3));
        assert_eq!(
            url.redacted(),
            "postgresql://h/db?connect_timeout=3&application_name=schemactl"
        );
    }

    #[test]
    fn libpq_options_become_session_settings() {
        let url = pg("postgres://h/db?options=-c%20statement_timeout%3D5s%20--lock-timeout%3D1s");
        assert_eq!(
            url.connect_options().get_options(),
            Some("-c statement_timeout=5s -c lock_timeout=1s")
        );
        assert!(pg_err("postgres://h/db?options=-x").contains("options"));
    }

    #[test]
    fn rejects_bad_ports_and_several_hosts() {
        assert!(pg_err("postgres://h:0/db").contains("port"));
        assert!(pg_err("postgres://h:abc/db").contains("port"));
        assert!(pg_err("postgres://h1,h2/db").contains("several hosts"));
        assert!(pg_err("postgres://h/db/extra").contains("'/'"));
    }

    #[test]
    fn display_debug_and_redacted_never_show_the_password() {
        let url = pg("postgres://u:p%40ss%2Fw%3Ard%251@h:5432/db?sslmode=disable");
        for shown in [url.to_string(), format!("{url:?}"), url.redacted()] {
            assert!(!shown.contains("p@ss"), "{shown}");
            assert!(!shown.contains("p%40ss"), "{shown}");
            assert!(shown.contains("xxxxx"), "{shown}");
        }
        assert_eq!(
            url.redacted(),
            "postgresql://u:xxxxx@h:5432/db?sslmode=disable"
        );
    }

    #[test]
    fn full_url_round_trips_the_password_for_child_processes() {
        let url = pg("postgres://u:p%40ss%2Fw%3Ard%251@h:5432/db");
        let full = url.to_url_string();
        assert_eq!(full, "postgresql://u:p%40ss%2Fw%3Ard%251@h:5432/db");
        assert_eq!(pg(&full), url);
    }

    #[test]
    fn full_url_turns_search_path_into_libpq_options() {
        let url = pg("postgres://h/db?search_path=a,b");
        assert_eq!(
            url.to_url_string(),
            "postgresql://h/db?options=-c%20search_path%3Da,b"
        );
        assert_eq!(url.redacted(), "postgresql://h/db?search_path=a,b");
    }

    #[test]
    fn socket_urls_render_host_and_port_as_query() {
        let url = PgUrl::for_socket(Path::new("/tmp/x y"), 5432, "postgres", "d");
        let text = url.to_url_string();
        assert_eq!(
            text,
            "postgresql://postgres@/d?host=/tmp/x%20y&port=5432&sslmode=disable"
        );
        assert_eq!(pg(&text), url);
    }

    #[test]
    fn with_database_keeps_everything_else() {
        let url = pg("postgres://u:pw@h:1234/a?sslmode=require&search_path=s");
        let other = url.with_database("b");
        assert_eq!(other.database(), "b");
        assert_eq!(other.port(), 1234);
        assert_eq!(other.schemas(), Some(vec!["s".to_string()]));
        assert_eq!(other.password.as_deref(), Some("pw"));
    }

    #[test]
    fn query_parameters_override_the_authority() {
        let url = pg("postgres://u@h:1/db?host=other&port=2&user=v&dbname=x");
        assert_eq!(url.connect_options().get_host(), "other");
        assert_eq!(url.port(), 2);
        assert_eq!(url.user(), "v");
        assert_eq!(url.database(), "x");
    }
}
