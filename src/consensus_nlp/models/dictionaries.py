"""Theme dictionaries: named lists of entries that match tokens.

A theme dictionary maps theme names to entries that match tokens (exact words,
globs such as ``文化*``, regular expressions such as ``re:^提案``, and runs of
several tokens such as ``有事 好 商量``). :func:`emphasis` counts, per group of
documents (an organization, a speaker, a year), how many tokens fall into each
theme per 1,000 tokens. :func:`cluster` groups those profiles.

The bundled dictionary ``"cppcc"`` lives in ``lexicons/themes/cppcc.yaml`` with a
rationale and sources per theme (see ``docs/emphasis.md``). The names are those of
``consensus_nlp.registry.themes``; another package adds a dictionary through the entry-point
group ``consensus_nlp.themes`` (an :class:`~consensus_nlp.registry.Entry` with its YAML/TOML file).
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import registry
from ..errors import EmptyInputError, InputTypeError, InvalidArgumentError, UnknownNameError, describe

__all__ = ["Themes", "load_themes", "list_themes", "theme_file", "compile_entry", "theme_spans", "count_theme"]

log = logging.getLogger(__name__)

def list_themes() -> list[str]:
    """Names of the registered theme dictionaries (the package's own and other packages')."""
    return sorted(registry.themes.names())


def theme_file(name: str) -> Path | Mapping[str, Any]:
    """The file (or mapping) a registered theme dictionary loads from."""
    loaded = registry.themes.load(name)
    return loaded if isinstance(loaded, Mapping) else Path(loaded)


def compile_entry(entry: str, *, theme: str) -> Callable[[str], bool]:
    if entry.startswith("re:"):
        try:
            pattern = re.compile(entry[3:])
        except re.error as exc:
            raise InvalidArgumentError(
                describe(f"themes[{theme!r}]", entry, f"is not a valid regular expression ({exc})",
                         accepted="'re:' followed by a Python regular expression")
            ) from None
        return lambda token: pattern.search(token) is not None
    if any(ch in entry for ch in "*?["):
        pattern = re.compile(fnmatch.translate(entry))
        return lambda token: pattern.match(token) is not None
    return entry.__eq__


@dataclass(frozen=True)
class Themes:
    """A set of named themes, each a tuple of entries, with optional rationale and sources.

    Attributes:
        name: the dictionary's name (``"cppcc"``, a file stem, or ``"custom"``).
        entries: theme name -> entries, in file order.
        rationale: theme name -> why the theme and its entries (may be empty).
        sources: where the vocabulary comes from.
        labels: theme name -> a display label (a Chinese name such as ``文化品牌``), for the
            themes whose file gives one; see :meth:`label`.
    """

    name: str
    entries: Mapping[str, tuple[str, ...]]
    rationale: Mapping[str, str]
    sources: Mapping[str, str]
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.entries)

    def label(self, theme: str) -> str:
        """The theme's label if its file gives one, else its name."""
        if theme not in self.entries:
            raise UnknownNameError(describe("theme", theme, "is not a theme of this dictionary", accepted=self.names))
        return self.labels.get(theme, theme)

    def matchers(self) -> dict[str, tuple[list[Callable[[str], bool]], list[list[Callable[[str], bool]]]]]:
        """Per theme, the single-token matchers and the multi-token sequences of matchers."""
        out = {}
        for theme, entries in self.entries.items():
            singles, runs = [], []
            for entry in entries:
                parts = entry.split()
                if len(parts) > 1:
                    runs.append([compile_entry(p, theme=theme) for p in parts])
                else:
                    singles.append(compile_entry(entry.strip(), theme=theme))
            runs.sort(key=len, reverse=True)
            out[theme] = (singles, runs)
        return out

    def count(self, words: Sequence[str]) -> dict[str, int]:
        """Hits per theme in one token sequence (see :func:`emphasis` for the rule)."""
        result = {}
        for theme, (singles, runs) in self.matchers().items():
            result[theme] = count_theme(words, singles, runs)
        return result


