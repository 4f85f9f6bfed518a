//! Orders changes: a dependency graph over the resources each change makes, kills, needs or
//! releases, walked in topological order with a fixed, deterministic tie-break.
//!
//! Four rules give every edge:
//! - a change that *makes* R runs before a change that *needs* R (create before use);
//! - a change that *releases* R (stops using it) runs before a change that *kills* R;
//! - a change that *kills* R runs before a change that *makes* R again (drop before re-create);
//! - texts (defaults, index and view definitions, ...) that mention a made or killed routine,
//!   type, sequence or column count as needs or releases of it.
//!
//! Among changes free to run, the smallest `(rank, sort key, emission index)` goes first, so the
//! conventional order (drops, then creates, comments last) holds wherever the graph allows it.

use super::Change;
use super::mention;
use super::res::Res;
use crate::schema::QualifiedName;
use crate::sql::Flavor;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

/// The conventional position of a change when the graph leaves a choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    Rename,
    DropTrigger,
    DropPolicy,
    DropView,
    DropForeignKey,
    DropIndex,
    NoInherit,
    DropConstraint,
    DetachPartition,
    ParkColumn,
    DropColumn,
    DropTable,
    DropFunction,
    DropSequence,
    DropType,
    DropCollation,
    DropExtension,
    DropSchema,
    CreateSchema,
    CreateExtension,
    CreateCollation,
    CreateType,
    CreateSequence,
    CreateFunction,
    CreateTable,
    AttachPartition,
    AddColumn,
    AlterColumn,
    ReorderColumns,
    Inherit,
    TableOptions,
    AddConstraint,
    CreateIndex,
    AddForeignKey,
    SequenceOwner,
    CreateView,
    CreateTrigger,
    CreatePolicy,
    RowSecurity,
    Comment,
}

/// One change with what it does to the resources others care about.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub change: Change,
    pub rank: Rank,
    pub sort_key: String,
    pub makes: Vec<Res>,
    pub kills: Vec<Res>,
    pub needs: Vec<Res>,
    pub releases: Vec<Res>,
    /// Texts of the target state whose mentions count as needs.
    pub new_texts: Vec<String>,
    /// Texts of the current state whose mentions count as releases.
    pub old_texts: Vec<String>,
    /// Relations whose column names the texts may mention.
    pub scope: Vec<QualifiedName>,
}

impl Node {
    pub fn new(change: Change, rank: Rank, sort_key: impl Into<String>) -> Self {
        Self {
            change,
            rank,
            sort_key: sort_key.into(),
            makes: Vec::new(),
            kills: Vec::new(),
            needs: Vec::new(),
            releases: Vec::new(),
            new_texts: Vec::new(),
            old_texts: Vec::new(),
            scope: Vec::new(),
        }
    }
}

/// The nodes' changes in an order that satisfies every edge; cycles (which correct inputs do
/// not produce) are broken at the smallest waiting node so that the result stays total. Texts
/// lex as `flavor`.
pub(crate) fn order(nodes: Vec<Node>, flavor: &Flavor) -> Vec<Change> {
    let edges = edges(&nodes, flavor);
    let count = nodes.len();
    let mut successors: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut waiting_on = vec![0usize; count];
    for &(before, after) in &edges {
        successors[before].push(after);
        waiting_on[after] += 1;
    }
    let key = |i: usize| Reverse((nodes[i].rank, nodes[i].sort_key.clone(), i));
    let mut ready: BinaryHeap<_> = (0..count)
        .filter(|&i| waiting_on[i] == 0)
        .map(key)
        .collect();
    let mut done = vec![false; count];
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let next = match ready.pop() {
            Some(Reverse((_, _, i))) => i,
            None => (0..count)
                .filter(|&i| !done[i])
                .min_by_key(|&i| (nodes[i].rank, nodes[i].sort_key.clone(), i))
                .expect("a node is left"),
        };
        if done[next] {
            continue;
        }
        done[next] = true;
        out.push(next);
        for &after in &successors[next] {
            waiting_on[after] = waiting_on[after].saturating_sub(1);
            if waiting_on[after] == 0 && !done[after] {
                ready.push(key(after));
            }
        }
    }
    let mut slots: Vec<Option<Change>> = nodes.into_iter().map(|n| Some(n.change)).collect();
    out.into_iter()
        .map(|i| slots[i].take().expect("each node once"))
        .collect()
}

