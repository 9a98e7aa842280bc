"""Registries: every named resource (lexicon, stopword list, theme dictionary, corpus, topic engine,
device detector, data file) with its loader, the sha256 of its files, its source and its licence.

One catalogue of names, in the manner of spaCy's ``registry`` (catalogue): the package's own
entries are declared in ``registry.toml`` next to this module (data, not code); another package
adds its own through the entry-point group ``consensus_nlp.<kind>``::

    # in the other package's pyproject.toml
    [project.entry-points."consensus_nlp.lexicons"]
    legal = "my_package.resources:LEGAL"      # an Entry, or the object itself (an engine, a detector)

    >>> from consensus_nlp import registry
    >>> registry.lexicons.names()
    ['political', 'none']
    >>> registry.lexicons.get("political").source
    'lexicons/SOURCES.md, political.txt'

``list_lexicons()``, ``list_stopwords()``, ``list_themes()``, ``list_corpora()``, ``list_engines()``
and ``list_detectors()`` read these registries; ``report/manifest.py`` hashes what they declare
(:func:`resource_hashes`). An unknown name raises :class:`~consensus_nlp.errors.UnknownNameError`
listing the names there are.

What :meth:`Entry.load` returns depends on the kind: the path of the file (lexicons: a jieba
user-dict file; stopwords: one word per line; themes: a YAML or TOML theme file; corpora: the
``speeches.jsonl`` of a corpus folder) when the entry has files and no loader; otherwise the object
the loader names (an :class:`~consensus_nlp.models.engines.Engine`, a detector function
``text -> list[Device]``, a function returning stopwords or a corpus). This module imports nothing
heavy: loaders are import strings resolved on first use.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.metadata
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import InputTypeError, InvalidArgumentError, UnknownNameError, describe

__all__ = ["Entry", "Registry", "KINDS", "lexicons", "stopwords", "themes", "corpora", "engines", "detectors", "data",
           "registries", "resource_hashes", "sha256_file", "package_dir", "data_text", "data_lines"]

log = logging.getLogger(__name__)

KINDS = ("lexicons", "stopwords", "themes", "corpora", "engines", "detectors", "data")
PACKAGE = "consensus_nlp"
CATALOGUE = "registry.toml"
_CORPORA = "_corpora/"  # the wheel's copy of the repository's corpora/ folder


def sha256_file(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's bytes, read in blocks (the one hashing function of resources and inputs)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_dir(package: str) -> Path:
    """The folder of an installed package (where its data files are)."""
    return Path(str(resources.files(package)))


def _resolve(package: str, relative: str) -> Path:
    """A package data file (or an absolute path); the bundled corpora fall back to the source checkout's
    ``corpora/`` folder."""
    if os.path.isabs(relative):
        return Path(relative)
    path = package_dir(package) / relative
    if package == PACKAGE and relative.startswith(_CORPORA) and not path.exists():
        checkout = package_dir(package).parents[1] / "corpora" / relative[len(_CORPORA):]
        if checkout.exists():
            return checkout
    return path


def _import(target: str) -> Any:
    module, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module)
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj


@dataclass(frozen=True)
class Entry:
    """One registered resource.

    Attributes:
        name: the name users pass (``"political"``, ``"tomotopy"``).
        kind: the registry it belongs to (one of :data:`KINDS`).
        loader: ``"module:attribute"`` (imported on first :meth:`load`), the object itself, or
            ``None`` for a data file (then :meth:`load` returns the path of the first file).
        files: the data files, relative to ``package``'s folder (or absolute paths).
        package: the package that holds the files.
        source: where the resource comes from (a section of a SOURCES.md, a project page).
        licence: the licence it is used under.
        requires: for detectors, the device kinds whose results it reads (spaCy's ``requires``).
        assigns: for detectors, the device kinds it adds (spaCy's ``assigns``).
        alias_of: the entry this name stands for (``stopwords "default"`` -> ``"function"``).
    """

    name: str = ""  # filled in from the entry point's name when another package declares it
    kind: str = ""
    loader: Any = None
    files: tuple[str, ...] = ()
    package: str = PACKAGE
    source: str = ""
    licence: str = ""
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    alias_of: str | None = None

    @property
    def paths(self) -> tuple[Path, ...]:
        """The data files on this machine."""
        return tuple(_resolve(self.package, f) for f in self.files)

    @property
    def path(self) -> Path | None:
        """The first data file (``None`` when the entry has none)."""
        return self.paths[0] if self.files else None

    def hashes(self) -> dict[str, str]:
        """``{file: sha256}``; files of this package keyed by their path in it, another package's as
        ``"package:path"``, absolute paths as they are."""
        prefix = "" if self.package == PACKAGE else f"{self.package}:"
        return {(f if os.path.isabs(f) else prefix + f): sha256_file(p) for f, p in zip(self.files, self.paths)}

    @property
    def sha256(self) -> str | None:
        """sha256 of the data file; with several files, of their ``"<sha256>  <file>"`` lines; ``None`` without files."""
        hashes = self.hashes()
        if len(hashes) <= 1:
            return next(iter(hashes.values()), None)
        lines = "".join(f"{digest}  {name}\n" for name, digest in sorted(hashes.items()))
        return hashlib.sha256(lines.encode("utf-8")).hexdigest()

    def load(self) -> Any:
        """The resource: the object the loader names, or the path of the data file."""
        if isinstance(self.loader, str):
            return _import(self.loader)
        if self.loader is not None:
            return self.loader
        if self.files:
            return self.path
        raise InvalidArgumentError(describe(f"{self.kind}[{self.name!r}]", self, "has neither a loader nor files",
                                            todo="Register it with loader= or files=."))

    def describe(self) -> dict[str, Any]:
        """The entry as a plain dict (for listings and the manifest)."""
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "source": self.source, "licence": self.licence,
                               "files": list(self.files), "sha256": self.sha256}
        if self.kind == "detectors":
            out.update(requires=list(self.requires), assigns=list(self.assigns))
        if self.alias_of:
            out["alias_of"] = self.alias_of
        return out


class Registry:
    """Names of one kind of resource -> :class:`Entry`: the package's own, those registered at run
    time with :meth:`register`, and those of installed packages (entry-point group ``consensus_nlp.<kind>``).

    Args:
        kind: one of :data:`KINDS`.
        argument: the argument name used in error messages (``"lexicon"``).
        what: what a name of this kind is, for error messages (``"a known lexicon"``).
        todo: what to do after an unknown name (the listing function to call).
    """

    def __init__(self, kind: str, *, argument: str, what: str, todo: str) -> None:
        self.kind = kind
        self.argument = argument
        self.what = what
        self.todo = todo
        self._own: dict[str, Entry] | None = None  # the catalogue's entries, read on first use
        self._added: dict[str, Entry] = {}
        self._plugins: tuple[tuple[str, ...], dict[str, Any]] | None = None  # (sys.path, name -> entry point)
        self._lock = threading.Lock()
        self.refreshed = 0  # how many times refresh() was called (a key of the entry-point scan)

    @property
    def group(self) -> str:
        """The entry-point group other packages register under."""
        return f"{PACKAGE}.{self.kind}"

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self.names())})"

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._table()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def register(self, name: str, *, loader: Any = None, files: tuple[str, ...] | list[str] = (), package: str = PACKAGE,
                 source: str = "", licence: str = "", requires: tuple[str, ...] | list[str] = (),
                 assigns: tuple[str, ...] | list[str] = (), replace_existing: bool = False) -> Entry:
        """Add an entry for this process (another package would rather declare an entry point)."""
        if not isinstance(name, str) or not name.strip():
            raise InputTypeError(describe("name", name, "is not a name", accepted="a non-empty str"))
        if name in self and not replace_existing:
            raise InvalidArgumentError(describe("name", name, f"is already a registered name of {self.kind}",
                                                todo="Choose another name or pass replace_existing=True."))
        entry = Entry(name=name, kind=self.kind, loader=loader, files=tuple(files), package=package, source=source,
                      licence=licence, requires=tuple(requires), assigns=tuple(assigns))
        if entry.loader is None and not entry.files:
            raise InvalidArgumentError(describe("loader", loader, "is missing and no files are given",
                                                accepted="an import string 'module:attribute', an object, or files="))
        self._added[name] = entry
        return entry

    def unregister(self, name: str) -> None:
        """Remove an entry added with :meth:`register` (the package's own entries stay)."""
        self._added.pop(name, None)

    def refresh(self) -> None:
        """Look for entry points again (after installing a package in the running process; a change of
        ``sys.path`` is noticed without it)."""
        self._plugins = None
        self.refreshed += 1

    def names(self) -> list[str]:
        """Every name (aliases included), in declaration order (see :meth:`_table`)."""
        return list(self._table())

    def get(self, name: str) -> Entry:
        """The entry of ``name`` (an alias gives the entry it stands for).

        Raises:
            InputTypeError: ``name`` is not a str.
            UnknownNameError: no entry has that name; the message lists the names there are.
        """
        if not isinstance(name, str):
            raise InputTypeError(describe(self.argument, name, "is not a str", accepted=self.names()))
        table = self._table()
        if name not in table:
            raise UnknownNameError(describe(self.argument, name, f"is not {self.what}", accepted=list(table),
                                            todo=self.todo))
        entry = table[name]
        if not isinstance(entry, Entry):  # an entry point (of whichever importlib.metadata found it)
            entry = self._from_entry_point(entry)
        if entry.alias_of:
            return self.get(entry.alias_of)
        return entry

    def load(self, name: str) -> Any:
        """``get(name).load()``."""
        return self.get(name).load()

    def entries(self) -> list[Entry]:
        """Every entry (aliases left out), in declaration order; entry points are loaded (one that cannot be
        is left out with a warning, so that a broken plugin does not stop a run that does not use it)."""
        found: dict[str, Entry] = {}
        for name in self.names():
            try:
                entry = self.get(name)
            except InvalidArgumentError as exc:
                log.warning("%s", exc)
                continue
            found.setdefault(entry.name, entry)
        return list(found.values())

    def hashes(self) -> dict[str, str]:
        """``{file: sha256}`` over every entry's files."""
        out: dict[str, str] = {}
        for entry in self.entries():
            out.update(entry.hashes())
        return out

    # -- the three sources of entries
    def _table(self) -> dict[str, Any]:
        """Name -> entry (or entry point), in declaration order: the package's own, then those registered
        at run time (which may replace one of the package's), then other packages' (which may not)."""
        table: dict[str, Any] = {**self._catalogue(), **self._added}
        for name, point in sorted(self._plugin_points().items()):
            table.setdefault(name, point)
        return table

    def _catalogue(self) -> dict[str, Entry]:
        if self._own is None:
            with self._lock:
                if self._own is None:
                    self._own = _read_catalogue(self.kind)
        return self._own

    def _plugin_points(self) -> dict[str, Any]:
        """Entry points of the group, found again when ``sys.path`` changed."""
        key = tuple(sys.path)
        if self._plugins is None or self._plugins[0] != key:
            self._plugins = (key, {ep.name: ep for ep in _entry_points(key, self.refreshed).select(group=self.group)})
        return self._plugins[1]

    def _from_entry_point(self, point: importlib.metadata.EntryPoint) -> Entry:
        try:
            obj = point.load()
        except Exception as exc:  # a broken plugin is named, never a bare ImportError from deep inside it
            raise InvalidArgumentError(describe(f"{self.argument} (entry point of {self.group})", point.name,
                                                f"could not be loaded from {point.value} ({type(exc).__name__}: {exc})",
                                                todo="Repair or uninstall the package that declares it.")) from exc
        if isinstance(obj, Entry):
            return replace(obj, name=point.name, kind=self.kind)
        dist = getattr(point, "dist", None)
        meta = dist.metadata if dist is not None else {}
        origin = f"{dist.name} {dist.version}" if dist is not None else "an installed package"
        return Entry(name=point.name, kind=self.kind, loader=obj, package=point.module.split(".")[0],
                     source=f"{origin} (entry point {point.value})",
                     licence=(meta.get("License-Expression") or meta.get("License") or "") if meta else "")


@functools.lru_cache(maxsize=4)
def _entry_points(path: tuple[str, ...], generation: int) -> importlib.metadata.EntryPoints:
    """Every installed entry point, scanned once per ``sys.path`` (and per :meth:`Registry.refresh`)."""
    return importlib.metadata.entry_points()


def _read_catalogue(kind: str) -> dict[str, Entry]:
    """The package's own entries of one kind, from ``registry.toml``."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    catalogue = tomllib.loads((resources.files(PACKAGE) / CATALOGUE).read_text(encoding="utf-8"))
    out = {}
    for name, spec in catalogue.get(kind, {}).items():
        spec = dict(spec)
        out[name] = Entry(name=name, kind=kind, loader=spec.pop("loader", None), files=tuple(spec.pop("files", ())),
                          source=spec.pop("source", ""), licence=spec.pop("licence", ""),
                          requires=tuple(spec.pop("requires", ())), assigns=tuple(spec.pop("assigns", ())),
                          alias_of=spec.pop("alias_of", None))
        if spec:  # a typo in the catalogue is a bug of the package, caught by its tests
            raise InvalidArgumentError(describe(f"{CATALOGUE} [{kind}.{name}]", sorted(spec), "holds unknown keys",
                                                accepted=["loader", "files", "source", "licence", "requires", "assigns",
                                                          "alias_of"]))
    return out


_HINT = "Call consensus_nlp.{}() to see them."
lexicons = Registry("lexicons", argument="lexicon", what="a known lexicon",
                    todo="Pass one of those names or a path to a jieba user-dict file.")
stopwords = Registry("stopwords", argument="stopwords", what="a known stopword list", todo=_HINT.format("list_stopwords"))
themes = Registry("themes", argument="themes", what="a bundled theme dictionary",
                  todo="Pass a bundled name, a .yaml/.toml path or a dict.")
corpora = Registry("corpora", argument="name", what="a bundled corpus",
                   todo="Use list_corpora() to see the names, or read your own files with read_page(path) or "
                        "Corpus.from_files(folder).")
engines = Registry("engines", argument="engine", what="a topic-model engine", todo=_HINT.format("list_engines"))
detectors = Registry("detectors", argument="kinds", what="a kind of device", todo="Leave kinds=None for all of them.")
data = Registry("data", argument="name", what="a data file of the package", todo="See registry.toml.")


def registries() -> Mapping[str, Registry]:
    """Every registry by kind."""
    return {kind: globals()[kind] for kind in KINDS}


def resource_hashes(*, kinds: tuple[str, ...] = KINDS, skip: Callable[[Entry], bool] | None = None) -> dict[str, str]:
    """``{file: sha256}`` of every file the registries declare (the manifest's ``resources``), sorted by file."""
    out: dict[str, str] = {}
    for kind in kinds:
        for entry in registries()[kind].entries():
            if skip is None or not skip(entry):
                out.update(entry.hashes())
    return dict(sorted(out.items()))



def data_text(name: str) -> str:
    """The text (UTF-8) of the file that the :data:`data` entry ``name`` loads.

    The library's own data files (the page reader's cues, positions and organizations, the
    radicals table, the common characters of encoding detection, the device rules and
    formulations) are read through this function, so the file a manifest hashes
    (:func:`resource_hashes`) is the file that was read, and ``data.register(name, files=[...],
    replace_existing=True)`` replaces it for this process (the readers keep what they parsed:
    clear their caches after).

    Examples:
        >>> data_text("radicals").startswith("#")
        True
    """
    path = data.load(name)
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidArgumentError(describe("name", name, "is a data entry whose loader gives no file",
                                            accepted="an entry with files= and no loader"))
    return Path(path).read_text(encoding="utf-8")


def data_lines(name: str) -> list[str]:
    """The lines of :func:`data_text` that are neither blank nor comments (``#`` first)."""
    return [line for line in data_text(name).splitlines() if line.strip() and not line.startswith("#")]
