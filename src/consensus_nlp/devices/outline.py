"""Outlines: the enumerations that structure a speech or a report (一是…二是…, 一要…二要…, 一、二、, （一）…).

How it decides (docs/devices.md has the full rules and examples):

1. Candidates are found by one regular expression over the text, one family per
   marker kind. 一、/1./1、 count only at the start of a paragraph; the other
   families may stand inside a paragraph, but only after a boundary (text start,
   whitespace or punctuation), so 统一是, 之一是, 唯一是 are not markers.
   Further vetoes: 一是一、二是二 (the numeral repeated), 一、二月份 (the next
   numeral after 一、, then 、月年日号; 一、一年来 is a marker), 第一次/第二届/
   第一书记 (第N must be followed by ，、：), 首先/其次 must be followed by ，：是 or 要.
2. Candidates are read left to right with a stack of open lists. A candidate
   continues the innermost open list of its family whose last ordinal is one
   less (ties broken by placement: paragraph heading, paragraph lead or
   in-sentence). Ordinal 1 opens a new list: nested inside the current item, or
   replacing the innermost open list when that has the same family and
   placement (so 一是…一是… starts over). A new list does not nest in an
   in-sentence item of an earlier paragraph (that item has ended), nor in an open
   list of its own family laid out less prominently (heading > lead > in-sentence),
   which it closes instead. A marker of another family may continue the innermost
   open list whose last ordinal is one less (首先要…二是…十是, 1995): mixed lists,
   both at paragraph starts or both within one paragraph. Any other ordinal is dropped.
3. A list counts only when it has at least two items; the level of an item is
   one plus the number of counted lists it is nested in.

Each candidate is looked at a bounded number of times (the stack is at most
``_MAX_DEPTH`` deep), so the whole pass is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .common import CIRCLED, FULLWIDTH_DIGITS, Layout, check_text, cn_number, StopFinder, rules

__all__ = ["OutlineItem", "outline"]

_MAX_DEPTH = 6
_LAST = -1  # ordinal of 最后 before it is attached to a list
_NUM = "[一二三四五六七八九十]{1,3}"

# the look-ahead on the first character lets the engine skip most positions at once (10x faster)
_FIRST = "一二三四五六七八九十（(第首其再最另0-9０-９" + CIRCLED
_PATTERN = re.compile(
    rf"(?=[{_FIRST}])"
    rf"(?:(?P<shi>{_NUM})是"
    rf"|(?P<yao>{_NUM})要(?!求|素|点|件|害|务|闻|道|员|职|紧|案|领)"
    rf"|(?P<kao>{_NUM})靠(?!近)"
    rf"|(?P<ze>{_NUM})则(?!以)"
    r"|(?P<fangmian>另一方面|一方面)"
    rf"|(?P<qi>其{_NUM})(?=[，,、：:是])"
    rf"|(?P<dun>{_NUM})、"
    rf"|(?P<paren>[（(]{_NUM}[）)])"
    rf"|(?P<di>第{_NUM})(?=[，,、：:])"
    r"|(?P<seq>首先|其次|再次|最后)(?=[，,：:是要])"
    r"|(?P<adot>[0-9０-９]{1,2})(?:[.．、](?![0-9０-９]))"
    r"|(?P<aparen>[（(][0-9０-９]{1,2}[）)])"
    rf"|(?P<circ>[{CIRCLED}]))"
)
_SEQ_ORDINAL = {"首先": 1, "其次": 2, "再次": 3, "最后": _LAST}
# how a list is laid out, from the most to the least prominent
_RANK = {"heading": 2, "lead": 1, "inline": 0}
# families that count only at the start of a paragraph
_PARA_ONLY = {"dun", "adot"}


class OutlineItem(NamedTuple):
    """One item of an enumeration.

    Attributes:
        level: 1 for the top level, 2 for an item nested in a level-1 item, ...
        marker: the marker as written (``"一是"``, ``"一要"``, ``"一靠"``, ``"一则"``, ``"一方面"``,
            ``"另一方面"``, ``"其一"``, ``"一、"``, ``"（一）"``, ``"第一"``, ``"首先"``, ``"1."``, ``"①"``).
        ordinal: position in its list (1, 2, ...).
        headline: the item's lead clause: from after the marker to the first 。！？；： outside
            quotation marks, or to the end of the paragraph (a heading) or of the item.
        start: offset of the marker.
        end: end of the item's content (before the next item of its list, the end of
            its section, or — for the last item of a list — see docs/devices.md).
        family: the marker family (``"shi"`` 一是, ``"yao"`` 一要, ``"kao"`` 一靠, ``"ze"`` 一则,
            ``"fangmian"`` 一方面…另一方面, ``"qi"`` 其一, ``"dun"`` 一、, ``"paren"`` （一）,
            ``"di"`` 第一, ``"seq"`` 首先, ``"adot"`` 1., ``"aparen"`` （1）, ``"circ"`` ①).
            In a mixed list (首先要…二是…三是) each item keeps the family of its own marker.
        list_index: which list of the text the item belongs to (0, 1, … in order of the
            lists' first items; -1 for an item built by hand).
    """

    level: int
    marker: str
    ordinal: int
    headline: str
    start: int
    end: int
    family: str = ""
    list_index: int = -1


@dataclass
class _Cand:
    family: str
    ordinal: int
    start: int
    marker_end: int  # end of the marker text
    content_start: int  # after the marker and its punctuation
    marker: str
    shape: str  # "heading", "lead" (paragraph start) or "inline"
    para: int = 0  # index of the paragraph the marker stands in


@dataclass
class _List:
    family: str
    shape: str
    parent: tuple[int, int] | None
    items: list[_Cand] = field(default_factory=list)
    closed_at: int | None = None
    finished: bool = False
    families: set[str] = field(default_factory=set)  # more than one in a mixed list (首先…二是…三是)

    def __post_init__(self) -> None:
        self.families.add(self.family)

    @property
    def last(self) -> int:
        return self.items[-1].ordinal


def _boundary_before(text: str, pos: int, boundary: str) -> bool:
    if pos == 0:
        return True
    c = text[pos - 1]
    return c.isspace() or c in boundary


def _shape(text: str, layout: Layout, start: int) -> str:
    if not layout.is_para_start(start):
        return "inline"
    end = layout.para_end(start)
    enders = "。！？!?；;"
    body = text[start:end].rstrip("。！？!?；;")
    if end - start <= 60 and not any(c in enders for c in body):
        return "heading"
    return "lead"


_REPEATABLE = {"shi", "fangmian"}
# families whose items may continue a list opened by another of them (首先…二是…十是, 1995;
# 首先，…其次，…第三，…第七， 1991); headings (一、 1. （1） ①) never mix
_MIXABLE = {"shi", "yao", "kao", "ze", "qi", "di", "seq", "fangmian", "paren"}


def _repeated_first(out: list[_Cand], family: str, ordinal: int | None, s: int, layout: Layout, text: str) -> int | None:
    """一是…，一是… and 一方面…，一方面… in one sentence: the repeated first marker counts on (2, 3, …)."""
    if ordinal != 1 or family not in _REPEATABLE:
        return ordinal
    prev = next((c for c in reversed(out[-8:]) if c.family == family), None)
    if prev is None or prev.para != layout.para_index(s) or not prev.marker.startswith(("一", "另一")) \
            or prev.marker.startswith("另") or any(ch in "。！？!?" for ch in text[prev.start:s]) or s - prev.start > 300:
        return ordinal
    return prev.ordinal + 1


def _candidates(text: str, layout: Layout) -> list[_Cand]:
    boundary = rules()["boundary_chars"]["chars"]
    out: list[_Cand] = []
    for m in _PATTERN.finditer(text):
        family = m.lastgroup
        assert family is not None
        s = m.start()
        raw = m.group(family)
        para_start = layout.is_para_start(s)
        # 一、 inside a paragraph only in a run after a colon or semicolon (报告分六个部分：一、…；二、…)
        if family in _PARA_ONLY and not para_start and not (family == "dun" and s > 0 and text[s - 1] in "：:；;"):
            continue
        if not para_start and not _boundary_before(text, s, boundary):
            continue
        nxt = text[m.end(): m.end() + 2]
        if family in ("shi", "yao", "kao", "ze"):
            ordinal = cn_number(raw)
            # 一是一、二是二: the numeral repeated right after 是 and then a boundary
            if nxt[:len(raw)] == raw and (len(text) <= m.end() + len(raw) or text[m.end() + len(raw)] in boundary + "\n"):
                continue
        elif family == "dun":
            ordinal = cn_number(raw)
            # 一、二月份 / 一、二、三产业 / 十一、十二月: the next numeral right after the marker
            # (一、一年来工作回顾 is a heading: 一 does not follow 一)
            k = m.end()
            while k < len(text) and k - m.end() < 3 and text[k] in "一二两三四五六七八九十":
                k += 1
            following = cn_number(text[m.end():k].replace("两", "二"))
            if following is not None and ordinal is not None and following == ordinal + 1 \
                    and k < len(text) and text[k] in "、月年日号":
                continue
        elif family == "paren":
            ordinal = cn_number(raw[1:-1])
        elif family == "di":
            ordinal = cn_number(raw[1:])
            if nxt[:1] == "、" and text[m.end() + 1: m.end() + 2] == "第":
                continue  # 第一、第二产业
        elif family == "seq":
            ordinal = _SEQ_ORDINAL[raw]
        elif family == "fangmian":
            ordinal = 2 if raw.startswith("另") else 1
        elif family == "qi":
            ordinal = cn_number(raw[1:])
        elif family == "adot":
            ordinal = int(raw.translate(FULLWIDTH_DIGITS))
        elif family == "aparen":
            ordinal = int(raw[1:-1].translate(FULLWIDTH_DIGITS))
        else:  # circ
            ordinal = CIRCLED.index(raw) + 1
        if ordinal is None or ordinal == 0:
            continue
        ordinal = _repeated_first(out, family, ordinal, s, layout, text)
        marker = m.group(0)
        content = m.end()
        while content < len(text) and text[content] in "，,、：: \t\u3000":
            content += 1
        out.append(_Cand(family, ordinal, s, m.end(), content, marker, _shape(text, layout, s),
                         layout.para_index(s)))
    return out


def _build_lists(cands: list[_Cand]) -> list[_List]:
    lists: list[_List] = []
    stack: list[int] = []

    def close_above(depth: int, at: int) -> None:
        while len(stack) > depth + 1:
            lists[stack.pop()].closed_at = at

    for c in cands:
        matches = []
        for depth in range(len(stack) - 1, -1, -1):
            lst = lists[stack[depth]]
            if c.family not in lst.families or lst.finished:
                continue
            if c.ordinal == lst.last + 1 or (c.ordinal == _LAST and lst.last >= 2):
                matches.append(depth)
        if not matches:
            mixed = _mixed_match(c, lists, stack)
            if mixed is not None:
                matches.append(mixed)
                lists[stack[mixed]].families.add(c.family)
        if matches:
            same = [d for d in matches if lists[stack[d]].shape == c.shape]
            depth = (same or matches)[0]
            close_above(depth, c.start)
            lst = lists[stack[depth]]
            if c.ordinal == _LAST:
                c.ordinal = lst.last + 1
                lst.finished = True
            lst.items.append(c)
            continue
        if c.ordinal != 1:
            continue
        # a new list does not nest in an item that has already ended: an in-sentence item ends
        # with its paragraph ((１)…(５) in a preview sentence, then the 一、 headings)
        while stack:
            top = lists[stack[-1]]
            if top.shape != "inline" or top.items[-1].para == c.para:
                break
            top.closed_at = c.start
            stack.pop()
        # nor does it nest in an open list of its own family laid out less prominently (一、
        # headings after five 一、…。 principles laid out as paragraph leads), and it replaces an
        # innermost list of its own family and layout (一是…一是… starts over)
        for depth in range(len(stack) - 1, -1, -1):
            lst = lists[stack[depth]]
            if lst.family == c.family and (_RANK[lst.shape] < _RANK[c.shape]
                                           or (depth == len(stack) - 1 and lst.shape == c.shape)):
                while len(stack) > depth:
                    lists[stack.pop()].closed_at = c.start
                break
        if len(stack) >= _MAX_DEPTH:
            continue
        parent = (stack[-1], len(lists[stack[-1]].items) - 1) if stack else None
        lists.append(_List(c.family, c.shape, parent, [c]))
        stack.append(len(lists) - 1)
    return lists


def _mixed_match(c: _Cand, lists: list[_List], stack: list[int]) -> int | None:
    """The depth of the innermost open list of another family that ``c`` continues, if any.

    A marker of one family continues a list opened by another (首先要…二是…三是) when
    both are mixable, its ordinal is the list's last plus one (never 1: a first item
    opens a list), and both stand at the start of a paragraph or both in one paragraph;
    a finished 一方面…另一方面 pair takes no third item.
    """
    if c.family not in _MIXABLE or c.ordinal == _LAST or c.ordinal < 2:
        return None
    for depth in range(len(stack) - 1, -1, -1):
        lst = lists[stack[depth]]
        last = lst.items[-1]
        if lst.finished or not lst.families <= _MIXABLE or c.ordinal != lst.last + 1:
            continue
        # both at a paragraph start (a lead 首先，… then short 第二，… paragraphs, 1955), or both in one paragraph
        if (last.shape == "inline") != (c.shape == "inline") or (c.shape == "inline" and last.para != c.para):
            continue
        if last.family == "fangmian" and last.marker.startswith("另"):
            continue
        return depth
    return None


def _rstrip_end(text: str, start: int, end: int, extra: str = "") -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in extra):
        end -= 1
    return end


def outline(text: str) -> list[OutlineItem]:
    """Find the enumerations of a text and return their items in text order.

    Examples:
        >>> [(i.level, i.marker, i.headline) for i in outline("一是加强学习，二是深入调研。")]
        [(1, '一是', '加强学习'), (1, '二是', '深入调研')]

    Args:
        text: one document's text (paragraphs separated by ``"\\n"``).

    Returns:
        The items of every list with at least two consecutive items, sorted by
        ``start``; ``text[item.start:item.end]`` is the item (marker included).

    Raises:
        InputTypeError: if ``text`` is not a str.
    """
    check_text(text)
    if not text:
        return []
    layout = Layout.of(text)
    lists = _build_lists(_candidates(text, layout))
    valid = [len(lst.items) >= 2 for lst in lists]
    stops = rules()["headline_stop_chars"]["chars"]
    enders = rules()["sentence_end_chars"]["chars"]
    stop_finder, end_finder = StopFinder(text, stops), StopFinder(text, enders)

    def level_of(idx: int) -> int:
        level = 1
        parent = lists[idx].parent
        while parent is not None:
            if valid[parent[0]]:
                level += 1
            parent = lists[parent[0]].parent
        return level

    result: list[OutlineItem] = []
    for idx, lst in enumerate(lists):
        if not valid[idx]:
            continue
        level = level_of(idx)
        items = lst.items
        limit = len(text) if lst.closed_at is None else lst.closed_at
        ends = []
        for k, c in enumerate(items):
            if k + 1 < len(items):
                ends.append(items[k + 1].start)
                continue
            if lst.shape == "heading":
                ends.append(limit)
            elif lst.shape == "lead":
                multi = any(layout.para_index(items[j + 1].start) - layout.para_index(items[j].start) > 1
                            for j in range(len(items) - 1))
                ends.append(limit if multi else min(limit, layout.para_end(c.start)))
            else:
                para_end = layout.para_end(c.start)
                one_sentence = not any(ch in enders for ch in text[items[0].start:c.start])
                if one_sentence:
                    stop = end_finder.find(c.content_start, para_end)
                    ends.append(min(limit, stop + 1 if stop < para_end else para_end))
                else:
                    ends.append(min(limit, para_end))
        for c, e in zip(items, ends):
            extra = "，,、；;" if lst.shape == "inline" else ""
            e = _rstrip_end(text, c.start, e, extra)
            e = max(e, c.marker_end)
            h_end = stop_finder.find(c.content_start, e)
            h_end = _rstrip_end(text, c.content_start, h_end, "，,、")
            headline = text[c.content_start:h_end] if h_end > c.content_start else ""
            result.append(OutlineItem(level, c.marker, c.ordinal, headline, c.start, e, c.family, idx))
    result.sort(key=lambda i: (i.start, i.level))
    numbers = {k: n for n, k in enumerate(sorted({it.list_index for it in result},
                                                  key=lambda k: lists[k].items[0].start))}
    return [it._replace(list_index=numbers[it.list_index]) for it in result]


def outline_lists(items: list[OutlineItem]) -> list[list[OutlineItem]]:
    """Group outline items (as returned by :func:`outline`) back into their lists, ordered by first item.

    Items that carry their ``list_index`` are grouped by it (a mixed list 首先…二是…三是 is one
    list); items built by hand without it (``list_index == -1``) by level, family and ordinal.
    """
    if items and all(it.list_index >= 0 for it in items):
        grouped: dict[int, list[OutlineItem]] = {}
        for it in items:
            grouped.setdefault(it.list_index, []).append(it)
        return [grouped[k] for k in sorted(grouped, key=lambda k: grouped[k][0].start)]
    lists: list[list[OutlineItem]] = []
    open_: dict[tuple[int, str], list[OutlineItem]] = {}
    for it in items:
        key = (it.level, it.family)
        cur = open_.get(key)
        if cur is not None and it.ordinal == cur[-1].ordinal + 1:
            cur.append(it)
            continue
        cur = [it]
        lists.append(cur)
        open_[key] = cur
        # a new list closes the deeper open lists
        for k in [k for k in open_ if k[0] > it.level]:
            del open_[k]
    return lists
