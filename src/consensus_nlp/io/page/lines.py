"""The line model shared by the page reader's stages: a page line and a paragraph of lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from .bylines import Byline
from .cleaning import display_width, join_lines

__all__ = ["Box", "Line", "Paragraph"]

#: Where a PDF line stands: ``(page, x0, top, x1, bottom)`` in PDF points, page 1-based.
Box = tuple[int, float, float, float, float]


@dataclass
class Line:
    """One line of the page: its 1-based number, raw text, class, evidence and the bylines it holds.

    ``attached`` is ``"after"`` for a byline that opens the body after it (``全国政协委员某某：``)
    and ``"before"`` for one that closes the body before it (``（作者系…）``). PDF lines also
    carry their ``box`` and font ``size``, and ``opens`` (the line starts a paragraph: it is
    indented or follows a short line), decided from the geometry, their ``font`` name, and the
    glyph aliases ``repaired`` in them (``["戶→户"]``, :mod:`.glyphs`).
    """

    number: int  # 1-based, in the text as given (reading order for a PDF)
    raw: str
    kind: str = "body"  # body | byline | title | header | marker | credit | author | dateline | continued | furniture
    bylines: list[Byline] = field(default_factory=list)
    evidence: str = ""
    attached: str | None = None
    box: Box | None = None
    size: float | None = None
    opens: bool | None = None
    column: int | None = None
    font: str | None = None
    repaired: list[str] = field(default_factory=list)
    partner: Line | None = field(default=None, repr=False)  # the author note a name line was merged into

    @property
    def text(self) -> str:
        return self.raw.strip()

    @property
    def width(self) -> float:
        return display_width(self.text)


@dataclass
class Paragraph:
    """Consecutive body lines that make one paragraph."""

    lines: list[Line]

    @property
    def text(self) -> str:
        return join_lines([line.text for line in self.lines])

    @property
    def span(self) -> list[int]:
        return [self.lines[0].number, self.lines[-1].number]

    @property
    def boxes(self) -> list[list[float]]:
        """PDF boxes ``[page, x0, top, x1, bottom]`` of the paragraph, one per column (or page) it spans."""
        out: list[list[float]] = []
        for line in self.lines:
            if line.box is None:
                continue
            page, x0, top, x1, bottom = line.box
            if out and out[-1][0] == page and abs(out[-1][1] - x0) < 3 * (line.size or 10) and top >= out[-1][2]:
                last = out[-1]
                out[-1] = [page, min(last[1], x0), last[2], max(last[3], x1), max(last[4], bottom)]
            else:
                out.append([page, x0, top, x1, bottom])
        return [[p, round(a, 1), round(b, 1), round(c, 1), round(d, 1)] for p, a, b, c, d in out]
