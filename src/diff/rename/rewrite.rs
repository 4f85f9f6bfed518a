//! Rewrites server-rendered texts (defaults, constraint, index, trigger, policy and view
//! definitions) for renamed relations and columns, token by token, the way the server's own
//! rendering reads after `ALTER ... RENAME`. Texts lex with the policy's flavour.
//!
//! A rewrite that misses the server's spelling only makes the diff see a difference that is not
//! there (a needless replace), never hide one: the target state's texts are the server's own.

use crate::diff::policy::DiffPolicy;
use crate::sql::{self, Flavor, TokenKind};
use std::collections::{BTreeMap, BTreeSet};

/// What was renamed, as the rewriter needs it.
#[derive(Debug, Default, Clone)]
pub(crate) struct Renaming {
    /// `(schema, name)` of tables, sequences and indexes, old to new.
    pub relations: BTreeMap<(String, String), (String, String)>,
    /// Bare table names as view texts use them to qualify columns, old to new.
    pub qualifiers: BTreeMap<String, String>,
}

/// Where the column names a text mentions belong.
pub(crate) enum Columns<'a> {
    /// No column renames apply.
    None,
    /// A text of the table itself: bare column names, and names qualified by one of `qualifiers`
    /// (`new`/`old` in triggers, the table's own name).
    Own {
        renamed: &'a BTreeMap<String, String>,
        qualifiers: Vec<String>,
    },
    /// A text reading other relations (a view): any qualified column name.
    Qualified(&'a BTreeMap<String, String>),
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A bare or quoted name.
    Ident,
    Dot,
    Cast,
    Open,
    Str,
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    /// A name without its quotes, or a string literal's content with doubled quotes undone.
    value: String,
}

/// The tokens of `text` that a rewrite looks at: comments and whitespace say nothing.
fn tokens(flavor: &Flavor, text: &str) -> Vec<Token> {
    sql::significant(flavor, text)
        .map(|token| {
            let (kind, value) = match token.kind {
                TokenKind::Word | TokenKind::QuotedIdent => (Kind::Ident, token.ident(text)),
                TokenKind::String => (Kind::Str, token.string_body(text).replace("''", "'")),
                TokenKind::Punct => match token.text(text) {
                    "." => (Kind::Dot, String::new()),
                    "::" => (Kind::Cast, String::new()),
                    "(" => (Kind::Open, String::new()),
                    _ => (Kind::Other, String::new()),
                },
                _ => (Kind::Other, String::new()),
            };
            Token {
                kind,
                start: token.span.start,
                end: token.span.end,
                value,
            }
        })
        .collect()
}

