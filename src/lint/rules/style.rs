//! Matters of taste, as warnings: column types (text, bigint, timestamptz, identity), robust
//! `IF [NOT] EXISTS` statements outside transactions, schema-qualified names, domain checks.

use super::*;
use crate::diff::Change;
use crate::schema::Column;

pub fn check(input: &StatementCheck, hits: &mut Vec<Hit>) {
    for change in input.changes {
        match change {
            Change::CreateTable { name, table } => {
                for column in &table.columns {
                    check_column(name, column, hits);
                }
            }
            Change::AddColumn { table, column } => check_column(table, column, hits),
            Change::AlterColumn { table, from, to } if from.data_type != to.data_type => {
                check_column(table, to, hits)
            }
            _ => {}
        }
    }
    let p = input.parsed;
    if !input.context.in_transaction {
        let creates = [
            "TABLE",
            "INDEX",
            "SCHEMA",
            "SEQUENCE",
            "EXTENSION",
            "VIEW",
            "TYPE",
        ];
        let unrobust_create = p.starts(&["CREATE"])
            && creates
                .iter()
                .any(|k| p.tokens.iter().take(4).any(|t| t.text == *k))
            && !p.has_seq(&["IF", "NOT", "EXISTS"])
            && !p.has_seq(&["OR", "REPLACE"])
            && !p.has("TYPE");
        let unrobust_drop = p.starts(&["DROP"]) && !p.has_seq(&["IF", "EXISTS"]);
        let unrobust_alter = p.starts(&["ALTER", "TABLE"])
            && ((p.has_seq(&["ADD", "COLUMN"]) && !p.has_seq(&["IF", "NOT", "EXISTS"]))
                || (p.has_seq(&["DROP", "COLUMN"]) && !p.has_seq(&["IF", "EXISTS"])));
        if unrobust_create || unrobust_drop || unrobust_alter {
            hits.push(Hit::new(&ROBUST_STATEMENT, "missing IF [NOT] EXISTS"));
        }
    }
    let object = ["TABLE"].iter().find_map(|k| {
        (p.starts(&["CREATE", k]) || p.starts(&["ALTER", k]))
            .then(|| p.name_after(&[k]))
            .flatten()
    });
    if let Some(parts) = object
        && parts.len() == 1
    {
        hits.push(Hit::new(
            &SCHEMA_QUALIFIED,
            format!("{} has no schema", parts[0].to_lowercase()),
        ));
    }
    if (p.starts(&["CREATE", "DOMAIN"]) && (p.has("CHECK") || p.has("CONSTRAINT")))
        || (p.starts(&["ALTER", "DOMAIN"]) && p.has_seq(&["ADD", "CONSTRAINT"]))
    {
        hits.push(Hit::new(&DOMAIN_CONSTRAINT, "domain constraint"));
    }
}

fn check_column(table: &QualifiedName, column: &Column, hits: &mut Vec<Hit>) {
    let ty = &column.data_type;
    let at = format!("{table}.{}", column.name);
    if ty.sql.starts_with("character varying(") {
        hits.push(Hit::new(&PREFER_TEXT, format!("{at} {}", ty.sql)));
    }
    if ty.base == "bpchar" || ty.base == "character" {
        hits.push(Hit::new(&BAN_CHAR, format!("{at} {}", ty.sql)));
    }
    if ty.base == "integer" || ty.base == "smallint" {
        hits.push(Hit::new(&PREFER_BIGINT, format!("{at} {}", ty.sql)));
    }
    if ty.base == "timestamp without time zone" {
        hits.push(Hit::new(&PREFER_TIMESTAMPTZ, format!("{at} {}", ty.sql)));
    }
    let serial = column
        .default
        .as_deref()
        .is_some_and(|d| d.starts_with("nextval("));
    if serial && column.identity.is_none() {
        hits.push(Hit::new(&PREFER_IDENTITY, at));
    }
}
