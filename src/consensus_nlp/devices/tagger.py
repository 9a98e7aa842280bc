"""``tag()``: every framing device of a text or a corpus as one long DataFrame; ``tag_text()``: the Device objects of one text."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from .. import registry
from ..corpus import Document, thaw
from ..errors import InputTypeError, describe
from ..pipeline import Stage, run
from .common import check_text
from .base import KINDS, Device
from .citations import explained_spans, find_citations, quoted_phrases
from .formulations import find_formulations
from .outline import outline
from .parallelism import find_parallelism
from .statistics import find_statistics

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["tag", "tag_text", "tag_documents", "Tag", "COLUMNS", "find_outline", "list_detectors"]

logger = logging.getLogger(__name__)

COLUMNS = ["doc_id", "kind", "label", "start", "end", "text", "attrs"]


def list_detectors() -> list[str]:
    """The kinds of device ``tag(kinds=...)`` can look for: the package's seven detectors and those other
    packages registered (``consensus_nlp.registry.detectors``; each declares what it requires and assigns)."""
    return registry.detectors.names()


def check_kinds(kinds: str | Iterable[str] | None) -> tuple[str, ...]:
    if kinds is None:
        return KINDS
    if isinstance(kinds, str):
        kinds = (kinds,)
    try:
        chosen = tuple(kinds)
    except TypeError:
        raise InputTypeError(describe("kinds", kinds, "is not a kind name or a list of them", accepted=KINDS)) from None
    for k in chosen:
        if not isinstance(k, str) or k not in registry.detectors:
            registry.detectors.get(k)  # raises, listing the registered kinds
    return tuple(k for k in KINDS if k in chosen) + tuple(k for k in dict.fromkeys(chosen) if k not in KINDS)


def find_outline(text: str, *, items: list | None = None) -> list[Device]:
    """The outline items of ``text`` as devices of kind ``outline`` (label: the marker as written)."""
    items = outline(text) if items is None else items
    return [Device("outline", it.marker, it.start, it.end, text[it.start:it.end],
                   {"level": it.level, "marker": it.marker, "ordinal": it.ordinal, "headline": it.headline,
                    "family": it.family}) for it in items]


def tag_text(text: str, *, kinds: str | Iterable[str] | None = None) -> list[Device]:
    """The framing devices of one text as :class:`Device` objects (the object form of :func:`tag`).

    Examples:
        >>> [(d.kind, d.label, d.text) for d in tag_text("一是做优“委员讲堂”。二是做强“文化品牌”。", kinds=["outline"])]
        [('outline', '一是', '一是做优“委员讲堂”。'), ('outline', '二是', '二是做强“文化品牌”。')]

    Args:
        text: the text of one document.
        kinds: which devices to look for (see :func:`tag`); ``None`` for all.

    Returns:
        A list of :class:`Device` sorted by start, with offsets into ``text``
        (``text[d.start:d.end] == d.text``). An outline device's ``label`` is its
        marker as written (``"二是"``, ``"（三）"``); its family is ``attrs["family"]``.

    Raises:
        InputTypeError: if ``text`` is not a str.
        UnknownNameError: if a kind is not one of the seven.
    """
    chosen = check_kinds(kinds)
    return _tag_text(check_text(text), chosen)


def _tag_text(text: str, chosen: tuple[str, ...], year: int | None = None) -> list[Device]:
    """The package's detectors in the order their requirements give; then the other packages' detectors,
    each called as ``detect(text)``, or ``detect(text, found)`` with the devices of the kinds it requires
    (those are found for it, and reported only when chosen too). ``year`` (the document's) resolves
    formulation senses by era."""
    extra = [registry.detectors.get(k) for k in chosen if k not in KINDS]
    kinds = set(chosen).union(*(e.requires for e in extra))
    found: list[Device] = []
    items = outline(text) if {"outline", "formulation", "parallelism"} & kinds else []
    if "outline" in kinds:
        found += find_outline(text, items=items)
    formulations: list[Device] = []
    quoted = {"slogan", "quoted"} & set(kinds)
    if "formulation" in kinds or quoted:
        formulations = find_formulations(text, outline_items=items, year=year)
    if "formulation" in kinds:
        found += formulations
    if "parallelism" in kinds:
        found += find_parallelism(text, outline_items=items)
    citations: list[Device] = []
    if "citation" in kinds or quoted:
        citations = find_citations(text)
    if "citation" in kinds:
        found += citations
    if quoted:
        found += [d for d in quoted_phrases(text, explained_spans(citations, formulations)) if d.kind in quoted]
    if "statistic" in kinds:
        found += find_statistics(text)
    for entry in extra:
        detect = entry.load()
        needed = [d for d in found if d.kind in entry.requires]
        found += list(detect(text, needed) if entry.requires else detect(text))
    assigned = set(chosen).union(*(e.assigns for e in extra))
    found = [d for d in found if d.kind in assigned]
    order = {k: i for i, k in enumerate(dict.fromkeys([*KINDS, *chosen, *(k for e in extra for k in e.assigns)]))}
    found.sort(key=lambda d: (d.start, order.get(d.kind, len(order)), d.end, d.label))
    return found


def tag(data: str | Iterable[Document], *, kinds: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Find the framing devices of a text, or of every document of a corpus, as one DataFrame.

    Examples:
        >>> frame = tag("一是做优“委员讲堂”。二是做强“文化品牌”。", kinds=["outline"])
        >>> frame[["doc_id", "kind", "label", "start", "end"]].values.tolist()
        [[None, 'outline', '一是', 0, 11], [None, 'outline', '二是', 11, 22]]

    Args:
        data: the text of one document (a ``str``), or a :class:`~consensus_nlp.Corpus`
            or any iterable of :class:`~consensus_nlp.Document`.
        kinds: which devices to look for, a subset of ``outline``, ``formulation``,
            ``parallelism``, ``citation``, ``slogan``, ``quoted``, ``statistic`` (a single name is
            accepted); ``None`` for all.

    Returns:
        Always a pandas DataFrame with one row per device and the columns ``doc_id``
        (``None`` for a bare text), ``kind``, ``label``, ``start``, ``end``, ``text``,
        ``attrs`` (a JSON-able dict), followed by one column per metadata field of the
        documents (a field whose name clashes with one of those columns is prefixed
        ``meta_``). Offsets refer to each document's text. For :class:`Device`
        objects of one text use :func:`tag_text`.

    Raises:
        UnknownNameError: if a kind is not one of the seven.
        InputTypeError: if ``data`` is neither a str nor documents.
    """
    chosen = check_kinds(kinds)
    if isinstance(data, str):
        import pandas as pd

        rows = [_row(None, d, {}) for d in _tag_text(data, chosen)]
        return pd.DataFrame(rows, columns=COLUMNS).astype({"start": "int64", "end": "int64"})
    return run(Tag(kinds=chosen), data)


def tag_documents(data: Iterable[Document], kinds: tuple[str, ...]) -> pd.DataFrame:
    """:func:`tag` of documents in memory (the map of its stage, :class:`Tag`)."""
    import pandas as pd

    chosen = kinds
    if isinstance(data, (bytes, bytearray, Document)) or not isinstance(data, Iterable):
        raise InputTypeError(
            describe("data", data, "is neither a text nor a collection of documents",
                     accepted="str, Corpus or an iterable of Document",
                     todo="Decode bytes first; wrap a single Document in a list.")
        )
    rows: list[dict[str, Any]] = []
    meta_keys: dict[str, None] = {}
    n_docs = 0
    for i, doc in enumerate(data):
        if not isinstance(doc, Document):
            raise InputTypeError(describe(f"data[{i}]", doc, "is not a Document", accepted="Document",
                                          todo="Build a Corpus with Corpus.from_records."))
        check_text(doc.text, f"data[{i}].text")
        n_docs += 1
        meta = {(f"meta_{k}" if k in COLUMNS else k): thaw(v) for k, v in doc.meta.items()}
        meta_keys.update(dict.fromkeys(meta))
        rows += [_row(doc.doc_id, d, meta) for d in _tag_text(doc.text, chosen, document_year(doc.meta))]
    logger.debug("tagged %d documents: %d devices", n_docs, len(rows))
    columns = COLUMNS + list(meta_keys)
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"start": "int64", "end": "int64"})


