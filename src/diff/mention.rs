//! Finds which objects and columns a server-rendered text (default, check, index, view, policy
//! or trigger definition) mentions, by its identifiers.
//!
//! Texts come from the catalog with an empty search path, so every user object is written
//! schema-qualified (`public.f(x)`, `'public.seq'::regclass`) and columns by bare name. Texts
//! lex with the dialect's flavour; comments say nothing. The check over-approximates (a word in
//! a string literal counts), which only adds edges.

use super::res::Res;
use crate::schema::{ObjectRef, QualifiedName};
use crate::sql::{self, Flavor, Token, TokenKind};
use std::collections::{BTreeMap, BTreeSet};

/// Identifiers of one text: every name, and every `schema.name` pair.
#[derive(Debug, Default)]
pub(crate) struct Words {
    words: BTreeSet<String>,
    qualified: BTreeSet<(String, String)>,
}

impl Words {
    pub fn of<'a>(flavor: &Flavor, texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut out = Words::default();
        for text in texts {
            out.add(flavor, text);
        }
        out
    }

    /// The names of `text` and of its string literals, where a regclass or a routine's name
    /// may hide (`'public.seq'::regclass`).
    fn add(&mut self, flavor: &Flavor, text: &str) {
        let tokens: Vec<Token> = sql::significant(flavor, text).collect();
        let name = |i: usize| tokens.get(i).filter(|t| is_name(t)).map(|t| t.ident(text));
        for (i, token) in tokens.iter().enumerate() {
            if token.kind == TokenKind::String {
                self.add(flavor, token.string_body(text));
            } else if let Some(word) = name(i) {
                let dotted = tokens.get(i + 1).is_some_and(|t| t.is_punct(text, "."));
                if let Some(next) = name(i + 2).filter(|_| dotted) {
                    self.qualified.insert((word.clone(), next));
                }
                self.words.insert(word);
            }
        }
    }

    pub fn has_word(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    pub fn has_qualified(&self, schema: &str, name: &str) -> bool {
        self.qualified
            .contains(&(schema.to_string(), name.to_string()))
    }
}

fn is_name(token: &Token) -> bool {
    matches!(token.kind, TokenKind::Word | TokenKind::QuotedIdent)
}

/// The schema and bare name by which a text would mention this object.
pub(crate) fn spelled_name(object: &ObjectRef) -> Option<(&str, &str)> {
    match object {
        ObjectRef::Type { schema, name }
        | ObjectRef::Collation { schema, name }
        | ObjectRef::Sequence { schema, name }
        | ObjectRef::Table { schema, name }
        | ObjectRef::View { schema, name } => Some((schema, name)),
        ObjectRef::Function { schema, signature } => {
            Some((schema, signature.split('(').next().unwrap_or(signature)))
        }
        ObjectRef::Extension { .. } | ObjectRef::Schema { .. } => None,
    }
}

/// Resources that texts could mention, indexed for lookup.
pub(crate) struct Candidates<'a> {
    flavor: &'a Flavor,
    objects: BTreeMap<(&'a str, &'a str), Vec<&'a Res>>,
    columns: BTreeMap<&'a QualifiedName, Vec<(&'a str, &'a Res)>>,
}

impl<'a> Candidates<'a> {
    pub fn new(flavor: &'a Flavor, resources: impl IntoIterator<Item = &'a Res>) -> Self {
        let mut objects: BTreeMap<(&str, &str), Vec<&Res>> = BTreeMap::new();
        let mut columns: BTreeMap<&QualifiedName, Vec<(&str, &Res)>> = BTreeMap::new();
        for res in resources {
            match res {
                Res::Object(object) => {
                    if let Some(key) = spelled_name(object) {
                        objects.entry(key).or_default().push(res);
                    }
                }
                Res::Column(table, column) => {
                    columns.entry(table).or_default().push((column, res));
                }
                _ => {}
            }
        }
        Self {
            flavor,
            objects,
            columns,
        }
    }

    /// Candidates mentioned by the texts; columns only of relations in `scope`.
    pub fn mentioned(&self, texts: &[String], scope: &[QualifiedName]) -> Vec<Res> {
        if texts.is_empty() || (self.objects.is_empty() && self.columns.is_empty()) {
            return Vec::new();
        }
        let words = Words::of(self.flavor, texts.iter().map(String::as_str));
        let mut out = Vec::new();
        for (schema, name) in &words.qualified {
            if let Some(found) = self.objects.get(&(schema.as_str(), name.as_str())) {
                out.extend(found.iter().map(|r| (*r).clone()));
            }
        }
        for relation in scope {
            for (column, res) in self.columns.get(relation).into_iter().flatten() {
                if words.has_word(column) {
                    out.push((*res).clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG: &Flavor = &Flavor::postgres();

    #[test]
    fn finds_qualified_routines_inside_expressions_and_literals() {
        let words = Words::of(
            PG,
            [
                "(public.new_id() || 'x'::text)",
                "nextval('public.\"Order_seq\"'::regclass)",
            ],
        );
        assert!(words.has_qualified("public", "new_id"));
        assert!(words.has_qualified("public", "Order_seq"));
        assert!(!words.has_qualified("public", "x"));
    }

    #[test]
    fn column_words_respect_identifier_boundaries() {
        let words = Words::of(PG, ["SELECT users.name_full FROM public.users"]);
        assert!(words.has_word("name_full"));
        assert!(!words.has_word("name"));
    }

    #[test]
    fn candidates_match_columns_only_in_scope() {
        let table = QualifiedName::new("public", "t");
        let other = QualifiedName::new("public", "u");
        let col = Res::Column(table.clone(), "a".into());
        let col_other = Res::Column(other.clone(), "a".into());
        let candidates = Candidates::new(PG, [&col, &col_other]);
        let found = candidates.mentioned(&["(a > 0)".to_string()], std::slice::from_ref(&table));
        assert_eq!(found, vec![col]);
    }

    #[test]
    fn names_in_quotes_casts_and_string_literals() {
        let words = Words::of(
            PG,
            [
                r#"("we""ird"::text || $x$public.f$x$::regproc || E'public.g\'s' || 'public.h'::regclass)"#,
            ],
        );
        assert!(words.has_word("we\"ird") && words.has_word("text"));
        assert!(words.has_qualified("public", "f"));
        assert!(words.has_qualified("public", "g"));
        assert!(words.has_qualified("public", "h"));
    }

    #[test]
    fn comments_prefixes_and_numbers_are_no_names() {
        let words = Words::of(PG, ["(a /* b */ > 1e5) -- c", "(E'x' <> d)"]);
        assert!(words.has_word("a") && words.has_word("d"));
        for not_a_name in ["b", "c", "e5", "E"] {
            assert!(!words.has_word(not_a_name), "{not_a_name}");
        }
    }

    #[test]
    fn sqlite_texts_quote_names_with_brackets_and_backticks() {
        let words = Words::of(
            &Flavor::sqlite(),
            ["CREATE INDEX i ON [my table] (`b`, x'ab')"],
        );
        assert!(words.has_word("my table") && words.has_word("b"));
        assert!(!words.has_word("x"));
    }
}
