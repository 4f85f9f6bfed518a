//! Each column of the schema after the last file, with the newest event of its history.

use super::History;

/// A column of the last state and the last event of its history.
pub struct CurrentColumn {
    pub table: String,
    pub name: String,
    pub data_type: String,
    pub not_null: bool,
    pub last_event: Option<String>,
    pub version: Option<String>,
}

/// Every column of the last state with the newest event that touched it, found by walking the
/// events back from the end and following its table's and its own renames to older names.
pub fn current_columns(history: &History) -> Vec<CurrentColumn> {
    let mut out = Vec::new();
    for (schema_name, schema) in &history.last_state.schemas {
        for (table_name, table) in &schema.tables {
            for column in &table.columns {
                let (last_event, version) = last_touch(
                    history,
                    &format!("{schema_name}.{table_name}"),
                    &column.name,
                );
                out.push(CurrentColumn {
                    table: format!("{schema_name}.{table_name}"),
                    name: column.name.clone(),
                    data_type: column.data_type.sql.clone(),
                    not_null: column.not_null,
                    last_event,
                    version,
                });
            }
        }
    }
    out
}

fn last_touch(history: &History, table: &str, column: &str) -> (Option<String>, Option<String>) {
    let (mut table, column) = (table.to_string(), column.to_string());
    for file in history.files.iter().rev() {
        for event in file.events.iter().rev() {
            let object = format!("{table}.{column}");
            let touches = event.kind.starts_with("column_") || event.kind == "comment_changed";
            if touches && event.object == object {
                return (Some(event.kind.clone()), Some(file.version.clone()));
            }
            if event.kind == "table_renamed" && event.object == table {
                table = event.from.clone().unwrap_or(table);
            }
            if event.kind == "table_added" && event.object == table {
                return (Some(event.kind.clone()), Some(file.version.clone()));
            }
        }
    }
    (None, None)
}