def document_year(meta: Any) -> int | None:
    """The ``year`` field of a document's metadata as an int (``"1985"`` too), else None: it resolves senses by era."""
    value = meta.get("year") if hasattr(meta, "get") else None
    try:
        year = int(str(value).strip())
    except ValueError:
        return None
    return year if 0 < year < 10000 else None


def _row(doc_id: Any, d: Device, meta: dict[str, Any]) -> dict[str, Any]:
    return {"doc_id": doc_id, "kind": d.kind, "label": d.label, "start": d.start, "end": d.end,
            "text": d.text, "attrs": d.attrs, **meta}


@dataclasses.dataclass(frozen=True)
class Tag(Stage):
    """:func:`consensus_nlp.tag` of documents as a stage: ``map`` gives a partition's devices frame.

    On partitioned data every partition's frame has the same ``columns`` (the device
    columns, then the metadata fields; ``meta_`` before a field named like a device column),
    and the frames stay partitions of a dask DataFrame until computed.
    """

    output: ClassVar[str] = "frame"

    kinds: tuple[str, ...] = ()
    columns: tuple[str, ...] | None = None

    def map(self, part: Iterable[Document]) -> pd.DataFrame:
        frame = tag_documents(part, self.kinds)
        if self.columns is None:
            return frame
        return frame.reindex(columns=list(self.columns)).astype({"start": "int64", "end": "int64"})

    def combine(self, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        return pd.concat([a, b], ignore_index=True)

    def for_partitions(self, fields: Sequence[str] | None) -> Tag:
        return dataclasses.replace(self, columns=tuple(self.frame_meta(fields).columns))

    def frame_meta(self, fields: Sequence[str] | None) -> Any:
        import pandas as pd

        columns = COLUMNS + [f"meta_{k}" if k in COLUMNS else k for k in fields or ()]
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "end") else object) for c in columns})
