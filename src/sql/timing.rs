//! Timing of splitting a big script (run with `--ignored --nocapture`, in release for real
//! numbers): the hand-written lexer against sqlparser's tokenizer on the same text.

use super::split_statements;
use std::fmt::Write;
use std::time::{Duration, Instant};

/// About 2 MB: `tables` CREATE TABLEs, each with comments, a string default and two indexes.
pub(super) fn big_script(tables: usize) -> String {
    let mut script = String::from("-- generated schema\n");
    for t in 0..tables {
        writeln!(
            script,
            "/* table {t}: keeps the orders; see docs */\n\
             CREATE TABLE IF NOT EXISTS public.\"orders_{t}\" (\n  \
             id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- surrogate key\n  \
             customer_id bigint NOT NULL REFERENCES public.customers (id) ON DELETE CASCADE,\n  \
             status text NOT NULL DEFAULT 'new; pending' CHECK (status IN ('new', 'paid', 'it''s shipped')),\n  \
             total numeric(12, 2) NOT NULL DEFAULT 0.00,\n  \
             note text DEFAULT E'line\\nbreak',\n  \
             created_at timestamptz NOT NULL DEFAULT now()\n\
             );\n\
             CREATE INDEX orders_{t}_customer_idx ON public.\"orders_{t}\" (customer_id, created_at DESC);\n\
             CREATE UNIQUE INDEX orders_{t}_status_idx ON public.\"orders_{t}\" USING btree (status) WHERE total > 100;\n\
             COMMENT ON TABLE public.\"orders_{t}\" IS 'Orders of shard {t}; one row per order';\n"
        )
        .unwrap();
    }
    script
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let started = Instant::now();
        let value = f();
        best = best.min(started.elapsed());
        out = Some(value);
    }
    (best, out.unwrap())
}

#[test]
#[ignore = "timing; run with --ignored --nocapture"]
fn splitting_a_big_script() {
    let script = big_script(2_000);
    let (split, statements) = best_of(5, || split_statements(&script));
    assert_eq!(statements.len(), 8_000);
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let (sqlparser, tokens) = best_of(5, || {
        sqlparser::tokenizer::Tokenizer::new(&dialect, &script)
            .with_unescape(false)
            .tokenize_with_location()
            .map(|t| t.len())
    });
    eprintln!(
        "{} bytes: split_statements {split:?} ({} statements); sqlparser tokenize_with_location {sqlparser:?} ({tokens:?} tokens)",
        script.len(),
        statements.len()
    );
}
