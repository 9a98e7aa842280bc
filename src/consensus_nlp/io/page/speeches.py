"""Body runs -> paragraphs -> speeches, and bylines attributed to them (steps 3-5 of the reader).

See :mod:`consensus_nlp.io.page.reader` and ``docs/reading.md`` for the algorithm.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from .attribution import Group, attribute_bylines
from .bylines import Byline, place_of
from .classify import CLAUSE_PUNCT, ENUMERATIONS, cue, enumeration
from .cleaning import ends_sentence
from .lines import Line, Paragraph
from .rules import PageRules

__all__ = ["attribute", "page_items", "paragraphs", "speeches_of"]

logger = logging.getLogger(__name__)


def _column_widths(run: Sequence[Line], rules: PageRules) -> list[float]:
    widths = [line.width for line in run]
    columns = []
    for i in range(len(run)):
        window = sorted(widths[max(0, i - rules.column_window) : i + rules.column_window + 1])
        columns.append(window[min(len(window) - 1, int(rules.column_quantile * len(window)))])
    return columns


_INDENT = ("\u3000", "  ", "\t")


def paragraphs(run: Sequence[Line], rules: PageRules) -> list[Paragraph]:
    """Rejoin the wrapped lines of one body run into paragraphs (PDF lines: where a line ``opens`` one; text
    lines that all end a sentence, three or more: one paragraph a line, as a paper's website gives them; a text
    line indented with white space after a sentence's end opens one)."""
    if all(line.opens is not None for line in run):
        found = [Paragraph([run[0]])]
        for line in run[1:]:
            if line.opens:
                found.append(Paragraph([line]))
            else:
                found[-1].lines.append(line)
        return found
    if len(run) >= 3 and all(ends_sentence(line.text) for line in run):
        return [Paragraph([line]) for line in run]  # a page from a website: one paragraph a line
    columns = _column_widths(run, rules)
    paragraphs = [Paragraph([run[0]])]
    for i in range(1, len(run)):
        prev, line, current = run[i - 1], run[i], paragraphs[-1]
        short = prev.width <= columns[i - 1] - rules.short_cells
        opener = enumeration(current.lines[0].text)
        heading = opener is not None and opener[2]
        if enumeration(line.text) is not None:
            new = True
        elif ends_sentence(prev.text):
            new = short or line.raw.startswith(_INDENT)  # a website's paragraph indent (　　)
        elif heading and not CLAUSE_PUNCT.search(prev.text[-1:]):
            # an unpunctuated heading (一、加强思想引领 …) ends at its first short line
            first = len(current.lines) == 1
            new = prev.width <= columns[i - 1] - rules.short_cells * (rules.heading_first_line_factor if first else 1.0)
        else:
            new = False
        if new:
            paragraphs.append(Paragraph([line]))
        else:
            current.lines.append(line)
    return paragraphs


# -- speeches ----------------------------------------------------------------
def first_clause(text: str) -> str:
    """``text`` up to its first clause mark (，。；：,)."""
    return re.split(r"[，。；：,]", text, maxsplit=1)[0]


def _names_organization(text: str, names: Sequence[str]) -> bool:
    clause = first_clause(text)
    return any(name in clause for name in names)


def _opens_speech(text: str, names: Sequence[str]) -> bool:
    """True for a paragraph that reads like the opening of a speech (近年来…, 天水市政协充分发挥…)."""
    return bool(cue("opening").match(text)) or _names_organization(text, names)


def _column(paragraph: Paragraph) -> float:
    """The column width of a paragraph: its widest line."""
    return max(line.width for line in paragraph.lines)


def _cut_before_opening(
    speech: list[Paragraph], last_item: int, following: Paragraph, names: Sequence[str], rules: PageRules
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
    if before is not None and abs(before - after) >= rules.width_change_factor * rules.short_cells:
        # the column width changes inside a paragraph, after a sentence end
        for k in range(max(last_item, 0), len(speech)):
            lines = speech[k].lines
            for j in range(2, len(lines) - 1):
                if not ends_sentence(lines[j - 1].text):
                    continue
                left = max(line.width for line in lines[max(0, j - 4) : j])
                right = max(line.width for line in lines[j : j + 4])
                if abs(right - after) + rules.short_cells <= abs(right - left):
                    logger.debug("the column width changes at line %s", lines[j].number)
                    return _cut_inside(speech, k, j)
    if last_item >= 0 and _is_heading(speech[last_item]):
        gap = gap[1:]
    if not gap:
        return []
    if before is not None:
        for k in gap:
            width = _column(speech[k])
            if abs(width - after) + rules.width_margin <= abs(width - before):
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
    marker = enumeration(paragraph.text)
    return marker is not None and marker[2] and not ends_sentence(paragraph.text)


def _split_speeches(paragraphs: list[Paragraph], names: Sequence[str], rules: PageRules) -> list[list[Paragraph]]:
    """Split one body run where an enumeration restarts.

    An item numbered 1 restarts the enumeration when an item numbered 2 or more
    of the same or a lower rank was seen since the last higher-rank heading
    (…四是 → 一是, …五是 → 一、; but 二、 → 一是 is a nested list). An item 1 of a
    style not seen yet also starts a speech when a paragraph before it names a
    byline's organization (…三、 → 天水市政协充分发挥… → 一是).
    """
    speeches: list[list[Paragraph]] = [[]]
    seen: dict[str, int] = {}
    ranks = {style: rank for style, rank, _, _ in ENUMERATIONS}
    last_item = -1  # index in speeches[-1] of the last enumerated paragraph
    for paragraph in paragraphs:
        current = speeches[-1]
        marker = enumeration(paragraph.text)
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
            speeches.append(_cut_before_opening(current, last_item, paragraph, names, rules))
            current = speeches[-1]
            seen = {}
        seen = {s: n for s, n in seen.items() if ranks[s] <= rank}
        seen[style] = number
        current.append(paragraph)
        last_item = len(current) - 1
    return [s for s in speeches if s]


def page_items(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    """The page in order as ``("body", lines)`` runs and ``("group", lines)`` of bylines/titles.

    A group of only header, marker and furniture lines between body lines is dropped: a
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
        if kind == "group" and inside and all(line.kind in ("header", "marker", "furniture") for line in chunk):
            continue
        if merged and merged[-1][0] == kind:
            merged[-1][1].extend(chunk)
        else:
            merged.append((kind, list(chunk)))
    return merged


def speeches_of(
    items: list[tuple[str, list[Line]]], names: Sequence[str], rules: PageRules
) -> tuple[list[list[Paragraph]], list[Group]]:
    """Paragraphs of every body run, split into speeches; the groups know the speeches next to them.

    A body run that goes on mid-sentence after a group continues the previous speech.
    """
    speeches: list[list[Paragraph]] = []
    groups: list[Group] = []
    for kind, chunk in items:
        if kind == "group":
            groups.append(Group(chunk, before=len(speeches) - 1 if speeches else None))
            continue
        found = paragraphs(chunk, rules)
        if speeches and not ends_sentence(speeches[-1][-1].lines[-1].text):
            logger.debug("line %s continues a sentence across a byline", chunk[0].number)
            speeches[-1][-1].lines.extend(found[0].lines)
            found = found[1:]
            if groups and groups[-1].after is None:
                groups[-1].after = len(speeches) - 1
        if found:
            if groups and groups[-1].after is None:
                groups[-1].after = len(speeches)
            speeches.extend(_split_speeches(found, names, rules))
    return speeches, groups


def attribute(
    speeches: list[list[Paragraph]], groups: list[Group], rules: PageRules
) -> tuple[list[tuple[Byline, Line, Group] | None], list[Byline]]:
    """Attribute bylines; while a byline is left over, split a speech where a paragraph names its organization."""
    for _ in range(sum(len(line.bylines) for group in groups for line in group.lines) + 1):
        texts = ["\n".join(p.text for p in speech) for speech in speeches]
        speakers, unused = attribute_bylines(groups, texts, rules)
        search = _OpeningSearch(speeches)  # each paragraph joined once per round, not once per byline
        split = next((found for b in unused if (found := search.find(b)) is not None), None)
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


class _OpeningSearch:
    """Where a speech not naming a byline's organization at its start has a paragraph (or a line after a
    sentence end) that opens with it: ``find(byline) -> (speech, paragraph, line)`` or None.

    The first clause of every paragraph is computed once (joining a paragraph's lines costs its length),
    and the answer once per set of names: a page of n blocks costs O(n) per round, not O(n) per byline.
    """

    def __init__(self, speeches: list[list[Paragraph]]) -> None:
        self.speeches = speeches
        self._clauses: dict[int, str] = {}
        self._found: dict[tuple[str, ...], tuple[int, int, int] | None] = {}

    def _clause(self, paragraph: Paragraph) -> str:
        key = id(paragraph)
        if key not in self._clauses:
            self._clauses[key] = first_clause(paragraph.text)
        return self._clauses[key]

    def find(self, byline: Byline) -> tuple[int, int, int] | None:
        names = tuple(n for n in (byline.organization, place_of(byline.organization)) if len(n) >= 2)
        if names not in self._found:
            self._found[names] = self._search(names)
        return self._found[names]

    def _search(self, names: tuple[str, ...]) -> tuple[int, int, int] | None:
        for s, speech in enumerate(self.speeches):
            if any(name in self._clause(speech[0]) for name in names):
                continue
            for k, paragraph in enumerate(speech):
                if k and any(name in self._clause(paragraph) for name in names):
                    return s, k, 0
                lines = paragraph.lines
                for j in range(1, len(lines)):
                    if ends_sentence(lines[j - 1].text) and _names_organization(lines[j].text, names):
                        return s, k, j
        return None
