"""Units of analysis: whole speeches, paragraphs, or outline items.

Topic models and emphasis profiles need enough documents of a sensible size.
Seven speeches are too few documents for LDA; their paragraphs or their
numbered points (一是…二是…, 一、二、) are many more. :func:`units` turns a
corpus of speeches into a corpus of such units, each carrying its parent's
metadata plus where it sits in the parent, so results can be aggregated back
(``model.by("parent_id")``, ``model.by("organization")``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from typing import ClassVar

from .corpus import Corpus, Document
from .devices.common import strip_span
from .errors import InputTypeError, check_choice, check_int, describe
from .pipeline import Stage, run

__all__ = ["units", "UNITS", "PARENT_ONLY", "Unitize", "split_units"]

log = logging.getLogger(__name__)

UNITS = ("speech", "paragraph", "outline_item")
#: Metadata that describes a parent's page structure; kept on the parent only, never copied into its units.
PARENT_ONLY = ("paragraphs", "paragraph_lines")


def _paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        s, e = strip_span(text, start, end)
        if s < e:
            yield s, e
        start = end + 1


def _outline_spans(text: str) -> Iterator[tuple[str, str | None, int, int]]:
    """``(item, headline, start, end)`` for the preamble and each top-level outline item."""
    from .devices import outline

    items = list(outline(text))
    if items:
        top = min(item.level for item in items)
        items = [item for item in items if item.level == top]
    starts = [item.start for item in items]
    s, e = strip_span(text, 0, starts[0] if starts else len(text))
    if s < e:
        yield "preamble", None, s, e
    for i, item in enumerate(items):
        end = starts[i + 1] if i + 1 < len(items) else len(text)
        s, e = strip_span(text, item.start, end)
        if s < e:
            yield item.marker, item.headline, s, e


def units(corpus: Corpus, unit: str = "speech", *, min_chars: int = 0) -> Corpus:
    """Split every document of a corpus into units of analysis.

    Each unit is a :class:`~consensus_nlp.corpus.Document` whose text is exactly
    ``parent.text[start:end]`` (leading and trailing whitespace trimmed). Its metadata
    is the parent's plus ``parent_id``, ``unit``, ``start``, ``end``; outline items
    also get ``item`` (the marker such as ``"二是"``, or ``"preamble"``) and
    ``headline`` (``None`` for the preamble). The parent's page structure
    (``paragraphs``, ``paragraph_lines``: see :data:`PARENT_ONLY`) stays on the parent;
    look it up with ``corpus[unit.meta["parent_id"]]``. The other metadata values are
    the parent's own objects, not copies.

    - ``"speech"``: one unit per document (ids unchanged, ``start=0``, ``end=len(text)``).
    - ``"paragraph"``: the text split on ``"\\n"``; blank lines are skipped; ids
      ``"<parent>/p01"``, ``"<parent>/p02"``… (numbered among the non-blank paragraphs).
    - ``"outline_item"``: the top-level items of :func:`consensus_nlp.outline` (the smallest
      level found in that document); each runs from its marker to the next top-level
      marker; the text before the first marker is the unit ``"<parent>/o0"`` with
      ``item="preamble"`` (omitted when blank); items are ``"<parent>/o1"``… in order. A
      document without outline items gives one preamble unit with its whole text.

    Args:
        corpus: the documents (usually speeches).
        unit: ``"speech"``, ``"paragraph"`` or ``"outline_item"``.
        min_chars: leave out units shorter than this many characters (titles, dates and
            bylines of paragraph units); numbering counts the units kept.

    Returns:
        A new :class:`~consensus_nlp.corpus.Corpus` of units, in document order.

    Raises:
        InputTypeError: ``corpus`` is not a Corpus.
        UnknownNameError: ``unit`` is not one of the accepted names.
    """
    return run(Unitize(unit=unit, min_chars=min_chars), corpus)


@dataclasses.dataclass(frozen=True)
class Unitize(Stage):
    """:func:`units` as a stage: ``map`` splits a partition's documents; partitions stay partitions."""

    output: ClassVar[str] = "corpus"

    unit: str = "speech"
    min_chars: int = 0

    def __post_init__(self) -> None:
        check_choice("unit", self.unit, UNITS, what="a unit of analysis")
        check_int("min_chars", self.min_chars, minimum=0)

    def map(self, corpus: Corpus) -> Corpus:
        if not isinstance(corpus, Corpus):
            raise InputTypeError(describe("corpus", corpus, "is not a Corpus", accepted="consensus_nlp.Corpus",
                                          todo="Build one with cn.load_corpus, cn.read_page or Corpus.from_records."))
        return split_units(corpus, self.unit, self.min_chars)

    def combine(self, a: Corpus, b: Corpus) -> Corpus:
        return Corpus([*a, *b], meta=a.meta)


def split_units(corpus: Corpus, unit: str, min_chars: int) -> Corpus:
    """The units of ``corpus`` (checked arguments; see :func:`units`)."""
    docs: list[Document] = []
    for doc in corpus:
        base = {k: v for k, v in doc.meta.items() if k not in PARENT_ONLY}
        if unit == "speech":
            if len(doc.text) >= min_chars:
                docs.append(Document(doc.doc_id, doc.text, {**base, "parent_id": doc.doc_id, "unit": "speech", "start": 0,
                                                            "end": len(doc.text)}))
        elif unit == "paragraph":
            spans = [(s, e) for s, e in _paragraph_spans(doc.text) if e - s >= min_chars]
            for n, (s, e) in enumerate(spans, start=1):
                docs.append(Document(f"{doc.doc_id}/p{n:02d}", doc.text[s:e],
                                     {**base, "parent_id": doc.doc_id, "unit": "paragraph", "start": s, "end": e}))
        else:
            n = 0
            for item, headline, s, e in _outline_spans(doc.text):
                if e - s < min_chars:
                    continue
                n += item != "preamble"
                docs.append(Document(f"{doc.doc_id}/o{n if item != 'preamble' else 0}", doc.text[s:e],
                                     {**base, "parent_id": doc.doc_id, "unit": "outline_item", "item": item,
                                      "headline": headline, "start": s, "end": e}))
    log.debug("units: %s documents -> %s %s units", len(corpus), len(docs), unit)
    return Corpus(docs, meta=corpus.meta)
