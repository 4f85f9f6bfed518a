"""The `schemactl-sqlalchemy` command: import models, collect their MetaData, print DDL."""

from __future__ import annotations

import argparse
import contextlib
import sys
import traceback
from pathlib import Path

from schemactl_sqlalchemy import collect, ddl, loader

USAGE_EXAMPLE = "schemactl-sqlalchemy --path ./models --dialect postgresql"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="schemactl-sqlalchemy",
        description="Print the DDL of SQLAlchemy models (declarative classes, registries, "
        "plain Tables on any MetaData) for a SQL dialect.",
        epilog=f"example: {USAGE_EXAMPLE}",
    )
    parser.add_argument("--path", action="append", default=[], type=Path,
                        help="a package directory (every .py under it is imported) or a .py file; repeatable")
    parser.add_argument("--module", action="append", default=[],
                        help="a module to import (with its submodules), e.g. app.models; repeatable")
    parser.add_argument("--metadata", action="append", default=[], metavar="MODULE:ATTR",
                        help="use only these MetaData objects (or declarative bases); repeatable")
    parser.add_argument("--dialect", required=True, choices=ddl.DIALECTS,
                        help="the SQL dialect to print")
    return parser


def _fail(message: str) -> int:
    print(f"schemactl-sqlalchemy: {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not (args.path or args.module or args.metadata):
        return _fail(f"give --path, --module or --metadata (e.g. {USAGE_EXAMPLE})")
    modules = []
    chosen = []
    try:
        # Models that print while imported must not corrupt the DDL on stdout.
        with contextlib.redirect_stdout(sys.stderr):
            for path in args.path:
                modules += loader.import_path(path)
            for name in args.module:
                modules += loader.import_module_tree(name)
            for reference in args.metadata:
                module, value = loader.resolve_reference(reference)
                modules.append(module)
                found = list(collect.metadatas_of(value))
                if not found:
                    return _fail(f"--metadata {reference}: {type(value).__name__} is not a MetaData, Table, registry or declarative class")
                chosen += found
    except loader.LoadError as error:
        return _fail(str(error))
    except BaseException:  # the user's code failed to import: show them where
        traceback.print_exc()
        return _fail("importing the models failed (traceback above)")

    metadatas = collect.stable_order(chosen if args.metadata else collect.metadatas_in_modules(modules))
    if not metadatas:
        return _fail("no SQLAlchemy models found: no MetaData with tables is reachable from the imported modules")
    try:
        extensions = collect.declared_extensions(modules, metadatas)
        # Each statement goes out as soon as it is compiled (schemactl loads it meanwhile);
        # a failure half way still fails the run, which then discards what was printed.
        for statement in ddl.render_statements(metadatas, args.dialect, extensions):
            sys.stdout.write(statement)
            sys.stdout.flush()
    except Exception:
        traceback.print_exc()
        return _fail(f"rendering the models as {args.dialect} DDL failed (traceback above)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
