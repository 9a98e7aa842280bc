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
from ...errors import (
    EmptyInputError,
    InvalidArgumentError,
    LayoutError,
    describe,
)
from .bylines import parse_bare_name
from .classify import CLAUSE_PUNCT, classify, cue, join_wrapped_bylines, split_openings
from .glyphs import alias_repairs
from .kinds import check_kind
from .lines import Line
from .order import find_columns, xy_cut
from .pdfminer_log import pdfminer_warnings
from .pdfopen import open_pdf
from .reader import PageReading, check_prefix, documents_of, page_meta, read_lines
from .rules import PageRules, check_rules

__all__ = ["Pages", "pdf_lines", "read_pdf", "reading_of_pdf"]

#: A selection of pages: None (all), a 1-based page number or a sequence of them.
Pages = Union[int, Sequence[int], None]


#: Full-width marks whose ink sits in one half of their box: typesetters hang them into the margin
#: (typst, and Chinese typesetting's 标点悬挂), so the box crosses into the gutter but the ink does not.
_CLOSING = set("，。、；：？！”’）》〉】」』")
_OPENING = set("“‘（《〈【「『")


def _ink_x0(char: dict) -> float:
    """Where the ink of a character starts: an opening mark's ink is in the right half of its box."""
    return char["x0"] + (char["x1"] - char["x0"]) / 2 if char["text"] in _OPENING else char["x0"]


def _ink_x1(char: dict) -> float:
    """Where the ink of a character ends: a closing mark's ink is in the left half of its box."""
    return char["x1"] - (char["x1"] - char["x0"]) / 2 if char["text"] in _CLOSING else char["x1"]


@dataclasses.dataclass
class _Piece:
    """Characters of one row of one column (or one banner across columns)."""

    page: int
    chars: list[dict]
    kind: str = ""  # "" | furniture kinds: header, footer, box
    column: int = -1
    span: tuple[float, float] | None = None  # the x extent of a filled background it stands on (a banner)

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return self.chars[-1]["x1"]

    @property
    def ink(self) -> tuple[float, float]:
        """The x extent of the ink (punctuation hung into a gutter does not count), or of the filled
        background it stands on (a banner's text is centred over the columns, its background spans them)."""
        return self.span or (_ink_x0(self.chars[0]), _ink_x1(self.chars[-1]))

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
            # a word space: many producers leave a gap instead of a space character (about a third of an em)
            if prev is not None and char["x0"] - prev["x1"] > 0.2 * char["size"] and not out.endswith(" "):
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
            # a gutter: white between the ink (marks hung into it do not bridge it), and some white between the boxes
            gap = row[i]["x0"] - row[i - 1]["x1"]
            if gap > 0.25 * body and _ink_x0(row[i]) - _ink_x1(row[i - 1]) > rules.column_gap * body:
                pieces.append(_Piece(page, row[start:i]))
                start = i
        pieces.append(_Piece(page, row[start:]))
    return [p for p in pieces if "".join(c["text"] for c in p.chars).strip()]


def _columns(pieces: list[_Piece], body: float, rules: PageRules, page_width: float) -> list[tuple[float, float]]:
    """x extents of the columns, from the ink of the pieces in the body font (:func:`.order.find_columns`)."""
    limit = max(1, int(page_width) + 1)  # points off the page count at its edges
    spans = [(min(max(int(p.ink[0]), 0), limit), min(max(int(p.ink[1]) + 1, 0), limit))
             for p in pieces if abs(p.size - body) <= 0.15 * body]
    return find_columns([(a, b) for a, b in spans if b > a], gap=rules.column_gap * body)


def _in_box(char: dict, boxes: list[dict]) -> int | None:
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return next((k for k, b in enumerate(boxes) if b["x0"] <= x <= b["x1"] and b["top"] <= y <= b["bottom"]), None)


