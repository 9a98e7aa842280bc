"""Every threshold and cue weight of the page reader, as data: :class:`PageRules`.

The defaults are the values the reader was tuned with on the seed page; a user
whose page comes out wrong reads :func:`consensus_nlp.explain_page` and changes
one field::

    rules = cn.PageRules(max_title_width=24)
    corpus = cn.read_page("page.txt", rules=rules)

Widths are in Chinese character cells (a Chinese character or full-width mark
is 1, an ASCII character 0.5); PDF distances are in multiples of the body font
size unless the name says otherwise.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ...errors import InputTypeError, InvalidArgumentError, describe, is_finite_number

__all__ = ["DEFAULT_RULES", "PageRules", "check_rules"]


@dataclass(frozen=True)
class PageRules:
    """The reader's thresholds and evidence weights (defaults: the values tuned on the seed page).

    Line classes (text pages):
        max_title_width: a title line is at most this wide (cells).
        header_min_width: a line with leading white space and no punctuation is the running header
            when at least this wide (cells).
        meeting_min_width: an unpunctuated line ending like a meeting name (会议, 大会…) is the header
            when at least this wide (cells).
        titles_per_speaker: a group of title lines keeps at most this many lines per speaker.

    Paragraphs (text pages):
        short_cells: a line at least this many cells narrower than its column is short (ends a paragraph
            when it ends a sentence).
        column_window: lines on either side used to estimate the column width of a line.
        column_quantile: the quantile of those widths taken as the column width.
        heading_first_line_factor: the first line of an unpunctuated heading must be this many times
            ``short_cells`` short (first lines are indented).

    Speeches:
        width_change_factor: inside a run, a column width change of at least this many times
            ``short_cells`` marks where the next speech starts.
        width_margin: a gap paragraph goes to the next speech when its width is nearer the next
            speech's by at least this many cells.

    Byline -> body evidence:
        organization_named: the byline's organization is named in the body.
        organization_early: added when it is named in the first ``early_chars`` characters.
        early_chars: see above.
        place_named: the organization's place is named in the body (and not the organization).
        byline_adjacent: the byline's group touches the body.
        byline_attached: the byline is attached to the body by grammar (``全国政协委员某某：`` opens
            the body after it; ``（作者系…）`` closes the body before it).

    Title -> body evidence (besides the phrases they share, a shared phrase of n characters
    scoring (n-1)²):
        title_adjacent, title_same_group, title_after_byline, title_before_byline.

    Assignment:
        exact_max_columns, exact_max_rows: the exact solver is used up to these sizes
            (scipy's solver above).

    PDF pages (distances in body font sizes):
        title_size_ratio: a line whose font is at least this many times the body size is a title.
        small_size_ratio: a line whose font is at most this many times the body size is furniture
            (captions, credits of photos) unless it is a byline.
        column_gap: a vertical gap between character boxes at least this wide separates columns.
        band_gap: a horizontal strip of white at least this high across a region of the page separates
            a band read before the rest (a banner above the columns, one article above the next;
            the XY-cut of :mod:`consensus_nlp.io.page.order`).
        line_tolerance: characters whose tops differ by less than this are on one line.
        indent: a line starting at least this far right of its column's left edge is indented
            (opens a paragraph).
        short_line: a line ending at least this far left of its column's right edge is short
            (ends a paragraph).
        header_band, footer_band: the top and bottom fractions of the page height that hold
            running headers and footers (page numbers, 版次, dates).
        simplified_share: a PDF whose Han characters are at least this share in GB 2312 is simplified
            Chinese, and its glyph aliases (戶 for 户, ― for —; :mod:`consensus_nlp.io.page.glyphs`) are
            repaired; a value above 1 (up to 2) repairs none.
    """

    max_title_width: float = 20.0
    header_min_width: float = 6.0
    meeting_min_width: float = 12.0
    titles_per_speaker: int = 2
    short_cells: float = 2.0
    column_window: int = 6
    column_quantile: float = 0.75
    heading_first_line_factor: float = 2.0
    width_change_factor: float = 2.0
    width_margin: float = 1.0
    organization_named: float = 3.0
    organization_early: float = 1.0
    early_chars: int = 80
    place_named: float = 1.0
    byline_adjacent: float = 0.5
    byline_attached: float = 100.0
    title_adjacent: float = 3.0
    title_same_group: float = 3.0
    title_after_byline: float = 5.0
    title_before_byline: float = 2.0
    exact_max_columns: int = 12
    exact_max_rows: int = 64
    title_size_ratio: float = 1.25
    small_size_ratio: float = 0.85
    column_gap: float = 0.8
    band_gap: float = 1.0
    line_tolerance: float = 0.5
    indent: float = 1.5
    short_line: float = 1.0
    header_band: float = 0.06
    footer_band: float = 0.06
    simplified_share: float = 0.95

    def __post_init__(self) -> None:
        check_rules(self)  # a bad value is refused where it is written (PageRules(indent=-1)), not where it is used


_INTEGERS = {"titles_per_speaker", "column_window", "early_chars", "exact_max_columns", "exact_max_rows"}
#: the fields with an upper bound: the bound, and how the error states it
_BOUNDS = {"column_quantile": (1, "a number in [0, 1]"), "header_band": (0.5, "a number in [0, 0.5]"),
           "footer_band": (0.5, "a number in [0, 0.5]"),
           "simplified_share": (2, "a number in [0, 2] (above 1 turns the repair of glyph aliases off)")}


def check_rules(rules: object) -> PageRules:
    """``rules`` if it is a valid :class:`PageRules` (None gives the defaults); else a clear error."""
    if rules is None:
        return DEFAULT_RULES
    if not isinstance(rules, PageRules):
        raise InputTypeError(describe("rules", rules, "is not a PageRules", accepted="consensus_nlp.PageRules(...) or None",
                                      todo="Build one with cn.PageRules(field=value, ...)."))
    for f in dataclasses.fields(rules):
        value = getattr(rules, f.name)
        integer = f.name in _INTEGERS
        ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        ok = ok and is_finite_number(value) and value >= 0  # a huge int is refused here, before float() overflows
        if ok and f.name in _BOUNDS:
            ok = value <= _BOUNDS[f.name][0]
        if not ok:
            accepted = "an int >= 0" if integer else "a finite number >= 0"
            if f.name in _BOUNDS:
                accepted = _BOUNDS[f.name][1]
            raise InvalidArgumentError(describe(f"rules.{f.name}", value, "is out of range", accepted=accepted))
    return rules


DEFAULT_RULES = PageRules()
