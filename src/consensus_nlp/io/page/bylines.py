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

from ...registry import data_lines
from .cues import cue_sections

__all__ = [
    "Byline",
    "close_spaced_names",
    "credit_roles",
    "organization_level",
    "parse_author_line",
    "parse_author_note",
    "parse_bare_name",
    "parse_bylines",
    "parse_credit",
    "parse_name_line",
    "parse_position",
    "parse_statement",
    "place_of",
]

_PAREN = re.compile(r"（[^（）]*）|\([^()]*\)")
# a personal name: 2-4 Chinese characters, or a transcribed name with a middle dot
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}[·•・][\u4e00-\u9fff·•・]{1,12}")
_POSITION_CHARS = re.compile(r"[\u4e00-\u9fff（）()、]+")
_CJK_NAME_PART = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Byline:
    """A speaker read from a byline."""

    speaker: str
    position: str
    organization: str
    level: str | None


@lru_cache(maxsize=1)
def _roles() -> tuple[str, ...]:
    roles = {line.strip() for line in data_lines("positions")}
    return tuple(sorted(roles, key=lambda r: (-len(r), r)))


@lru_cache(maxsize=1)
def _organization_rules() -> tuple[tuple[str, ...], tuple[tuple[re.Pattern[str], str], ...]]:
    suffixes: list[str] = []
    levels: list[tuple[re.Pattern[str], str]] = []
    for line in data_lines("organizations"):
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
    fields = close_spaced_names(line.split())
    if len(fields) < 2:
        # "张三（某县政协主席）"
        fields = _name_in_brackets(line.strip())
        if fields is None:
            return None
    if len(fields) % 2:
        return None
    pairs = list(zip(fields[::2], fields[1::2]))
    return _read_pairs(pairs) or _read_pairs([(name, position) for position, name in pairs])


def close_spaced_names(fields: list[str]) -> list[str]:
    """Fields of a line with the layout spaces inside names closed up: a run of two or three
    one-character Chinese fields is one name (``张  三`` -> ``张三``, ``王 小 明`` -> ``王小明``); a
    longer even run is names of two characters, padded to the width of three (``丁 峰 罗 艳``).

    Examples:
        >>> close_spaced_names("张  三  李四".split())
        ['张三', '李四']
        >>> close_spaced_names("丁  峰  罗  艳".split())
        ['丁峰', '罗艳']
        >>> close_spaced_names(["王燕", "天水市政协党组书记"])
        ['王燕', '天水市政协党组书记']
    """
    out: list[str] = []
    run: list[str] = []
    for f in [*fields, ""]:
        if len(f) == 1 and "\u4e00" <= f <= "\u9fff":
            run.append(f)
            continue
        if run:
            if len(run) in (2, 3):
                out.append("".join(run))
            elif len(run) % 2 == 0:
                out.extend("".join(run[k:k + 2]) for k in range(0, len(run), 2))
            elif len(run) == 1 and out and len(out[-1]) == 2 and _CJK_NAME_PART.fullmatch(out[-1]):
                out[-1] += run[0]  # a three-character name cut by a line break after two: 何涛 / 勇
            elif len(run) == 1 and 1 < len(f) <= 2 and _CJK_NAME_PART.fullmatch(f):
                f = run[0] + f  # cut after one: 黎 / 平兰
            else:
                out.extend(run)
            run = []
        if f:
            out.append(f)
    return out


def _name_in_brackets(text: str) -> list[str] | None:
    """``"张三（某县政协主席）"`` -> ``["张三", "某县政协主席"]``: the first bracket after the first
    character opens the position, the last character closes it (linear; a regex with two
    unbounded groups was quadratic on a run of brackets)."""
    if len(text) < 4 or text[-1] not in "）)":
        return None
    opening = next((i for i in range(1, len(text) - 2) if text[i] in "（("), None)
    if opening is None:
        return None
    return [text[:opening], text[opening + 1 : -1]]


#: The longest prefix read as a statement opening (``全国政协委员、浙江省政协副主席杨戌标：``).
MAX_OPENING = 40


def parse_statement(line: str) -> tuple[Byline, int] | None:
    """A statement opening ``position + name：`` (or ``name（position）：``) at the start of ``line``.

    Returns the byline and the offset in ``line.strip()`` just after the colon, or None.

    Examples:
        >>> byline, cut = parse_statement("全国政协委员杨戌标：建议加快")
        >>> byline.speaker, byline.position, byline.level, cut
        ('杨戌标', '全国政协委员', 'national', 10)
        >>> parse_statement("张三（兰州市政协主席）：要把")[0].organization
        '兰州市政协'
        >>> parse_statement("习近平总书记指出：") is None
        True
    """
    text = line.strip()
    colon = next((i for i, ch in enumerate(text[: MAX_OPENING + 1]) if ch in "：:"), None)
    if colon is None or colon < 3:
        return None
    prefix = text[:colon].strip()
    found = parse_bylines(prefix)
    if found is not None and len(found) == 1:
        return found[0], colon + 1
    if not _POSITION_CHARS.fullmatch(prefix):
        return None
    for size in (2, 3, 4):
        name, position = prefix[-size:], prefix[:-size]
        if _NAME.fullmatch(name) and (parsed := parse_position(position)) is not None:
            return Byline(name, position, parsed[0], parsed[1]), colon + 1
    return None