def _page_pieces(number: int, page, rules: PageRules, body: float) -> list[_Piece]:
    """The pieces of one page in reading order: header band, banners, columns, footer band, boxes."""
    height = float(page.height)
    # a drawn frame (an 编者按) is stroked; a filled background (a red banner, a photo) is not a box
    boxes = [r for r in page.rects if r["width"] >= 3 * body and r["height"] >= 1.5 * body and r.get("stroke", True)]
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
    backgrounds = [r for r in page.rects if r.get("fill") and not r.get("stroke") and r["width"] >= 0.5 * float(page.width)]
    for piece in pieces:
        x, y = (piece.x0 + piece.x1) / 2, (piece.top + piece.bottom) / 2
        under = next((r for r in backgrounds if r["x0"] <= x <= r["x1"] and r["top"] <= y <= r["bottom"]), None)
        piece.span = (float(under["x0"]), float(under["x1"])) if under is not None else None
    columns = _columns(pieces, body, rules, float(page.width))
    banners, columned = [], []
    usual = statistics.median([b - a for a, b in columns]) if columns else 0.0
    for piece in pieces:
        over = [k for k, (a, b) in enumerate(columns) if min(b, piece.ink[1]) - max(a, piece.ink[0]) > 0]
        if len(over) == 1:  # in a column: most of it over the column, and not much wider than it
            a, b = columns[over[0]]
            inside = min(b, piece.ink[1]) - max(a, piece.ink[0]) >= 0.5 * min(piece.ink[1] - piece.ink[0], b - a)
            wide = 1.5 * max(b - a, usual) + body  # a column holding only short lines has the page's usual width
            over = over if inside and piece.ink[1] - piece.ink[0] <= wide else []
        if len(over) == 1:
            piece.column = over[0]
            columned.append(piece)
        else:
            banners.append(piece)
    _lone_columns(banners, columns, columned, body)
    first = min((p.top for p in columned), default=height)
    for piece in banners:  # a line below the top of the columns that runs over a gutter stays in its column
        if piece.top >= first and columns:
            starts = [k for k, (a, _) in enumerate(columns) if a <= piece.ink[0] + body]
            piece.column = starts[-1] if starts else 0
            piece.span = columns[piece.column]  # so the XY-cut still finds the gutter it runs over (a contents line)
            columned.append(piece)
    ordered = sorted((p for p in banners if p.top < first), key=lambda p: p.top)  # banners above the columns first
    for leaf in xy_cut(columned, column_gap=rules.column_gap * body, band_gap=rules.band_gap * body, extent=lambda p: p.ink):
        ordered += sorted(leaf, key=lambda p: (p.column, p.top))
    furniture = []
    for kind, group in (("header", head), ("footer", foot), ("box", boxed)):
        for piece in _pieces(number, group, rules, body):
            piece.kind = kind
            furniture.append(piece)
    return [p for p in furniture if p.kind == "header"] + ordered + [p for p in furniture if p.kind != "header"]


def _lone_columns(banners: list[_Piece], columns: list[tuple[float, float]], columned: list[_Piece], body: float) -> None:
    """Body-size pieces over no column (a column holding one or two lines, such as the end of an article
    at the top of the last column) make columns of their own, so they are not read as banners."""
    usual = statistics.median([b - a for a, b in columns]) if columns else 0.0
    lone = [p for p in banners if abs(p.size - body) <= 0.15 * body and p.ink[1] - p.ink[0] <= 1.2 * usual
            and not any(min(b, p.ink[1]) - max(a, p.ink[0]) > 0 for a, b in columns)]
    if not lone:
        return
    extents = sorted([*columns, *((p.ink[0], p.ink[1]) for p in lone)])
    merged: list[tuple[float, float]] = []
    for a, b in extents:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    columns[:] = merged
    for piece in columned:
        piece.column = next(k for k, (a, b) in enumerate(columns) if min(b, piece.ink[1]) - max(a, piece.ink[0]) > 0)
    for piece in lone:
        banners.remove(piece)
        piece.column = next(k for k, (a, b) in enumerate(columns) if min(b, piece.ink[1]) - max(a, piece.ink[0]) > 0)
        columned.append(piece)


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
    with pdfminer_warnings(path), open_pdf(path) as pdf:  # limits: stream sizes, page-tree depth, pages, time (pdfopen.py)
        selected = _select(pdf.pages, pages)
        try:
            has_text = any(c["text"].strip() for page in selected for c in page.chars)
            if has_text:
                body, font = _body_font(selected)
                pieces = [p for page in selected for p in _page_pieces(page.page_number, page, rules, body)]
                text = map_radicals("".join(c["text"] for page in selected for c in page.chars))  # ⼾ U+2F3E: 戶
                repairs = alias_repairs(text, rules.simplified_share)
        except Exception as exc:  # pdfminer parses pages lazily: a damaged page fails here, with its own errors
            raise InvalidArgumentError(describe("path", os.fspath(path), f"is not a readable PDF ({type(exc).__name__}: "
                                                f"{str(exc)[:100]})", todo="Check that the file is a complete PDF.")) from None
    if not has_text:
        raise EmptyInputError(describe("path", os.fspath(path), "has no text layer (an image-only or scanned PDF)",
                                       todo="Run OCR on it first (e.g. ocrmypdf); consensus-nlp reads text layers only."))
    return _classify_pieces(pieces, rules, body, font, repairs)


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


