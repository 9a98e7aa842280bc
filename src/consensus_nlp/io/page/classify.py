"""Line classes of a page: byline, header, marker, credit, title, body — each with its evidence.

Used by the text reader (:mod:`.reader`), the PDF reader (:mod:`.pdf`) and
:func:`consensus_nlp.explain_page`. Every decision records a short sentence of
evidence on the line (``Line.evidence``), so that a user can read why a line
went where it went.
"""

from __future__ import annotations

import dataclasses
import re

from ..._zh import cn_number
from .bylines import (
    Byline,
    parse_author_line,
    parse_author_note,
    parse_bylines,
    parse_credit,
    parse_name_line,
    parse_statement,
)
from .cleaning import ends_sentence
from .cues import cue
from .furniture import furniture_of
from .lines import Line
from .rules import PageRules

__all__ = [
    "CLAUSE_PUNCT",
    "DASH_MARKER",
    "ENUMERATIONS",
    "MARKER",
    "classify",
    "cue",
    "enumeration",
    "join_wrapped_bylines",
    "merge_author_bylines",
    "settle_titles",
    "opens_with_dateline",
    "split_openings",
]

_NUMERALS = "零一二三四五六七八九十"  # the numerals of enumeration markers on pages
CLAUSE_PUNCT = re.compile(r"[，。；：！？、,;:!?]")
_LEADING_SPACE = re.compile(r"^[ \t\u3000\u00a0]+\S")
_LETTER_SPACED = re.compile(r"(?:\S\s){3}\S")  # 其 中 民 生 …
MARKER = re.compile(r"[（(【\[〔]([^（）()【】\[\]〔〕，。；：]{1,12})[）)】\]〕]")
DASH_MARKER = re.compile(r"[—－-]{1,2}\s*([^，。；：！？、\s]{2,12})")
# enumeration markers at the start of a paragraph: (style, rank, is_heading, regex)
ENUMERATIONS: tuple[tuple[str, int, bool, re.Pattern[str]], ...] = (
    ("一、", 0, True, re.compile(rf"^([{_NUMERALS}]{{1,3}})[、．.]")),
    ("（一）", 1, True, re.compile(rf"^[（(]([{_NUMERALS}]{{1,3}})[）)]")),
    ("一是", 2, False, re.compile(rf"^([{_NUMERALS}]{{1,3}})是")),
    ("第一", 2, False, re.compile(rf"^第([{_NUMERALS}]{{1,3}})[，、,是]")),
    ("1.", 3, True, re.compile(r"^(\d{1,2})[.．、](?!\d)")),
)
_PAIRS = (("“", "”"), ("‘", "’"), ("《", "》"), ("（", "）"), ("(", ")"), ("「", "」"), ("【", "】"))


def opens_with_dateline(text: str) -> bool:
    """True for a text that opens with a dateline (``新华社北京3月8日电``, ``本报讯``), spaced digits too
    (``新华社兰州 3 月 10 日电``: producers set a space between Latin digits and Chinese characters)."""
    return bool(cue("dateline").match("".join(text.split())))


def enumeration(text: str) -> tuple[str, int, bool, int] | None:
    """``(style, rank, is_heading, number)`` of an enumeration marker opening ``text``."""
    for style, rank, heading, pattern in ENUMERATIONS:
        match = pattern.match(text)
        if match:
            try:
                return style, rank, heading, cn_number(match.group(1)) or 0
            except (ValueError, IndexError):
                return None
    return None


def _balanced(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in _PAIRS)


