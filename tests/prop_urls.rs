//! Generated-input tests of URL parsing: every component of postgres://, mysql:// / mariadb://,
//! sqlite:// and docker:// URLs varied, odd characters percent-encoded.
//!
//! - A URL that parses renders (Display) back to a URL that parses to the same value, with the
//!   password replaced by `xxxxx`.
//! - Passwords never show: not in Display, Debug, or the message of a URL that fails to parse.
//!   Every generated password contains `ZQ`, which no other component can hold (they are drawn
//!   without `Z` and `Q`), and `Z`/`Q` are never percent-encoded, so finding `ZQ` in a message
//!   means the password leaked in either form.
//! - Any text: parsing never panics, and a failure is bad input (exit code 2).

mod common;

use common::cases::config;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;
use schemactl::error::exit_code;
use schemactl::url::{DbUrl, REDACTED, parse};

const MARK: &str = "ZQ";

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// Text with the characters URLs choke on: delimiters, `%`, spaces, quotes, unicode.
fn odd(min: usize, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(vec!['a', 'b', 'y', '0', '9', '-', '_', '.', '~']),
            2 => prop::sample::select(vec![
                ':', '@', '/', '?', '#', '&', '=', '%', '+', ' ', '[', ']', ',', '\'', '"',
                '\\', ';', '!', '$', '*', 'é', 'ß', '日', '😀', '\t',
            ]),
        ],
        min..max,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn password() -> impl Strategy<Value = String> {
    (odd(0, 6), odd(0, 6)).prop_map(|(a, b)| format!("{a}{MARK}{b}"))
}

/// A host name, an IPv4 or an IPv6 address (written in brackets).
fn host() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        "[a-y][a-y0-9-]{0,8}(\\.[a-y0-9]{1,5}){0,2}".prop_map(|h| (h.clone(), h)),
        Just(("127.0.0.1".to_string(), "127.0.0.1".to_string())),
        prop::sample::select(vec!["::1", "fe80::1", "2001:db8::ff"])
            .prop_map(|h| (h.to_string(), format!("[{h}]"))),
    ]
}

fn schema_name() -> impl Strategy<Value = String> {
    // `,` separates names and `"` quotes them: not characters of a name in a search_path.
    odd(1, 6).prop_filter("a schema name", |s| {
        !s.contains([',', '"']) && s.trim() == s && !s.is_empty()
    })
}

/// `user:password@host:port`, each part as given (user and password encoded).
fn authority(
    user: &Option<String>,
    password: Option<&String>,
    host: &Option<(String, String)>,
    port: Option<u16>,
) -> String {
    let mut out = String::new();
    if user.is_some() || password.is_some() {
        out.push_str(&enc(user.as_deref().unwrap_or("")));
        if let Some(p) = password {
            out.push(':');
            out.push_str(&enc(p));
        }
        out.push('@');
    }
    if let Some((_, written)) = host {
        out.push_str(written);
    }
    if let Some(port) = port {
        out.push_str(&format!(":{port}"));
    }
    out
}

/// Where the password goes in a postgres:// URL.
#[derive(Debug, Clone, Copy)]
enum PasswordAt {
    Userinfo,
    Query,
}

#[derive(Debug, Clone)]
struct PgParts {
    scheme: &'static str,
    user: Option<String>,
    password: Option<(String, PasswordAt)>,
    host: Option<(String, String)>,
    socket_dir: Option<String>,
    port: Option<u16>,
    database: Option<String>,
    query: Vec<(String, String)>,
}

impl PgParts {
    fn text(&self) -> String {
        let mut out = format!("{}://", self.scheme);
        let mut query = self.query.clone();
        let in_userinfo = match &self.password {
            Some((p, PasswordAt::Userinfo)) => Some(p),
            Some((p, PasswordAt::Query)) => {
                query.push(("password".into(), p.clone()));
                None
            }
            None => None,
        };
        out.push_str(&authority(&self.user, in_userinfo, &self.host, self.port));
        if let Some(db) = &self.database {
            out.push('/');
            out.push_str(&enc(db));
        }
        if let Some(dir) = &self.socket_dir {
            query.push(("host".into(), dir.clone()));
        }
        for (i, (k, v)) in query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(&format!("{k}={}", enc(v)));
        }
        out
    }
}

