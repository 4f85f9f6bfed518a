//! Storage options, dialect attributes and partition membership of an existing table.

use crate::diff::emitter::Emitter;
use crate::diff::graph::{Node, Rank};
use crate::diff::res::{Res, table_res};
use crate::diff::{Change, DiffPolicy, TableOptions};
use crate::schema::{QualifiedName, Table};

impl Emitter<'_> {
    pub(super) fn options(&mut self, qn: &QualifiedName, old: &Table, new: &Table) {
        let policy = self.dialect;
        let (old_options, new_options) = (options_of(old, policy), options_of(new, policy));
        if old_options != new_options {
            let mut node = Node::new(
                Change::SetTableOptions {
                    table: qn.clone(),
                    from: old_options,
                    to: new_options,
                },
                Rank::TableOptions,
                qn.to_string(),
            );
            node.needs.push(table_res(qn));
            self.push(node);
        }
    }

    /// Detaches a partition from its old parent and attaches it to its new one.
    pub(super) fn partitions(&mut self, qn: &QualifiedName, old: &Table, new: &Table) {
        if old.partition_of != new.partition_of {
            if let Some(partition_of) = &old.partition_of {
                let mut node = Node::new(
                    Change::DetachPartition {
                        table: qn.clone(),
                        partition_of: partition_of.clone(),
                    },
                    Rank::DetachPartition,
                    qn.to_string(),
                );
                node.releases.push(table_res(&partition_of.parent));
                self.push(node);
            }
            if let Some(partition_of) = &new.partition_of {
                let mut node = Node::new(
                    Change::AttachPartition {
                        table: qn.clone(),
                        partition_of: partition_of.clone(),
                    },
                    Rank::AttachPartition,
                    qn.to_string(),
                );
                node.needs.push(table_res(&partition_of.parent));
                for column in &new.columns {
                    node.needs.push(Res::Column(
                        partition_of.parent.clone(),
                        column.name.clone(),
                    ));
                }
                self.push(node);
            }
        }
    }
}

fn options_of(table: &Table, policy: &dyn DiffPolicy) -> TableOptions {
    TableOptions {
        unlogged: table.unlogged,
        options: table.options.clone(),
        attrs: policy.comparable_attrs(&table.attrs),
        partition_by: table.partition_by.clone(),
    }
}
