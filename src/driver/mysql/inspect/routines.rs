//! `information_schema.ROUTINES` and `PARAMETERS`: stored functions and procedures (two
//! queries for the whole database, joined in memory).

use super::text::quote_ident;
use crate::schema::{Function, RoutineKind};
use sqlx::mysql::MySqlConnection;
use std::collections::HashMap;

#[derive(Debug, sqlx::FromRow)]
struct RoutineRow {
    specific_name: String,
    name: String,
    /// `FUNCTION` or `PROCEDURE` (MariaDB's Oracle-mode packages are left out).
    kind: String,
    returns: Option<String>,
    /// NULL when the account may not read it (MySQL 8 without SHOW_ROUTINE).
    body: Option<String>,
    is_deterministic: String,
    data_access: String,
    security: String,
    comment: String,
}

#[derive(Debug, sqlx::FromRow)]
struct ParameterRow {
    specific_name: String,
    kind: String,
    /// `IN`, `OUT` or `INOUT`; functions' parameters have no mode.
    param_mode: Option<String>,
    name: String,
    data_type: String,
}

/// Every routine with its key in [`crate::schema::Schema::functions`], `name(argument types)`.
pub async fn load(
    conn: &mut MySqlConnection,
    database: &str,
) -> sqlx::Result<Vec<(String, Function)>> {
    let routines: Vec<RoutineRow> = sqlx::query_as(
        "SELECT CAST(SPECIFIC_NAME AS CHAR) AS specific_name, CAST(ROUTINE_NAME AS CHAR) AS name,
                CAST(ROUTINE_TYPE AS CHAR) AS kind, CAST(DTD_IDENTIFIER AS CHAR) AS returns,
                CAST(ROUTINE_DEFINITION AS CHAR) AS body,
                CAST(IS_DETERMINISTIC AS CHAR) AS is_deterministic,
                CAST(SQL_DATA_ACCESS AS CHAR) AS data_access,
                CAST(SECURITY_TYPE AS CHAR) AS security,
                CAST(ROUTINE_COMMENT AS CHAR) AS comment
         FROM information_schema.ROUTINES
         WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE IN ('FUNCTION', 'PROCEDURE')
         ORDER BY ROUTINE_NAME, ROUTINE_TYPE",
    )
    .bind(database)
    .fetch_all(&mut *conn)
    .await?;
    if routines.is_empty() {
        return Ok(Vec::new());
    }
    // ORDINAL_POSITION 0 is a function's return value.
    let parameters: Vec<ParameterRow> = sqlx::query_as(
        "SELECT CAST(SPECIFIC_NAME AS CHAR) AS specific_name, CAST(ROUTINE_TYPE AS CHAR) AS kind,
                CAST(PARAMETER_MODE AS CHAR) AS param_mode, CAST(PARAMETER_NAME AS CHAR) AS name,
                CAST(DTD_IDENTIFIER AS CHAR) AS data_type
         FROM information_schema.PARAMETERS
         WHERE SPECIFIC_SCHEMA = ? AND ORDINAL_POSITION > 0
         ORDER BY SPECIFIC_NAME, ROUTINE_TYPE, ORDINAL_POSITION",
    )
    .bind(database)
    .fetch_all(conn)
    .await?;
    let mut by_routine: HashMap<(String, String), Vec<ParameterRow>> = HashMap::new();
    for p in parameters {
        by_routine
            .entry((p.specific_name.clone(), p.kind.clone()))
            .or_default()
            .push(p);
    }
    Ok(routines
        .into_iter()
        .map(|r| {
            let params = by_routine
                .remove(&(r.specific_name.clone(), r.kind.clone()))
                .unwrap_or_default();
            build(r, &params)
        })
        .collect())
}

fn build(row: RoutineRow, params: &[ParameterRow]) -> (String, Function) {
    let is_function = row.kind.eq_ignore_ascii_case("FUNCTION");
    let arguments: Vec<String> = params
        .iter()
        .map(|p| {
            let mode = match (&p.param_mode, is_function) {
                (Some(mode), false) => format!("{mode} "),
                _ => String::new(),
            };
            format!("{mode}{} {}", quote_ident(&p.name), p.data_type)
        })
        .collect();
    let arguments = arguments.join(", ");
    let returns = row.returns.filter(|_| is_function);
    let mut head = format!(
        "CREATE {} {}({arguments})",
        if is_function { "FUNCTION" } else { "PROCEDURE" },
        quote_ident(&row.name)
    );
    if let Some(returns) = &returns {
        head.push_str(&format!(" RETURNS {returns}"));
    }
    // Characteristics as SHOW CREATE prints them, the defaults left out; the comment is the
    // model's own field.
    let mut lines = vec![head];
    if row.is_deterministic.eq_ignore_ascii_case("YES") {
        lines.push("    DETERMINISTIC".into());
    }
    if !row.data_access.eq_ignore_ascii_case("CONTAINS SQL") {
        lines.push(format!("    {}", row.data_access));
    }
    if row.security.eq_ignore_ascii_case("INVOKER") {
        lines.push("    SQL SECURITY INVOKER".into());
    }
    lines.push(row.body.unwrap_or_default());
    let types: Vec<&str> = params.iter().map(|p| p.data_type.as_str()).collect();
    let key = format!("{}({})", row.name, types.join(", "));
    let function = Function {
        name: row.name,
        kind: if is_function {
            RoutineKind::Function
        } else {
            RoutineKind::Procedure
        },
        identity_arguments: arguments,
        returns,
        language: "SQL".into(),
        definition: lines.join("\n"),
        comment: Some(row.comment).filter(|c| !c.is_empty()),
        depends_on: Default::default(),
    };
    (key, function)
}
