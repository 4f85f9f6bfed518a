use super::*;

fn kinds(flavor: &Flavor, sql: &str) -> Vec<(TokenKind, String)> {
    significant(flavor, sql)
        .map(|t| (t.kind, t.text(sql).to_string()))
        .collect()
}

fn texts(flavor: &Flavor, sql: &str) -> Vec<String> {
    kinds(flavor, sql).into_iter().map(|(_, t)| t).collect()
}

use TokenKind as K;

#[test]
fn tokens_cover_the_input_with_trivia() {
    let sql = "select /* a */ 1 -- b\n;";
    let all: Vec<(TokenKind, &str)> = tokens(&Flavor::postgres(), sql)
        .map(|t| (t.kind, &sql[t.span]))
        .collect();
    assert_eq!(
        all,
        [
            (K::Word, "select"),
            (K::Whitespace, " "),
            (K::Comment, "/* a */"),
            (K::Whitespace, " "),
            (K::Number, "1"),
            (K::Whitespace, " "),
            (K::Comment, "-- b"),
            (K::Whitespace, "\n"),
            (K::Punct, ";"),
        ]
    );
}

#[test]
fn postgres_strings_identifiers_and_dollar_quotes() {
    let pg = Flavor::postgres();
    assert_eq!(
        kinds(&pg, r#"E'it\'s' 'a''b' "x""y" $f$ 'no' $f$ $1 a$b$"#),
        [
            (K::String, r"E'it\'s'".to_string()),
            (K::String, "'a''b'".into()),
            (K::QuotedIdent, "\"x\"\"y\"".into()),
            (K::String, "$f$ 'no' $f$".into()),
            (K::Parameter, "$1".into()),
            (K::Word, "a$b$".into()),
        ]
    );
    // Backticks, brackets and `#` are PostgreSQL punctuation.
    assert_eq!(texts(&pg, "`a` [b] #"), ["`", "a", "`", "[", "b", "]", "#"]);
    assert_eq!(texts(&pg, "/* a /* b */ c */ x"), ["x"]);
    assert_eq!(
        texts(&pg, "a::int <= b->>'k'"),
        ["a", "::", "int", "<=", "b", "->>", "'k'"]
    );
}

#[test]
fn postgres_numbers_end_where_the_literal_ends() {
    let pg = Flavor::postgres();
    assert_eq!(
        texts(&pg, "1.5e-3 2e 10abc"),
        ["1.5e-3", "2", "e", "10", "abc"]
    );
    // A digit then `e'…'` is a number then an escape string.
    assert_eq!(
        kinds(&pg, r"1e'\''"),
        [(K::Number, "1".to_string()), (K::String, r"e'\''".into())]
    );
}

#[test]
fn sqlite_quotes_blobs_and_operators() {
    let sqlite = Flavor::sqlite();
    assert_eq!(
        kinds(&sqlite, "[a b] `c``d` x'0F' E'e' $v a==b 1.2.3x"),
        [
            (K::QuotedIdent, "[a b]".to_string()),
            (K::QuotedIdent, "`c``d`".into()),
            (K::String, "x'0F'".into()),
            (K::Word, "E".into()),
            (K::String, "'e'".into()),
            (K::Punct, "$".into()),
            (K::Word, "v".into()),
            (K::Word, "a".into()),
            (K::Punct, "==".into()),
            (K::Word, "b".into()),
            (K::Number, "1.2.3x".into()),
        ]
    );
    // Block comments do not nest.
    assert_eq!(texts(&sqlite, "/* a /* b */ c */"), ["c", "*", "/"]);
}

#[test]
fn mysql_backticks_hash_comments_and_backslash_escapes() {
    let mysql = Flavor::mysql();
    assert_eq!(
        kinds(&mysql, "select `a``b`, \"it\\\"s\", 'x\\'y' # c; d\nfrom t"),
        [
            (K::Word, "select".to_string()),
            (K::QuotedIdent, "`a``b`".into()),
            (K::Punct, ",".into()),
            (K::String, "\"it\\\"s\"".into()),
            (K::Punct, ",".into()),
            (K::String, "'x\\'y'".into()),
            (K::Word, "from".into()),
            (K::Word, "t".into()),
        ]
    );
    // `--` needs a space after it; `/* */` does not nest.
    assert_eq!(texts(&mysql, "1--1 -- c\n2"), ["1", "-", "-", "1", "2"]);
    assert_eq!(texts(&mysql, "/* a /* b */ c"), ["c"]);
    assert_eq!(texts(&mysql, "a <=> b"), ["a", "<=>", "b"]);
}

#[test]
fn unterminated_tokens_run_to_the_end() {
    let pg = Flavor::postgres();
    for sql in ["'abc", "\"abc", "$x$ abc", "/* abc /* */", "E'abc\\'"] {
        let all: Vec<Token> = tokens(&pg, sql).collect();
        assert_eq!(all.len(), 1, "{sql}");
        assert_eq!(all[0].span, 0..sql.len(), "{sql}");
        assert!(!all[0].terminated, "{sql}");
    }
    let bracket = token_at(&Flavor::sqlite(), "[abc", 0);
    assert_eq!((bracket.span, bracket.terminated), (0..4, false));
}

#[test]
fn idents_and_string_bodies_lose_their_quotes() {
    let sqlite = Flavor::sqlite();
    let sql = r#""a""b" `c``d` [e"f] plain "open"#;
    let names: Vec<std::string::String> = significant(&sqlite, sql).map(|t| t.ident(sql)).collect();
    assert_eq!(names, ["a\"b", "c`d", "e\"f", "plain", "open"]);
    let pg = Flavor::postgres();
    let sql = r"'a''b' E'c\'d' $t$ e $t$ $$open 'unclosed";
    let bodies: Vec<&str> = significant(&pg, sql).map(|t| t.string_body(sql)).collect();
    assert_eq!(bodies, ["a''b", r"c\'d", " e ", "open 'unclosed"]);
}

#[test]
fn non_ascii_text_is_part_of_words() {
    let sql = "Größe 'é' ü1";
    assert_eq!(texts(&Flavor::postgres(), sql), ["Größe", "'é'", "ü1"]);
}
