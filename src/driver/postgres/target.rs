//! [`MigrationTarget`] for PostgreSQL: one session that holds the advisory lock, runs the
//! statements and writes the revisions table.

use super::{connect_url, lock, objects, revisions};
use crate::migrate::{MigrationTarget, Revision, ServerError, os_user};
use crate::sql::Flavor;
use crate::url::PgUrl;
use anyhow::Context;
use sqlx::postgres::{PgConnection, PgDatabaseError};
use std::time::Duration;

/// How many objects the "target is not clean" message names.
const NAMED_OBJECTS: usize = 5;

pub struct PgTarget {
    conn: PgConnection,
    schema: String,
    operator: String,
}

impl PgTarget {
    /// Connects to the target; `revisions_schema` holds the revisions table.
    pub async fn connect(url: &PgUrl, revisions_schema: &str) -> anyhow::Result<PgTarget> {
        let conn = connect_url(url).await?;
        Ok(PgTarget {
            conn,
            schema: revisions_schema.to_string(),
            operator: format!("{} as {}", os_user(), url.user()),
        })
    }

    async fn run(&mut self, sql: &str) -> anyhow::Result<()> {
        sqlx::raw_sql(sql)
            .execute(&mut self.conn)
            .await
            .with_context(|| format!("running {sql} on the target"))?;
        Ok(())
    }
}

#[async_trait::async_trait(?Send)]
impl MigrationTarget for PgTarget {
    async fn lock(&mut self, timeout: Duration, on_wait: &mut dyn FnMut()) -> anyhow::Result<()> {
        lock::lock(&mut self.conn, timeout, on_wait).await
    }

    async fn unlock(&mut self) -> anyhow::Result<()> {
        lock::unlock(&mut self.conn).await
    }

    async fn ensure_revisions_table(&mut self) -> anyhow::Result<()> {
        revisions::create_revisions_table(&mut self.conn, &self.schema).await
    }

    async fn revisions(&mut self) -> anyhow::Result<Vec<Revision>> {
        revisions::read_revisions(&mut self.conn, &self.schema).await
    }

    async fn user_objects(&mut self) -> anyhow::Result<Vec<String>> {
        objects::named_user_objects(&mut self.conn, Some(&self.schema), NAMED_OBJECTS)
            .await
            .context("listing the target's objects")
    }

    async fn write_revision(&mut self, revision: &Revision) -> anyhow::Result<()> {
        revisions::write_revision(&mut self.conn, &self.schema, revision).await
    }

    async fn delete_revision(&mut self, version: &str) -> anyhow::Result<()> {
        revisions::delete_revision(&mut self.conn, &self.schema, version).await
    }

    async fn begin(&mut self, _statements: &[&str]) -> anyhow::Result<()> {
        self.run("BEGIN").await
    }

    async fn commit(&mut self) -> anyhow::Result<()> {
        self.run("COMMIT").await
    }

    async fn rollback(&mut self) -> anyhow::Result<()> {
        self.run("ROLLBACK").await
    }

    async fn execute(&mut self, sql: &str) -> anyhow::Result<Result<(), ServerError>> {
        match sqlx::raw_sql(sql).execute(&mut self.conn).await {
            Ok(_) => Ok(Ok(())),
            Err(error) => match error
                .as_database_error()
                .and_then(|e| e.try_downcast_ref::<PgDatabaseError>())
            {
                Some(db) => Ok(Err(ServerError {
                    message: db.message().to_string(),
                    detail: db.detail().map(str::to_string),
                })),
                None => Err(anyhow::Error::new(error).context("the target connection failed")),
            },
        }
    }

    fn operator(&self) -> String {
        self.operator.clone()
    }

    fn lexer_flavor(&self) -> &'static Flavor {
        &super::FLAVOR
    }
}
