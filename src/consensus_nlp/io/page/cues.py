"""The page reader's cue words: the sections of ``lexicons/page_cues.txt`` (the registry's ``page-cues`` entry).

One parser of the file for every reader of it (line classes, furniture, reporter credits):
a ``[section]`` header, then one regular expression (or word) per line; ``#`` starts a comment line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType

from ...registry import data_lines

__all__ = ["cue_sections", "cue"]


@functools.lru_cache(maxsize=1)
def cue_sections() -> Mapping[str, tuple[str, ...]]:
    """Section name -> its lines (stripped), in file order, read once per process.

    Examples:
        >>> sorted(cue_sections())[:3]
        ['credit_role', 'dateline', 'furniture:bare_number']
    """
    sections: dict[str, list[str]] = {}
    current = None
    for line in data_lines("page-cues"):
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line.strip())
    return MappingProxyType({name: tuple(lines) for name, lines in sections.items()})


@functools.lru_cache(maxsize=None)
def cue(section: str) -> re.Pattern[str]:
    """One alternation of the regular expressions of a section of ``lexicons/page_cues.txt``."""
    return re.compile("|".join(f"(?:{p})" for p in cue_sections()[section]))
