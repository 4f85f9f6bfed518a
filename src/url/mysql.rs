//! `mysql://` and `mariadb://` URLs, and their sqlx connect options.
//!
//! `mysql://user:password@host:3306/db?ssl-mode=REQUIRED&ssl-ca=/ca.pem` or, over a unix
//! socket, `mysql://user@/db?socket=/run/mysqld/mysqld.sock`. The scheme records which flavour
//! the user named; both speak the same protocol. The database is the scope; a URL without one
//! names the server (for `db create|drop` and the like). Query parameters are the mysql client's
//! option names (`ssl-mode`, `ssl-ca`, `ssl-cert`, `ssl-key`, `socket`, `connect-timeout`;
//! `_` may stand for `-`, as in option files); any other is an error.
//!
//! Defaults: user `root`, port 3306. A URL without a host connects to the local server's
//! socket when one exists at the usual places, else to `localhost` over TCP. As with the mysql
//! client, `ssl-ca` without `ssl-mode` means `VERIFY_CA`.

use super::{
    REDACTED, decode, encode_component, encode_query_value, parse_port, passfiles, split_host_port,
};
use sqlx::mysql::{MySqlConnectOptions, MySqlSslMode};
use std::fmt;
use std::path::Path;
use std::time::Duration;

/// The user a URL without one connects as.
pub const DEFAULT_USER: &str = "root";
/// The port a URL without one connects to.
pub const DEFAULT_PORT: u16 = 3306;

/// Where a local server's socket usually is (Debian, the official images, macOS builds).
const LOCAL_SOCKETS: &[&str] = &[
    "/run/mysqld/mysqld.sock",
    "/var/run/mysqld/mysqld.sock",
    "/tmp/mysql.sock",
];

/// Which of the two the user named in the scheme (the server may still turn out the other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MysqlFlavor {
    Mysql,
    Mariadb,
}

impl MysqlFlavor {
    /// The URL scheme: `mysql` or `mariadb`.
    pub fn scheme(self) -> &'static str {
        match self {
            MysqlFlavor::Mysql => "mysql",
            MysqlFlavor::Mariadb => "mariadb",
        }
    }

    /// The name in messages: `MySQL` or `MariaDB`.
    pub fn name(self) -> &'static str {
        match self {
            MysqlFlavor::Mysql => "MySQL",
            MysqlFlavor::Mariadb => "MariaDB",
        }
    }
}

/// The mysql client's `--ssl-mode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MysqlSslMode {
    Disabled,
    Preferred,
    Required,
    VerifyCa,
    VerifyIdentity,
}

impl MysqlSslMode {
    /// Case-insensitive, `-` or `_` between the words (`VERIFY_CA`, `verify-ca`).
    fn parse(s: &str) -> Option<MysqlSslMode> {
        Some(match s.to_ascii_uppercase().replace('-', "_").as_str() {
            "DISABLED" => MysqlSslMode::Disabled,
            "PREFERRED" => MysqlSslMode::Preferred,
            "REQUIRED" => MysqlSslMode::Required,
            "VERIFY_CA" => MysqlSslMode::VerifyCa,
            "VERIFY_IDENTITY" => MysqlSslMode::VerifyIdentity,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            MysqlSslMode::Disabled => "DISABLED",
            MysqlSslMode::Preferred => "PREFERRED",
            MysqlSslMode::Required => "REQUIRED",
            MysqlSslMode::VerifyCa => "VERIFY_CA",
            MysqlSslMode::VerifyIdentity => "VERIFY_IDENTITY",
        }
    }

    fn to_sqlx(self) -> MySqlSslMode {
        match self {
            MysqlSslMode::Disabled => MySqlSslMode::Disabled,
            MysqlSslMode::Preferred => MySqlSslMode::Preferred,
            MysqlSslMode::Required => MySqlSslMode::Required,
            MysqlSslMode::VerifyCa => MySqlSslMode::VerifyCa,
            MysqlSslMode::VerifyIdentity => MySqlSslMode::VerifyIdentity,
        }
    }
}

const SUPPORTED_PARAMETERS: &str = "socket, ssl-mode, ssl-ca, ssl-cert, ssl-key, connect-timeout";

/// A MySQL or MariaDB connection URL. Debug and Display never show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct MysqlUrl {
    flavor: MysqlFlavor,
    user: Option<String>,
    password: Option<String>,
    /// TCP host name or address; with `socket` only `localhost` (or none).
    host: Option<String>,
    port: Option<u16>,
    socket: Option<String>,
    /// The scope; `None` names the server.
    database: Option<String>,
    ssl_mode: Option<MysqlSslMode>,
    ssl_ca: Option<String>,
    ssl_cert: Option<String>,
    ssl_key: Option<String>,
    connect_timeout: Option<u64>,
    /// A URL the user wrote (not one schemactl built for a server it started): only those
    /// take a missing password from `~/.my.cnf`, whose `[client]` password would lock
    /// schemactl out of its own password-less servers.
    written_by_user: bool,
}