def _classify_pieces(pieces: list[_Piece], rules: PageRules, body: float, body_font: str,
                     repairs: dict[int, str]) -> list[Line]:
    lines = []
    for number, piece in enumerate(pieces, 1):
        text = piece.text()
        line = Line(number, text.translate(repairs), box=(piece.page, piece.x0, piece.top, piece.x1, piece.bottom),
                    size=piece.size, column=piece.column, font=piece.font)
        line.repaired = [f"{c}→{repairs[ord(c)]}" for c in text if ord(c) in repairs]
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
        if kind == "marker" and line.text.startswith("—") and size >= rules.title_size_ratio * body:
            line.kind, line.attached = "title", "after"  # the subtitle of a title (——加强思想政治引领)
            line.evidence = f"a subtitle opening with a dash, font size {size:g} >= {rules.title_size_ratio:g} x body {body:g}"
        elif kind not in ("byline", "furniture") and size > body and cue("meeting_end").search(line.text) and (
                line.column == -1 or size >= rules.title_size_ratio * body and not CLAUSE_PUNCT.search(line.text)):
            line.kind, line.evidence = "header", "a banner that ends like a meeting name"
        elif line.column == -1 and kind != "byline" and line.text.startswith(("——", "—", "--")):
            line.kind, line.evidence = "header", "a banner's subtitle above the columns (opens with a dash)"
        elif kind == "header" and line.column != -1 and abs(size - body) <= 0.15 * body and not line.raw[:1].isspace():
            line.kind, line.evidence = "body", f"body font {size:g} in a column (would end like a meeting name)"
        elif kind in ("header", "marker", "byline", "credit", "author", "furniture"):
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
    join_wrapped_bylines(lines, body)
    _mark_openings(lines, rules, body)
    _join_wrapped_titles(lines, body)
    for line in lines:
        if line.repaired:
            line.evidence += f"; glyph aliases of a simplified Chinese page repaired: {', '.join(line.repaired)}"
    return lines


