"""PDF pages of speeches -> speeches, from the geometry of every character.

pdfplumber's ``extract_text()`` reads a page row by row and so merges the same
line of adjacent columns; :func:`read_pdf` uses the characters themselves
(``x0, x1, top, bottom, size``):

1. **furniture**: characters in the top and bottom bands of the page (running
   headers, 版次, dates, page numbers) and inside drawn boxes (编者按) are set
   apart and kept in the corpus metadata;
2. **pieces**: the other characters are cut into rows (same ``top``) and each
   row into pieces where the gap between two characters is wider than
   ``PageRules.column_gap`` body sizes (the gutter between columns);
3. **columns**: the pieces in the body font are clustered by their x extent
   (overlapping extents form one column); a piece over two columns spans the
   page (a banner) and is read before the columns below it;
4. **reading order**: column by column, top to bottom, page after page;
5. **classes**: titles by font size (``title_size_ratio``), small print
   (captions) by size, bylines, statements, headers, markers and credits by the
   text reader's grammar; paragraphs open at an indented line or after a short
   one, also across columns and pages;
6. the rest is the text reader's: speeches, attribution of bylines and titles.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Union

from ..._zh import map_radicals
from ...corpus import Corpus, Document
from ...errors import EmptyInputError, InvalidArgumentError, LayoutError, describe
from .bylines import parse_bare_name
from .classify import classify, cue, split_openings
from .lines import Line
from .pdfopen import open_pdf
from .reader import PageReading, doc_ids, page_meta, read_lines, speech_meta
from .rules import PageRules, check_rules

__all__ = ["Pages", "pdf_lines", "read_pdf", "reading_of_pdf"]

#: A selection of pages: None (all), a 1-based page number or a sequence of them.
Pages = Union[int, Sequence[int], None]


@dataclasses.dataclass
class _Piece:
    """Characters of one row of one column (or one banner across columns)."""

    page: int
    chars: list[dict]
    kind: str = ""  # "" | furniture kinds: header, footer, box
    column: int = -1

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return self.chars[-1]["x1"]

    @property
    def top(self) -> float:
        return min(c["top"] for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c["bottom"] for c in self.chars)

    @property
    def size(self) -> float:
        return statistics.median(c["size"] for c in self.chars)

    @property
    def font(self) -> str:
        return Counter(c.get("fontname", "") for c in self.chars if c["text"].strip()).most_common(1)[0][0]

    def text(self) -> str:
        out = ""
        for prev, char in zip([None, *self.chars[:-1]], self.chars):
            if prev is not None and char["x0"] - prev["x1"] > 0.5 * char["size"] and not out.endswith(" "):
                out += " "
            out += char["text"]
        return map_radicals(out)


def _rows(chars: list[dict], rules: PageRules, body: float) -> list[list[dict]]:
    """Characters in rows of about the same ``top``."""
    rows: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if rows and char["top"] - rows[-1][0]["top"] <= rules.line_tolerance * body:
            rows[-1].append(char)
        else:
            rows.append([char])
    return [sorted(row, key=lambda c: c["x0"]) for row in rows]


def _pieces(page: int, chars: list[dict], rules: PageRules, body: float) -> list[_Piece]:
    """Each row cut where the gap between two characters is a column gutter."""
    pieces = []
    for row in _rows(chars, rules, body):
        start = 0
        for i in range(1, len(row)):
            if row[i]["x0"] - row[i - 1]["x1"] > rules.column_gap * body:
                pieces.append(_Piece(page, row[start:i]))
                start = i
        pieces.append(_Piece(page, row[start:]))
    return [p for p in pieces if "".join(c["text"] for c in p.chars).strip()]


def _columns(pieces: list[_Piece], body: float, rules: PageRules, page_width: float) -> list[tuple[float, float]]:
    """x extents of the columns, from how many pieces in the body font cover each point of the page width.

    Pieces much wider than most (banners) are left out; a gutter is a stretch at least
    ``column_gap`` body sizes wide that at most one piece covers (a short centred line
    such as （发言摘登） may cross it), or a twentieth of the best-covered point.
    """
    limit = max(1, int(page_width) + 1)  # points off the page count at its edges
    spans = [(min(max(int(p.x0), 0), limit), min(max(int(p.x1) + 1, 0), limit))
             for p in pieces if abs(p.size - body) <= 0.15 * body]
    spans = [(a, b) for a, b in spans if b > a]
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
        while x < width and (cover[x] > low or _short_dip(cover, x, low, rules.column_gap * body)):
            x += 1
        columns.append((float(start), float(x)))
    return columns


def _short_dip(cover: list[int], x: int, low: int, gap: float) -> bool:
    """True when the low stretch starting at ``x`` is narrower than a gutter (and high cover follows)."""
    end = x
    while end < len(cover) and cover[end] <= low and end - x <= gap:
        end += 1
    return end < len(cover) and cover[end] > low and end - x <= gap


def _in_box(char: dict, boxes: list[dict]) -> int | None:
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return next((k for k, b in enumerate(boxes) if b["x0"] <= x <= b["x1"] and b["top"] <= y <= b["bottom"]), None)


def _page_pieces(number: int, page, rules: PageRules, body: float) -> list[_Piece]:
    """The pieces of one page in reading order: header band, banners, columns, footer band, boxes."""
    height = float(page.height)
    boxes = [r for r in page.rects if r["width"] >= 3 * body and r["height"] >= 1.5 * body]
    chars = [c for c in page.chars if (c["text"].strip() or c["text"] == " ") and c.get("upright", True)]
    head, foot, boxed, rest = [], [], [], []
    for char in chars:
        if char["bottom"] <= rules.header_band * height:
            head.append(char)
        elif char["top"] >= (1 - rules.footer_band) * height:
            foot.append(char)
        elif boxes and _in_box(char, boxes) is not None:
            boxed.append(char)
        else:
            rest.append(char)
    pieces = _pieces(number, rest, rules, body)
    columns = _columns(pieces, body, rules, float(page.width))
    banners, columned = [], []
    for piece in pieces:
        over = [k for k, (a, b) in enumerate(columns) if min(b, piece.x1) - max(a, piece.x0) > 0]
        if len(over) == 1:
            piece.column = over[0]
            columned.append(piece)
        else:
            banners.append(piece)
    first = min((p.top for p in columned), default=height)
    for piece in banners:  # a line below the top of the columns that runs over a gutter stays in its column
        if piece.top >= first and columns:
            starts = [k for k, (a, _) in enumerate(columns) if a <= piece.x0 + body]
            piece.column = starts[-1] if starts else 0
            columned.append(piece)
    ordered = sorted((p for p in banners if p.top < first), key=lambda p: p.top)
    ordered += sorted(columned, key=lambda p: (p.column, p.top))
    furniture = []
    for kind, group in (("header", head), ("footer", foot), ("box", boxed)):
        for piece in _pieces(number, group, rules, body):
            piece.kind = kind
            furniture.append(piece)
    return [p for p in furniture if p.kind == "header"] + ordered + [p for p in furniture if p.kind != "header"]


def _body_font(pages: list) -> tuple[float, str]:
    """The size and the font name of most characters."""
    chars = [c for page in pages for c in page.chars if c["text"].strip()]
    size = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]
    font = Counter(c.get("fontname", "") for c in chars if round(c["size"], 1) == size).most_common(1)[0][0]
    return size, font


def pdf_lines(path: str | os.PathLike[str], *, pages: Pages = None, rules: PageRules | None = None) -> list[Line]:
    """The text lines of a PDF in reading order, classified, with their boxes and the evidence.

    Raises:
        InvalidArgumentError: the file is missing, not a PDF, corrupt or encrypted; ``pages`` is invalid.
        EmptyInputError: the selected pages have no text layer (scanned images; there is no OCR).
    """
    rules = check_rules(rules)
    with open_pdf(path) as pdf:  # limits: stream sizes, page-tree depth, pages, time (pdfopen.py)
        selected = _select(pdf.pages, pages)
        try:
            has_text = any(c["text"].strip() for page in selected for c in page.chars)
            if has_text:
                body, font = _body_font(selected)
                pieces = [p for page in selected for p in _page_pieces(page.page_number, page, rules, body)]
        except Exception as exc:  # pdfminer parses pages lazily: a damaged page fails here, with its own errors
            raise InvalidArgumentError(describe("path", os.fspath(path), f"is not a readable PDF ({type(exc).__name__}: "
                                                f"{str(exc)[:100]})", todo="Check that the file is a complete PDF.")) from None
    if not has_text:
        raise EmptyInputError(describe("path", os.fspath(path), "has no text layer (an image-only or scanned PDF)",
                                       todo="Run OCR on it first (e.g. ocrmypdf); consensus-nlp reads text layers only."))
    return _classify_pieces(pieces, rules, body, font)


def _select(all_pages: list, pages: Pages) -> list:
    if pages is None:
        return list(all_pages)
    count = len(all_pages)
    try:
        numbers = [pages] if isinstance(pages, int) and not isinstance(pages, bool) else list(pages)
    except TypeError:
        numbers = [None]
    if not numbers or any(isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= count for n in numbers):
        raise InvalidArgumentError(describe("pages", pages, "is not a selection of pages of this PDF",
                                            accepted=f"None, a page number or a list of page numbers from 1 to {count}"))
    return [all_pages[n - 1] for n in sorted(set(numbers))]


def _classify_pieces(pieces: list[_Piece], rules: PageRules, body: float, body_font: str) -> list[Line]:
    lines = []
    for number, piece in enumerate(pieces, 1):
        line = Line(number, piece.text(), box=(piece.page, piece.x0, piece.top, piece.x1, piece.bottom), size=piece.size,
                    column=piece.column, font=piece.font)
        if piece.kind:
            line.kind, line.evidence = "furniture", f"{piece.kind} of page {piece.page}" + (
                " (in the top band)" if piece.kind == "header" else " (in the bottom band)" if piece.kind == "footer"
                else " (inside a drawn box)")
        lines.append(line)
    lines = split_openings(lines)
    for line in lines:
        if line.evidence:
            continue
        kind, evidence = classify(line, rules)
        size = line.size or body
        if line.column == -1 and kind != "byline" and cue("meeting_end").search(line.text):
            line.kind, line.evidence = "header", "a banner above the columns that ends like a meeting name"
        elif kind in ("header", "marker", "byline", "credit"):
            line.kind, line.evidence = kind, evidence
            if kind == "byline" and line.font != body_font:
                line.evidence += f"; font {line.font}, not the body's {body_font}"
        elif size >= rules.title_size_ratio * body:
            line.kind, line.attached = "title", "after"  # a title opens the article below it
            line.evidence = f"font size {size:g} >= {rules.title_size_ratio:g} x body {body:g}"
        elif size <= rules.small_size_ratio * body:
            line.kind, line.evidence = "furniture", f"caption: font size {size:g} <= {rules.small_size_ratio:g} x body {body:g}"
        elif line.font != body_font and (named := parse_bare_name(line.text)) is not None:
            line.kind, line.bylines, line.attached = "byline", [named], "after"
            line.evidence = f"a name alone in font {line.font}, not the body's {body_font}: opens the body after it"
        else:
            line.kind, line.evidence = "body", f"body font {size:g}"
    _mark_openings(lines, rules, body)
    return lines


def _mark_openings(lines: list[Line], rules: PageRules, body: float) -> None:
    """``line.opens`` for body lines: indented, or after a short line (in reading order, across columns)."""
    found: dict[tuple[int, int | None], tuple[list[float], list[float]]] = {}
    for line in lines:
        if line.kind == "body" and line.box is not None:
            lefts, rights = found.setdefault((line.box[0], line.column), ([], []))
            lefts.append(line.box[1])
            rights.append(line.box[3])
    # a column's left edge is where its lines start; its right edge where most of them end
    edges = {key: (min(lefts), statistics.median(rights)) for key, (lefts, rights) in found.items()}
    previous = None
    for line in lines:
        if line.kind == "byline" and line.box is not None and line.attached is None and previous is not None:
            left = edges.get((line.box[0], line.column), (line.box[1],))[0]
            if line.box[1] - left >= 2 * rules.indent * body:
                line.attached = "before"
                line.evidence += "; right-aligned after a body: closes it"
        if line.kind != "body" or line.box is None:
            if line.kind in ("title", "byline", "credit"):
                previous = None  # headers, markers and furniture do not interrupt a paragraph
            continue
        left = edges[(line.box[0], line.column)][0]
        indented = line.box[1] - left >= rules.indent * body
        after_short = previous is not None and (
            previous.box[3] <= edges[(previous.box[0], previous.column)][1] - rules.short_line * body
        )
        line.opens = indented or after_short or previous is None or line.evidence.startswith("the text of a statement")
        if indented:
            line.evidence += "; indented: opens a paragraph"
        elif after_short:
            line.evidence += "; after a short line: opens a paragraph"
        previous = line


def reading_of_pdf(
    path: str | os.PathLike[str], *, pages: Pages = None, rules: PageRules | None = None, check: bool = True
) -> PageReading:
    """The lines of a PDF classified and read into speeches (see :func:`read_pdf`)."""
    rules = check_rules(rules)
    lines = pdf_lines(path, pages=pages, rules=rules)
    return read_lines(lines, rules, argument="source", value=os.fspath(path), check=check)


def read_pdf(
    path: str | os.PathLike[str], *, pages: Pages = None, rules: PageRules | None = None, doc_prefix: str = "speech"
) -> Corpus:
    """Read a PDF newspaper page (or pages) of speeches, one document per speech or statement.

    Args:
        path: the PDF file.
        pages: None for every page, or a 1-based page number or list of page numbers.
        rules: the reader's thresholds and weights (:class:`~.rules.PageRules`; None: the defaults).
        doc_prefix: document ids are ``f"{doc_prefix}-01"``, ``-02``… in reading order.

    Returns:
        A :class:`~consensus_nlp.corpus.Corpus` with the metadata of
        :func:`~.reader.parse_page` (``paragraph_lines`` and ``byline_line``
        count the PDF's lines in reading order, as :func:`~.explain.explain_page`
        numbers them), plus ``pages`` (the pages the speech is on) and
        ``paragraph_boxes`` (for each paragraph, ``[page, x0, top, x1, bottom]``
        in PDF points for each column it spans). The corpus metadata adds
        ``furniture``: ``[page, kind, text]`` for each running header, footer,
        boxed text (编者按) and caption set apart.

    Raises:
        InvalidArgumentError: missing, corrupt or encrypted file; invalid ``pages``.
        EmptyInputError: no text layer (an image-only PDF; there is no OCR).
        LayoutError: not a page of speeches (the same error as :func:`~.reader.read_page`).
    """
    if not isinstance(doc_prefix, str) or not doc_prefix:
        raise InvalidArgumentError(describe("doc_prefix", doc_prefix, "is not a non-empty str", accepted="e.g. 'speech'"))
    reading = reading_of_pdf(path, pages=pages, rules=rules)
    if not reading.speeches:
        raise LayoutError(describe("source", os.fspath(path), "has no speech text"))
    texts = ["\n".join(p.text for p in speech) for speech in reading.speeches]
    ids = doc_ids(doc_prefix, len(texts))
    documents = []
    for s, speech in enumerate(reading.speeches):
        meta = speech_meta(reading, s)
        meta["paragraph_boxes"] = [p.boxes for p in speech]
        meta["pages"] = sorted({box[0] for p in speech for box in p.boxes})
        documents.append(Document(ids[s], texts[s], meta))
    meta = page_meta(reading, os.fspath(path))
    meta["furniture"] = [[line.box[0], line.evidence.split(":")[0].split(" of ")[0], line.text]
                         for line in reading.lines if line.kind == "furniture" and line.box]
    return Corpus(documents, meta=meta)