impl MysqlUrl {
    /// Parses what follows `mysql://` or `mariadb://`; the error says what is wrong (without
    /// the URL).
    pub(super) fn parse_after_scheme(flavor: MysqlFlavor, rest: &str) -> Result<MysqlUrl, String> {
        let (before_query, query) = super::split_query(rest)?;
        let (authority, path) = match before_query.find('/') {
            Some(slash) => (&before_query[..slash], &before_query[slash + 1..]),
            None => (before_query, ""),
        };
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let mut url = MysqlUrl {
            written_by_user: true,
            ..MysqlUrl::server(flavor)
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
        if hostport.contains(',') {
            return Err("several hosts in one URL are not supported".into());
        }
        let (host, port) = split_host_port(hostport)?;
        if let Some(p) = port.filter(|p| !p.is_empty()) {
            url.port = Some(parse_port(p)?);
        }
        url.host = Some(host).filter(|h| !h.is_empty());
        if path.contains('/') {
            return Err(format!("database name {path:?} contains '/'"));
        }
        url.database = Some(decode(path, "the database name")?).filter(|d| !d.is_empty());
        for (key, value) in query {
            url.set_parameter(&key, value)?;
        }
        if let (Some(_), Some(host)) = (&url.socket, &url.host)
            && host != "localhost"
        {
            return Err(format!(
                "socket= connects to a local server, but the URL also names host {host:?}: give one of them"
            ));
        }
        Ok(url)
    }

    fn set_parameter(&mut self, key: &str, value: String) -> Result<(), String> {
        let path_value = |value: String| {
            if value.is_empty() {
                Err(format!("{key}= needs a file path"))
            } else {
                Ok(Some(value))
            }
        };
        match key.replace('_', "-").as_str() {
            "socket" => self.socket = path_value(value)?,
            "ssl-mode" => {
                self.ssl_mode = Some(MysqlSslMode::parse(&value).ok_or_else(|| {
                    format!(
                        "ssl-mode={value} is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY"
                    )
                })?)
            }
            "ssl-ca" => self.ssl_ca = path_value(value)?,
            "ssl-cert" => self.ssl_cert = path_value(value)?,
            "ssl-key" => self.ssl_key = path_value(value)?,
            "connect-timeout" => {
                self.connect_timeout = Some(value.parse().map_err(|_| {
                    format!("connect-timeout={value} is not a number of seconds")
                })?)
            }
            _ => {
                return Err(format!(
                    "unsupported query parameter {key:?} (supported: {SUPPORTED_PARAMETERS})"
                ));
            }
        }
        Ok(())
    }

    /// A URL of the default server (local socket or localhost:3306) with nothing else set.
    fn server(flavor: MysqlFlavor) -> MysqlUrl {
        MysqlUrl {
            flavor,
            user: None,
            password: None,
            host: None,
            port: None,
            socket: None,
            database: None,
            ssl_mode: None,
            ssl_ca: None,
            ssl_cert: None,
            ssl_key: None,
            connect_timeout: None,
            written_by_user: false,
        }
    }

    /// A URL for a server schemactl reaches over TCP (a container, a server it started).
    pub fn for_tcp(
        flavor: MysqlFlavor,
        host: &str,
        port: u16,
        user: &str,
        password: Option<&str>,
    ) -> MysqlUrl {
        MysqlUrl {
            user: Some(user.to_string()),
            password: password.map(str::to_string),
            host: Some(host.to_string()),
            port: Some(port),
            ..MysqlUrl::server(flavor)
        }
    }

    /// A URL for a server on the unix socket `path`.
    pub fn for_socket(flavor: MysqlFlavor, path: &Path, user: &str) -> MysqlUrl {
        MysqlUrl {
            user: Some(user.to_string()),
            socket: Some(path.display().to_string()),
            ..MysqlUrl::server(flavor)
        }
    }

    /// sqlx options for this URL. The session keeps the server's `sql_mode` (sqlx would add
    /// PIPES_AS_CONCAT, which changes what `||` in a migration file means); the time zone is
    /// UTC, so that TIMESTAMP values read the same from every server. Connect through
    /// `driver::mysql::connect`, which also undoes the IGNORE_SPACE mode sqlx always asks for.
    pub fn connect_options(&self) -> MySqlConnectOptions {
        let mut options = MySqlConnectOptions::new()
            .username(self.user())
            .port(self.port())
            .pipes_as_concat(false)
            .no_engine_substitution(false);
        // The URL's password, else `~/.my.cnf`'s (as the mysql client reads it).
        let from_option_file = || {
            self.written_by_user
                .then(passfiles::mycnf_password)
                .flatten()
        };
        if let Some(password) = self.password.clone().or_else(from_option_file) {
            options = options.password(&password);
        }
        if let Some(database) = &self.database {
            options = options.database(database);
        }
        options = match (&self.socket, &self.host) {
            (Some(socket), _) => options.socket(socket),
            (None, Some(host)) => options.host(host),
            (None, None) => match local_socket() {
                Some(socket) => options.socket(socket),
                None => options.host("localhost"),
            },
        };
        options = options.ssl_mode(self.ssl_mode().to_sqlx());
        if let Some(ca) = &self.ssl_ca {
            options = options.ssl_ca(ca);
        }
        if let Some(cert) = &self.ssl_cert {
            options = options.ssl_client_cert(cert);
        }
        if let Some(key) = &self.ssl_key {
            options = options.ssl_client_key(key);
        }
        options
    }

    /// The flavour the scheme named.
    pub fn flavor(&self) -> MysqlFlavor {
        self.flavor
    }

    pub fn user(&self) -> &str {
        self.user.as_deref().unwrap_or(DEFAULT_USER)
    }

    pub fn port(&self) -> u16 {
        self.port.unwrap_or(DEFAULT_PORT)
    }

    /// The TCP host the URL names, if any.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The unix socket the URL names (`?socket=`), if any.
    pub fn socket(&self) -> Option<&str> {
        self.socket.as_deref()
    }

    /// The database in scope; `None`: the URL names the server.
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// `ssl-mode`, or what the mysql client assumes without one (`VERIFY_CA` when a CA is
    /// given, else `PREFERRED`).
    pub fn ssl_mode(&self) -> MysqlSslMode {
        match (self.ssl_mode, &self.ssl_ca) {
            (Some(mode), _) => mode,
            (None, Some(_)) => MysqlSslMode::VerifyCa,
            (None, None) => MysqlSslMode::Preferred,
        }
    }

    /// How long to wait for a connection (`connect-timeout`, default 10 s).
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout.unwrap_or(10).max(1))
    }

    /// The same server and settings, scoped to database `name`.
    pub fn with_database(&self, name: &str) -> MysqlUrl {
        MysqlUrl {
            database: Some(name.to_string()),
            ..self.clone()
        }
    }

    /// The same server and settings, with no database (server-level statements).
    pub fn without_database(&self) -> MysqlUrl {
        MysqlUrl {
            database: None,
            ..self.clone()
        }
    }

    /// `host:port` or the socket path: where the server is, for messages.
    pub fn place(&self) -> String {
        match (&self.socket, &self.host) {
            (Some(socket), _) => format!("socket {socket}"),
            (None, Some(host)) if host.contains(':') => format!("[{host}]:{}", self.port()),
            (None, Some(host)) => format!("{host}:{}", self.port()),
            (None, None) => match local_socket() {
                Some(socket) => format!("socket {socket}"),
                None => format!("localhost:{}", self.port()),
            },
        }
    }

    /// The URL with the password replaced by `xxxxx`; what Display and Debug print.
    pub fn redacted(&self) -> String {
        let mut out = format!("{}://", self.flavor.scheme());
        if self.user.is_some() || self.password.is_some() {
            out.push_str(&encode_component(self.user.as_deref().unwrap_or_default()));
            if self.password.is_some() {
                out.push(':');
                out.push_str(REDACTED);
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
        if let Some(port) = self.port {
            out.push_str(&format!(":{port}"));
        }
        out.push('/');
        if let Some(database) = &self.database {
            out.push_str(&encode_component(database));
        }
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(socket) = &self.socket {
            query.push(("socket", socket.clone()));
        }
        if let Some(mode) = self.ssl_mode {
            query.push(("ssl-mode", mode.as_str().to_string()));
        }
        for (key, value) in [
            ("ssl-ca", &self.ssl_ca),
            ("ssl-cert", &self.ssl_cert),
            ("ssl-key", &self.ssl_key),
        ] {
            if let Some(value) = value {
                query.push((key, value.clone()));
            }
        }
        if let Some(timeout) = self.connect_timeout {
            query.push(("connect-timeout", timeout.to_string()));
        }
        for (i, (key, value)) in query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(key);
            out.push('=');
            out.push_str(&encode_query_value(value));
        }
        out
    }
}