fn pg_query() -> impl Strategy<Value = Vec<(String, String)>> {
    let pair = prop_oneof![
        prop::sample::select(vec!["disable", "require", "verify-full", "prefer"])
            .prop_map(|m| ("sslmode".to_string(), m.to_string())),
        prop::collection::vec(schema_name(), 1..3)
            .prop_map(|names| ("search_path".to_string(), names.join(","))),
        (1u64..100).prop_map(|t| ("connect_timeout".to_string(), t.to_string())),
        odd(0, 8).prop_map(|v| ("application_name".to_string(), v)),
        ("[a-y_]{1,6}", odd(0, 5)).prop_map(|(k, v)| {
            let escaped: String = v
                .chars()
                .flat_map(|c| {
                    let escape = c == '\\' || c.is_whitespace();
                    escape.then_some('\\').into_iter().chain([c])
                })
                .collect();
            ("options".to_string(), format!("-c {k}={escaped}"))
        }),
    ];
    // One of each key: a repeated key overrides or adds, which renders differently.
    prop::collection::vec(pair, 0..4).prop_map(|pairs| {
        let mut seen = std::collections::BTreeSet::new();
        pairs
            .into_iter()
            .filter(|(k, _)| seen.insert(k.clone()))
            .collect()
    })
}

fn pg_parts() -> impl Strategy<Value = PgParts> {
    let password = prop::option::of((
        password(),
        prop_oneof![Just(PasswordAt::Userinfo), Just(PasswordAt::Query)],
    ));
    (
        prop::sample::select(vec!["postgres", "postgresql", "POSTGRES"]),
        prop::option::of(odd(1, 8)),
        password,
        prop::option::of(host()),
        prop::option::of("/[a-y]{1,6}(/[a-y0-9._-]{1,6}){0,2}"),
        prop::option::of(1u16..),
        prop::option::of(odd(1, 8)),
        pg_query(),
    )
        .prop_map(
            |(scheme, user, password, host, socket_dir, port, database, query)| PgParts {
                scheme,
                user,
                password,
                host,
                socket_dir,
                port,
                database,
                query,
            },
        )
}

#[derive(Debug, Clone)]
struct MysqlParts {
    scheme: &'static str,
    user: Option<String>,
    password: Option<String>,
    host: Option<(String, String)>,
    port: Option<u16>,
    database: Option<String>,
    query: Vec<(String, String)>,
}

impl MysqlParts {
    fn text(&self) -> String {
        let mut out = format!("{}://", self.scheme);
        out.push_str(&authority(
            &self.user,
            self.password.as_ref(),
            &self.host,
            self.port,
        ));
        out.push('/');
        if let Some(db) = &self.database {
            out.push_str(&enc(db));
        }
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(&format!("{k}={}", enc(v)));
        }
        out
    }
}

fn mysql_parts() -> impl Strategy<Value = MysqlParts> {
    let path = "/[a-y]{1,6}(/[a-y0-9._ -]{1,6}){0,2}";
    let pair = prop_oneof![
        prop::sample::select(vec!["DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA"])
            .prop_map(|m| ("ssl-mode".to_string(), m.to_string())),
        (
            prop::sample::select(vec!["ssl-ca", "ssl_cert", "ssl-key"]),
            path
        )
            .prop_map(|(k, v)| (k.to_string(), v)),
        (1u64..100).prop_map(|t| ("connect_timeout".to_string(), t.to_string())),
    ];
    let query = prop::collection::vec(pair, 0..4).prop_map(|pairs| {
        let mut seen = std::collections::BTreeSet::new();
        pairs
            .into_iter()
            .filter(|(k, _)| seen.insert(k.replace('_', "-")))
            .collect::<Vec<_>>()
    });
    (
        prop::sample::select(vec!["mysql", "mariadb", "MySQL"]),
        prop::option::of(odd(1, 8)),
        prop::option::of(password()),
        prop::option::of(host()),
        prop::option::of(1u16..),
        prop::option::of(odd(1, 8)),
        query,
    )
        .prop_map(
            |(scheme, user, password, host, port, database, query)| MysqlParts {
                scheme,
                user,
                password,
                host,
                port,
                database,
                query,
            },
        )
}

