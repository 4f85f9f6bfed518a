//! Character sets and their default collations, to tell which charset and collation a table or
//! column names and which it only inherits.

use sqlx::mysql::MySqlConnection;
use std::collections::HashMap;

pub struct Charsets {
    /// Each character set's default collation.
    default_collation: HashMap<String, String>,
}

/// A charset and collation: what a table or column has, or what it would inherit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collated {
    pub charset: String,
    pub collation: String,
}

/// The charset and collation of a table or column, each set only where it differs from the
/// default: the charset from its parent's, the collation from the one its charset implies.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Named {
    pub charset: Option<String>,
    pub collation: Option<String>,
}

pub async fn load(conn: &mut MySqlConnection) -> sqlx::Result<Charsets> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT CAST(CHARACTER_SET_NAME AS CHAR), CAST(DEFAULT_COLLATE_NAME AS CHAR)
         FROM information_schema.CHARACTER_SETS",
    )
    .fetch_all(conn)
    .await?;
    Ok(Charsets::new(rows))
}

impl Charsets {
    pub fn new(rows: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            default_collation: rows.into_iter().collect(),
        }
    }

    /// The charset a collation belongs to: the longest charset name it starts with (collation
    /// names are `charset_...`; MariaDB 10.10+'s full names such as `utf8mb4_uca1400_ai_ci`
    /// too), `binary` for `binary`.
    pub fn charset_of(&self, collation: &str) -> String {
        self.default_collation
            .keys()
            .filter(|cs| {
                collation == cs.as_str()
                    || collation
                        .strip_prefix(cs.as_str())
                        .is_some_and(|rest| rest.starts_with('_'))
            })
            .max_by_key(|cs| cs.len())
            .cloned()
            .unwrap_or_else(|| collation.split('_').next().unwrap_or(collation).to_string())
    }

    /// The collation `charset` gets when only the charset is named under `parent`: the
    /// parent's own when the charset is the parent's, else the charset's default. (MariaDB
    /// 11.2+'s `character_set_collations` can change the latter; 10.11 has no such setting.)
    fn implied_collation<'a>(&'a self, charset: &str, parent: &'a Collated) -> Option<&'a str> {
        if charset == parent.charset {
            Some(&parent.collation)
        } else {
            self.default_collation.get(charset).map(String::as_str)
        }
    }

    /// What `own` names beyond what it inherits from `parent`.
    pub fn named(&self, own: &Collated, parent: &Collated) -> Named {
        Named {
            charset: (own.charset != parent.charset).then(|| own.charset.clone()),
            collation: (self.implied_collation(&own.charset, parent) != Some(&own.collation))
                .then(|| own.collation.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charsets() -> Charsets {
        Charsets::new([
            ("utf8mb4".into(), "utf8mb4_general_ci".into()),
            ("utf8mb3".into(), "utf8mb3_general_ci".into()),
            ("latin1".into(), "latin1_swedish_ci".into()),
            ("binary".into(), "binary".into()),
        ])
    }

    fn collated(charset: &str, collation: &str) -> Collated {
        Collated {
            charset: charset.into(),
            collation: collation.into(),
        }
    }

    #[test]
    fn a_collation_names_its_charset() {
        let cs = charsets();
        assert_eq!(cs.charset_of("utf8mb4_unicode_ci"), "utf8mb4");
        assert_eq!(cs.charset_of("utf8mb4_uca1400_ai_ci"), "utf8mb4");
        assert_eq!(cs.charset_of("latin1_bin"), "latin1");
        assert_eq!(cs.charset_of("binary"), "binary");
    }

    #[test]
    fn only_what_differs_from_the_inherited_defaults_is_named() {
        let cs = charsets();
        let db = collated("utf8mb4", "utf8mb4_unicode_ci");
        assert_eq!(
            cs.named(&collated("utf8mb4", "utf8mb4_unicode_ci"), &db),
            Named::default()
        );
        // Same charset, another collation than the parent's.
        assert_eq!(
            cs.named(&collated("utf8mb4", "utf8mb4_general_ci"), &db),
            Named {
                charset: None,
                collation: Some("utf8mb4_general_ci".into())
            }
        );
        // Another charset with its default collation: the charset alone says it.
        assert_eq!(
            cs.named(&collated("latin1", "latin1_swedish_ci"), &db),
            Named {
                charset: Some("latin1".into()),
                collation: None
            }
        );
        assert_eq!(
            cs.named(&collated("latin1", "latin1_bin"), &db),
            Named {
                charset: Some("latin1".into()),
                collation: Some("latin1_bin".into())
            }
        );
    }
}
