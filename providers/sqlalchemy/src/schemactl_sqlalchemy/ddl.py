"""Rendering MetaData as DDL for a dialect with SQLAlchemy's own DDL compiler.

`MetaData.create_all` on a mock engine records what SQLAlchemy would execute: tables in
dependency order, foreign keys of cycles as separate ALTERs, enum types, sequences, indexes and
comments. Around that this module adds what create_all leaves to the user (extensions and
schemas on PostgreSQL) and makes the order of set-ordered runs (indexes, cycle ALTERs) stable.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from sqlalchemy import MetaData, create_mock_engine
from sqlalchemy.schema import AddConstraint, CreateIndex, CreateSchema
from sqlalchemy.sql.ddl import ExecutableDDLElement
from sqlalchemy.types import SchemaType

DIALECTS = ("postgresql", "sqlite", "mysql", "mariadb")

# Elements whose consecutive runs SQLAlchemy emits in set order (table.indexes, cycle FKs).
_SET_ORDERED = (CreateIndex, AddConstraint)

# Server defaults that only work with an extension installed.
_DEFAULT_NEEDS = [
    (re.compile(r"\buuid_generate_v[1345]\w*\s*\(", re.IGNORECASE), "uuid-ossp"),
]
# Column type names (SQLAlchemy's PostgreSQL types) that belong to an extension.
_TYPE_NEEDS = {"CITEXT": "citext", "HSTORE": "hstore"}


def _record(metadatas: Iterable[MetaData], dialect_name: str) -> tuple[list[ExecutableDDLElement], object]:
    elements: list[ExecutableDDLElement] = []

    def executor(element, *multiparams, **params):  # noqa: ARG001 - mock engine signature
        elements.append(element)

    engine = create_mock_engine(f"{dialect_name}://", executor)
    for metadata in metadatas:
        metadata.create_all(engine, checkfirst=False)
    return elements, engine.dialect


def _name_then_text(statement: tuple[ExecutableDDLElement, str]) -> tuple[str, str]:
    element, text = statement
    name = getattr(getattr(element, "element", None), "name", None)
    return (str(name or ""), text)


def _stable(statements: Iterable[tuple[ExecutableDDLElement, str]]) -> Iterator[str]:
    """Sorts each run of consecutive set-ordered elements of one kind by their text, and drops
    repeats (an enum type shared by two MetaData objects is created once). Yields each run as
    soon as it ends, so that a caller can print while the rest compiles."""
    seen: set[str] = set()
    run: list[tuple[ExecutableDDLElement, str]] = []
    run_kind = None

    def flush() -> Iterator[str]:
        if run_kind is not None:
            run.sort(key=_name_then_text)
        for _, text in run:
            if text not in seen:
                seen.add(text)
                yield text
        run.clear()

    for element, text in statements:
        kind = next((k for k in _SET_ORDERED if isinstance(element, k)), None)
        if run and (kind is None or kind is not run_kind):
            yield from flush()
        run_kind = kind
        run.append((element, text))
        if kind is None:
            yield from flush()
    yield from flush()


def used_schemas(metadatas: Iterable[MetaData]) -> set[str]:
    """Non-default schemas named by tables, sequences and named types (enums)."""
    schemas: set[str] = set()
    for metadata in metadatas:
        for table in metadata.tables.values():
            if table.schema:
                schemas.add(table.schema)
            for column in table.columns:
                if isinstance(column.type, SchemaType) and getattr(column.type, "schema", None):
                    schemas.add(column.type.schema)
        for sequence in metadata._sequences.values():
            if sequence.schema:
                schemas.add(sequence.schema)
    return schemas


def detected_extensions(metadatas: Iterable[MetaData]) -> set[str]:
    """Extensions the models need by their column types or server defaults."""
    names: set[str] = set()
    for metadata in metadatas:
        for table in metadata.tables.values():
            for column in table.columns:
                extension = _TYPE_NEEDS.get(type(column.type).__name__.upper())
                if extension:
                    names.add(extension)
                default = getattr(column.server_default, "arg", None)
                text = "" if default is None else str(default)
                for pattern, needed in _DEFAULT_NEEDS:
                    if pattern.search(text):
                        names.add(needed)
    return names


def render(metadatas: list[MetaData], dialect_name: str, extensions: Iterable[str] = ()) -> str:
    """The DDL of `metadatas` for `dialect_name`, each statement ending in `;` and a blank line."""
    return "".join(render_statements(metadatas, dialect_name, extensions))


def render_statements(
    metadatas: list[MetaData], dialect_name: str, extensions: Iterable[str] = ()
) -> Iterator[str]:
    """What `render` returns, one statement (with its `;` and blank line) at a time, each as
    soon as it is compiled: schemactl loads the statements while the rest are rendered."""
    elements, dialect = _record(metadatas, dialect_name)
    if dialect_name == "postgresql":
        quote = dialect.identifier_preparer.quote
        wanted = set(extensions) | detected_extensions(metadatas)
        for name in sorted(wanted):
            yield f"CREATE EXTENSION IF NOT EXISTS {quote(name)};\n\n"
        for name in sorted(used_schemas(metadatas)):
            yield str(CreateSchema(name, if_not_exists=True).compile(dialect=dialect)).strip() + ";\n\n"
    compiled = ((e, str(e.compile(dialect=dialect)).strip()) for e in elements)
    for statement in _stable(compiled):
        yield f"{statement};\n\n"
