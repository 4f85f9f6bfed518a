//! Catalog query for normal dependencies between user objects, with each dependent catalog
//! entry resolved to the model object that owns it (a default to its table, a view's rule to
//! the view, an index to its table, a domain's check to the domain).

use sqlx::postgres::{PgConnection, types::Oid};

/// Where an object of a dependency lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    Class,
    Type,
    Proc,
    Collation,
}

#[derive(Debug, sqlx::FromRow)]
struct DependRow {
    depender_space: String,
    depender: Oid,
    referenced_space: String,
    referenced: Oid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dependency {
    pub depender: (Space, Oid),
    pub referenced: (Space, Oid),
}

/// Foreign keys are left out: they live in the table's constraints and may form cycles.
/// Triggers and policies are left out too: they are created after their table.
pub async fn load(conn: &mut PgConnection) -> sqlx::Result<Vec<Dependency>> {
    let rows: Vec<DependRow> = sqlx::query_as(
        "SELECT DISTINCT
                CASE WHEN d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
                          OR coalesce(co.contypid, 0) <> 0 THEN 'type'
                     WHEN d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass THEN 'proc'
                     ELSE 'class' END AS depender_space,
                CASE WHEN ix.indrelid IS NOT NULL THEN ix.indrelid
                     WHEN ad.adrelid IS NOT NULL THEN ad.adrelid
                     WHEN rw.ev_class IS NOT NULL THEN rw.ev_class
                     WHEN co.oid IS NOT NULL THEN
                          CASE WHEN co.contypid <> 0 THEN co.contypid ELSE co.conrelid END
                     ELSE d.objid END AS depender,
                CASE d.refclassid WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN 'class'
                                  WHEN 'pg_catalog.pg_type'::pg_catalog.regclass THEN 'type'
                                  WHEN 'pg_catalog.pg_collation'::pg_catalog.regclass THEN 'collation'
                                  ELSE 'proc' END AS referenced_space,
                d.refobjid AS referenced
         FROM pg_catalog.pg_depend d
         LEFT JOIN pg_catalog.pg_index ix
                ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ix.indexrelid = d.objid
         LEFT JOIN pg_catalog.pg_attrdef ad
                ON d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND ad.oid = d.objid
         LEFT JOIN pg_catalog.pg_rewrite rw
                ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND rw.oid = d.objid
         LEFT JOIN pg_catalog.pg_constraint co
                ON d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND co.oid = d.objid
         WHERE d.deptype = 'n' AND d.objid >= 16384
           AND d.classid IN ('pg_catalog.pg_class'::pg_catalog.regclass,
                             'pg_catalog.pg_attrdef'::pg_catalog.regclass,
                             'pg_catalog.pg_rewrite'::pg_catalog.regclass,
                             'pg_catalog.pg_constraint'::pg_catalog.regclass,
                             'pg_catalog.pg_type'::pg_catalog.regclass,
                             'pg_catalog.pg_proc'::pg_catalog.regclass)
           AND d.refclassid IN ('pg_catalog.pg_class'::pg_catalog.regclass,
                                'pg_catalog.pg_type'::pg_catalog.regclass,
                                'pg_catalog.pg_proc'::pg_catalog.regclass,
                                'pg_catalog.pg_collation'::pg_catalog.regclass)
           AND (co.oid IS NULL OR co.contype <> 'f')",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Dependency {
                depender: (space(&row.depender_space)?, row.depender),
                referenced: (space(&row.referenced_space)?, row.referenced),
            })
        })
        .collect())
}

fn space(name: &str) -> Option<Space> {
    match name {
        "class" => Some(Space::Class),
        "type" => Some(Space::Type),
        "proc" => Some(Space::Proc),
        "collation" => Some(Space::Collation),
        _ => None,
    }
}
