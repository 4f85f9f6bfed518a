//! `information_schema.PARTITIONS`: the partitioning of every partitioned table.

use crate::schema::MysqlPartition;
use sqlx::mysql::MySqlConnection;

#[derive(Debug, sqlx::FromRow)]
struct PartitionRow {
    table_name: String,
    name: String,
    subpartition: Option<String>,
    method: String,
    expression: Option<String>,
    sub_method: Option<String>,
    sub_expression: Option<String>,
    description: Option<String>,
    comment: Option<String>,
}

#[derive(Debug)]
pub struct Partitioning {
    pub table_name: String,
    /// ``RANGE (`y`)``, ``LIST COLUMNS(`a`,`b`)``, ``KEY (`id`)``.
    pub partition_by: String,
    pub subpartition_by: Option<String>,
    pub partitions: Vec<MysqlPartition>,
}

pub async fn load(conn: &mut MySqlConnection, database: &str) -> sqlx::Result<Vec<Partitioning>> {
    let rows: Vec<PartitionRow> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR) AS table_name, CAST(PARTITION_NAME AS CHAR) AS name,
                CAST(SUBPARTITION_NAME AS CHAR) AS subpartition,
                CAST(PARTITION_METHOD AS CHAR) AS method,
                CAST(PARTITION_EXPRESSION AS CHAR) AS expression,
                CAST(SUBPARTITION_METHOD AS CHAR) AS sub_method,
                CAST(SUBPARTITION_EXPRESSION AS CHAR) AS sub_expression,
                CAST(PARTITION_DESCRIPTION AS CHAR) AS description,
                CAST(PARTITION_COMMENT AS CHAR) AS comment
         FROM information_schema.PARTITIONS
         WHERE TABLE_SCHEMA = ? AND PARTITION_NAME IS NOT NULL
         ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION",
    )
    .bind(database)
    .fetch_all(conn)
    .await?;
    let mut out: Vec<Partitioning> = Vec::new();
    for row in rows {
        if out.last().is_none_or(|p| p.table_name != row.table_name) {
            out.push(Partitioning {
                table_name: row.table_name.clone(),
                partition_by: method_text(&row.method, row.expression.as_deref()),
                subpartition_by: row
                    .sub_method
                    .as_deref()
                    .map(|m| method_text(m, row.sub_expression.as_deref())),
                partitions: Vec::new(),
            });
        }
        let table = out.last_mut().expect("pushed above");
        if table.partitions.last().is_none_or(|p| p.name != row.name) {
            table.partitions.push(MysqlPartition {
                name: row.name.clone(),
                values: values_text(&row.method, row.description.as_deref()),
                comment: row.comment.clone().filter(|c| !c.is_empty()),
                subpartitions: Vec::new(),
            });
        }
        if let (Some(sub), Some(partition)) = (row.subpartition, table.partitions.last_mut()) {
            partition.subpartitions.push(sub);
        }
    }
    Ok(out)
}

/// ``RANGE (`y`)`` or ``RANGE COLUMNS(`a`,`b`)`` as `SHOW CREATE TABLE` spells them (with one
/// space); MariaDB's `SYSTEM_TIME` has no expression.
fn method_text(method: &str, expression: Option<&str>) -> String {
    match expression {
        Some(expr) if method.ends_with("COLUMNS") => format!("{method}({expr})"),
        Some(expr) => format!("{method} ({expr})"),
        None => method.to_string(),
    }
}

/// A partition's bound: `VALUES LESS THAN (10)`, `VALUES LESS THAN MAXVALUE`, `VALUES IN (1,2)`,
/// `DEFAULT` (MariaDB's default LIST partition); None for HASH, KEY and MariaDB's SYSTEM_TIME
/// partitions.
fn values_text(method: &str, description: Option<&str>) -> Option<String> {
    let description = description?;
    if description.eq_ignore_ascii_case("DEFAULT") {
        return Some("DEFAULT".into());
    }
    if method.starts_with("RANGE") {
        if method == "RANGE" && description == "MAXVALUE" {
            Some("VALUES LESS THAN MAXVALUE".into())
        } else {
            Some(format!("VALUES LESS THAN ({description})"))
        }
    } else if method.starts_with("LIST") {
        Some(format!("VALUES IN ({description})"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_and_bounds_read_as_show_create_table_prints_them() {
        assert_eq!(method_text("RANGE", Some("`y`")), "RANGE (`y`)");
        assert_eq!(
            method_text("RANGE COLUMNS", Some("`a`,`b`")),
            "RANGE COLUMNS(`a`,`b`)"
        );
        assert_eq!(
            values_text("RANGE", Some("MAXVALUE")).as_deref(),
            Some("VALUES LESS THAN MAXVALUE")
        );
        assert_eq!(
            values_text("RANGE COLUMNS", Some("MAXVALUE,10")).as_deref(),
            Some("VALUES LESS THAN (MAXVALUE,10)")
        );
        assert_eq!(
            values_text("LIST", Some("1,2")).as_deref(),
            Some("VALUES IN (1,2)")
        );
        assert_eq!(values_text("HASH", None), None);
    }
}
