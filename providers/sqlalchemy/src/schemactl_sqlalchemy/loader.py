"""Importing the user's models: every module under a directory, a named module, or module:attr."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

# Directories that hold no models of the project (caches, virtualenvs, VCS data).
_SKIPPED_DIRS = {"__pycache__", "node_modules", "site-packages"}
# Files that run a program or a build when imported, never models.
_SKIPPED_FILES = {"__main__.py", "setup.py", "conftest.py"}


class LoadError(Exception):
    """The user's input names nothing importable (not an import failure inside their code)."""


def _add_to_sys_path(directory: Path) -> None:
    entry = str(directory)
    if entry not in sys.path:
        sys.path.insert(0, entry)


def _package_root(directory: Path) -> Path:
    """The directory to put on sys.path so that `directory` imports under its full dotted name:
    the parent of the outermost package (a chain of directories with `__init__.py`)."""
    root = directory
    while (root / "__init__.py").is_file():
        root = root.parent
    return root


def _skipped_dir(directory: Path) -> bool:
    return (
        directory.name.startswith(".")
        or directory.name in _SKIPPED_DIRS
        or (directory / "pyvenv.cfg").exists()
    )


def _module_files(directory: Path) -> list[Path]:
    files = []
    for path in sorted(directory.rglob("*.py")):
        relative_dirs = path.relative_to(directory).parents
        if any(_skipped_dir(directory / d) for d in relative_dirs if str(d) != "."):
            continue
        if path.name in _SKIPPED_FILES:
            continue
        files.append(path)
    return files


def _dotted_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_path(path: Path) -> list[ModuleType]:
    """Imports a `.py` file, or every `.py` module under a directory (sorted, so the import order
    and thus SQLAlchemy's creation order is the same on every run). The directory's package root
    goes on sys.path, so that package-relative and absolute imports inside the models work."""
    path = path.resolve()
    if not path.exists():
        raise LoadError(f"--path {path} does not exist")
    if path.is_file():
        if path.suffix != ".py":
            raise LoadError(f"--path {path} is neither a directory nor a .py file")
        root = _package_root(path.parent)
        files = [path]
    else:
        root = _package_root(path)
        files = _module_files(path)
        if not files:
            raise LoadError(f"--path {path} holds no .py files")
    _add_to_sys_path(root)
    names = sorted({_dotted_name(f, root) for f in files if _dotted_name(f, root)})
    return [importlib.import_module(name) for name in names]


def import_module_tree(name: str) -> list[ModuleType]:
    """Imports a module by name (from the working directory or sys.path) and, for a package,
    every module inside it."""
    _add_to_sys_path(Path.cwd())
    module = importlib.import_module(name)
    modules = [module]
    if hasattr(module, "__path__"):
        found = pkgutil.walk_packages(module.__path__, prefix=f"{name}.")
        for info in sorted(found, key=lambda info: info.name):
            if info.name.rsplit(".", 1)[-1] == "__main__":
                continue
            modules.append(importlib.import_module(info.name))
    return modules


def resolve_reference(reference: str) -> tuple[ModuleType, object]:
    """`pkg.module:attr.sub` → the module and the object the attribute path names."""
    module_name, sep, attr_path = reference.partition(":")
    if not sep or not module_name or not attr_path:
        raise LoadError(f"--metadata {reference!r}: expected MODULE:ATTRIBUTE, e.g. app.models:Base")
    _add_to_sys_path(Path.cwd())
    module = importlib.import_module(module_name)
    value: object = module
    for attr in attr_path.split("."):
        try:
            value = getattr(value, attr)
        except AttributeError:
            raise LoadError(f"--metadata {reference!r}: {module_name} has no attribute {attr_path}") from None
    return module, value
