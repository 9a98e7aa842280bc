"""The line model shared by the page reader's stages: a page line and a paragraph of lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from .bylines import Byline
from .cleaning import display_width, join_lines

__all__ = ["Line", "Paragraph"]


@dataclass
class Line:
    """One line of the page as given: its 1-based number, raw text, class and the bylines it holds."""

    number: int  # 1-based, in the text as given
    raw: str
    kind: str = "body"  # body | byline | title | header | marker
    bylines: list[Byline] = field(default_factory=list)

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
