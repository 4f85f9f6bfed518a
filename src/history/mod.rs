//! `migrate history`: what each migration file did to the schema, as events, found by
//! replaying the directory on a dev database and diffing the states before and after each
//! file (so every dialect gets exact events without a parser that guesses).
//!
//! - `event`: a change of the diff as events, with the planner's risk (pure).
//! - `replay`: the I/O: replay, inspect, diff.
//! - `renames`: what a RENAME statement renamed.
//! - `fold`: a file's events read together (re-creations, parts of an addition or a rename).
//! - `git`: the commit that added each file.
//! - `render`: text and JSON; `html`: the static page.
//! - `export`: the history as tables of a database.

mod columns;
pub mod event;
mod export;
mod fold;
mod git;
mod html;
mod renames;
mod render;
mod replay;

pub use event::{Event, Risk};
pub use export::export;
pub use html::html;
pub use render::{json, text};
pub use replay::replay;

use crate::dialect::Dev;
use crate::migrate::MigrationDir;
use crate::schema::Realm;
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The commit that added a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitInfo {
    pub commit: String,
    pub author: String,
    /// ISO 8601, the author date.
    pub date: String,
    pub subject: String,
}

/// What one file did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileHistory {
    pub version: String,
    pub name: String,
    pub file: String,
    pub statements: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<GitInfo>,
    pub events: Vec<Event>,
}

/// What every file of a directory did, in order.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub dialect: &'static str,
    pub files: Vec<FileHistory>,
    /// The schema after the last file.
    #[serde(skip)]
    pub last_state: Realm,
}

impl History {
    /// Only the events that concern `object` (`users.email`, `public.users`); files without
    /// such events are left out.
    pub fn of_object(mut self, object: &str) -> History {
        for file in &mut self.files {
            file.events.retain(|e| e.concerns(object));
        }
        self.files.retain(|f| !f.events.is_empty());
        self
    }
}

/// The history of the directory, with the commit that added each file when it is in git.
pub async fn of_dir(dir: &MigrationDir, dev: &Dev) -> Result<History> {
    let files = dir.files()?;
    let mut history = replay(dev, &files).await?;
    let added = git::added_by(dir.path());
    for (file, path) in history.files.iter_mut().zip(&files) {
        let name = path
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        file.git = added.get(&name).cloned();
    }
    Ok(history)
}
