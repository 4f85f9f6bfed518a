//! The migration directory on a file system that refuses writes (full, read-only): a clear
//! error, and neither a migration file nor a changed sum. Paths through symlinks and `..` in
//! the project file resolve as the kernel does and are reported by their real path. Needs
//! root (the tests mount small tmpfs file systems), as CI runs.

mod common;

use common::project::{schemactl_in, text};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs of `kib` KiB mounted at `path`, unmounted when dropped.
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(path: &Path, kib: u32) -> Tmpfs {
        std::fs::create_dir_all(path).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "these tests mount a tmpfs and need root: {}",
            text(&out.stderr)
        );
        Tmpfs {
            path: path.to_path_buf(),
        }
    }

    fn remount_read_only(&self) {
        let out = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).output();
    }
}

/// Every file of `dir` with its bytes, sorted.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// A project with one migration in a directory on its own tmpfs.
fn project_on_tmpfs() -> (tempfile::TempDir, Tmpfs) {
    let dir = tempfile::tempdir().unwrap();
    let fs = Tmpfs::mount(&dir.path().join("migrations"), 32);
    let out = schemactl_in(dir.path(), &["migrate", "new", "first"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    (dir, fs)
}

#[test]
fn a_full_directory_keeps_its_files_and_sum() {
    let (dir, _fs) = project_on_tmpfs();
    let migrations = dir.path().join("migrations");
    // Fill what is left of the file system.
    let mut filler = std::fs::File::create(migrations.join(".filler")).unwrap();
    let _ = std::io::Write::write_all(&mut filler, &vec![0u8; 64 * 1024]);
    drop(filler);
    let before = snapshot(&migrations);
    let out = schemactl_in(dir.path(), &["migrate", "new", "second"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("nothing was written to migrations") && err.contains("No space left"),
        "{err}"
    );
    assert_eq!(snapshot(&migrations), before);
}

#[test]
fn a_read_only_directory_keeps_its_files_and_sum() {
    let (dir, fs) = project_on_tmpfs();
    let migrations = dir.path().join("migrations");
    let before = snapshot(&migrations);
    fs.remount_read_only();
    for args in [&["migrate", "new", "second"][..], &["migrate", "hash"][..]] {
        let out = schemactl_in(dir.path(), args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert!(err.contains("Read-only file system"), "{err}");
        assert_eq!(snapshot(&migrations), before);
    }
}

#[test]
fn written_files_are_readable_by_everyone() {
    let dir = tempfile::tempdir().unwrap();
    let out = schemactl_in(dir.path(), &["migrate", "new", "first"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for (name, _) in snapshot(&dir.path().join("migrations")) {
        let path = dir.path().join("migrations").join(&name);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{name}");
    }
}

#[test]
fn project_paths_through_symlinks_are_reported_by_their_real_path() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    std::fs::create_dir_all(root.join("shared/schemas")).unwrap();
    std::fs::create_dir_all(root.join("proj")).unwrap();
    std::os::unix::fs::symlink(root.join("shared/schemas"), root.join("proj/schemas")).unwrap();
    // `schemas/..` is `shared` for the kernel; the migration directory is meant to be there.
    std::fs::create_dir_all(root.join("shared/migrations")).unwrap();
    std::fs::write(
        root.join("shared/migrations/1_a.sql"),
        "CREATE TABLE a (id int);\n",
    )
    .unwrap();
    std::fs::write(
        root.join("shared/migrations/atlas.sum"),
        "h1:not-the-sum=\n",
    )
    .unwrap();
    let hcl = "env \"local\" {\n  src = \"file://schemas/../missing.sql\"\n  \
               dev = \"sqlite://dev?mode=memory\"\n  \
               migration {\n    dir = \"file://schemas/../migrations\"\n  }\n}\n\
               locals {\n  text = file(\"schemas/../nope.sql\")\n}\n";
    std::fs::write(root.join("proj/schemactl.hcl"), hcl).unwrap();
    let out = schemactl_in(
        &root.join("proj"),
        &["migrate", "validate", "--env", "local"],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let real = root.join("shared/nope.sql");
    assert!(err.contains(&real.display().to_string()), "{err}");

    // Without the failing local, the directory is found at its real place (its sum is bad).
    let hcl = hcl.split("locals").next().unwrap();
    std::fs::write(root.join("proj/schemactl.hcl"), hcl).unwrap();
    let out = schemactl_in(
        &root.join("proj"),
        &["migrate", "validate", "--env", "local"],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let real_dir = root.join("shared/migrations");
    assert!(err.contains(&real_dir.display().to_string()), "{err}");
}
