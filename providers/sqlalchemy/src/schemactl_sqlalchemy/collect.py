"""Finding every MetaData the imported modules reach: declarative bases, registries, plain
MetaData objects and Tables in module globals; de-duplicated and in a stable order."""

from __future__ import annotations

from types import ModuleType
from typing import Iterable, Iterator

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import registry as Registry


def _class_attribute(cls: type, name: str) -> object:
    """An attribute from the class's own MRO dicts, without running descriptors or __getattr__."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return None


def metadatas_of(value: object) -> Iterator[MetaData]:
    """The MetaData objects `value` stands for: itself, its table's, its registry's, or (for a
    declarative base or mapped class) its `metadata`."""
    if isinstance(value, MetaData):
        yield value
    elif isinstance(value, Table):
        yield value.metadata
    elif isinstance(value, Registry):
        yield value.metadata
    elif isinstance(value, type):
        for name in ("metadata", "__table__", "registry"):
            attribute = _class_attribute(value, name)
            if attribute is not None and not isinstance(attribute, type):
                yield from metadatas_of(attribute)


def metadatas_in_modules(modules: Iterable[ModuleType]) -> list[MetaData]:
    """Every MetaData reachable from the modules' globals, each once."""
    found: dict[int, MetaData] = {}
    for module in sorted(modules, key=lambda m: m.__name__):
        for _, value in sorted(vars(module).items(), key=lambda item: item[0]):
            for metadata in metadatas_of(value):
                found.setdefault(id(metadata), metadata)
    return list(found.values())


def stable_order(metadatas: Iterable[MetaData]) -> list[MetaData]:
    """Drops empty MetaData objects and sorts the rest by their table names, so that output does
    not depend on which module happened to mention which MetaData first."""
    unique: dict[int, MetaData] = {}
    for metadata in metadatas:
        unique.setdefault(id(metadata), metadata)
    nonempty = [m for m in unique.values() if m.tables or m._sequences]
    return sorted(nonempty, key=lambda m: (sorted(m.tables), sorted(m._sequences)))


def declared_extensions(modules: Iterable[ModuleType], metadatas: Iterable[MetaData]) -> set[str]:
    """Extensions declared by `__schemactl_extensions__` in a module or
    `metadata.info["schemactl_extensions"]` (or `["extensions"]`)."""
    names: set[str] = set()
    for module in modules:
        names.update(_names(getattr(module, "__schemactl_extensions__", ()), module.__name__))
    for metadata in metadatas:
        for key in ("schemactl_extensions", "extensions"):
            names.update(_names(metadata.info.get(key, ()), f"metadata.info[{key!r}]"))
    return names


def _names(value: object, origin: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{origin}: extensions must be a list of names, got {value!r}")
    return list(value)
