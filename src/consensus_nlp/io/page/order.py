"""Reading order from white space: a recursive XY-cut of a page's pieces of text.

A region of the page is cut, in this order of preference:

1. at **vertical gutters** that run through the whole region (a strip at least
   ``PageRules.column_gap`` body sizes wide that no piece of text crosses): the parts
   are read left to right (columns, or blocks of columns under their own titles);
2. else at the **first horizontal gap** (a strip at least ``PageRules.band_gap`` body
   sizes high that no piece crosses): the band above is read before the rest (a
   banner and its subtitle above the columns, one article above the next).

Vertical cuts come first because the lines of neighbouring columns often sit on
one baseline grid, where a horizontal cut would read the page row by row; the
horizontal cut takes only the first band, so a paragraph gap that happens to
line up across columns does not cut the columns into bands. A region that
cannot be cut is a leaf, read by the column model of :mod:`.pdf` (a byline that
runs over a gutter stays in the column it starts in). Nothing here depends on how
the PDF was produced: only on where its characters stand.

:func:`find_columns` finds the columns of a page (the column model of a leaf) from
how many lines cover each point of its width.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

__all__ = ["find_columns", "xy_cut"]


class _Box(Protocol):
    @property
    def x0(self) -> float: ...
    @property
    def x1(self) -> float: ...
    @property
    def top(self) -> float: ...
    @property
    def bottom(self) -> float: ...


B = TypeVar("B", bound=_Box)


def _vertical(pieces: Sequence[B], gap: float, extent: Callable[[B], tuple[float, float]]) -> list[list[B]]:
    order = sorted(pieces, key=lambda p: (extent(p)[0], p.top))
    parts = [[order[0]]]
    reach = extent(order[0])[1]
    for piece in order[1:]:
        x0, x1 = extent(piece)
        if x0 - reach >= gap:
            parts.append([piece])
        else:
            parts[-1].append(piece)
        reach = max(reach, x1)
    return parts


def _first_band(pieces: Sequence[B], gap: float) -> list[list[B]]:
    order = sorted(pieces, key=lambda p: (p.top, p.x0))
    reach = order[0].bottom
    for i in range(1, len(order)):
        if order[i].top - reach >= gap:
            return [order[:i], order[i:]]
        reach = max(reach, order[i].bottom)
    return [list(pieces)]


def _box_extent(piece: _Box) -> tuple[float, float]:
    return piece.x0, piece.x1


def xy_cut(pieces: Sequence[B], *, column_gap: float, band_gap: float,
           extent: Callable[[B], tuple[float, float]] = _box_extent) -> list[list[B]]:
    """The leaves of the XY-cut of ``pieces`` in reading order (gaps in PDF points; ``extent`` gives a
    piece's x extent, by default ``(x0, x1)``).

    Examples:
        >>> from collections import namedtuple
        >>> P = namedtuple("P", "name x0 x1 top bottom")
        >>> banner = P("banner", 0, 300, 0, 20)
        >>> left = [P(f"L{i}", 0, 140, 40 + 12 * i, 50 + 12 * i) for i in range(3)]
        >>> right = [P(f"R{i}", 160, 300, 40 + 12 * i, 50 + 12 * i) for i in range(3)]
        >>> [[p.name for p in leaf] for leaf in xy_cut([*right, banner, *left], column_gap=10, band_gap=10)]
        [['banner'], ['L0', 'L1', 'L2'], ['R0', 'R1', 'R2']]
    """
    if len(pieces) <= 1:
        return [list(pieces)] if pieces else []
    leaves: list[list[B]] = []
    stack = [list(pieces)]
    while stack:  # depth first, left before right, top before bottom
        region = stack.pop()
        parts = _vertical(region, column_gap, extent) if len(region) > 1 else [region]
        if len(parts) == 1 and len(region) > 1:
            parts = _first_band(region, band_gap)
        if len(parts) == 1:
            leaves.append(region)
        else:
            stack.extend(reversed(parts))
    return leaves


def find_columns(spans: Sequence[tuple[int, int]], *, gap: float) -> list[tuple[float, float]]:
    """x extents of the columns of a page from the x extents (whole points) of its lines in the body font.

    Lines much wider than most (banners) are left out; a gutter is a stretch at least ``gap``
    points wide that at most one line covers (a short centred line such as （发言摘登） may cross
    it), or a twentieth of the best-covered point. A column holding few lines is found only
    where its short lines pile up (an article's last full line, then its last words and a
    right-aligned byline): a line no wider than a line widens the stretches it reaches
    over into one column when they are together no wider than a line.

    Examples:
        >>> lines = [(0, 100)] * 30 + [(120, 220)] * 30
        >>> find_columns(lines, gap=10)
        [(0.0, 100.0), (120.0, 220.0)]
        >>> find_columns(lines + [(240, 340), (240, 260), (240, 260), (300, 340), (300, 340)], gap=10)
        [(0.0, 100.0), (120.0, 220.0), (240.0, 340.0)]
    """
    if not spans:
        return []
    usual = statistics.median(b - a for a, b in spans)
    spans = [(a, b) for a, b in spans if b - a <= 1.5 * usual]
    width = max(b for _, b in spans) + 2
    delta = [0] * (width + 1)
    for a, b in spans:
        delta[a] += 1
        delta[b] -= 1
    cover, running = [], 0
    for x in range(width):
        running += delta[x]
        cover.append(running)
    low = max(1, max(cover) // 20)
    columns: list[tuple[float, float]] = []
    x = 0
    while x < width:
        if cover[x] <= low:
            x += 1
            continue
        start = x
        while x < width and (cover[x] > low or _short_dip(cover, x, low, gap)):
            x += 1
        columns.append((float(start), float(x)))
    # a column of few lines (an article's last full lines, then its last words and a right-aligned byline) is found
    # only where its short lines pile up: each line no wider than a line widens the stretches it reaches over into
    # one column when all of them together are no wider than a line (a line crossing into a column of many lines
    # of its own, as a contents line may, is two columns wide with it and joins nothing)
    for a, b in sorted(spans):
        hit = [k for k, (c0, c1) in enumerate(columns) if c0 < b and a < c1]
        if hit and b - a <= 1.1 * usual:
            low_end, high_end = min(a, columns[hit[0]][0]), max(b, columns[hit[-1]][1])
            if high_end - low_end <= 1.1 * usual:
                columns[hit[0]:hit[-1] + 1] = [(float(low_end), float(high_end))]
    return columns


def _short_dip(cover: list[int], x: int, low: int, gap: float) -> bool:
    """True when the low stretch starting at ``x`` is narrower than a gutter (and high cover follows)."""
    end = x
    while end < len(cover) and cover[end] <= low and end - x <= gap:
        end += 1
    return end < len(cover) and cover[end] > low and end - x <= gap
