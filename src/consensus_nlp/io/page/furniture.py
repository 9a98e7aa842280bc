"""A page's own lines on a text page: 版次, section labels, source and editor lines, page numbers.

PDFs set these apart by where they stand (the header and footer bands); a text
page only has the words. A whole line is furniture when it matches a
``[furniture:KIND]`` section of ``lexicons/page_cues.txt`` (``第05版:专访``,
``《人民政协报》（2021年03月08日 第05版）``, ``责编：王五``, ``第 3 页``, a
romanized section name ``WEIYUANSHUO``), and a short label (``委员说``) is the
section label when it stands next to a romanized section name or repeats the
section of the page's 版次 line. Furniture is kept in ``corpus.meta["furniture"]``
as ``[page, kind, text]`` (page None on a text page), never in a body.
"""

from __future__ import annotations

import functools
import re

from .cleaning import ends_sentence
from .cues import cue, cue_sections
from .lines import Line

__all__ = ["furniture_kind", "furniture_of", "mark_section_labels", "settle_numbers"]

_SECTION = re.compile(r"^第\s*\d{1,3}\s*版\s*[:：\s]\s*(.+)$")
_LABEL = re.compile(r"^[\u4e00-\u9fff·]{2,8}$")


@functools.lru_cache(maxsize=1)
def _cues() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name[len("furniture:"):], cue(name)) for name in cue_sections() if name.startswith("furniture:"))


def furniture_of(text: str) -> str | None:
    """The furniture kind of a whole line (``edition``, ``source``, ``editor``, ``page_number``, ``date``,
    ``romanized``, ``bare_number``), or None.

    Examples:
        >>> furniture_of("第05版:专访"), furniture_of("《人民政协报》（2021年03月08日 第05版）"), furniture_of("WEIYUANSHUO")
        ('edition', 'source', 'romanized')
        >>> furniture_of("全国政协委员杨戌标：乡村振兴") is None
        True
    """
    text = text.strip()
    return next((kind for kind, pattern in _cues() if pattern.fullmatch(text)), None)


def furniture_kind(line: Line) -> str:
    """The kind a furniture line is filed under in ``corpus.meta["furniture"]`` (the word before its evidence)."""
    return line.evidence.split(":")[0].split(" of ")[0]


def settle_numbers(lines: list[Line]) -> None:
    """A number alone on a line is a page number where the line before it ends a sentence or is not body
    text (or there is none); otherwise it is the wrapped end of a number and goes back to the body."""
    for k, line in enumerate(lines):
        if line.kind != "furniture" or not line.evidence.startswith("bare_number"):
            continue
        before = lines[k - 1] if k else None
        if before is None or before.kind != "body" or ends_sentence(before.text):
            line.evidence = "page_number: a number alone after the end of a sentence"
        else:
            line.kind, line.evidence = "body", "a number alone in the middle of a sentence: the end of a wrapped number"


def mark_section_labels(lines: list[Line]) -> None:
    """Short labels that are section labels: next to a romanized section name, or the section of a 版次 line."""
    sections = {m.group(1).strip() for line in lines if line.kind == "furniture"
                if (m := _SECTION.match(line.text))}
    for k, line in enumerate(lines):
        if line.kind not in ("title", "body") or not _LABEL.fullmatch(line.text):
            continue
        near = [lines[j] for j in (k - 1, k + 1) if 0 <= j < len(lines)]
        if any(n.kind == "furniture" and n.evidence.startswith("romanized") for n in near):
            line.kind, line.evidence = "furniture", "section: a label next to a romanized section name"
        elif line.text in sections:
            line.kind, line.evidence = "furniture", "section: the section named in the page's 版次 line"