/// `text` with renamed relations and columns spelled by their new names, as `policy` spells
/// identifiers.
pub(crate) fn rewrite(
    text: &str,
    renaming: &Renaming,
    columns: &Columns,
    policy: &dyn DiffPolicy,
) -> String {
    let quote = |name: &str| policy.spell_identifier(name);
    let tokens = tokens(policy.flavor(), text);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let ident = |i: usize| tokens.get(i).filter(|t| t.kind == Kind::Ident);
    let is = |i: usize, kind: Kind| tokens.get(i).is_some_and(|t| t.kind == kind);
    let whole_items = whole_select_items(&tokens, text);
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        let after_dot = i > 0 && is(i - 1, Kind::Dot);
        let after_cast = i > 0 && is(i - 1, Kind::Cast);
        match token.kind {
            Kind::Ident if !after_dot && is(i + 1, Kind::Dot) && ident(i + 2).is_some() => {
                let name = &tokens[i + 2];
                let key = (token.value.clone(), name.value.clone());
                if let Some((schema, new)) = renaming.relations.get(&key) {
                    edits.push((
                        token.start,
                        name.end,
                        format!("{}.{}", quote(schema), quote(new)),
                    ));
                } else if !is(i + 3, Kind::Open) {
                    let qualifier = renaming.qualifiers.get(&token.value);
                    if let Some(new) = qualifier {
                        edits.push((token.start, token.end, quote(new)));
                    }
                    if let Some(new) = qualified_column(columns, &token.value, &name.value) {
                        // The output column keeps its name: the server spells it out.
                        let keeps_name =
                            matches!(columns, Columns::Qualified(_)) && whole_items.contains(&i);
                        let spelled = if keeps_name {
                            format!("{} AS {}", quote(new), quote(&name.value))
                        } else {
                            quote(new)
                        };
                        edits.push((name.start, name.end, spelled));
                    }
                }
                i += 3;
                continue;
            }
            Kind::Ident if !after_dot && !after_cast => {
                let followed = is(i + 1, Kind::Open) || is(i + 1, Kind::Dot);
                if let (false, Columns::Own { renamed, .. }) = (followed, columns)
                    && let Some(new) = renamed.get(&token.value)
                {
                    edits.push((token.start, token.end, quote(new)));
                }
            }
            Kind::Str
                if is(i + 1, Kind::Cast) && ident(i + 2).is_some_and(|t| t.value == "regclass") =>
            {
                let inner = rewrite(&token.value, renaming, &Columns::None, policy);
                if inner != token.value {
                    edits.push((
                        token.start,
                        token.end,
                        format!("'{}'", inner.replace('\'', "''")),
                    ));
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end, replacement) in edits {
        out.push_str(&text[last..start]);
        out.push_str(&replacement);
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// Indexes of `q.column` tokens that make up a whole item of a select list (between `SELECT`
/// or a comma and a comma or `FROM`, at the list's own parenthesis depth).
fn whole_select_items(tokens: &[Token], text: &str) -> BTreeSet<usize> {
    let raw = |i: usize| tokens.get(i).map(|t| &text[t.start..t.end]);
    let word = |i: usize, w: &str| raw(i).is_some_and(|r| r.eq_ignore_ascii_case(w));
    let mut out = BTreeSet::new();
    let mut depth = 0usize;
    let mut lists: Vec<usize> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match raw(i) {
            Some("(") => depth += 1,
            Some(")") => {
                depth = depth.saturating_sub(1);
                while lists.last().is_some_and(|&d| d > depth) {
                    lists.pop();
                }
            }
            _ if word(i, "select") => lists.push(depth),
            _ if word(i, "from") && lists.last() == Some(&depth) => {
                lists.pop();
            }
            _ => {}
        }
        let item = token.kind == Kind::Ident
            && lists.last() == Some(&depth)
            && tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Dot)
            && tokens.get(i + 2).is_some_and(|t| t.kind == Kind::Ident)
            && i > 0
            && (word(i - 1, "select") || word(i - 1, "distinct") || raw(i - 1) == Some(","))
            && (i + 3 >= tokens.len()
                || word(i + 3, "from")
                || matches!(raw(i + 3), Some("," | ";")));
        if item {
            out.insert(i);
        }
    }
    out
}

fn qualified_column<'a>(columns: &'a Columns, qualifier: &str, column: &str) -> Option<&'a String> {
    match columns {
        Columns::None => None,
        Columns::Own {
            renamed,
            qualifiers,
        } => renamed
            .get(column)
            .filter(|_| qualifiers.iter().any(|q| q == qualifier)),
        Columns::Qualified(renamed) => renamed.get(column),
    }
}