def theme_spans(words: Sequence[str], singles: list, runs: list,
                 cache: dict[str, tuple[bool, list]] | None = None) -> list[tuple[int, int]]:
    """``[first, last)`` token positions of each hit of one theme (the rule of :func:`emphasis`).

    ``cache`` maps a word to (does a single entry match it, the runs that start with it); pass
    the same dict for every document of a theme so that each distinct word is matched once.
    """
    cache = {} if cache is None else cache
    spans, i, n = [], 0, len(words)
    while i < n:
        word = words[i]
        known = cache.get(word)
        if known is None:
            known = cache[word] = (any(m(word) for m in singles), [r for r in runs if r[0](word)])
        single, starting = known
        for run in starting:  # longest first
            if i + len(run) <= n and all(run[j](words[i + j]) for j in range(1, len(run))):
                spans.append((i, i + len(run)))
                i += len(run)
                break
        else:
            if single:
                spans.append((i, i + 1))
            i += 1
    return spans


def count_theme(words: Sequence[str], singles: list, runs: list, cache: dict | None = None) -> int:
    return len(theme_spans(words, singles, runs, cache))


_TOP_KEYS = ("name", "version", "description", "sources", "themes")
_THEME_KEYS = ("entries", "label", "rationale")
_FORMAT = ("a mapping theme -> list of entries, or {'themes': {theme: {'entries': [...], 'label': '中文名', "
           "'rationale': '...'}}} with optional 'name', 'version', 'description', 'sources'")


def _schema_error(where: str, value: Any, problem: str, *, accepted: str = _FORMAT, todo: str | None = None) -> InvalidArgumentError:
    return InvalidArgumentError(describe(where, value, problem, accepted=accepted, todo=todo))


def _entries(values: Any, where: str) -> tuple[str, ...]:
    if isinstance(values, (str, Mapping)) or not isinstance(values, (list, tuple)) or not values:
        raise _schema_error(where, values, "is not a non-empty list of entries",
                            accepted="a list of str such as ['文化*', 're:^提案', '有事 好 商量']")
    out = []
    for j, value in enumerate(values):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise _schema_error(f"{where}[{j}]", value, f"is a {type(value).__name__}, not an entry",
                                accepted="a str (a word, a glob, 're:' + a pattern, or space-separated parts)",
                                todo="Write one entry per list item; quote values YAML reads as other types.")
        if not value.strip():
            raise _schema_error(f"{where}[{j}]", value, "is empty", accepted="a non-empty str")
        out.append(value.strip())
    return tuple(out)


def _theme(theme: Any, spec: Any, where: str) -> tuple[str, tuple[str, ...], str, str | None]:
    if not isinstance(theme, str) or not theme.strip():
        raise _schema_error(where, theme, "is not a theme name", accepted="a non-empty str key")
    if not isinstance(spec, Mapping):
        return theme, _entries(spec, where), "", None
    unknown = [k for k in spec if k not in _THEME_KEYS]
    if unknown:
        raise _schema_error(f"{where}.{unknown[0]}", spec[unknown[0]], "is not a key of a theme", accepted=_THEME_KEYS)
    if "entries" not in spec:
        raise _schema_error(where, dict(spec), "has no 'entries'", accepted="{'entries': [...], 'label': ..., 'rationale': ...}")
    label, why = spec.get("label"), spec.get("rationale", "")
    for key, value in (("label", label), ("rationale", why)):
        if value is not None and not isinstance(value, str):
            raise _schema_error(f"{where}.{key}", value, "is not a str", accepted="a str")
    return theme, _entries(spec["entries"], f"{where}.entries"), why or "", label


def _from_mapping(data: Mapping[str, Any], *, name: str, where: str = "themes") -> Themes:
    """Check ``data`` against the theme-file schema; errors name the path inside it (``themes.identity.entries[1]``)."""
    wrapped = "themes" in data
    if wrapped:
        unknown = [k for k in data if k not in _TOP_KEYS]
        if unknown:
            raise _schema_error(f"{where}: {unknown[0]}", data[unknown[0]], "is not a top-level key", accepted=_TOP_KEYS)
        themes = data["themes"]
        if not isinstance(themes, Mapping):
            raise _schema_error(f"{where}: themes", themes, f"is a {type(themes).__name__}, not a mapping of theme names",
                                todo="Write 'themes:' followed by 'name:' lines, each holding 'entries:' (a list of one theme "
                                     "per list item is not read).")
        prefix = f"{where}: themes."
    else:
        themes, prefix = data, f"{where}: "
    entries, rationale, labels = {}, {}, {}
    for theme, spec in themes.items():
        key, values, why, label = _theme(theme, spec, f"{prefix}{theme}")
        entries[key], rationale[key] = values, why
        if label:
            labels[key] = label
    if not entries:
        raise EmptyInputError(describe(where, name, "holds no themes", accepted=_FORMAT))
    sources = data.get("sources", {}) if wrapped else {}
    title = data.get("name", name) if wrapped else name
    result = Themes(str(title), entries, rationale,
                    dict(sources) if isinstance(sources, Mapping) else {"sources": str(sources)}, labels)
    result.matchers()  # validate patterns now
    return result