_NAME_LINE = re.compile(r"(?:[□■◎●◇◆]|文\s*[/／])\s*(\S{2,12})")
_AUTHOR_NOTE = re.compile(r"[（(]\s*作者(?:系|为|是|：|:)\s*([^（）()]{2,60}(?:[（(][^（）()]{1,20}[）)][^（）()]{0,40})*)\s*[）)]")


def parse_name_line(line: str) -> Byline | None:
    """An author's name standing alone with a mark (``□ 张三``, ``文/张三``): a byline without a position.

    Examples:
        >>> parse_name_line("□ 杨戌标").speaker, parse_name_line("文/王志刚").speaker, parse_name_line("□ 凝聚共识的方法")
        ('杨戌标', '王志刚', None)
    """
    match = _NAME_LINE.fullmatch(line.strip())
    if match is None or not _NAME.fullmatch(match.group(1)):
        return None
    return Byline(match.group(1), "", "", None)


def parse_bare_name(line: str) -> Byline | None:
    """A personal name alone (2-4 characters, or with a middle dot): a byline without a position.

    Only the PDF reader uses it, for a line set in a font other than the body's;
    in plain text such a line cannot be told from a short title.

    Examples:
        >>> parse_bare_name("杨戌标").speaker, parse_bare_name("凝聚共识的方法")
        ('杨戌标', None)
    """
    text = line.strip()
    return Byline(text, "", "", None) if _NAME.fullmatch(text) else None


def parse_author_note(line: str) -> Byline | None:
    """The note closing an article, ``（作者系全国政协委员、浙江省政协副主席）``: a byline without a name.

    Examples:
        >>> parse_author_note("（作者系全国政协委员、浙江省政协副主席）")
        Byline(speaker='', position='全国政协委员、浙江省政协副主席', organization='全国政协', level='national')
    """
    match = _AUTHOR_NOTE.fullmatch(line.strip())
    if match is None:
        return None
    position = match.group(1).strip()
    parsed = parse_position(position)
    if parsed is None:
        return None
    return Byline("", position, parsed[0], parsed[1])


@lru_cache(maxsize=1)
def credit_roles() -> tuple[str, ...]:
    """The roles of reporter credits (``[credit_role]`` of ``lexicons/page_cues.txt``), longest first."""
    return tuple(sorted(cue_sections()["credit_role"], key=lambda r: (-len(r), r)))


def parse_author_line(text: str, *, strict: bool = True) -> tuple[list[str], list[str]] | None:
    """``(roles, names)`` of an article's author line such as ``本报记者  张  三  李四``, or None.

    Layout spaces inside names are closed up; several roles may follow each other
    (``本报记者 张三 通讯员 王五``). The line must open with a role and hold only roles and names;
    with ``strict`` (a line on its own, not a credit in brackets) a role of fewer than four
    characters must be followed by a space (``记者手记`` is a column's name, not 记者 + 手记).

    Examples:
        >>> parse_author_line("本报记者  张  三  李四")
        (['本报记者'], ['张三', '李四'])
        >>> parse_author_line("新华社记者 王五 通讯员 赵六")
        (['新华社记者', '通讯员'], ['王五', '赵六'])
        >>> parse_author_line("记者们认为，这是好事") is None
        True
    """
    if re.search(r"[，。；：！？,;:!?]", text):
        return None
    tokens = [t for t in re.split(r"[\s、]+", text.strip()) if t]
    roles: list[str] = []
    names: list[str] = []
    pending: list[str] = []
    for token in tokens:
        role = next((r for r in credit_roles() if token.startswith(r)), None)
        if role is not None:
            names.extend(close_spaced_names(pending))
            pending = []
            if not roles and names:
                return None
            roles.append(role)
            token = token[len(role):]
            if token and strict and len(role) < 4:
                return None
            if not token:
                continue
        if not roles:
            return None
        pending.append(token)
    names.extend(close_spaced_names(pending))
    if not roles or not names or not all(_NAME.fullmatch(n) for n in names):
        return None
    return list(dict.fromkeys(roles)), names


def parse_credit(text: str) -> list[str] | None:
    """The names of a reporter credit such as ``（记者 张三 李四）``, or None.

    Examples:
        >>> parse_credit("（记者 张三 李四）"), parse_credit("(本报记者 王五)"), parse_credit("（发言摘登）")
        (['张三', '李四'], ['王五'], None)
    """
    text = text.strip()
    if len(text) < 5 or text[0] not in "（(" or text[-1] not in "）)":
        return None
    inner = text[1:-1].strip()
    found = parse_author_line(re.sub(r"[，,]", " ", inner), strict=False)
    return found[1] if found else None


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
