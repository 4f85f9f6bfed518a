//! A revision graph (each revision names the revisions it comes after) put in one line, for
//! Alembic histories with branches and merges.
//!
//! The order is topological: every revision comes after all of its parents. Among the
//! revisions ready to go next, the rule is: first a child of the revision placed last (so that
//! a branch stays together, as it was written), else any ready revision; within either group
//! the smallest id (byte order). The result depends only on the graph, not on the order the
//! revisions are listed in.

use std::collections::{BTreeMap, BTreeSet};

/// One node: its id and the ids it comes after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    pub parents: Vec<String>,
}

/// Why a graph has no order.
#[derive(Debug, PartialEq, Eq)]
pub enum OrderError {
    /// `child` names a parent that is not in the graph.
    MissingParent { child: String, parent: String },
    /// Two nodes share an id.
    Duplicate(String),
    /// These revisions wait on one another in a cycle (or on a revision in one).
    Cycle(Vec<String>),
}

/// The ids of `nodes` in line (see the module docs).
pub fn linearize(nodes: &[Node]) -> Result<Vec<String>, OrderError> {
    let mut parents: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for node in nodes {
        if parents.contains_key(node.id.as_str()) {
            return Err(OrderError::Duplicate(node.id.clone()));
        }
        parents.insert(&node.id, node.parents.iter().map(String::as_str).collect());
    }
    let mut children: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (&child, its_parents) in &parents {
        for &parent in its_parents {
            if !parents.contains_key(parent) {
                return Err(OrderError::MissingParent {
                    child: child.to_string(),
                    parent: parent.to_string(),
                });
            }
            children.entry(parent).or_default().insert(child);
        }
    }
    let mut waiting: BTreeMap<&str, usize> = parents.iter().map(|(&id, p)| (id, p.len())).collect();
    let mut ready: BTreeSet<&str> = waiting
        .iter()
        .filter(|&(_, &n)| n == 0)
        .map(|(&id, _)| id)
        .collect();
    let mut line: Vec<String> = Vec::new();
    let mut last: Option<&str> = None;
    while let Some(next) = pick(&ready, last.and_then(|l| children.get(l))) {
        ready.remove(next);
        waiting.remove(next);
        line.push(next.to_string());
        for &child in children.get(next).into_iter().flatten() {
            let count = waiting.get_mut(child).expect("a child waits");
            *count -= 1;
            if *count == 0 {
                ready.insert(child);
            }
        }
        last = Some(next);
    }
    if !waiting.is_empty() {
        return Err(OrderError::Cycle(
            waiting.keys().map(|id| id.to_string()).collect(),
        ));
    }
    Ok(line)
}

/// The smallest ready child of the last revision, else the smallest ready revision.
fn pick<'a>(
    ready: &BTreeSet<&'a str>,
    last_children: Option<&BTreeSet<&'a str>>,
) -> Option<&'a str> {
    last_children
        .and_then(|kids| kids.iter().find(|k| ready.contains(*k)).copied())
        .or_else(|| ready.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, parents: &[&str]) -> Node {
        Node {
            id: id.into(),
            parents: parents.iter().map(|p| p.to_string()).collect(),
        }
    }

    /// root → (b → b2, a → a2) → merge → tip, listed out of order.
    fn branched() -> Vec<Node> {
        vec![
            node("tip", &["merge"]),
            node("b", &["root"]),
            node("merge", &["a2", "b2"]),
            node("a2", &["a"]),
            node("root", &[]),
            node("b2", &["b"]),
            node("a", &["root"]),
        ]
    }

    #[test]
    fn a_branch_stays_together_and_the_merge_comes_after_both() {
        assert_eq!(
            linearize(&branched()).unwrap(),
            ["root", "a", "a2", "b", "b2", "merge", "tip"]
        );
    }

    #[test]
    fn the_order_does_not_depend_on_the_listing() {
        let mut nodes = branched();
        let expected = linearize(&nodes).unwrap();
        nodes.reverse();
        assert_eq!(linearize(&nodes).unwrap(), expected);
        nodes.swap(1, 4);
        assert_eq!(linearize(&nodes).unwrap(), expected);
    }

    #[test]
    fn every_revision_follows_its_parents() {
        let nodes = branched();
        let line = linearize(&nodes).unwrap();
        let at = |id: &str| line.iter().position(|l| l == id).unwrap();
        for n in &nodes {
            for p in &n.parents {
                assert!(at(p) < at(&n.id), "{p} before {}", n.id);
            }
        }
    }

    #[test]
    fn two_bases_and_a_dependency_across_branches() {
        let nodes = [node("x1", &[]), node("y1", &[]), node("x2", &["x1", "y1"])];
        assert_eq!(linearize(&nodes).unwrap(), ["x1", "y1", "x2"]);
    }

    #[test]
    fn broken_graphs_say_why() {
        assert_eq!(
            linearize(&[node("a", &["gone"])]),
            Err(OrderError::MissingParent {
                child: "a".into(),
                parent: "gone".into()
            })
        );
        assert_eq!(
            linearize(&[node("a", &["b"]), node("b", &["a"]), node("c", &[])]),
            Err(OrderError::Cycle(vec!["a".into(), "b".into()]))
        );
        assert_eq!(
            linearize(&[node("a", &[]), node("a", &[])]),
            Err(OrderError::Duplicate("a".into()))
        );
    }
}
