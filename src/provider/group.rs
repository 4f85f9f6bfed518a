//! Kills a provider's whole process group when a run ends, however it ends.

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// Owns a process group (the provider was spawned as its leader): dropping it sends SIGKILL to
/// every process still in the group, so a timeout, an error or a dropped future (Ctrl-C of
/// schemactl) leaves no grandchild behind, e.g. the python a wrapper script started.
pub(crate) struct GroupKiller {
    group: Option<Pid>,
}

impl GroupKiller {
    /// `leader` is the pid of a child spawned with `process_group(0)`; `None` if it already exited.
    pub(crate) fn new(leader: Option<u32>) -> Self {
        Self {
            group: leader
                .and_then(|pid| i32::try_from(pid).ok())
                .map(Pid::from_raw),
        }
    }

    /// Kills every process left in the group; harmless when there is none.
    pub(crate) fn kill(&self) {
        if let Some(group) = self.group {
            // ESRCH (group already gone) is the normal case after a clean exit.
            let _ = killpg(group, Signal::SIGKILL);
        }
    }
}

impl Drop for GroupKiller {
    fn drop(&mut self) {
        self.kill();
    }
}
