"""What the page reader saw: every line of a page (or PDF text line) with its class, evidence and speech."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ...corpus import frame_text
from ...errors import EmptyInputError, InputTypeError, describe
from ..encoding import read_text
from .kinds import check_kind
from .reader import PageReading, doc_ids, read_lines, split_lines
from .rules import PageRules, check_rules

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["EXPLAIN_COLUMNS", "explain_page"]

#: The columns of :func:`explain_page`'s DataFrame.
EXPLAIN_COLUMNS = ("line", "page", "text", "kind", "evidence", "speech", "role", "speaker", "x0", "top", "x1", "bottom")


def _is_pdf(path: Path) -> bool:
    if path.suffix.lower() == ".pdf":
        return True
    with open(path, "rb") as handle:
        return handle.read(5) == b"%PDF-"


def _reading(source: str | os.PathLike[str], rules: PageRules, kind: str) -> PageReading:
    if isinstance(source, str) and ("\n" in source or "\r" in source or not os.path.isfile(source)):
        lines = split_lines(source)
        if not lines:
            raise EmptyInputError(describe("path_or_text", source, "holds no text"))
        return read_lines(lines, rules, argument="text", value=source, check=False, kind=kind)
    if not isinstance(source, (str, os.PathLike)):
        raise InputTypeError(describe("path_or_text", source, "is neither a path nor the text of a page",
                                      accepted="a path to a .txt or .pdf file, or a str holding the page"))
    path = Path(source)
    if path.is_file() and _is_pdf(path):
        from .pdf import reading_of_pdf

        return reading_of_pdf(path, rules=rules, check=False, kind=kind)
    text, _ = read_text(path)
    return read_lines(split_lines(text), rules, argument="source", value=os.fspath(path), check=False, kind=kind)


def explain_page(path_or_text: str | os.PathLike[str], *, rules: PageRules | None = None,
                 kind: str = "auto") -> pd.DataFrame:
    """Every line of a page with the class the reader gave it, the evidence, and the speech it went to.

    What to read when a page comes out wrong: a title taken for body text, a
    byline not recognised, a paragraph cut in the wrong place. Change the
    :class:`~.rules.PageRules` field the evidence names and read the page again.

    Args:
        path_or_text: a text page (path or str) or a PDF (path).
        rules: the reader's thresholds and weights (None: the defaults).
        kind: the page kind, as for :func:`~.reader.read_page` (``"auto"``: chosen from the lines).

    Returns:
        A DataFrame with one row per line (a PDF: per text line, in reading
        order) and the columns ``line`` (the line number used in the corpus
        metadata), ``page`` (PDF page or None), ``text``, ``kind`` (``header``,
        ``marker``, ``byline``, ``title``, ``body``, ``credit``, ``furniture``),
        ``evidence`` (why), ``speech`` (the document id :func:`read_page` /
        :func:`read_pdf` give the speech with the default ``doc_prefix``; two
        ids joined with ``", "`` for a byline line of two speakers; None), ``role`` (``body``, ``byline``, ``title`` or None), ``speaker``
        and the box ``x0``, ``top``, ``x1``, ``bottom`` (PDF points; None for text).
        ``table.attrs`` holds ``kind`` (``speeches``, ``articles`` or ``single``) and
        ``kind_evidence`` (why that kind), and ``glyph_aliases`` (a PDF's repaired glyph aliases and how
        often, ``{"戶→户": 1}``; the lines say where in ``evidence``). A page that is not a page of speeches is explained
        too (no speeches).
    """
    import pandas as pd

    reading = _reading(path_or_text, check_rules(rules), check_kind(kind))
    ids = doc_ids("article" if reading.kind == "articles" else "speech", len(reading.speeches))
    went: dict[int, tuple[str, str, str | None]] = {}
    for s, speech in enumerate(reading.speeches):
        attributed = reading.speakers[s] if reading.speakers else None
        speaker = attributed[0].speaker if attributed else None
        for paragraph in speech:
            for line in paragraph.lines:
                went[id(line)] = (ids[s], "body", speaker)
        if attributed:  # a byline line with two speakers goes to two speeches
            known = went.get(id(attributed[1]))
            went[id(attributed[1])] = (f"{known[0]}, {ids[s]}", "byline", f"{known[2]}, {speaker}") if known else (
                ids[s], "byline", speaker)
        for line in (reading.titles[s] or []) if reading.titles else []:
            went.setdefault(id(line), (ids[s], "title", speaker))
    rows = []
    for line in reading.lines:
        speech, role, speaker = went.get(id(line), went.get(id(line.partner), (None, None, None)))
        box = line.box or (None, None, None, None, None)
        row = (line.number, box[0], line.text, line.kind, line.evidence, speech, role, speaker, *box[1:])
        rows.append(tuple(frame_text(v) for v in row))  # a lone surrogate cannot go into a pandas string column
    table = pd.DataFrame(rows, columns=list(EXPLAIN_COLUMNS))
    for column in ("page", "speech", "role", "speaker"):  # None, not NaN, where there is nothing
        table[column] = table[column].astype(object).where(table[column].notna(), None)
    table.attrs.update(kind=reading.kind, kind_evidence=reading.kind_evidence, glyph_aliases=reading.glyph_aliases)
    return table
