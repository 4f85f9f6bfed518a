//! What a file's events say once read together: a change of an object the file adds is part
//! of the addition, an index or view dropped and created again under its name is changed, and
//! the names a table rename carries along (SQLite's `users_pkey`) are part of that rename.

use super::event::Event;

/// Kinds that hold no rows: dropping and creating one again under its name changes it.
const DEFINITIONS: &[&str] = &[
    "index",
    "constraint",
    "trigger",
    "view",
    "function",
    "policy",
    "type",
];

pub fn fold_file_events(events: &mut Vec<Event>) {
    fold_recreations(events);
    fold_into_additions(events);
    fold_derived_renames(events);
}

/// `X_dropped` and `X_added` of one object become one `X_changed` (at the creation's place,
/// with its risk: the object is there again).
fn fold_recreations(events: &mut Vec<Event>) {
    let mut i = 0;
    while i < events.len() {
        let kind = events[i].kind.strip_suffix("_dropped").map(str::to_string);
        let added = kind
            .as_ref()
            .filter(|k| DEFINITIONS.contains(&k.as_str()))
            .and_then(|k| {
                let added_kind = format!("{k}_added");
                events
                    .iter()
                    .position(|e| e.kind == added_kind && e.object == events[i].object)
            });
        match (kind, added) {
            (Some(kind), Some(j)) => {
                events[j].kind = format!("{kind}_changed");
                events.remove(i);
            }
            _ => i += 1,
        }
    }
}

/// A change of an object the same file adds (a serial's sequence given its owner after the
/// table) is part of the addition.
fn fold_into_additions(events: &mut Vec<Event>) {
    let added: Vec<(String, String)> = events
        .iter()
        .filter_map(|e| {
            let kind = e.kind.strip_suffix("_added")?;
            Some((kind.to_string(), e.object.clone()))
        })
        .collect();
    events.retain(|e| {
        let Some(kind) = e.kind.strip_suffix("_changed") else {
            return true;
        };
        !added.iter().any(|(k, o)| k == kind && o == &e.object)
    });
}

/// An index or constraint of a renamed table whose new name is its old one with the table's
/// new name for the old: the rename carried it.
fn fold_derived_renames(events: &mut Vec<Event>) {
    let tables: Vec<(String, String)> = events
        .iter()
        .filter(|e| e.kind == "table_renamed")
        .filter_map(|e| Some((bare(e.from.as_deref()?), bare(e.to.as_deref()?))))
        .collect();
    events.retain(|e| {
        if e.kind != "index_renamed" && e.kind != "constraint_renamed" {
            return true;
        }
        let (Some(from), Some(to)) = (&e.from, &e.to) else {
            return true;
        };
        !tables
            .iter()
            .any(|(old, new)| from.contains(old.as_str()) && &from.replacen(old, new, 1) == to)
    });
}

/// `main.users` → `users`.
fn bare(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Risk;

    fn event(kind: &str, object: &str, from: Option<&str>, to: Option<&str>) -> Event {
        Event {
            kind: kind.into(),
            object: object.into(),
            table: None,
            from: from.map(String::from),
            to: to.map(String::from),
            risk: Risk::Low,
            explanation: String::new(),
            line: Some(1),
        }
    }

    fn kinds(events: &[Event]) -> Vec<&str> {
        events.iter().map(|e| e.kind.as_str()).collect()
    }

    #[test]
    fn a_definition_dropped_and_created_again_is_changed_but_a_table_is_not() {
        let mut events = vec![
            event("index_dropped", "index i on main.t", None, None),
            event("table_dropped", "main.u", None, None),
            event("index_added", "index i on main.t", None, None),
            event("table_added", "main.u", None, None),
        ];
        fold_file_events(&mut events);
        assert_eq!(
            kinds(&events),
            ["table_dropped", "index_changed", "table_added"]
        );
    }

    #[test]
    fn a_change_of_an_added_object_is_part_of_the_addition() {
        let mut events = vec![
            event("sequence_added", "public.s", None, None),
            event("sequence_changed", "public.s", None, None),
            event("sequence_changed", "public.other", None, None),
        ];
        fold_file_events(&mut events);
        assert_eq!(kinds(&events), ["sequence_added", "sequence_changed"]);
        assert_eq!(events[1].object, "public.other");
    }

    #[test]
    fn names_a_table_rename_carries_are_part_of_it() {
        let mut events = vec![
            event("table_renamed", "main.b", Some("main.a"), Some("main.b")),
            event(
                "constraint_renamed",
                "constraint b_pkey on main.b",
                Some("a_pkey"),
                Some("b_pkey"),
            ),
            event(
                "index_renamed",
                "index x on main.b",
                Some("a_idx"),
                Some("x"),
            ),
        ];
        fold_file_events(&mut events);
        assert_eq!(kinds(&events), ["table_renamed", "index_renamed"]);
    }
}
