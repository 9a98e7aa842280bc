"""Attributing bylines and titles to speech bodies by evidence.

Used by :mod:`consensus_nlp.io.page.reader`; the weights are fields of :class:`~.rules.PageRules`. Each byline is scored against each body
(its organization named in the body, the place named in it, the byline sitting
next to the body) and each title likewise (the phrases it shares with the body,
the title sitting next to the body or right after/before the body's byline);
bylines and titles are then assigned to bodies one to one so that the total
score is highest. Elimination falls out of the assignment: a byline whose
organization no body names (省委党校) gets the body no other byline fits.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .bylines import Byline, place_of
from .lines import Line
from .rules import DEFAULT_RULES, PageRules

__all__ = ["LAYOUT_WEIGHTS", "Group", "assign", "attribute_bylines", "attribute_titles", "title_text"]

logger = logging.getLogger(__name__)


#: The longest phrase looked for (a title set large in a PDF can be a long line: keeps the search linear).
MAX_PHRASE = 32


def _shared_phrases(title: str, body: str) -> list[str]:
    """The title cut, left to right, into the longest pieces (2+ characters) that occur in ``body``.

    Quotation marks and book-title marks count: 在“凝聚”上下功夫 shares 在“凝聚” with 难在“凝聚”.
    """
    pieces = []
    for run in re.findall(r"[\u4e00-\u9fff“”‘’《》]+", title):
        i = 0
        while i < len(run):
            size = next((n for n in range(min(len(run) - i, MAX_PHRASE), 1, -1) if run[i : i + n] in body), 0)
            if size:
                pieces.append(run[i : i + size])
                i += size
            else:
                i += 1
    return pieces


def _overlap(title: str, body: str) -> float:
    """Evidence that ``title`` belongs to ``body``: longer shared phrases count much more (n-1)²."""
    return float(sum((len(p) - 1) ** 2 for p in _shared_phrases(title, body)))


def assign(scores: Sequence[Sequence[float]], rules: PageRules = DEFAULT_RULES) -> list[tuple[int, int]]:
    """Pairs ``(row, column)``, each row and column used at most once, that maximise the total score.

    As many pairs as possible are made (``min(rows, columns)``), so a row that
    scores 0 everywhere still gets the column nothing else wants (elimination).
    Exact dynamic programming over sets of used columns (scipy's solver above
    ``rules.exact_max_columns`` columns); ties are broken the same way on every run.

    Examples:
        >>> assign([[4.5, 0.5], [0.0, 0.5]])
        [(0, 0), (1, 1)]
    """
    rows = len(scores)
    cols = len(scores[0]) if rows else 0
    if not rows or not cols:
        return []
    if cols > rules.exact_max_columns or rows > rules.exact_max_rows:
        from scipy.optimize import linear_sum_assignment

        r, c = linear_sum_assignment([list(row) for row in scores], maximize=True)
        return sorted(zip(r.tolist(), c.tolist()))
    pairs = min(rows, cols)
    # best[mask] = (score, assignment) over the rows seen so far, with the columns in mask used
    best: dict[int, tuple[float, tuple[tuple[int, int], ...]]] = {0: (0.0, ())}
    for r in range(rows):
        step = dict(best)  # row r left unassigned
        for mask, (total, chosen) in best.items():
            for c in range(cols):
                if mask & (1 << c):
                    continue
                key = mask | (1 << c)
                candidate = (total + scores[r][c], (*chosen, (r, c)))
                if key not in step or candidate[0] > step[key][0] + 1e-9:
                    step[key] = candidate
        best = step
    full = [value for mask, value in best.items() if bin(mask).count("1") == pairs]
    top = max(full, key=lambda value: value[0])
    return sorted(top[1])


@dataclass
class Group:
    """A run of non-body lines: bylines, titles, header, markers."""

    lines: list[Line]
    before: int | None = None  # index of the speech ending just before the group
    after: int | None = None  # index of the speech starting just after it

    def title_blocks(self) -> list[list[Line]]:
        """Contiguous runs of title lines (furniture between two title lines, a PDF page break, does not cut a run)."""
        blocks: list[list[Line]] = []
        lines = [line for line in self.lines if line.kind not in ("furniture", "continued")]
        for k, line in enumerate(lines):
            if line.kind == "title":
                if k and lines[k - 1].kind == "title":
                    blocks[-1].append(line)
                else:
                    blocks.append([line])
        return blocks

    def titles(self) -> list[tuple[list[Line], tuple[Line, int] | None, tuple[Line, int] | None]]:
        """Title lines cut into titles of one or two lines, as many as there are speakers if possible.

        Each title comes with ``(byline line, k)`` when its block of titles
        follows a byline line right after it and it is the block's k-th title
        (so the k-th speaker of a shared byline line pairs with the k-th title),
        and likewise, counted from the end, when the block precedes a byline line.
        """
        blocks = self.title_blocks()
        speakers = sum(len(line.bylines) for line in self.lines)
        counts = [math.ceil(len(b) / 2) for b in blocks]
        spare = speakers - sum(counts)
        for k, block in enumerate(blocks):
            extra = max(0, min(spare, len(block) - counts[k]))
            counts[k] += extra
            spare -= extra
        titles = []
        for block, count in zip(blocks, counts):
            pieces = []
            k = 0
            for _ in range(len(block) - count):
                pieces.append(block[k : k + 2])
                k += 2
            pieces.extend([line] for line in block[k:])
            first, last = self.lines.index(block[0]), self.lines.index(block[-1])
            before = self.lines[first - 1] if first > 0 and self.lines[first - 1].bylines else None
            after = self.lines[last + 1] if last + 1 < len(self.lines) and self.lines[last + 1].bylines else None
            for q, piece in enumerate(pieces):
                titles.append((
                    piece,
                    (before, q) if before is not None else None,
                    (after, len(pieces) - 1 - q) if after is not None else None,
                ))
        return titles


def title_text(lines: Sequence[Line]) -> str:
    """Title lines joined with one space, each line's own spacing collapsed to one space."""
    return " ".join(re.sub(r"\s+", " ", line.text) for line in lines)