fn sqlite_text() -> impl Strategy<Value = String> {
    let path = prop_oneof![
        odd(1, 10).prop_map(|p| enc(&p)),
        "(/)?[a-y0-9._-]{1,8}(/[a-y0-9._ -]{1,8}){0,2}",
    ];
    let params = prop::collection::vec(
        prop_oneof![
            Just(("mode".to_string(), "memory".to_string())),
            ("_[a-y]{1,4}", odd(0, 4)).prop_map(|(k, v)| (k, enc(&v))),
        ],
        0..3,
    );
    (path, params).prop_map(|(path, params)| {
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if query.is_empty() {
            format!("sqlite://{path}")
        } else {
            format!("sqlite://{path}?{}", query.join("&"))
        }
    })
}

fn docker_text() -> impl Strategy<Value = String> {
    let engine = prop::sample::select(vec!["postgres", "mysql", "mariadb"]);
    let tag = "[a-y0-9][a-y0-9._-]{0,6}";
    let db = prop::option::of("[a-y_][a-y0-9_]{0,6}").boxed();
    let query = (
        prop::option::of(prop::sample::select(vec!["true", "1", "false", "0", ""])),
        prop::option::of(prop::collection::vec(schema_name(), 1..3)),
    )
        .prop_map(|(reuse, schemas)| {
            let mut pairs = Vec::new();
            if let Some(reuse) = reuse {
                pairs.push(format!("reuse={reuse}"));
            }
            if let Some(schemas) = schemas {
                pairs.push(format!("search_path={}", enc(&schemas.join(","))));
            }
            if pairs.is_empty() {
                String::new()
            } else {
                format!("?{}", pairs.join("&"))
            }
        })
        .boxed();
    let image = "[a-y0-9]{1,6}(\\.[a-y]{2,3}(:[0-9]{2,4})?)?(/[a-y0-9_-]{1,6}){0,2}";
    prop_oneof![
        (
            engine.clone(),
            prop::option::of(tag),
            db.clone(),
            query.clone()
        )
            .prop_map(|(engine, tag, db, query)| {
                let mut out = format!("docker://{engine}");
                if let Some(tag) = tag {
                    out.push_str(&format!("/{tag}"));
                    if let Some(db) = db {
                        out.push_str(&format!("/{db}"));
                    }
                }
                out + &query
            }),
        (engine, image, tag, db, query).prop_map(|(engine, image, tag, db, query)| {
            let db = db.map(|d| format!("/{d}")).unwrap_or_default();
            format!("docker+{engine}://{image}:{tag}{db}{query}")
        }),
    ]
}

/// Ways to break a URL that parses.
fn corruption() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop::sample::select(vec![
        ("port", ":99999"),
        ("port", ":0"),
        ("port", ":12ab"),
        ("query", "?sslmode=sometimes"),
        ("query", "?no_such_parameter=1"),
        ("query", "?connect_timeout=soon"),
        ("query", "?connect-timeout=soon"),
        ("query", "?ssl-mode=sometimes"),
        ("fragment", "#frag"),
        ("host", "h1,h2"),
        ("host", "[::1"),
        ("host", "[::1]x"),
        // Not `%zz`: a `%` that starts no escape is kept as written (lenient, as browsers).
        ("encoding", "%ff%fe"),
        ("database", "a/b"),
    ])
}

/// Applies a corruption to the URL text (its host, its query or its database).
fn corrupt(url: &str, (what, with): (&str, &str)) -> String {
    let (before_query, query) = url.split_once('?').unwrap_or((url, ""));
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let scheme_end = before_query.find("://").unwrap() + 3;
    let path_start = before_query[scheme_end..]
        .find('/')
        .map_or(before_query.len(), |i| scheme_end + i);
    let (authority, path) = before_query.split_at(path_start);
    let path = if path.is_empty() { "/" } else { path };
    match what {
        "port" => format!("{authority}{with}{path}{query}"),
        "query" => match query.is_empty() {
            true => format!("{before_query}{with}"),
            false => format!("{before_query}{query}&{}", &with[1..]),
        },
        "fragment" => format!("{url}{with}"),
        "host" => {
            let userinfo_end = authority.rfind('@').map_or(scheme_end, |at| at + 1);
            format!("{}{with}{path}{query}", &authority[..userinfo_end])
        }
        "encoding" => format!("{authority}{path}{with}{query}"),
        _ => format!("{authority}{path}{with}{query}"),
    }
}