def _join_wrapped_titles(lines: list[Line], body: float) -> None:
    """A title line that fills its column and is followed, right below or at the top of the next column, by a
    much shorter title line (less than 60 % of the column) was wrapped there: the two are one line of the title."""
    for first, second in zip(lines, lines[1:]):
        if first.kind != "title" or second.kind != "title" or first.box is None or second.box is None:
            continue
        under = second.box[0] == first.box[0] and second.box[2] - first.box[4] <= body and (
            first.box[1] <= second.box[1] and second.box[3] <= first.box[3])  # right under it, inside its width
        # the foot of one column, then the next in reading order: above it and to its right, or on the next page
        turned = second.column != first.column and (second.box[0] == first.box[0] + 1 or (
            second.box[0] == first.box[0] and second.box[2] < first.box[2] and second.box[1] > first.box[3]))
        if not (under or turned):
            continue
        width = first.box[3] - first.box[1]
        column = [b.box[3] - b.box[1] for b in lines if b.kind == "body" and b.box and b.column == first.column
                  and b.box[0] == first.box[0]]
        full = statistics.median(column) if column else width
        # fills it: no room for two more characters of the title's size (a closing mark may not start a line)
        if width >= full - 2 * (first.size or body) and second.box[3] - second.box[1] < 0.6 * full:
            first.raw = first.text + second.text
            first.evidence += f"; fills its column: wrapped, goes on in line {second.number}"
            where = "above" if under else "at the foot of the column before"
            second.kind, second.evidence = "continued", f"the rest of the title line {where} (line {first.number})"


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
    # the usual width of a column on the page (a column holding the last lines of an article has no right edge of its own)
    widths = [right - left for left, right in edges.values()]
    usual = {page: statistics.median([w for (p, _), w in zip(edges, widths) if p == page]) for page, _ in edges}
    previous = None
    for line in lines:
        if line.kind == "byline" and line.box is not None and line.attached is None and previous is not None:
            left, right = edges.get((line.box[0], line.column), (line.box[1], line.box[3]))
            right = max(right, left + usual.get(line.box[0], 0.0))
            # right-aligned: it ends at the column's right edge and starts well inside it (a centred one does not)
            if line.box[1] - left >= 2 * rules.indent * body and right - line.box[3] <= rules.short_line * body:
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
    path: str | os.PathLike[str], *, pages: Pages = None, rules: PageRules | None = None, check: bool = True,
    kind: str = "auto",
) -> PageReading:
    """The lines of a PDF classified and read into speeches or articles (see :func:`read_pdf`)."""
    rules = check_rules(rules)
    lines = pdf_lines(path, pages=pages, rules=rules)
    reading = read_lines(lines, rules, argument="source", value=os.fspath(path), check=check, kind=kind)
    # a line split in two (a statement's opening, a trailing credit) keeps its number: counted once
    reading.glyph_aliases = dict(sorted(Counter(r for repaired in {line.number: line.repaired for line in lines}.values()
                                                for r in repaired).items()))
    return reading


def read_pdf(
    path: str | os.PathLike[str], *, pages: Pages = None, rules: PageRules | None = None, doc_prefix: str | None = None,
    kind: str = "auto",
) -> Corpus:
    """Read a PDF newspaper page (or pages), one document per speech, statement or article.

    Args:
        path: the PDF file.
        pages: None for every page, or a 1-based page number or list of page numbers.
        rules: the reader's thresholds and weights (:class:`~.rules.PageRules`; None: the defaults).
        doc_prefix: document ids are ``f"{doc_prefix}-01"``, ``-02``… in reading order (None: ``speech``,
            or ``article`` on a page of articles).
        kind: ``"auto"``, ``"speeches"``, ``"articles"`` or ``"single"`` (see :func:`~.reader.parse_page`).

    Returns:
        A :class:`~consensus_nlp.corpus.Corpus` with the metadata of
        :func:`~.reader.parse_page` for its kind (``paragraph_lines`` and ``byline_line``
        count the PDF's lines in reading order, as :func:`~.explain.explain_page`
        numbers them), plus ``pages`` (the pages the speech is on) and
        ``paragraph_boxes`` (for each paragraph, ``[page, x0, top, x1, bottom]``
        in PDF points for each column it spans). The corpus metadata adds
        ``furniture``: ``[page, kind, text]`` for each running header, footer,
        boxed text (编者按) and caption set apart, ``page_count`` (the pages read) and, when
        there were some, ``glyph_aliases``: how often each glyph alias of a simplified Chinese
        page was repaired (``{"戶→户": 3}``, :mod:`.glyphs`; ``PageRules.simplified_share``).

    Raises:
        InvalidArgumentError: missing, corrupt or encrypted file; invalid ``pages``.
        EmptyInputError: no text layer (an image-only PDF; there is no OCR).
        LayoutError: not a page of speeches (the same error as :func:`~.reader.read_page`).
    """
    check_prefix(doc_prefix)
    kind = check_kind(kind)
    reading = reading_of_pdf(path, pages=pages, rules=rules, kind=kind)
    if not reading.speeches:
        raise LayoutError(describe("source", os.fspath(path), "has no speech text"))
    documents = []
    for document, speech in zip(documents_of(reading, doc_prefix), reading.speeches):
        meta = dict(document.meta)
        meta["paragraph_boxes"] = [p.boxes for p in speech]
        meta["pages"] = sorted({box[0] for p in speech for box in p.boxes})
        documents.append(Document(document.doc_id, document.text, meta))
    meta = page_meta(reading, os.fspath(path))
    meta["furniture"] = reading.furniture
    meta["page_count"] = len({line.box[0] for line in reading.lines if line.box})
    return Corpus(documents, meta=meta)
