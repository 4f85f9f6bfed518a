//! The desired state of a provider program, loaded while the program runs: its stdout is split
//! into statements as it arrives and each complete one runs on the desired scratch database at
//! once, so the desired side costs about the longer of the program and the load, not both.
//!
//! The statements are exactly those of splitting the whole output (the text so far is split
//! again as it grows, and only statements followed by another are run before the end), so the
//! state, the plan and the line a failing statement names are those of loading it afterwards.
//! A program that fails fails the run with its own error, whatever its partial output did.

use super::state::execute_statements;
use crate::dialect::Dev;
use crate::driver::DevConnection;
use crate::provider::{ProgramSpec, run_program_streaming};
use crate::schema::Realm;
use crate::sql::{Flavor, SplitStatement, split_statements_for};
use anyhow::Result;

/// Runs the program and loads what it prints on a scratch database of `dev`; returns the
/// program's whole output and the state it leaves.
pub async fn load_program(spec: &ProgramSpec, dev: &Dev) -> Result<(String, Realm)> {
    let origin = format!("output of {}", spec.name);
    let (sink, mut chunks) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    let run = run_program_streaming(spec, sink);
    let load = dev.realm_after(async |conn: &mut dyn DevConnection| {
        let mut stream = StatementStream::new(conn.lexer_flavor());
        while let Some(chunk) = chunks.recv().await {
            let ready = stream.push(&chunk);
            execute_statements(conn, &origin, &ready).await?;
        }
        execute_statements(conn, &origin, &stream.finish()).await
    });
    let (output, realm) = tokio::join!(run, load);
    // The program's failure first: its partial output may well fail to load.
    let output = output?;
    Ok((output, realm?))
}

/// Statements of a script that arrives in pieces.
pub struct StatementStream {
    flavor: &'static Flavor,
    /// The text received so far, up to its last line break.
    text: String,
    /// Bytes after the last line break (a line, or a character, may be cut).
    partial: Vec<u8>,
    /// How many statements have been handed out.
    handed: usize,
    /// The text stopped being UTF-8: nothing more is handed out before the end (the program's
    /// run fails on it).
    broken: bool,
}

impl StatementStream {
    pub fn new(flavor: &'static Flavor) -> StatementStream {
        StatementStream {
            flavor,
            text: String::new(),
            partial: Vec::new(),
            handed: 0,
            broken: false,
        }
    }

    /// Takes the next piece; returns the statements it completed (each followed by another).
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SplitStatement> {
        self.partial.extend_from_slice(bytes);
        let Some(last_break) = self.partial.iter().rposition(|&b| b == b'\n') else {
            return Vec::new();
        };
        if self.broken {
            return Vec::new();
        }
        let lines: Vec<u8> = self.partial.drain(..=last_break).collect();
        match String::from_utf8(lines) {
            Ok(lines) => self.text.push_str(&lines),
            Err(_) => {
                self.broken = true;
                return Vec::new();
            }
        }
        let mut statements = split_statements_for(self.flavor, &self.text);
        // The last one may go on in the next piece.
        statements.pop();
        self.hand_out(statements)
    }

    /// The statements not handed out yet, once the whole script has arrived.
    pub fn finish(mut self) -> Vec<SplitStatement> {
        if self.broken {
            return Vec::new();
        }
        self.text.push_str(&String::from_utf8_lossy(&self.partial));
        let statements = split_statements_for(self.flavor, &self.text);
        self.hand_out(statements)
    }

    fn hand_out(&mut self, statements: Vec<SplitStatement>) -> Vec<SplitStatement> {
        if statements.len() <= self.handed {
            return Vec::new();
        }
        let fresh = statements.into_iter().skip(self.handed).collect::<Vec<_>>();
        self.handed += fresh.len();
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static FLAVOR: Flavor = Flavor::postgres();

    fn streamed(script: &str, piece: usize) -> Vec<SplitStatement> {
        let mut stream = StatementStream::new(&FLAVOR);
        let mut all = Vec::new();
        for chunk in script.as_bytes().chunks(piece) {
            all.extend(stream.push(chunk));
        }
        all.extend(stream.finish());
        all
    }

    #[test]
    fn pieces_of_any_size_give_the_statements_of_the_whole() {
        let script = "-- models\nCREATE TABLE a (id int);\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\nCREATE TABLE \"ü\" (note text DEFAULT 'a;b'); CREATE INDEX i ON a (id);\nCOMMENT ON TABLE a IS 'x\ny';\n";
        let whole = split_statements_for(&FLAVOR, script);
        for piece in [1, 2, 3, 7, 16, 64, 1000] {
            assert_eq!(streamed(script, piece), whole, "pieces of {piece} bytes");
        }
    }

    #[test]
    fn statements_are_handed_out_before_the_end() {
        let mut stream = StatementStream::new(&FLAVOR);
        assert!(stream.push(b"CREATE TABLE a (id int);\n").is_empty());
        let ready = stream.push(b"CREATE TABLE b (id int);\nCREATE TA");
        assert_eq!(ready.len(), 1);
        assert_eq!(ready[0].text, "CREATE TABLE a (id int)");
        let rest = stream.finish();
        assert_eq!(rest.len(), 2);
        assert_eq!(rest[1].line, 3);
    }
}
