"""Bylines, organizations and administrative levels.

A byline on a page of speeches is a name followed by a position:
"张剑蓉 徽县政协党组书记、主席". The position is read as *organization + role*
with the role vocabulary in ``lexicons/positions.txt`` and the organization
suffixes in ``lexicons/organizations.tsv``; the level of the organization
(province, prefecture, city, county…) comes from the place part of its name
with the ``level`` rules of the same file.

Examples:
    >>> parse_position("徽县政协党组书记、主席")
    ('徽县政协', 'county')
    >>> parse_position("省委党校（甘肃行政学院）常务副校（院）长")
    ('省委党校', 'province')
    >>> parse_position("今年以来") is None
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Byline", "organization_level", "parse_bylines", "parse_position", "place_of"]

_PAREN = re.compile(r"（[^（）]*）|\([^()]*\)")
# a personal name: 2-4 Chinese characters, or a transcribed name with a middle dot
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}[·•・][\u4e00-\u9fff·•・]{1,12}")
_POSITION_CHARS = re.compile(r"[\u4e00-\u9fff（）()、]+")


@dataclass(frozen=True)
class Byline:
    """A speaker read from a byline."""

    speaker: str
    position: str
    organization: str
    level: str | None


def data_lines(name: str) -> list[str]:
    """The non-comment, non-blank lines of a file in ``lexicons/``."""
    text = resources.files("consensus_nlp").joinpath("lexicons").joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _roles() -> tuple[str, ...]:
    roles = {line.strip() for line in data_lines("positions.txt")}
    return tuple(sorted(roles, key=lambda r: (-len(r), r)))


@lru_cache(maxsize=1)
def _organization_rules() -> tuple[tuple[str, ...], tuple[tuple[re.Pattern[str], str], ...]]:
    suffixes: list[str] = []
    levels: list[tuple[re.Pattern[str], str]] = []
    for line in data_lines("organizations.tsv"):
        kind, pattern, value, *_ = (line.split("\t") + ["", ""])[:4]
        if kind == "suffix":
            suffixes.append(pattern)
        elif kind == "level":
            levels.append((re.compile(pattern), value))
    return tuple(sorted(suffixes, key=lambda s: (-len(s), s))), tuple(levels)


def _split_role(part: str) -> tuple[str, str] | None:
    """``"徽县政协党组书记"`` -> ``("徽县政协", "党组书记")`` (organization may be empty)."""
    for role in _roles():
        if part.endswith(role):
            return part[: -len(role)], role
    return None


def _organization_suffix(organization: str) -> str | None:
    suffixes, _ = _organization_rules()
    for suffix in suffixes:
        if organization.endswith(suffix) and len(organization) > len(suffix):
            return suffix
    return None


def place_of(organization: str) -> str:
    """The place part of an organization: its name without the suffix and a trailing 委.

    Examples:
        >>> place_of("徽县政协"), place_of("省委党校"), place_of("甘南藏族自治州委党校")
        ('徽县', '省', '甘南藏族自治州')
    """
    suffix = _organization_suffix(organization)
    place = organization[: -len(suffix)] if suffix else organization
    return place[:-1] if place.endswith("委") and len(place) > 1 else place


def organization_level(organization: str) -> str | None:
    """The administrative level of an organization from its place name, or None.

    Examples:
        >>> [organization_level(o) for o in ("徽县政协", "酒泉市政协", "临夏州政协", "省委党校", "甘肃省政协")]
        ['county', 'city', 'prefecture', 'province', 'province']
    """
    place = place_of(organization)
    _, levels = _organization_rules()
    for pattern, level in levels:
        if pattern.search(place):
            return level
    return None


def parse_position(position: str) -> tuple[str, str | None] | None:
    """Read ``(organization, level)`` from a position such as ``"酒泉市政协党组书记"``.

    Parentheses are dropped first (``"省委党校（甘肃行政学院）常务副校（院）长"`` reads as
    ``"省委党校常务副校长"``). The position must be ``organization + role``, optionally
    followed by more roles after ``、``. Returns None when it is not a position.
    """
    if not position or not _POSITION_CHARS.fullmatch(position):
        return None
    bare = _PAREN.sub("", position)
    parts = bare.split("、")
    first = _split_role(parts[0])
    if first is None or not first[0]:
        return None
    organization = first[0]
    if _organization_suffix(organization) is None:
        return None
    for part in parts[1:]:
        more = _split_role(part)
        if more is None or (more[0] and _organization_suffix(more[0]) is None):
            return None
    return organization, organization_level(organization)


def parse_bylines(line: str) -> list[Byline] | None:
    """Read one or more ``name position`` pairs from a line, or None if the line is not a byline.

    ``position name`` pairs and ``name（position）`` are read too.

    Examples:
        >>> [b.speaker for b in parse_bylines("王燕 天水市政协党组书记 张志军 临夏州政协党组书记、主席")]
        ['王燕', '张志军']
    """
    fields = line.split()
    if len(fields) < 2:
        # "张三（某县政协主席）"
        match = re.fullmatch(r"(.+?)[（(](.+)[）)]", line.strip())
        if match is None:
            return None
        fields = [match.group(1), match.group(2)]
    if len(fields) % 2:
        return None
    pairs = list(zip(fields[::2], fields[1::2]))
    return _read_pairs(pairs) or _read_pairs([(name, position) for position, name in pairs])


def _read_pairs(pairs: list[tuple[str, str]]) -> list[Byline] | None:
    found = []
    for name, position in pairs:
        if not _NAME.fullmatch(name):
            return None
        parsed = parse_position(position)
        if parsed is None:
            return None
        found.append(Byline(name, position, parsed[0], parsed[1]))
    return found