def classify(line: Line, rules: PageRules) -> tuple[str, str]:
    """``(kind, evidence)`` of one text line; sets ``line.bylines`` for a byline."""
    text = line.text
    note = parse_author_note(text)
    if note is not None:
        line.bylines, line.attached = [note], "before"
        return "byline", f"author note: position {note.position} ({note.organization} + a role); closes the body before it"
    named = parse_name_line(text)
    if named is not None:
        line.bylines, line.attached = [named], "after"
        return "byline", f"author's name {named.speaker} after a mark; opens the body after it"
    bylines = parse_bylines(text)
    if bylines:
        line.bylines = bylines
        return "byline", "; ".join(f"name {b.speaker} + position {b.position} ({b.organization} + a role)" for b in bylines)
    if parse_credit(text) is not None:
        return "credit", "reporter credit (记者 + names in brackets)"
    author = parse_author_line(text)
    if author is not None:
        return "author", f"author line: {'、'.join(author[0])} + {', '.join(author[1])}"
    furniture = furniture_of(text)
    if furniture is not None:
        return "furniture", f"{furniture}: the whole line reads like [furniture:{furniture}] of lexicons/page_cues.txt"
    punctuated = bool(CLAUSE_PUNCT.search(text))
    if MARKER.fullmatch(text) and not punctuated:
        return "marker", "a short bracketed line"
    if DASH_MARKER.fullmatch(text) and not punctuated:
        return "marker", "a short line opening with a dash (a banner's subtitle: ——发言摘登)"
    letter_spaced = bool(_LETTER_SPACED.search(text))
    if not punctuated and not letter_spaced:
        if _LEADING_SPACE.match(line.raw) and line.width >= rules.header_min_width:
            return "header", f"leading space, no punctuation, width {line.width:g} >= {rules.header_min_width:g}"
        if cue("meeting_end").search(text) and line.width >= rules.meeting_min_width:
            return "header", f"ends like a meeting name, width {line.width:g} >= {rules.meeting_min_width:g}"
    if (
        not punctuated
        and line.width <= rules.max_title_width
        and _balanced(text)
        and enumeration(text) is None
        and not re.search(r"\d", text)
    ):
        return "title", f"no punctuation, width {line.width:g} <= {rules.max_title_width:g}"
    if punctuated:
        return "body", "has clause punctuation"
    return "body", f"width {line.width:g} > {rules.max_title_width:g}, digits, an enumeration marker or unbalanced quotes"


def join_wrapped_bylines(lines: list[Line], body: float | None = None) -> None:
    """A byline wrapped over two lines (``韩志 通渭县政协党组副书记、`` / ``副主席``) is read as one.

    Two neighbouring lines, neither a byline, whose texts joined (without a space, or with
    one: a name alone above its position) read as a byline become one byline line; the
    second keeps its place with no byline of its own. PDF lines must stand in one column,
    one under the other (``body``: the body font size).
    """
    for k in range(len(lines) - 1):
        first, second = lines[k], lines[k + 1]
        bare = second.kind == "byline" and len(second.bylines) == 1 and not second.bylines[0].position  # 副主席 alone
        if first.kind in ("byline", "furniture", "header") or (second.kind in ("byline", "furniture", "header") and not bare):
            continue
        if len(first.text) + len(second.text) > 60 or ends_sentence(first.text):
            continue
        if first.box is not None and (second.box is None or second.box[0] != first.box[0]
                                      or second.box[2] - first.box[4] > (body or 10.0)
                                      or min(first.box[3], second.box[3]) - max(first.box[1], second.box[1])
                                      < 0.5 * (second.box[3] - second.box[1])):  # one under the other
            continue
        for sep in ("", " "):
            joined = first.text + sep + second.text
            author = parse_author_line(joined) if first.kind in ("body", "author") and (second.kind == "body" or bare) else None
            if author is not None:  # an article's author line wrapped (本报记者 张三 李 / 四)
                first.raw, first.kind = joined, "author"
                first.evidence = f"author line: {'、'.join(author[0])} + {', '.join(author[1])} (wrapped: goes on in line {second.number})"
                second.kind, second.bylines, second.attached = "continued", [], None
                second.evidence = f"the end of the author line above (line {first.number})"
                break
            found = parse_bylines(joined)
            if found:
                first.raw, first.kind, first.bylines = first.text + sep + second.text, "byline", found
                first.evidence = "; ".join(f"name {b.speaker} + position {b.position}" for b in found) + (
                    f" (wrapped: goes on in the next line {second.number})")
                second.kind, second.bylines, second.attached = "byline", [], None
                second.evidence = f"the end of the byline above (line {first.number})"
                break