fn edges(nodes: &[Node], flavor: &Flavor) -> BTreeSet<(usize, usize)> {
    let mut makers: BTreeMap<&Res, Vec<usize>> = BTreeMap::new();
    let mut killers: BTreeMap<&Res, Vec<usize>> = BTreeMap::new();
    for (i, node) in nodes.iter().enumerate() {
        for r in &node.makes {
            makers.entry(r).or_default().push(i);
        }
        for r in &node.kills {
            killers.entry(r).or_default().push(i);
        }
    }
    let made = mention::Candidates::new(flavor, makers.keys().copied());
    let killed = mention::Candidates::new(flavor, killers.keys().copied());
    let mut edges = BTreeSet::new();
    let mut link = |before: usize, after: usize| {
        if before != after {
            edges.insert((before, after));
        }
    };
    for (i, node) in nodes.iter().enumerate() {
        let mut needs: BTreeSet<Res> = node.needs.iter().cloned().collect();
        needs.extend(made.mentioned(&node.new_texts, &node.scope));
        for r in &needs {
            for &m in makers.get(r).into_iter().flatten() {
                link(m, i);
            }
        }
        let mut releases: BTreeSet<Res> = node.releases.iter().cloned().collect();
        releases.extend(killed.mentioned(&node.old_texts, &node.scope));
        for r in &releases {
            for &k in killers.get(r).into_iter().flatten() {
                link(i, k);
            }
        }
        for r in &node.makes {
            for &k in killers.get(r).into_iter().flatten() {
                link(k, i);
            }
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG: &Flavor = &Flavor::postgres();

    fn schema_node(name: &str, rank: Rank) -> Node {
        let change = if rank == Rank::DropSchema {
            Change::DropSchema { name: name.into() }
        } else {
            Change::CreateSchema { name: name.into() }
        };
        Node::new(change, rank, name)
    }

    fn names(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| match c {
                Change::CreateSchema { name } => format!("+{name}"),
                Change::DropSchema { name } => format!("-{name}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn ranks_order_independent_nodes_then_names() {
        let nodes = vec![
            schema_node("b", Rank::CreateSchema),
            schema_node("z", Rank::DropSchema),
            schema_node("a", Rank::CreateSchema),
        ];
        assert_eq!(names(&order(nodes, PG)), ["-z", "+a", "+b"]);
    }

    #[test]
    fn maker_runs_before_a_lower_ranked_user() {
        let mut user = schema_node("a", Rank::CreateSchema);
        user.needs.push(Res::Schema("late".into()));
        let mut maker = schema_node("b", Rank::Comment);
        maker.makes.push(Res::Schema("late".into()));
        assert_eq!(names(&order(vec![user, maker], PG)), ["+b", "+a"]);
    }

    #[test]
    fn releaser_runs_before_the_killer_even_when_ranked_later() {
        let mut killer = schema_node("k", Rank::DropSchema);
        killer.kills.push(Res::Schema("s".into()));
        let mut releaser = schema_node("r", Rank::Comment);
        releaser.releases.push(Res::Schema("s".into()));
        assert_eq!(names(&order(vec![killer, releaser], PG)), ["+r", "-k"]);
    }

    #[test]
    fn cycles_still_yield_every_change_once() {
        let mut a = schema_node("a", Rank::CreateSchema);
        let mut b = schema_node("b", Rank::CreateSchema);
        a.needs.push(Res::Schema("b".into()));
        a.makes.push(Res::Schema("a".into()));
        b.needs.push(Res::Schema("a".into()));
        b.makes.push(Res::Schema("b".into()));
        assert_eq!(names(&order(vec![a, b], PG)), ["+a", "+b"]);
    }
}
