//! Inspection of a MySQL or MariaDB database from `information_schema`: one query per object
//! kind for the whole database (never one per table), joined in memory into a [`Realm`].
//!
//! The database is the scope: the realm has one schema, [`SCOPE`], whatever the database is
//! called, and the model's SQL is never qualified with a database name, because scratch dev
//! databases and targets have different names. Definitions the server keeps only in pieces
//! (keys, foreign keys, checks, triggers, routines) are written in the style of
//! `SHOW CREATE TABLE`, so that equal objects read as equal text.
//!
//! Tests run on MariaDB 10.11; where MySQL 8 answers differently, the query or the reading says
//! which server it handles.

mod assemble;
mod charsets;
mod checks;
mod columns;
mod foreign_keys;
mod indexes;
mod partitions;
mod routines;
mod sequences;
mod server;
mod tables;
mod text;
mod triggers;
mod views;

use crate::schema::{Realm, Schema};
use anyhow::Context;
use sqlx::mysql::MySqlConnection;

/// The name of the one schema of a MySQL realm.
pub const SCOPE: &str = "main";

/// The model of an empty database: an empty [`SCOPE`] schema.
pub fn empty_realm() -> Realm {
    let mut realm = Realm::default();
    realm.schemas.insert(
        SCOPE.into(),
        Schema {
            name: SCOPE.into(),
            ..Schema::default()
        },
    );
    realm
}

/// Everything the catalog queries return, before it is joined into a model.
struct CatalogRows {
    server: server::Server,
    charsets: charsets::Charsets,
    tables: Vec<tables::TableRow>,
    columns: Vec<columns::ColumnRow>,
    indexes: Vec<indexes::IndexRow>,
    foreign_keys: Vec<foreign_keys::ForeignKeyRow>,
    checks: Vec<checks::CheckRow>,
    views: Vec<views::ViewRow>,
    triggers: Vec<triggers::TriggerRow>,
    routines: Vec<(String, crate::schema::Function)>,
    partitions: Vec<partitions::Partitioning>,
    sequences: Vec<sequences::SequenceRow>,
}

/// Inspect every object of `database`. No transaction: MariaDB's information_schema is not
/// read from a snapshot anyway, and inspection runs on databases nobody else changes.
pub async fn inspect_realm(conn: &mut MySqlConnection, database: &str) -> anyhow::Result<Realm> {
    let server = server::load(conn, database).await?;
    if !server.is_mariadb() {
        // MySQL 8 caches TABLES statistics, AUTO_INCREMENT among them, for a day by default.
        sqlx::query("SET SESSION information_schema_stats_expiry = 0")
            .execute(&mut *conn)
            .await
            .context("turning off MySQL's information_schema statistics cache")?;
    }
    let rows = read_catalog(conn, server, database).await?;
    Ok(assemble::build_realm(rows, database))
}

async fn read_catalog(
    conn: &mut MySqlConnection,
    server: server::Server,
    database: &str,
) -> anyhow::Result<CatalogRows> {
    let charsets = charsets::load(conn)
        .await
        .context("inspecting character sets")?;
    let tables = tables::load(conn, &server, database)
        .await
        .context("inspecting tables")?;
    let sequence_names: Vec<&str> = tables
        .iter()
        .filter(|t| t.kind == "SEQUENCE")
        .map(|t| t.name.as_str())
        .collect();
    let sequences = sequences::load(conn, database, &sequence_names)
        .await
        .context("inspecting sequences")?;
    Ok(CatalogRows {
        columns: columns::load(conn, database)
            .await
            .context("inspecting columns")?,
        indexes: indexes::load(conn, &server, database)
            .await
            .context("inspecting indexes")?,
        foreign_keys: foreign_keys::load(conn, database)
            .await
            .context("inspecting foreign keys")?,
        checks: checks::load(conn, &server, database)
            .await
            .context("inspecting check constraints")?,
        views: views::load(conn, &server, database)
            .await
            .context("inspecting views")?,
        triggers: triggers::load(conn, database)
            .await
            .context("inspecting triggers")?,
        routines: routines::load(conn, database)
            .await
            .context("inspecting routines")?,
        partitions: partitions::load(conn, database)
            .await
            .context("inspecting partitions")?,
        server,
        charsets,
        tables,
        sequences,
    })
}
