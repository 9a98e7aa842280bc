"""Newspaper page text -> speeches (bylines, titles, rejoined paragraphs).

A page of speech excerpts (发言摘登) extracted from a PDF arrives as a list of
column lines with the paragraph breaks lost, bylines and titles floating
between bodies, a running header and spacing artifacts. :func:`parse_page`
undoes that in five steps (see ``docs/reading.md`` for the details):

1. **classify lines**: bylines (name + position, parsed with the vocabularies
   in ``lexicons/``), the running header (a line with leading whitespace, or a
   long unpunctuated line ending in 会议/大会…), markers such as （发言摘登）,
   title candidates (short unpunctuated lines) and body lines;
2. **meta groups**: title candidates count as titles only next to a byline,
   at most two lines per speaker; everything else is body;
3. **paragraphs**: inside each body run, a paragraph ends at a line that is short
   for its column (width estimated on the neighbouring lines) and ends in
   sentence punctuation, before an enumeration marker (一是, 一、, （一）, 1.) and
   after an unpunctuated heading;
4. **speeches**: bodies are separated by bylines/titles and, inside a body run,
   where an enumeration restarts (…四是 → 一、); the cut is placed before the
   paragraph that opens the next speech (近年来…, or names an organization);
5. **attribution**: bylines and titles are assigned to bodies by evidence —
   the organization named in the body, the words a title shares with a body,
   adjacency on the page, and elimination — as an optimal assignment.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..._zh import cn_number
from .lines import Line, Paragraph
from .attribution import Group, attribute_bylines, attribute_titles, title_text
from .cleaning import display_width, ends_sentence, join_lines
from ...corpus import Corpus, Document
from ...errors import EmptyInputError, InputTypeError, InvalidArgumentError, LayoutError, describe
from .bylines import Byline, data_lines, parse_bylines, place_of
from ..encoding import read_text

__all__ = ["parse_page", "read_page"]

logger = logging.getLogger(__name__)

#: A title line is at most this wide (Chinese character cells).
MAX_TITLE_WIDTH = 20.0
#: A line at least this many cells narrower than its column is "short".
SHORT_CELLS = 2.0
#: Lines on either side used to estimate the column width of a line.
COLUMN_WINDOW = 6

_NUMERALS = "零一二三四五六七八九十"  # the numerals of enumeration markers on pages
_CLAUSE_PUNCT = re.compile(r"[，。；：！？、,;:!?]")
_LEADING_SPACE = re.compile(r"^[ \t\u3000\u00a0]+\S")
_LETTER_SPACED = re.compile(r"(?:\S\s){3}\S")  # 其 中 民 生 …
_MARKER = re.compile(r"[（(【\[〔]([^（）()【】\[\]〔〕，。；：]{1,12})[）)】\]〕]")
# enumeration markers at the start of a paragraph: (style, rank, is_heading, regex)
_ENUMERATIONS: tuple[tuple[str, int, bool, re.Pattern[str]], ...] = (
    ("一、", 0, True, re.compile(rf"^([{_NUMERALS}]{{1,3}})[、．.]")),
    ("（一）", 1, True, re.compile(rf"^[（(]([{_NUMERALS}]{{1,3}})[）)]")),
    ("一是", 2, False, re.compile(rf"^([{_NUMERALS}]{{1,3}})是")),
    ("第一", 2, False, re.compile(rf"^第([{_NUMERALS}]{{1,3}})[，、,是]")),
    ("1.", 3, True, re.compile(r"^(\d{1,2})[.．、](?!\d)")),
)
_PAIRS = (("“", "”"), ("‘", "’"), ("《", "》"), ("（", "）"), ("(", ")"), ("「", "」"), ("【", "】"))




@functools.lru_cache(maxsize=None)
def _cue(section: str) -> re.Pattern[str]:
    """One alternation of the regular expressions of a section of ``lexicons/page_cues.txt``."""
    patterns: dict[str, list[str]] = {}
    current = None
    for line in data_lines("page_cues.txt"):
        if line.startswith("[") and line.endswith("]"):
            current = patterns.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line.strip())
    return re.compile("|".join(f"(?:{p})" for p in patterns[section]))


def _enumeration(text: str) -> tuple[str, int, bool, int] | None:
    """``(style, rank, is_heading, number)`` of an enumeration marker opening ``text``."""
    for style, rank, heading, pattern in _ENUMERATIONS:
        match = pattern.match(text)
        if match:
            try:
                return style, rank, heading, cn_number(match.group(1)) or 0
            except (ValueError, IndexError):
                return None
    return None


def _balanced(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in _PAIRS)


def _classify(line: Line) -> str:
    text = line.text
    bylines = parse_bylines(text)
    if bylines:
        line.bylines = bylines
        return "byline"
    punctuated = bool(_CLAUSE_PUNCT.search(text))
    if _MARKER.fullmatch(text) and not punctuated:
        return "marker"
    letter_spaced = bool(_LETTER_SPACED.search(text))
    if not punctuated and not letter_spaced and (
        (_LEADING_SPACE.match(line.raw) and line.width >= 6) or (_cue("meeting_end").search(text) and line.width >= 12)
    ):
        return "header"
    if (
        not punctuated
        and line.width <= MAX_TITLE_WIDTH
        and _balanced(text)
        and _enumeration(text) is None
        and not re.search(r"\d", text)
    ):
        return "title"
    return "body"


def _split_lines(text: str) -> list[Line]:
    lines = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text.lstrip("\ufeff")), 1):
        if raw.strip():
            lines.append(Line(number, raw.rstrip()))
    return lines


def _settle_titles(lines: list[Line]) -> None:
    """Keep title candidates only in groups with a byline, at most two lines per speaker."""
    i = 0
    while i < len(lines):
        if lines[i].kind == "body":
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].kind != "body":
            j += 1
        group = lines[i:j]
        speakers = sum(len(line.bylines) for line in group)
        titles = [line for line in group if line.kind == "title"]
        if speakers == 0:
            for line in titles:
                line.kind = "body"
        else:
            while len(titles) > 2 * speakers:
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
        i = j


def _column_widths(run: Sequence[Line]) -> list[float]:
    widths = [line.width for line in run]
    columns = []
    for i in range(len(run)):
        window = sorted(widths[max(0, i - COLUMN_WINDOW) : i + COLUMN_WINDOW + 1])
        columns.append(window[min(len(window) - 1, int(0.75 * len(window)))])
    return columns


def _paragraphs(run: Sequence[Line]) -> list[Paragraph]:
    """Rejoin the wrapped lines of one body run into paragraphs."""
    columns = _column_widths(run)
    paragraphs = [Paragraph([run[0]])]
    for i in range(1, len(run)):
        prev, line, current = run[i - 1], run[i], paragraphs[-1]
        short = prev.width <= columns[i - 1] - SHORT_CELLS
        opener = _enumeration(current.lines[0].text)
        heading = opener is not None and opener[2]
        if _enumeration(line.text) is not None:
            new = True
        elif ends_sentence(prev.text):
            new = short
        elif heading and not _CLAUSE_PUNCT.search(prev.text[-1:]):
            # an unpunctuated heading (一、加强思想引领 …) ends at its first short line
            first = len(current.lines) == 1
            new = prev.width <= columns[i - 1] - (2 * SHORT_CELLS if first else SHORT_CELLS)
        else:
            new = False
        if new:
            paragraphs.append(Paragraph([line]))
        else:
            current.lines.append(line)
    return paragraphs


# -- speeches ----------------------------------------------------------------
def _names_organization(text: str, names: Sequence[str]) -> bool:
    first_clause = re.split(r"[，。；：,]", text, maxsplit=1)[0]
    return any(name in first_clause for name in names)


def _opens_speech(text: str, names: Sequence[str]) -> bool:
    """True for a paragraph that reads like the opening of a speech (近年来…, 天水市政协充分发挥…)."""
    return bool(_cue("opening").match(text)) or _names_organization(text, names)


def _column(paragraph: Paragraph) -> float:
    """The column width of a paragraph: its widest line."""
    return max(line.width for line in paragraph.lines)


def _cut_before_opening(
    speech: list[Paragraph], last_item: int, following: Paragraph, names: Sequence[str]
) -> list[Paragraph]:
    """Remove and return the opening of the next speech from the end of ``speech``.

    ``speech[last_item]`` is its last enumerated paragraph and ``following`` the
    item that restarts the enumeration. The paragraphs between them (the gap)
    end the one speech or open the next. The cut is placed, in order of
    preference: before the first gap paragraph that opens a speech (近年来…, or
    names a byline's organization in its first clause); before a line that does
    so right after a sentence end (the paragraph break was lost); before the
    first gap paragraph whose column width is nearer the next speech's; else
    before the last gap paragraph (speeches on such pages open with a paragraph
    before their first item; after an unpunctuated heading the first gap
    paragraph is the heading's text and stays).
    """
    gap = list(range(last_item + 1, len(speech)))
    for k in gap:
        if _opens_speech(speech[k].text, names):
            return _cut(speech, k)
    for k in range(len(speech) - 1, max(last_item, 0) - 1, -1):
        lines = speech[k].lines
        for j in range(len(lines) - 1, 0, -1):
            if ends_sentence(lines[j - 1].text) and _opens_speech(lines[j].text, names):
                logger.debug("a speech opens inside a paragraph at line %s", lines[j].number)
                return _cut_inside(speech, k, j)
    before, after = _column(speech[last_item]) if last_item >= 0 else None, _column(following)
    if before is not None and abs(before - after) >= 2 * SHORT_CELLS:
        # the column width changes inside a paragraph, after a sentence end
        for k in range(max(last_item, 0), len(speech)):
            lines = speech[k].lines
            for j in range(2, len(lines) - 1):
                if not ends_sentence(lines[j - 1].text):
                    continue
                left = max(line.width for line in lines[max(0, j - 4) : j])
                right = max(line.width for line in lines[j : j + 4])
                if abs(right - after) + SHORT_CELLS <= abs(right - left):
                    logger.debug("the column width changes at line %s", lines[j].number)
                    return _cut_inside(speech, k, j)
    if last_item >= 0 and _is_heading(speech[last_item]):
        gap = gap[1:]
    if not gap:
        return []
    if before is not None:
        for k in gap:
            width = _column(speech[k])
            if abs(width - after) + 1.0 <= abs(width - before):
                return _cut(speech, k)
    return _cut(speech, gap[-1])


def _cut(speech: list[Paragraph], k: int) -> list[Paragraph]:
    """Remove and return paragraphs ``k:`` of ``speech``."""
    moved = speech[k:]
    del speech[k:]
    return moved


def _cut_inside(speech: list[Paragraph], k: int, j: int) -> list[Paragraph]:
    """Remove and return ``speech`` from line ``j`` of paragraph ``k`` on (a paragraph break that was lost)."""
    lines = speech[k].lines
    moved = [Paragraph(lines[j:]), *speech[k + 1 :]]
    del lines[j:]
    del speech[k + 1 :]
    return moved


def _is_heading(paragraph: Paragraph) -> bool:
    marker = _enumeration(paragraph.text)
    return marker is not None and marker[2] and not ends_sentence(paragraph.text)


def _split_speeches(paragraphs: list[Paragraph], names: Sequence[str]) -> list[list[Paragraph]]:
    """Split one body run where an enumeration restarts.

    An item numbered 1 restarts the enumeration when an item numbered 2 or more
    of the same or a lower rank was seen since the last higher-rank heading
    (…四是 → 一是, …五是 → 一、; but 二、 → 一是 is a nested list). An item 1 of a
    style not seen yet also starts a speech when a paragraph before it names a
    byline's organization (…三、 → 天水市政协充分发挥… → 一是).
    """
    speeches: list[list[Paragraph]] = [[]]
    seen: dict[str, int] = {}
    ranks = {style: rank for style, rank, _, _ in _ENUMERATIONS}
    last_item = -1  # index in speeches[-1] of the last enumerated paragraph
    for paragraph in paragraphs:
        current = speeches[-1]
        marker = _enumeration(paragraph.text)
        if marker is None:
            current.append(paragraph)
            continue
        style, rank, _, number = marker
        restart = False
        if number == 1 and any(n >= 2 for n in seen.values()):
            restart = any(n >= 2 and ranks[s] >= rank for s, n in seen.items()) or (
                style not in seen and any(_names_organization(p.text, names) for p in current[last_item + 1 :])
            )
        if restart:
            speeches.append(_cut_before_opening(current, last_item, paragraph, names))
            current = speeches[-1]
            seen = {}
        seen = {s: n for s, n in seen.items() if ranks[s] <= rank}
        seen[style] = number
        current.append(paragraph)
        last_item = len(current) - 1
    return [s for s in speeches if s]


def _page_items(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    """The page in order as ``("body", lines)`` runs and ``("group", lines)`` of bylines/titles.

    A group of only header and marker lines between body lines is dropped: a
    running header inside a column does not end the speech.
    """
    items: list[tuple[str, list[Line]]] = []
    for line in lines:
        kind = "body" if line.kind == "body" else "group"
        if items and items[-1][0] == kind:
            items[-1][1].append(line)
        else:
            items.append((kind, [line]))
    merged: list[tuple[str, list[Line]]] = []
    for k, (kind, chunk) in enumerate(items):
        inside = 0 < k < len(items) - 1
        if kind == "group" and inside and all(line.kind in ("header", "marker") for line in chunk):
            continue
        if merged and merged[-1][0] == kind:
            merged[-1][1].extend(chunk)
        else:
            merged.append((kind, list(chunk)))
    return merged


def _speeches(items: list[tuple[str, list[Line]]], names: Sequence[str]) -> tuple[list[list[Paragraph]], list[Group]]:
    """Paragraphs of every body run, split into speeches; the groups know the speeches next to them.

    A body run that goes on mid-sentence after a group continues the previous speech.
    """
    speeches: list[list[Paragraph]] = []
    groups: list[Group] = []
    for kind, chunk in items:
        if kind == "group":
            groups.append(Group(chunk, before=len(speeches) - 1 if speeches else None))
            continue
        paragraphs = _paragraphs(chunk)
        if speeches and not ends_sentence(speeches[-1][-1].lines[-1].text):
            logger.debug("line %s continues a sentence across a byline", chunk[0].number)
            speeches[-1][-1].lines.extend(paragraphs[0].lines)
            paragraphs = paragraphs[1:]
            if groups and groups[-1].after is None:
                groups[-1].after = len(speeches) - 1
        if paragraphs:
            if groups and groups[-1].after is None:
                groups[-1].after = len(speeches)
            speeches.extend(_split_speeches(paragraphs, names))
    return speeches, groups


def _attribute(
    speeches: list[list[Paragraph]], groups: list[Group]
) -> tuple[list[tuple[Byline, Line, Group] | None], list[Byline]]:
    """Attribute bylines; while a byline is left over, split a speech where a paragraph names its organization."""
    for _ in range(sum(len(line.bylines) for group in groups for line in group.lines) + 1):
        texts = ["\n".join(p.text for p in speech) for speech in speeches]
        speakers, unused = attribute_bylines(groups, texts)
        split = next((found for b in unused if (found := _find_opening(speeches, b)) is not None), None)
        if split is None:
            break
        s, k, j = split
        logger.debug("splitting speech %s at paragraph %s for a byline without a body", s, k)
        moved = _cut_inside(speeches[s], k, j) if j else _cut(speeches[s], k)
        speeches.insert(s + 1, moved)
        for group in groups:  # speeches after s move up one place
            group.before = group.before + 1 if group.before is not None and group.before > s else group.before
            group.after = group.after + 1 if group.after is not None and group.after > s else group.after
    return speakers, unused


def _find_opening(speeches: list[list[Paragraph]], byline: Byline) -> tuple[int, int, int] | None:
    """``(speech, paragraph, line)`` where a speech not naming ``byline``'s organization at its start has a
    paragraph (or a line after a sentence end) that opens with it; None if there is none."""
    names = [n for n in (byline.organization, place_of(byline.organization)) if len(n) >= 2]
    for s, speech in enumerate(speeches):
        if _names_organization(speech[0].text, names):
            continue
        for k, paragraph in enumerate(speech):
            if k and _names_organization(paragraph.text, names):
                return s, k, 0
            lines = paragraph.lines
            for j in range(1, len(lines)):
                if ends_sentence(lines[j - 1].text) and _names_organization(lines[j].text, names):
                    return s, k, j
    return None


# -- public API --------------------------------------------------------------
def parse_page(text: str, *, source: str | None = None, doc_prefix: str = "speech") -> Corpus:
    """Split the text of a newspaper page of speeches into one document per speech.

    Args:
        text: the page as extracted from a PDF (any line endings, with or without
            blank lines between lines).
        source: where the text came from; stored in the corpus metadata.
        doc_prefix: document ids are ``f"{doc_prefix}-01"``, ``-02``… in the
            page order of the speech bodies.

    Returns:
        A :class:`~consensus_nlp.corpus.Corpus` whose documents hold the cleaned
        paragraphs joined with ``"\\n"`` and the metadata ``speaker``, ``position``,
        ``organization``, ``level``, ``title``, ``meeting``, ``paragraphs``,
        ``paragraph_lines`` (1-based ``[first, last]`` source lines of each
        paragraph), ``byline_line`` and ``title_lines``. The corpus metadata
        holds ``meeting``, ``markers`` and ``source``.

    Raises:
        InputTypeError: ``text`` is not a str.
        EmptyInputError: ``text`` holds only whitespace.
        LayoutError: no byline or no body text was found.
    """
    if not isinstance(text, str):
        raise InputTypeError(
            describe("text", text, "is not a str", accepted="the text of a page",
                     todo="Use read_page(path) for a file, or decode bytes first.")
        )
    if not isinstance(doc_prefix, str) or not doc_prefix:
        raise InvalidArgumentError(describe("doc_prefix", doc_prefix, "is not a non-empty str", accepted="e.g. 'speech'"))
    lines = _split_lines(text)
    if not lines:
        raise EmptyInputError(describe("text", text, "holds no text", todo="Check that the page is the one you meant."))
    for line in lines:
        line.kind = _classify(line)
    _settle_titles(lines)

    # name the file rather than quote the text when there is one
    argument, value = ("text", text) if source is None else ("source", source)
    if not any(line.bylines for line in lines):
        raise LayoutError(
            describe(argument, value, "is not a page of speeches: it has no byline",
                     accepted="a page with lines such as '张三 某某县政协党组书记、主席' "
                              "(a 2-4 character name, a space, an organization and a position from lexicons/positions.txt)",
                     todo="To read plain text files as one document each, use Corpus.from_files; on the command line, "
                          "give a folder of .txt files, several .txt files, or a .jsonl/.csv file.")
        )
    meeting = next((line.text for line in lines if line.kind == "header"), None)
    markers = list(dict.fromkeys(_MARKER.fullmatch(line.text).group(1) for line in lines if line.kind == "marker"))

    items = _page_items(lines)
    if not any(kind == "body" for kind, _ in items):
        raise LayoutError(describe(argument, value, "has bylines but no speech text",
                                   accepted="body lines (sentences with punctuation) next to the bylines"))
    names = [n for line in lines for b in line.bylines for n in (b.organization, place_of(b.organization)) if len(n) >= 2]
    speeches, groups = _speeches(items, names)
    speakers, unused = _attribute(speeches, groups)
    texts = ["\n".join(p.text for p in speech) for speech in speeches]
    if unused:
        logger.warning("bylines without a speech body: %s", ", ".join(b.speaker for b in unused))
    titles = attribute_titles(groups, texts, speakers)

    documents = []
    width = max(2, len(str(len(speeches))))
    for s, speech in enumerate(speeches):
        byline = speakers[s][0] if speakers[s] else None
        title = titles[s]
        meta = {
            "speaker": byline.speaker if byline else None,
            "position": byline.position if byline else None,
            "organization": byline.organization if byline else None,
            "level": byline.level if byline else None,
            "title": title_text(title) if title else None,
            "meeting": meeting,
            "paragraphs": [p.text for p in speech],
            "paragraph_lines": [p.span for p in speech],
            "byline_line": speakers[s][1].number if speakers[s] else None,
            "title_lines": [line.number for line in title] if title else [],
        }
        documents.append(Document(f"{doc_prefix}-{s + 1:0{width}d}", texts[s], meta))
    return Corpus(documents, meta={"meeting": meeting, "markers": markers, "source": source})


def read_page(path: str | os.PathLike[str], *, doc_prefix: str = "speech") -> Corpus:
    """Read a newspaper page of speeches from a text file (UTF-8, UTF-8 with BOM or GB18030).

    Args:
        path: the text file of the page.
        doc_prefix: prefix of the document ids (see :func:`parse_page`).

    Returns:
        The speeches as a :class:`~consensus_nlp.corpus.Corpus`; the corpus
        metadata also records ``source`` (the path) and ``encoding``.

    Raises:
        EmptyInputError: the file holds no text.
        EncodingDetectionError: the file is not text in a supported encoding.
        LayoutError: no speech could be found on the page.
    """
    text, encoding = read_text(path)
    corpus = parse_page(text, source=os.fspath(path), doc_prefix=doc_prefix)
    return Corpus(corpus, meta={**corpus.meta, "encoding": encoding})