#: Weights of the layout evidence, in the units of :func:`_overlap` (a shared 3-character phrase = 4):
#: the defaults of ``PageRules.title_*``.
LAYOUT_WEIGHTS = {
    "adjacent": DEFAULT_RULES.title_adjacent,
    "same_group": DEFAULT_RULES.title_same_group,
    "after_byline": DEFAULT_RULES.title_after_byline,
    "before_byline": DEFAULT_RULES.title_before_byline,
}


def _adjacent(group: Group, speech: int) -> bool:
    return speech in (group.before, group.after)


def attribute_bylines(
    groups: list[Group], texts: list[str], rules: PageRules = DEFAULT_RULES
) -> tuple[list[tuple[Byline, Line, Group] | None], list[Byline]]:
    """For each body, ``(byline, its line, its group)`` or None; and the bylines left without a body.

    Evidence (defaults of :class:`~.rules.PageRules`): the organization named in the
    body (3, +1 in its first 80 characters), else its place (1); the byline's group
    touching the body (0.5); the byline attached to the body by grammar (100).
    """
    bylines = [(b, line, g) for g in groups for line in g.lines for b in line.bylines]
    scores = []
    for byline, line, group in bylines:
        place = place_of(byline.organization)
        attached = {"after": group.after, "before": group.before}.get(line.attached or "")
        row = []
        for s, text in enumerate(texts):
            score = rules.byline_adjacent if _adjacent(group, s) else 0.0
            if attached == s:
                score += rules.byline_attached
            if byline.organization and byline.organization in text:
                score += rules.organization_named
                score += rules.organization_early if byline.organization in text[: rules.early_chars] else 0.0
            elif len(place) >= 2 and place in text:
                score += rules.place_named
            row.append(score)
        scores.append(row)
    attributed: list[tuple[Byline, Line, Group] | None] = [None] * len(texts)
    used = set()
    for b, s in assign(scores, rules):
        attributed[s] = bylines[b]
        used.add(b)
    unused = [bylines[b][0] for b in range(len(bylines)) if b not in used]
    return attributed, unused


def attribute_titles(
    groups: list[Group],
    texts: list[str],
    speakers: list[tuple[Byline, Line, Group] | None],
    rules: PageRules = DEFAULT_RULES,
) -> list[list[Line] | None]:
    """For each body, the lines of its title or None.

    Evidence: :func:`_overlap` of title and body, plus :data:`LAYOUT_WEIGHTS`
    (the title's group touches the body; holds the body's byline; the title
    comes right after / right before the body's byline, the k-th title of a
    block going with the k-th speaker of a shared byline line); a title
    attached to the body after it (a PDF title, by font size) adds
    ``byline_attached``.
    """
    titles = [(t, g) for g in groups for t in g.titles()]
    n = len(texts)
    weights = {"adjacent": rules.title_adjacent, "same_group": rules.title_same_group,
               "after_byline": rules.title_after_byline, "before_byline": rules.title_before_byline}
    scores = []
    for (title, below, above), group in titles:
        text = title_text(title)
        attached = group.after if title[0].attached == "after" else None
        row = []
        for s in range(n):
            score = _overlap(text, texts[s]) + (rules.byline_attached if attached == s else 0.0)
            if _adjacent(group, s):
                score += weights["adjacent"]
            if speakers[s] is not None:
                byline, byline_line, byline_group = speakers[s]
                position = (byline_line, byline_line.bylines.index(byline))
                if byline_group is group:
                    score += weights["same_group"]
                if below == position:
                    score += weights["after_byline"]
                if above == position:
                    score += weights["before_byline"]
            row.append(score)
        scores.append(row)
    logger.debug("title scores: %s", scores)
    found: list[list[Line] | None] = [None] * n
    for t, s in assign(scores, rules):
        found[s] = titles[t][0][0]
    return found
