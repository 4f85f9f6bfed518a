//! Finds which objects and columns a server-rendered text (default, check, index, view, policy
//! or trigger definition) mentions, by its identifiers.
//!
//! Texts come from the catalog with an empty search path, so every user object is written
//! schema-qualified (`public.f(x)`, `'public.seq'::regclass`) and columns by bare name. The
//! check over-approximates (a word in a string literal counts), which only adds edges.

use super::res::Res;
use crate::schema::{ObjectRef, QualifiedName};
use std::collections::{BTreeMap, BTreeSet};

/// Identifiers of one text: every word, and every `schema.name` pair.
#[derive(Debug, Default)]
pub(crate) struct Words {
    words: BTreeSet<String>,
    qualified: BTreeSet<(String, String)>,
}

impl Words {
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut out = Words::default();
        for text in texts {
            let tokens = tokens(text);
            for (i, token) in tokens.iter().enumerate() {
                if let Token::Ident(word) = token {
                    out.words.insert(word.clone());
                    if let (Some(Token::Dot), Some(Token::Ident(next))) =
                        (tokens.get(i + 1), tokens.get(i + 2))
                    {
                        out.qualified.insert((word.clone(), next.clone()));
                    }
                }
            }
        }
        out
    }

    pub fn has_word(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    pub fn has_qualified(&self, schema: &str, name: &str) -> bool {
        self.qualified
            .contains(&(schema.to_string(), name.to_string()))
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    Dot,
    Other,
}

fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            let mut ident = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == '"' {
                    if chars.get(i + 1) == Some(&'"') {
                        ident.push('"');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                ident.push(chars[i]);
                i += 1;
            }
            out.push(Token::Ident(ident));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else if c == '.' {
            out.push(Token::Dot);
            i += 1;
        } else {
            if !c.is_whitespace() {
                out.push(Token::Other);
            }
            i += 1;
        }
    }
    out
}

/// The schema and bare name by which a text would mention this object.
pub(crate) fn spelled_name(object: &ObjectRef) -> Option<(&str, &str)> {
    match object {
        ObjectRef::Type { schema, name }
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
    objects: BTreeMap<(&'a str, &'a str), Vec<&'a Res>>,
    columns: BTreeMap<&'a QualifiedName, Vec<(&'a str, &'a Res)>>,
}

impl<'a> Candidates<'a> {
    pub fn new(resources: impl IntoIterator<Item = &'a Res>) -> Self {
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
        Self { objects, columns }
    }

    /// Candidates mentioned by the texts; columns only of relations in `scope`.
    pub fn mentioned(&self, texts: &[String], scope: &[QualifiedName]) -> Vec<Res> {
        if texts.is_empty() || (self.objects.is_empty() && self.columns.is_empty()) {
            return Vec::new();
        }
        let words = Words::of(texts.iter().map(String::as_str));
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

    #[test]
    fn finds_qualified_routines_inside_expressions_and_literals() {
        let words = Words::of([
            "(public.new_id() || 'x'::text)",
            "nextval('public.\"Order_seq\"'::regclass)",
        ]);
        assert!(words.has_qualified("public", "new_id"));
        assert!(words.has_qualified("public", "Order_seq"));
        assert!(!words.has_qualified("public", "x"));
    }

    #[test]
    fn column_words_respect_identifier_boundaries() {
        let words = Words::of(["SELECT users.name_full FROM public.users"]);
        assert!(words.has_word("name_full"));
        assert!(!words.has_word("name"));
    }

    #[test]
    fn candidates_match_columns_only_in_scope() {
        let table = QualifiedName::new("public", "t");
        let other = QualifiedName::new("public", "u");
        let col = Res::Column(table.clone(), "a".into());
        let col_other = Res::Column(other.clone(), "a".into());
        let candidates = Candidates::new([&col, &col_other]);
        let found = candidates.mentioned(&["(a > 0)".to_string()], std::slice::from_ref(&table));
        assert_eq!(found, vec![col]);
    }
}