def _parse_file(path: Path) -> Any:
    where = f"themes={str(path)!r}"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidArgumentError(describe("themes", str(path), f"is not UTF-8 (byte {exc.start}: {exc.object[exc.start:exc.start + 2]!r})",
                                            todo="Save the theme file as UTF-8.")) from None
    except OSError as exc:
        raise InvalidArgumentError(describe("themes", str(path), f"cannot be read ({exc.strerror})")) from None
    if path.suffix.lower() == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # pragma: no cover - Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidArgumentError(describe("themes", str(path), f"is not valid TOML ({exc})")) from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InvalidArgumentError(describe("themes", str(path), f"is not valid YAML ({problem}{at})",
                                            todo=f"Fix the file ({where}).")) from None
    except RecursionError:
        raise InvalidArgumentError(describe("themes", str(path), "nests too deeply to be a theme file")) from None


def _is_file(path: Path) -> bool:
    """``path.is_file()``, False for a name the file system refuses (too long, a NUL, a lone surrogate)."""
    try:
        return path.is_file()
    except (OSError, ValueError, UnicodeError):
        return False


def load_themes(themes: str | os.PathLike[str] | Mapping[str, Any] | Themes = "cppcc") -> Themes:
    """Load a theme dictionary by name, from a YAML/TOML file, or from a dict.

    A dict (or file) either maps theme names to lists of entries, or has a ``themes`` key
    mapping each theme name to ``{"entries": [...], "label": "中文名", "rationale": "..."}``
    (the bundled format, with optional ``name``, ``version``, ``description`` and ``sources``).
    Anything else is refused with the path of the problem inside the file
    (``themes: themes.identity.entries[1]``): a list of themes, an entry that is a list,
    an unknown key (a typo such as ``entires``).

    Args:
        themes: a bundled name (see :func:`list_themes`), a path to a ``.yaml``/``.yml``/``.toml``
            file, a mapping, or a :class:`Themes` (returned as is).

    Returns:
        :class:`Themes`.

    Raises:
        UnknownNameError: the name is neither bundled nor an existing file.
        InvalidArgumentError: the file is not UTF-8 YAML/TOML, does not follow the schema, or
            holds a bad ``re:`` pattern.
    """
    if isinstance(themes, Themes):
        return themes
    if isinstance(themes, Mapping):
        return _from_mapping(themes, name="custom")
    if not isinstance(themes, (str, os.PathLike)) or isinstance(themes, bytes):
        raise InputTypeError(describe("themes", themes, "is not a theme dictionary",
                                      accepted="a bundled name, a path to a YAML/TOML file, or a dict"))
    path = Path(themes)
    if isinstance(themes, str) and themes in registry.themes:
        found = theme_file(themes)
        if isinstance(found, Mapping):
            return _from_mapping(found, name=themes)
        path = found
    elif not _is_file(path):
        raise UnknownNameError(describe("themes", str(themes), "is not a bundled theme set or an existing file",
                                        accepted=list_themes(), todo="Pass a bundled name, a .yaml/.toml path or a dict."))
    data = _parse_file(path)
    if not isinstance(data, Mapping):
        raise InvalidArgumentError(describe("themes", str(path), f"holds a {type(data).__name__}, not a mapping",
                                            accepted=_FORMAT))
    name = themes if isinstance(themes, str) and themes in registry.themes else path.stem
    return _from_mapping(data, name=name, where=f"themes={str(path)!r}")
