//! The process-wide list of things to undo (scratch databases, clusters) and `with_cleanup`.
//!
//! Every resource registers a *synchronous* cleanup when it comes into being and holds the
//! returned [`CleanupGuard`]. The cleanup runs exactly once: when the resource is closed
//! explicitly (the guard is then dismissed), when the guard is dropped (an error or a panic
//! unwinding past it), or at the end of [`with_cleanup`] for anything still registered (a
//! signal, or a resource leaked into a task).

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

type CleanupFn = Box<dyn FnOnce() + Send>;

static REGISTRY: Mutex<BTreeMap<u64, CleanupFn>> = Mutex::new(BTreeMap::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Runs its cleanup when dropped, unless dismissed first.
#[must_use = "dropping the guard runs the cleanup at once"]
pub(crate) struct CleanupGuard {
    id: u64,
}

/// Registers `cleanup` to run once, at the latest at the end of [`with_cleanup`].
pub(crate) fn register(cleanup: impl FnOnce() + Send + 'static) -> CleanupGuard {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    lock().insert(id, Box::new(cleanup));
    CleanupGuard { id }
}

impl CleanupGuard {
    /// Forgets the cleanup: the resource was already released another way.
    pub(crate) fn dismiss(self) {
        lock().remove(&self.id);
    }
}

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        let cleanup = lock().remove(&self.id);
        if let Some(cleanup) = cleanup {
            cleanup();
        }
    }
}

/// Runs every registered cleanup, newest first (scratch databases before their cluster).
pub(crate) fn run_all() {
    loop {
        let newest = lock().pop_last();
        match newest {
            Some((_, cleanup)) => cleanup(),
            None => return,
        }
    }
}

fn lock() -> std::sync::MutexGuard<'static, BTreeMap<u64, CleanupFn>> {
    // A panic inside a cleanup must not stop the other cleanups.
    REGISTRY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The run was stopped by a signal; the CLI exits with `128 + signal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted {
    pub signal: i32,
}

impl Interrupted {
    /// 130 for SIGINT, 143 for SIGTERM.
    pub fn exit_code(&self) -> i32 {
        128 + self.signal
    }
}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.signal {
            libc_signal::SIGINT => "SIGINT",
            libc_signal::SIGTERM => "SIGTERM",
            _ => "a signal",
        };
        write!(f, "interrupted by {name}; dev databases were cleaned up")
    }
}

impl std::error::Error for Interrupted {}

mod libc_signal {
    pub const SIGINT: i32 = nix::sys::signal::Signal::SIGINT as i32;
    pub const SIGTERM: i32 = nix::sys::signal::Signal::SIGTERM as i32;
}

/// The exit code an error asks for when it is (or wraps) an [`Interrupted`].
pub fn interrupted_exit_code(error: &anyhow::Error) -> Option<i32> {
    error
        .chain()
        .find_map(|e| e.downcast_ref::<Interrupted>())
        .map(Interrupted::exit_code)
}

/// Runs `work`; whatever happens (Ok, Err, SIGINT, SIGTERM) every registered cleanup has run
/// before this returns. On a signal, `work` is dropped (its resources clean up as they drop)
/// and the result is an [`Interrupted`] error. A panic in `work` unwinds through the guards
/// of the resources it holds, which clean up as they drop.
pub async fn with_cleanup<T>(work: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sigterm = signal(SignalKind::terminate())?;
    let result = tokio::select! {
        result = work => result,
        _ = sigint.recv() => Err(Interrupted { signal: libc_signal::SIGINT }.into()),
        _ = sigterm.recv() => Err(Interrupted { signal: libc_signal::SIGTERM }.into()),
    };
    // Cleanups block (they stop servers and drop databases synchronously).
    tokio::task::spawn_blocking(run_all).await?;
    result
}

/// Runs `work` to completion from synchronous code (a cleanup, a `Drop`): on a thread of its
/// own with its own runtime, so it works inside and outside a tokio runtime alike.
pub(crate) fn block_on<F>(work: impl FnOnce() -> F + Send + 'static) -> anyhow::Result<()>
where
    F: Future<Output = anyhow::Result<()>>,
{
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(work())
    })
    .join()
    .unwrap_or_else(|_| Err(crate::error::failure("a cleanup thread panicked")))
}

/// Whether `pid` runs; a zombie (exited, not yet reaped by init) counts as gone.
pub(crate) fn process_alive(pid: i32) -> bool {
    let exists = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
    exists
        && !std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            // "pid (comm) STATE …": the state follows the last ')'.
            stat.rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('Z'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    /// `run_all` is process-wide: these tests must not see each other's cleanups.
    static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    fn counter_cleanup(counter: &Arc<AtomicUsize>) -> impl FnOnce() + Send + 'static {
        let counter = counter.clone();
        move || {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn dropping_a_guard_runs_its_cleanup_once() {
        let _serial = SERIAL.blocking_lock();
        let runs = Arc::new(AtomicUsize::new(0));
        let guard = register(counter_cleanup(&runs));
        drop(guard);
        run_all();
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn dismissed_guard_never_runs() {
        let _serial = SERIAL.blocking_lock();
        let runs = Arc::new(AtomicUsize::new(0));
        register(counter_cleanup(&runs)).dismiss();
        run_all();
        assert_eq!(runs.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn with_cleanup_runs_leaked_cleanups_on_error() {
        let _serial = SERIAL.lock().await;
        let runs = Arc::new(AtomicUsize::new(0));
        let leaked = runs.clone();
        let result: anyhow::Result<()> = with_cleanup(async move {
            std::mem::forget(register(counter_cleanup(&leaked)));
            anyhow::bail!("boom")
        })
        .await;
        assert!(result.is_err());
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn interrupted_maps_to_shell_exit_codes() {
        let err: anyhow::Error = Interrupted { signal: 2 }.into();
        assert_eq!(
            interrupted_exit_code(&err.context("while planning")),
            Some(130)
        );
        assert_eq!(Interrupted { signal: 15 }.exit_code(), 143);
        assert_eq!(interrupted_exit_code(&anyhow::anyhow!("other")), None);
    }
}