/// The checks every URL that parses passes: redacted Display and Debug, and Display parses
/// back to what `redacted` (the same URL written with the password `xxxxx`) parses to.
fn check_parsed(text: &str, redacted: &str) -> Result<DbUrl, TestCaseError> {
    let url = parse(text).map_err(|e| TestCaseError::fail(format!("{text}: {e:#}")))?;
    let shown = url.to_string();
    let debug = format!("{url:?}");
    prop_assert!(
        !shown.contains(MARK),
        "Display shows the password: {}",
        shown
    );
    prop_assert!(!debug.contains(MARK), "Debug shows the password: {}", debug);
    let again =
        parse(&shown).map_err(|e| TestCaseError::fail(format!("{shown} (from {text}): {e:#}")))?;
    let expected =
        parse(redacted).map_err(|e| TestCaseError::fail(format!("{redacted}: {e:#}")))?;
    prop_assert_eq!(&again, &expected, "{} rendered {}", text, shown);
    prop_assert_eq!(again.to_string(), shown);
    Ok(url)
}

fn check_rejected(text: &str) -> Result<(), TestCaseError> {
    match parse(text) {
        Ok(url) => Err(TestCaseError::fail(format!("{text} parsed: {url}"))),
        Err(err) => {
            let message = format!("{err:#} {err:?}");
            prop_assert_eq!(exit_code(&err), 2, "{}", message);
            prop_assert!(!message.contains(MARK), "the password shows: {}", message);
            prop_assert!(message.contains("invalid URL"), "{}", message);
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn postgres_urls_round_trip_redacted(parts in pg_parts()) {
        let text = parts.text();
        let redacted = PgParts {
            password: parts.password.clone().map(|(_, at)| (REDACTED.to_string(), at)),
            ..parts.clone()
        };
        let url = check_parsed(&text, &redacted.text())?;
        let DbUrl::Postgres(pg) = &url else {
            return Err(TestCaseError::fail(format!("{text} is not postgres")));
        };
        prop_assert_eq!(pg.user(), parts.user.as_deref().unwrap_or("postgres"));
        prop_assert_eq!(pg.port(), parts.port.unwrap_or(5432));
        let database = parts.database.clone().unwrap_or_else(|| pg.user().to_string());
        prop_assert_eq!(pg.database(), database);
        prop_assert_eq!(pg.socket_dir(), parts.socket_dir.as_deref());
        // What child processes get has the password.
        prop_assert_eq!(pg.to_url_string().contains(MARK), parts.password.is_some());
    }

    #[test]
    fn broken_postgres_urls_are_bad_input_without_the_password(
        parts in pg_parts(),
        how in corruption(),
    ) {
        check_rejected(&corrupt(&parts.text(), how))?;
    }

    #[test]
    fn mysql_urls_round_trip_redacted(parts in mysql_parts()) {
        let text = parts.text();
        let redacted = MysqlParts {
            password: parts.password.as_ref().map(|_| REDACTED.to_string()),
            ..parts.clone()
        };
        let url = check_parsed(&text, &redacted.text())?;
        let DbUrl::Mysql(my) = &url else {
            return Err(TestCaseError::fail(format!("{text} is not mysql")));
        };
        prop_assert_eq!(my.user(), parts.user.as_deref().unwrap_or("root"));
        prop_assert_eq!(my.port(), parts.port.unwrap_or(3306));
        prop_assert_eq!(my.database(), parts.database.as_deref());
    }

    #[test]
    fn broken_mysql_urls_are_bad_input_without_the_password(
        parts in mysql_parts(),
        how in corruption(),
    ) {
        let text = corrupt(&parts.text(), how);
        // sslmode= and connect_timeout= are not MySQL's names: unknown parameters, rejected too.
        check_rejected(&text)?;
    }

    #[test]
    fn sqlite_and_docker_urls_round_trip(sqlite in sqlite_text(), docker in docker_text()) {
        check_parsed(&sqlite, &sqlite)?;
        check_parsed(&docker, &docker)?;
    }

    #[test]
    fn any_text_is_a_url_or_bad_input(
        text in prop_oneof![
            ".{0,40}",
            // Not file://: it lists the file system.
            "(postgres|mysql|mariadb|sqlite|docker|docker\\+postgres|x)://[ -~]{0,30}",
        ]
    ) {
        prop_assume!(!text.to_ascii_lowercase().starts_with("file:"));
        if let Err(err) = parse(&text) {
            prop_assert_eq!(exit_code(&err), 2, "{:#}", err);
        }
    }
}
