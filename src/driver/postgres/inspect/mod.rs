//! Catalog inspection: a fixed number of catalog queries read in one snapshot with an empty
//! `search_path` (so the server renders canonical, schema-qualified text), then joined in memory
//! into a [`Realm`].

mod assemble;
mod collations;
mod columns;
mod comments;
mod constraints;
mod depends;
mod fragments;
mod functions;
mod indexes;
mod namespaces;
mod plans;
mod policies;
mod refs;
mod relations;
mod sequences;
mod triggers;
mod types;

use crate::driver::Scope;
use crate::schema::Realm;
use anyhow::Context;
use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// Everything the catalog queries return, before it is joined into a model.
pub(crate) struct CatalogRows {
    pub schemas: Vec<namespaces::SchemaRow>,
    pub extensions: Vec<namespaces::ExtensionRow>,
    pub relations: Vec<relations::RelationRow>,
    pub columns: Vec<columns::ColumnRow>,
    pub constraints: Vec<constraints::ConstraintRow>,
    pub domain_checks: Vec<constraints::DomainCheckRow>,
    pub indexes: Vec<indexes::IndexRow>,
    pub triggers: Vec<triggers::TriggerRow>,
    pub policies: Vec<policies::PolicyRow>,
    pub types: Vec<types::TypeRow>,
    pub sequences: Vec<sequences::SequenceRow>,
    pub collations: Vec<collations::CollationRow>,
    pub functions: Vec<functions::FunctionRow>,
    pub comments: comments::Comments,
    pub depends: Vec<depends::Dependency>,
}

impl CatalogRows {
    /// How many catalog rows were read: the size the queries' plans are made for.
    fn len(&self) -> usize {
        self.schemas.len()
            + self.extensions.len()
            + self.relations.len()
            + self.columns.len()
            + self.constraints.len()
            + self.domain_checks.len()
            + self.indexes.len()
            + self.triggers.len()
            + self.policies.len()
            + self.types.len()
            + self.sequences.len()
            + self.collations.len()
            + self.functions.len()
            + self.comments.len()
            + self.depends.len()
    }
}

/// Inspect every object in scope. Constant number of catalog queries per object kind: NEVER a
/// query per table. The queries run as generic plans, made again as the schema grows
/// ([`plans`]), and keep to `oid >= 16384` (FirstNormalObjectId: every object created after
/// initdb), which lets them read the catalog indexes instead of the system's own rows.
pub async fn inspect_realm(conn: &mut PgConnection, scope: &Scope) -> anyhow::Result<Realm> {
    let made_for = plans::made_for(conn)
        .await
        .context("reading the inspection's plan size")?;
    let mut tx = conn
        .begin()
        .await
        .context("starting the inspection transaction")?;
    sqlx::raw_sql(
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;
         SET LOCAL search_path = ''; SET LOCAL plan_cache_mode = force_generic_plan",
    )
    .execute(&mut *tx)
    .await
    .context("preparing the inspection transaction")?;
    let rows = read_catalog(&mut tx, scope).await?;
    tx.rollback()
        .await
        .context("ending the inspection transaction")?;
    finish(conn, made_for, rows).await
}

/// [`inspect_realm`] on a connection inside a transaction it did not start through sqlx (a
/// borrowed template, see `devdb::postgres::borrowed`): the settings live in a savepoint, and
/// the snapshot is the transaction's own, which sees its uncommitted changes.
pub async fn inspect_realm_in_transaction(
    conn: &mut PgConnection,
    scope: &Scope,
) -> anyhow::Result<Realm> {
    let made_for = plans::made_for(conn)
        .await
        .context("reading the inspection's plan size")?;
    sqlx::raw_sql(
        "SAVEPOINT schemactl_inspect;
         SET LOCAL search_path = ''; SET LOCAL plan_cache_mode = force_generic_plan",
    )
    .execute(&mut *conn)
    .await
    .context("preparing the inspection savepoint")?;
    let rows = read_catalog(conn, scope).await;
    sqlx::raw_sql("ROLLBACK TO SAVEPOINT schemactl_inspect; RELEASE SAVEPOINT schemactl_inspect")
        .execute(&mut *conn)
        .await
        .context("ending the inspection savepoint")?;
    finish(conn, made_for, rows?).await
}

async fn finish(
    conn: &mut PgConnection,
    made_for: usize,
    rows: CatalogRows,
) -> anyhow::Result<Realm> {
    let size = rows.len();
    if plans::stale(made_for, size) {
        plans::remake(conn, size)
            .await
            .context("dropping the inspection's cached plans")?;
    }
    Ok(assemble::build_realm(rows))
}

async fn read_catalog(conn: &mut PgConnection, scope: &Scope) -> anyhow::Result<CatalogRows> {
    let schemas = namespaces::load_schemas(conn, scope)
        .await
        .context("inspecting schemas")?;
    let names: Vec<String> = schemas.iter().map(|s| s.name.clone()).collect();
    let names = names.as_slice();
    Ok(CatalogRows {
        extensions: namespaces::load_extensions(conn)
            .await
            .context("inspecting extensions")?,
        relations: relations::load(conn, names)
            .await
            .context("inspecting tables and views")?,
        columns: columns::load(conn, names)
            .await
            .context("inspecting columns")?,
        constraints: constraints::load(conn, names)
            .await
            .context("inspecting constraints")?,
        domain_checks: constraints::load_domain_checks(conn, names)
            .await
            .context("inspecting domain constraints")?,
        indexes: indexes::load(conn, names)
            .await
            .context("inspecting indexes")?,
        triggers: triggers::load(conn, names)
            .await
            .context("inspecting triggers")?,
        policies: policies::load(conn, names)
            .await
            .context("inspecting policies")?,
        types: types::load(conn, names).await.context("inspecting types")?,
        sequences: sequences::load(conn, names)
            .await
            .context("inspecting sequences")?,
        collations: collations::load(conn, names)
            .await
            .context("inspecting collations")?,
        functions: functions::load(conn, names)
            .await
            .context("inspecting functions")?,
        comments: comments::load(conn).await.context("inspecting comments")?,
        depends: depends::load(conn)
            .await
            .context("inspecting dependencies")?,
        schemas,
    })
}