def split_openings(lines: list[Line]) -> list[Line]:
    """Split statement openings and trailing reporter credits off their lines.

    ``全国政协委员杨戌标：建议…`` gives a byline line ``全国政协委员杨戌标：`` attached to
    the body after it and a body line ``建议…``; ``…发展。（记者 张三 李四）`` gives the
    body line and a credit line. Both parts keep the line's number.
    """
    out: list[Line] = []
    for line in lines:
        found = parse_statement(line.text)
        if found is not None:
            byline, cut = found
            start = line.raw.index(line.text) + cut
            evidence = f"opens a statement: {byline.position} + name {byline.speaker} + '：'"
            out.append(dataclasses.replace(line, raw=line.raw[:start], kind="byline", bylines=[byline],
                                           attached="after", evidence=evidence))
            rest = line.raw[start:]
            if not rest.strip():
                continue
            line = dataclasses.replace(line, raw=rest, evidence="the text of a statement, after its opening")
        credit = _trailing_credit(line.raw)
        if credit is not None and credit > 0:
            out.append(dataclasses.replace(line, raw=line.raw[:credit]))
            out.append(dataclasses.replace(line, raw=line.raw[credit:], kind="credit",
                                           evidence="reporter credit at the end of a body line"))
        else:
            out.append(line)
    return out


def _trailing_credit(raw: str) -> int | None:
    """Where a reporter credit in brackets starts at the end of ``raw`` (after a sentence end), or None."""
    text = raw.rstrip()
    if not text.endswith(("）", ")")):
        return None
    start = max(text.rfind("（"), text.rfind("("))
    if start <= 0 or parse_credit(text[start:]) is None:
        return None
    return start


def settle_titles(lines: list[Line], rules: PageRules) -> None:
    """Keep title candidates only in groups with a byline, at most ``titles_per_speaker`` lines per speaker.

    PDF lines (with a font size) are left alone: their titles were found by font size.
    """
    if lines and lines[0].size is not None:
        return
    i = 0
    while i < len(lines):
        if lines[i].kind == "body":
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].kind != "body":
            j += 1
        group = lines[i:j]
        # speakers: bylines, and the authors of articles (an author line, or a dateline opening the body after)
        speakers = sum(len(line.bylines) + (line.kind == "author") for line in group)
        speakers += j < len(lines) and opens_with_dateline(lines[j].text)
        titles = [line for line in group if line.kind == "title"]
        if speakers == 0:
            for line in titles:
                line.kind, line.evidence = "body", "title candidate, but no byline in its group"
        else:
            while len(titles) > rules.titles_per_speaker * speakers:
                # drop the outermost title next to body text, the trailing one first
                after = lines[j] if j < len(lines) else None
                before = lines[i - 1] if i > 0 else None
                if after is not None and after.kind == "body" and group[-1] is titles[-1]:
                    drop = titles.pop()
                    group.pop()
                elif before is not None and before.kind == "body" and group[0] is titles[0]:
                    drop = titles.pop(0)
                    group.pop(0)
                else:
                    drop = titles.pop()
                drop.kind = "body"
                drop.evidence = f"title candidate, but its group has more than {rules.titles_per_speaker} per speaker"
        i = j


def merge_author_bylines(groups) -> None:
    """Give an author note (``（作者系…）``, position only) the name of the article it closes.

    The name stands in a name line (``□ 张三``) in the group that opens the same body;
    the note's byline becomes ``name + position`` and the name line keeps no byline of
    its own (its evidence says where it went).
    """
    for group in groups:
        for line in group.lines:
            if line.attached != "before" or not line.bylines or line.bylines[0].speaker or group.before is None:
                continue
            for other in groups:
                if other.after != group.before:
                    continue
                named = next((x for x in other.lines if x.attached == "after" and x.bylines and not x.bylines[0].position), None)
                if named is not None:
                    note = line.bylines[0]
                    line.bylines = [Byline(named.bylines[0].speaker, note.position, note.organization, note.level)]
                    named.bylines, named.partner = [], line
                    named.evidence += f"; merged with the author note on line {line.number}"
                    break