impl fmt::Display for MysqlUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Written by hand so that `{:?}` can never print the password.
impl fmt::Debug for MysqlUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MysqlUrl({})", self.redacted())
    }
}

/// The first of the usual local server sockets that exists.
fn local_socket() -> Option<&'static str> {
    LOCAL_SOCKETS
        .iter()
        .copied()
        .find(|path| Path::new(path).exists())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::exit_code;
    use crate::url::{DbUrl, parse};

    fn my(s: &str) -> MysqlUrl {
        match parse(s).unwrap() {
            DbUrl::Mysql(url) => url,
            other => panic!("not mysql: {other}"),
        }
    }

    fn my_err(s: &str) -> String {
        let err = parse(s).unwrap_err();
        assert_eq!(exit_code(&err), 2, "{s}");
        err.to_string()
    }

    #[test]
    fn full_url_sets_every_part() {
        let url = my("mysql://app:pw@db.example:3307/shop");
        assert_eq!(url.flavor(), MysqlFlavor::Mysql);
        assert_eq!(
            (url.user(), url.host(), url.port(), url.database()),
            ("app", Some("db.example"), 3307, Some("shop"))
        );
        let options = url.connect_options();
        assert_eq!(options.get_host(), "db.example");
        assert_eq!(options.get_port(), 3307);
        assert_eq!(options.get_username(), "app");
        assert_eq!(options.get_database(), Some("shop"));
        assert_eq!(url.password.as_deref(), Some("pw"));
    }

    #[test]
    fn scheme_records_the_flavour() {
        assert_eq!(my("mariadb://h/db").flavor(), MysqlFlavor::Mariadb);
        assert_eq!(my("MariaDB://h/db").flavor(), MysqlFlavor::Mariadb);
        assert_eq!(my("mariadb://h/db").to_string(), "mariadb://h/db");
        assert_eq!(my("mysql://h/db").to_string(), "mysql://h/db");
    }

    #[test]
    fn defaults_are_root_and_3306() {
        let url = my("mysql://db.example/app");
        assert_eq!((url.user(), url.port()), ("root", 3306));
        assert_eq!(url.connect_options().get_username(), "root");
        assert_eq!(url.connect_options().get_port(), 3306);
        assert_eq!(url.ssl_mode(), MysqlSslMode::Preferred);
        assert_eq!(url.connect_timeout(), Duration::from_secs(10));
    }

    #[test]
    fn a_url_without_a_database_names_the_server() {
        for text in [
            "mysql://root@127.0.0.1:3306/",
            "mysql://root@127.0.0.1:3306",
        ] {
            let url = my(text);
            assert_eq!(url.database(), None, "{text}");
            assert_eq!(url.connect_options().get_database(), None);
            assert_eq!(url.to_string(), "mysql://root@127.0.0.1:3306/");
        }
        let url = my("mysql://h/app");
        assert_eq!(url.without_database().database(), None);
        assert_eq!(
            url.without_database().with_database("b").database(),
            Some("b")
        );
    }

    #[test]
    fn percent_encoded_user_and_password_are_decoded_and_never_shown() {
        let url = my("mysql://schemactl%5Fpw:p%40ss%2Fw%3Ard%251@127.0.0.1:33069/db");
        assert_eq!(url.user(), "schemactl_pw");
        assert_eq!(url.password.as_deref(), Some("p@ss/w:rd%1"));
        for shown in [url.to_string(), format!("{url:?}"), url.redacted()] {
            assert!(!shown.contains("p@ss"), "{shown}");
            assert!(!shown.contains("p%40ss"), "{shown}");
            assert!(shown.contains(":xxxxx@"), "{shown}");
        }
        assert_eq!(
            url.redacted(),
            "mysql://schemactl_pw:xxxxx@127.0.0.1:33069/db"
        );
        // Through the DbUrl too.
        let any = parse("mariadb://u:topsecret@h/db").unwrap();
        assert!(!format!("{any} {any:?}").contains("topsecret"));
    }

    #[test]
    fn socket_parameter_connects_over_the_socket() {
        let url = my("mysql://root@/app?socket=/tmp/my%20sql.sock");
        assert_eq!(url.socket(), Some("/tmp/my sql.sock"));
        assert_eq!(
            url.connect_options().get_socket(),
            Some(&std::path::PathBuf::from("/tmp/my sql.sock"))
        );
        assert_eq!(url.place(), "socket /tmp/my sql.sock");
        assert_eq!(
            url.to_string(),
            "mysql://root@/app?socket=/tmp/my%20sql.sock"
        );
        assert_eq!(my(&url.to_string()), url);
        // localhost with a socket is the mysql client's own spelling.
        assert!(
            my("mysql://root@localhost/app?socket=/s")
                .socket()
                .is_some()
        );
        assert!(my_err("mysql://root@db.example/app?socket=/s").contains("give one of them"));
        assert!(my_err("mysql://h/app?socket=").contains("socket"));
    }

    #[test]
    fn tls_options_take_the_mysql_client_names() {
        let url = my(
            "mysql://h/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ca.pem&ssl-cert=/c.pem&ssl-key=/k.pem",
        );
        assert_eq!(url.ssl_mode(), MysqlSslMode::VerifyIdentity);
        assert!(matches!(
            url.connect_options().get_ssl_mode(),
            MySqlSslMode::VerifyIdentity
        ));
        assert_eq!(
            url.to_string(),
            "mysql://h/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ca.pem&ssl-cert=/c.pem&ssl-key=/k.pem"
        );
        for (text, mode) in [
            ("DISABLED", MysqlSslMode::Disabled),
            ("preferred", MysqlSslMode::Preferred),
            ("Required", MysqlSslMode::Required),
            ("verify-ca", MysqlSslMode::VerifyCa),
            ("VERIFY_IDENTITY", MysqlSslMode::VerifyIdentity),
        ] {
            assert_eq!(
                my(&format!("mysql://h/db?ssl-mode={text}")).ssl_mode(),
                mode
            );
            assert_eq!(
                my(&format!("mysql://h/db?ssl_mode={text}")).ssl_mode(),
                mode
            );
        }
        assert!(my_err("mysql://h/db?ssl-mode=sometimes").contains("ssl-mode"));
    }

    #[test]
    fn a_ca_without_a_mode_verifies_the_server_as_the_mysql_client_does() {
        let url = my("mysql://h/db?ssl-ca=/ca.pem");
        assert_eq!(url.ssl_mode(), MysqlSslMode::VerifyCa);
        assert!(matches!(
            url.connect_options().get_ssl_mode(),
            MySqlSslMode::VerifyCa
        ));
        let url = my("mysql://h/db?ssl-ca=/ca.pem&ssl-mode=REQUIRED");
        assert_eq!(url.ssl_mode(), MysqlSslMode::Required);
    }

    #[test]
    fn unknown_query_parameter_is_bad_input_naming_it() {
        let text = my_err("mysql://u:secret@h/db?parseTime=true");
        assert!(text.contains("\"parseTime\""), "{text}");
        assert!(text.contains("ssl-mode"), "{text}");
        assert!(!text.contains("secret"), "{text}");
    }

    #[test]
    fn connect_timeout_is_seconds() {
        let url = my("mysql://h/db?connect-timeout=3");
        assert_eq!(url.connect_timeout(), Duration::from_secs(3));
        assert_eq!(url.to_string(), "mysql://h/db?connect-timeout=3");
        assert!(my_err("mysql://h/db?connect-timeout=soon").contains("connect-timeout"));
    }

    #[test]
    fn ipv6_hosts_and_bad_ports() {
        let url = my("mysql://u@[::1]:3307/db");
        assert_eq!((url.host(), url.port()), (Some("::1"), 3307));
        assert_eq!(url.to_string(), "mysql://u@[::1]:3307/db");
        assert_eq!(url.place(), "[::1]:3307");
        assert!(my_err("mysql://u:secret@h:99999/db").contains("port"));
        assert!(my_err("mysql://h:abc/db").contains("port"));
        assert!(my_err("mysql://h1,h2/db").contains("several hosts"));
        assert!(my_err("mysql://h/db/extra").contains("'/'"));
    }

    #[test]
    fn session_keeps_the_servers_sql_mode() {
        // Checked through the sqlx debug output: there is no getter for these flags.
        let options = format!("{:?}", my("mysql://h/db").connect_options());
        assert!(options.contains("pipes_as_concat: false"), "{options}");
        assert!(
            options.contains("no_engine_substitution: false"),
            "{options}"
        );
    }

    #[test]
    fn constructors_for_servers_schemactl_reaches_itself() {
        let url = MysqlUrl::for_tcp(MysqlFlavor::Mariadb, "127.0.0.1", 49153, "root", Some("pw"))
            .with_database("dev");
        assert_eq!(url.to_string(), "mariadb://root:xxxxx@127.0.0.1:49153/dev");
        let url = MysqlUrl::for_socket(MysqlFlavor::Mysql, Path::new("/tmp/s.sock"), "root");
        assert_eq!(url.to_string(), "mysql://root@/?socket=/tmp/s.sock");
        // The same server, but the written form is the user's: it may read `~/.my.cnf`.
        let reparsed = my(&url.to_string());
        assert_eq!(reparsed.to_string(), url.to_string());
        assert!(reparsed.written_by_user && !url.written_by_user);
    }
}