/// Column names inside the first parenthesized list after `REFERENCES`, for a foreign key into a
/// table whose columns were renamed.
pub(crate) fn rewrite_referenced_columns(
    definition: &str,
    renamed: &BTreeMap<String, String>,
    policy: &dyn DiffPolicy,
) -> String {
    let Some(at) = definition.find(" REFERENCES ") else {
        return definition.to_string();
    };
    let tail = &definition[at..];
    let (Some(open), Some(close)) = (tail.find('('), tail.find(')')) else {
        return definition.to_string();
    };
    let list = &tail[open..=close];
    let own = Columns::Own {
        renamed,
        qualifiers: Vec::new(),
    };
    format!(
        "{}{}{}{}",
        &definition[..at],
        &tail[..open],
        rewrite(list, &Renaming::default(), &own, policy),
        &tail[close + 1..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::postgres::PostgresDiffPolicy;
    use crate::plan::sqlite::SqliteDiffPolicy;

    fn renaming() -> Renaming {
        let mut r = Renaming::default();
        r.relations.insert(
            ("public".into(), "users".into()),
            ("other".into(), "accounts".into()),
        );
        r.relations.insert(
            ("public".into(), "users_id_seq".into()),
            ("other".into(), "accounts_id_seq".into()),
        );
        r.qualifiers.insert("users".into(), "accounts".into());
        r
    }

    fn columns() -> BTreeMap<String, String> {
        BTreeMap::from([("name".to_string(), "full_name".to_string())])
    }

    #[test]
    fn renames_qualified_relations_and_view_qualifiers() {
        let text = "SELECT users.id,\n    users.name\n   FROM public.users\n  WHERE (users.name <> 'users.name'::text);";
        let cols = columns();
        assert_eq!(
            rewrite(
                text,
                &renaming(),
                &Columns::Qualified(&cols),
                &PostgresDiffPolicy
            ),
            "SELECT accounts.id,\n    accounts.full_name AS name\n   FROM other.accounts\n  WHERE (accounts.full_name <> 'users.name'::text);"
        );
    }

    #[test]
    fn keeps_output_names_only_for_whole_select_items() {
        let cols = columns();
        let text = "SELECT u.name,\n    lower(u.name) AS l,\n    ( SELECT x.name\n           FROM public.x) AS s\n   FROM public.t u\n  GROUP BY u.name, u.id;";
        assert_eq!(
            rewrite(
                text,
                &Renaming::default(),
                &Columns::Qualified(&cols),
                &PostgresDiffPolicy
            ),
            "SELECT u.full_name AS name,\n    lower(u.full_name) AS l,\n    ( SELECT x.full_name AS name\n           FROM public.x) AS s\n   FROM public.t u\n  GROUP BY u.full_name, u.id;"
        );
    }

    #[test]
    fn renames_sequences_inside_regclass_literals() {
        assert_eq!(
            rewrite(
                "nextval('public.users_id_seq'::regclass)",
                &renaming(),
                &Columns::None,
                &PostgresDiffPolicy
            ),
            "nextval('other.accounts_id_seq'::regclass)"
        );
    }

    #[test]
    fn renames_bare_columns_but_not_functions_types_or_strings() {
        let cols = BTreeMap::from([
            ("lower".to_string(), "x".to_string()),
            ("text".to_string(), "y".to_string()),
            ("a".to_string(), "Big A".to_string()),
        ]);
        let own = Columns::Own {
            renamed: &cols,
            qualifiers: vec!["new".into()],
        };
        assert_eq!(
            rewrite(
                "CHECK (((lower(a) <> 'a'::text) AND (new.a > text) AND (o.a > 0)))",
                &Renaming::default(),
                &own,
                &PostgresDiffPolicy
            ),
            "CHECK (((lower(\"Big A\") <> 'a'::text) AND (new.\"Big A\" > y) AND (o.a > 0)))"
        );
    }

    #[test]
    fn renames_only_the_referenced_column_list_of_a_foreign_key() {
        let cols = BTreeMap::from([("id".to_string(), "account_id".to_string())]);
        assert_eq!(
            rewrite_referenced_columns(
                "FOREIGN KEY (id) REFERENCES public.users(id) ON DELETE CASCADE",
                &cols,
                &PostgresDiffPolicy
            ),
            "FOREIGN KEY (id) REFERENCES public.users(account_id) ON DELETE CASCADE"
        );
    }

    fn own(renamed: &BTreeMap<String, String>) -> Columns<'_> {
        Columns::Own {
            renamed,
            qualifiers: vec!["new".into()],
        }
    }

    #[test]
    fn renames_quoted_names_and_leaves_literals_and_casts_alone() {
        let cols = BTreeMap::from([
            ("we\"ird".to_string(), "b".to_string()),
            ("a".to_string(), "b".to_string()),
            ("s".to_string(), "t".to_string()),
            ("text".to_string(), "y".to_string()),
        ]);
        assert_eq!(
            rewrite(
                r#"CHECK ((("we""ird" > 0) AND (a::text <> E'a\'s') AND (a = $$a$$)))"#,
                &Renaming::default(),
                &own(&cols),
                &PostgresDiffPolicy
            ),
            r#"CHECK (((b > 0) AND (b::text <> E'a\'s') AND (b = $$a$$)))"#
        );
    }

    #[test]
    fn renames_sequences_inside_escape_string_regclass_literals() {
        assert_eq!(
            rewrite(
                "nextval(E'public.users_id_seq'::regclass)",
                &renaming(),
                &Columns::None,
                &PostgresDiffPolicy
            ),
            "nextval('other.accounts_id_seq'::regclass)"
        );
    }

    #[test]
    fn sqlite_texts_keep_their_comments_and_lose_their_quotes() {
        let cols = BTreeMap::from([("a".to_string(), "b".to_string())]);
        assert_eq!(
            rewrite(
                "CREATE INDEX i ON t ([a], `a`) -- on a",
                &Renaming::default(),
                &own(&cols),
                &SqliteDiffPolicy
            ),
            "CREATE INDEX i ON t (b, b) -- on a"
        );
    }
}
