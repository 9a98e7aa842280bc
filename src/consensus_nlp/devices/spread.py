"""``formulation_spread()``: when each formulation first appears, and in how many documents per period."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..corpus import Document, group_key, thaw
from ..errors import InputTypeError, InvalidArgumentError, check_bool, check_name, describe
from .formulations import check_form, has_form
from .tagger import tag

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["formulation_spread", "SPREAD_COLUMNS"]

SPREAD_COLUMNS = ["formulation", "first_period", "first_doc", "period", "n_docs", "docs_in_period", "share_docs",
                  "n_mentions"]


def _documents(data: Any, by: str) -> tuple[pd.DataFrame, list[tuple[Any, Any]]]:
    """The formulation rows of ``data`` and the ``(doc_id, period)`` of every document, in order."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        missing = [c for c in ("doc_id", "kind", "label", "attrs", by) if c not in data.columns]
        if missing:
            raise InvalidArgumentError(describe(
                "data", f"DataFrame with columns {list(data.columns)}", f"lacks the column(s) {missing}",
                accepted="the DataFrame returned by consensus_nlp.tag(corpus), whose documents carry the field `by`",
                todo="Tag a corpus whose documents have that metadata field, or pass the corpus itself."))
        docs = list(dict.fromkeys(zip(data["doc_id"], data[by].map(group_key))))
        return data[data["kind"] == "formulation"], docs
    if isinstance(data, (str, bytes, Document)) or not isinstance(data, Iterable):
        raise InputTypeError(describe("data", data, "is neither a corpus nor a DataFrame of devices",
                                      accepted="Corpus, iterable of Document, or the DataFrame of tag(corpus)"))
    data = list(data)
    for i, doc in enumerate(data):
        if not isinstance(doc, Document):
            raise InputTypeError(describe(f"data[{i}]", doc, "is not a Document", accepted="Document"))
        if by not in doc.meta:
            raise InvalidArgumentError(describe(
                "by", by, f"is not a metadata field of document {doc.doc_id!r}",
                accepted=sorted(doc.meta) or "(the document has no metadata)",
                todo="Name a field every document has, such as year."))
    frame = tag(data, kinds="formulation")
    if by not in frame.columns:  # no formulation at all: the column was never created
        frame[by] = []
    docs = [(doc.doc_id, group_key(thaw(doc.meta[by]))) for doc in data]
    return frame, docs


def formulation_spread(data: Iterable[Document] | pd.DataFrame, *, by: str = "year",
                       known_only: bool = True, form: str = "any") -> pd.DataFrame:
    """First appearance and spread of formulations across documents and periods.

    Examples:
        >>> import consensus_nlp as cn
        >>> corpus = cn.Corpus.from_records([
        ...     {"doc_id": "a", "text": "坚持四项基本原则。", "year": 1979},
        ...     {"doc_id": "b", "text": "坚持“四项基本原则”和对外开放。", "year": 1987},
        ...     {"doc_id": "c", "text": "以经济建设为中心。", "year": 1987}])
        >>> spread = formulation_spread(corpus, by="year")
        >>> spread[["formulation", "first_period", "first_doc", "period", "n_docs", "share_docs"]].values.tolist()
        [['四项基本原则', 1979, 'a', 1979, 1, 1.0], ['四项基本原则', 1979, 'a', 1987, 1, 0.5]]
        >>> formulation_spread(corpus, form="quoted")[["formulation", "first_period", "n_docs"]].values.tolist()
        [['四项基本原则', 1987, 1]]

    Args:
        data: a :class:`~consensus_nlp.Corpus` (or iterable of documents), or the
            DataFrame returned by ``tag(corpus)`` (then only documents with at least
            one device count in ``docs_in_period``).
        by: the metadata field that defines the periods or groups (``"year"``,
            ``"decade"``, ``"speaker"``…); periods are sorted by value.
        known_only: count only the formulations of ``devices/data/formulations.json``
            (short and expanded forms, merged under their label); ``False`` adds the
            unknown numeric shorthands (``attrs["form"] == "generic"``) under their text.
        form: which mentions count: ``"any"`` (default), ``"short"`` (the term itself,
            quoted or not), ``"quoted"``, ``"expanded"`` (its members listed) or
            ``"generic"`` (only with ``known_only=False``). A first appearance read from
            ``form="short"`` is the year the term was used, not the year its members were.

    Returns:
        A DataFrame with one row per formulation and period in which it occurs, sorted
        by first period, formulation and period; columns ``formulation``,
        ``first_period`` and ``first_doc`` (the first document, in corpus order, of the
        first period), ``period``, ``n_docs`` (documents of the period that use it),
        ``docs_in_period``, ``share_docs`` (``n_docs / docs_in_period``) and
        ``n_mentions``.

    Raises:
        InvalidArgumentError: if a document lacks the field ``by`` or the DataFrame
            lacks a needed column.
        InputTypeError: if ``data`` is neither documents nor a DataFrame.
        UnknownNameError: if ``form`` is not one of ``any``, ``short``, ``expanded``, ``quoted``, ``generic``.
    """
    import pandas as pd

    known_only = check_bool("known_only", known_only)
    form = check_form(form)
    check_name("by", by)
    rows, docs = _documents(data, by)
    period_of = dict(docs)
    order = {doc_id: i for i, (doc_id, _) in enumerate(docs)}
    per_period: dict[Any, int] = {}
    for _, p in docs:
        per_period[p] = per_period.get(p, 0) + 1
    counts: dict[tuple[str, Any], dict[Any, int]] = {}
    for doc_id, label, attrs in zip(rows["doc_id"], rows["label"], rows["attrs"]):
        if (known_only and attrs.get("form") == "generic") or not has_form(attrs, form):
            continue
        per_doc = counts.setdefault((label, period_of[doc_id]), {})
        per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
    periods = sorted(per_period, key=lambda p: (str(type(p)), p))
    rank = {p: i for i, p in enumerate(periods)}
    first: dict[str, tuple[int, int, Any]] = {}
    for (label, p), per_doc in counts.items():
        key = (rank[p], min(order[d] for d in per_doc))
        if label not in first or key < first[label][:2]:
            first[label] = (*key, docs[key[1]][0])
    out = []
    for (label, p), per_doc in counts.items():
        fr, _, fdoc = first[label]
        out.append([label, periods[fr], fdoc, p, len(per_doc), per_period[p], len(per_doc) / per_period[p],
                    sum(per_doc.values())])
    out.sort(key=lambda r: (first[r[0]][:2], r[0], rank[r[3]]))
    return pd.DataFrame(out, columns=SPREAD_COLUMNS)
