"""Theme dictionaries: named lists of entries that match tokens.

A theme dictionary maps theme names to entries that match tokens (exact words,
globs such as ``文化*``, regular expressions such as ``re:^提案``, and runs of
several tokens such as ``有事 好 商量``). :func:`emphasis` counts, per group of
documents (an organization, a speaker, a year), how many tokens fall into each
theme per 1,000 tokens. :func:`cluster` groups those profiles.

The bundled dictionary ``"cppcc"`` lives in ``lexicons/themes/cppcc.yaml`` with a
rationale and sources per theme (see ``docs/emphasis.md``).
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputTypeError, InvalidArgumentError, UnknownNameError, describe

__all__ = ["Themes", "load_themes", "list_themes", "compile_entry", "theme_spans", "count_theme"]

log = logging.getLogger(__name__)

_THEME_DIR = Path(__file__).resolve().parent.parent / "lexicons" / "themes"


def list_themes() -> list[str]:
    """Names of the bundled theme dictionaries."""
    return sorted(p.stem for p in _THEME_DIR.glob("*.yaml"))


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
    """

    name: str
    entries: Mapping[str, tuple[str, ...]]
    rationale: Mapping[str, str]
    sources: Mapping[str, str]

    @property
    def names(self) -> list[str]:
        return list(self.entries)

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


def _from_mapping(data: Mapping[str, Any], *, name: str) -> Themes:
    themes = data.get("themes", data) if isinstance(data.get("themes"), Mapping) else data
    entries, rationale = {}, {}
    for theme, spec in themes.items():
        if isinstance(spec, Mapping):
            values, why = spec.get("entries"), str(spec.get("rationale", ""))
        else:
            values, why = spec, ""
        if isinstance(values, str) or not isinstance(values, Sequence) or not values:
            raise InvalidArgumentError(
                describe(f"themes[{theme!r}]", values, "is not a non-empty list of entries",
                         accepted="a list of str such as ['文化*', 're:^提案', '有事 好 商量']")
            )
        entries[str(theme)] = tuple(str(v) for v in values)
        rationale[str(theme)] = why
    if not entries:
        raise EmptyInputError(describe("themes", name, "holds no themes", accepted="a mapping theme -> list of entries"))
    sources = data.get("sources", {}) if isinstance(data.get("themes"), Mapping) else {}
    result = Themes(str(data.get("name", name)) if "themes" in data else name, entries, rationale,
                    dict(sources) if isinstance(sources, Mapping) else {"sources": str(sources)})
    result.matchers()  # validate patterns now
    return result


def load_themes(themes: str | os.PathLike[str] | Mapping[str, Any] | Themes = "cppcc") -> Themes:
    """Load a theme dictionary by name, from a YAML/TOML file, or from a dict.

    A dict (or file) either maps theme names to lists of entries, or has a ``themes`` key
    whose values are ``{"entries": [...], "rationale": "..."}`` (the bundled format, with
    optional ``name`` and ``sources``).

    Args:
        themes: a bundled name (see :func:`list_themes`), a path to a ``.yaml``/``.yml``/``.toml``
            file, a mapping, or a :class:`Themes` (returned as is).

    Returns:
        :class:`Themes`.

    Raises:
        UnknownNameError: the name is neither bundled nor an existing file.
        InvalidArgumentError: a theme has no entries or a bad ``re:`` pattern.
    """
    if isinstance(themes, Themes):
        return themes
    if isinstance(themes, Mapping):
        return _from_mapping(themes, name="custom")
    if not isinstance(themes, (str, os.PathLike)):
        raise InputTypeError(describe("themes", themes, "is not a theme dictionary",
                                      accepted="a bundled name, a path to a YAML/TOML file, or a dict"))
    path = Path(themes)
    if isinstance(themes, str) and themes in list_themes():
        path = _THEME_DIR / f"{themes}.yaml"
    elif not path.is_file():
        raise UnknownNameError(describe("themes", str(themes), "is not a bundled theme set or an existing file",
                                        accepted=list_themes(), todo="Pass a bundled name, a .yaml/.toml path or a dict."))
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # pragma: no cover - Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        data = tomllib.loads(text)
    else:
        import yaml

        data = yaml.safe_load(text)
    if not isinstance(data, Mapping):
        raise InvalidArgumentError(describe("themes", str(path), "does not hold a mapping", accepted="theme -> entries"))
    return _from_mapping(data, name=path.stem)


