//! MySQL's quoting: backticks for names, single quotes for strings (with backslash escapes,
//! as the server's default `sql_mode` reads them).

pub fn ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

pub fn string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_strings_are_quoted_as_mysql_reads_them() {
        assert_eq!(ident("user_account"), "`user_account`");
        assert_eq!(ident("we`ird"), "`we``ird`");
        assert_eq!(string(r"it's a \ test"), r"'it''s a \\ test'");
    }
}
