"""Trends: themes and framing devices over time, with intervals, and the spread of formulations.

- :func:`trends`: theme rates per year (or any ordered field) with document-bootstrap
  intervals (:meth:`Emphasis.interval <consensus_nlp.models.inference.GroupRates.interval>`).
- :func:`device_rates`: framing devices (formulations, citations, parallelism…) per
  10,000 characters per group, as a :class:`~consensus_nlp.models.inference.GroupRates`
  (so ``.interval()`` and ``.compare()`` work on them too).
- :func:`first_appearances`: when each device label (a formulation such as 四个认同)
  first appears, and across how many documents and groups it spreads.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..corpus import Corpus
from ..devices.formulations import check_form, has_form
from ..docvars import factorize, frame_text, same_value
from ..errors import EmptyInputError, InputTypeError, InvalidArgumentError, UnknownNameError, check_float, check_name, \
    describe
from ..text.tokens import Tokens
from .dictionaries import Themes
from .emphasis import emphasis
from .inference import GroupRates

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["trends", "device_rates", "first_appearances"]

DEVICE_COLUMNS = ("doc_id", "kind", "label")


def _order_key(value: Any) -> tuple:
    try:
        number = float(str(value))
    except ValueError:
        return (1, 0.0, str(value))
    return (2, 0.0, "") if number != number else (0, number, "")  # NaN (a missing year) last


def trends(
    tokens: Tokens,
    *,
    by: str = "year",
    themes: str | os.PathLike[str] | Mapping[str, Any] | Themes = "cppcc",
    per: float = 1000,
    level: float = 0.95,
    n_boot: int = 2000,
    random_state: int = 0,
) -> pd.DataFrame:
    """Theme rates per value of ``by`` (a year, a decade), in order, with bootstrap intervals.

    Returns:
        The table of :meth:`Emphasis.interval` (``by``, ``theme``, ``rate``, ``low``, ``high``,
        ``n_docs``) with the groups sorted by their numeric value (text values after, in
        text order).
    """
    table = emphasis(tokens, by=by, themes=themes, per=per).interval(level=level, n_boot=n_boot,
                                                                     random_state=random_state)
    import numpy as np

    codes, levels = factorize(table[by])
    rank = np.empty(len(levels), dtype=np.int64)
    rank[sorted(range(len(levels)), key=lambda g: _order_key(levels[g]))] = np.arange(len(levels))
    table = table.assign(_rank=rank[codes])
    return table.sort_values(["_rank"], kind="stable").drop(columns="_rank").reset_index(drop=True)


def _check_devices(devices: Any) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(devices, pd.DataFrame) or not set(DEVICE_COLUMNS) <= set(devices.columns):
        raise InputTypeError(describe("devices", devices, "is not a device table",
                                      accepted="the DataFrame of cn.tag(corpus)", todo="Tag first: cn.tag(corpus)."))
    return devices


def device_rates(
    devices: pd.DataFrame,
    corpus: Corpus,
    *,
    by: str = "year",
    kinds: Sequence[str] | None = None,
    per: float = 10_000,
    form: str = "any",
) -> GroupRates:
    """Framing devices per ``per`` characters per group (documents grouped by ``by``).

    Args:
        devices: the table of :func:`consensus_nlp.tag` on ``corpus``.
        corpus: the tagged corpus (its texts give the characters, its metadata the groups).
        by: metadata field to group by.
        kinds: device kinds to count (default: every kind in ``devices``, in order of appearance).
        per: rates per this many characters.
        form: which formulations count: ``"any"`` (default), ``"short"`` (the term itself,
            quoted or not), ``"quoted"``, ``"expanded"`` (its members listed) or ``"generic"``;
            the other kinds are not affected.

    Returns:
        :class:`~consensus_nlp.models.inference.GroupRates` with one category per device kind
        (``unit="characters"``, ``category="kind"``: long tables have ``kind`` and
        ``characters`` columns): ``.rates``, ``.counts``, ``.interval()``, ``.compare()``.

    Raises:
        UnknownNameError: a device's doc_id is not in the corpus; an unknown kind or field.
    """
    import numpy as np

    devices = _check_devices(devices)
    if not isinstance(corpus, Corpus):
        raise InputTypeError(describe("corpus", corpus, "is not a Corpus", accepted="the corpus given to cn.tag"))
    if len(corpus) == 0:
        raise EmptyInputError(describe("corpus", corpus, "holds no documents"))
    per = check_float("per", per, minimum=0, exclusive_minimum=True)
    devices = _select_form(devices, check_form(form))
    present = list(dict.fromkeys(devices["kind"]))
    if kinds is not None and (isinstance(kinds, (str, bytes)) or not isinstance(kinds, Iterable)):
        raise InputTypeError(describe("kinds", kinds, "is not a list of device kinds", accepted=present))
    kinds = present if kinds is None else list(kinds)
    index = {d.doc_id: i for i, d in enumerate(corpus)}
    strangers = sorted(set(devices["doc_id"]) - set(index))
    if strangers:
        raise UnknownNameError(describe("devices", strangers[0], "names a document that is not in the corpus",
                                        todo="Pass the corpus that was tagged."))
    codes, groups = corpus.docvars.factorize(by)
    counts = np.zeros((len(corpus), len(kinds)), dtype=np.int64)
    column = {k: j for j, k in enumerate(kinds)}
    for doc_id, kind in zip(devices["doc_id"], devices["kind"]):
        if kind in column:
            counts[index[doc_id], column[kind]] += 1
    return GroupRates(by=by, per=per, unit="characters", category="kind", categories=kinds, groups=groups,
                      doc_ids=[d.doc_id for d in corpus], doc_groups=codes.tolist(),
                      doc_counts=counts, doc_totals=[len(d.text) for d in corpus])


def _select_form(devices: pd.DataFrame, form: str) -> pd.DataFrame:
    """The rows of ``devices`` without the formulations of another form than ``form`` (other kinds kept)."""
    if form == "any":
        return devices
    if "attrs" not in devices.columns:
        raise InvalidArgumentError(describe("devices", f"DataFrame with columns {list(devices.columns)}",
                                            "has no attrs column, so the form of a formulation is unknown",
                                            accepted="the DataFrame of cn.tag(corpus)", todo="Leave form='any'."))
    keep = [kind != "formulation" or has_form(attrs, form) for kind, attrs in zip(devices["kind"], devices["attrs"])]
    return devices[keep]


def first_appearances(devices: pd.DataFrame, *, by: str = "year", kind: str = "formulation",
                      form: str = "any") -> pd.DataFrame:
    """When each device label first appears and how far it spreads.

    Examples:
        >>> import consensus_nlp as cn
        >>> corpus = cn.Corpus.from_records([
        ...     {"doc_id": "a", "text": "建设物质文明和精神文明。", "year": 1981},
        ...     {"doc_id": "b", "text": "在“两个文明”的建设中。", "year": 1986}])
        >>> devices = cn.tag(corpus, kinds="formulation")
        >>> first_appearances(devices, form="any")[["label", "first", "last"]].values.tolist()
        [['两个文明', 1981, 1986]]
        >>> first_appearances(devices, form="short")[["label", "first", "last"]].values.tolist()
        [['两个文明', 1986, 1986]]

    Args:
        devices: the table of :func:`consensus_nlp.tag` (with the metadata column ``by``).
        by: the ordered field (a year) that says when.
        kind: the device kind whose labels are followed (default formulations).
        form: for formulations, which mentions count: ``"any"`` (default), ``"short"``
            (the term itself, quoted or not: what a paper means by "first used"),
            ``"quoted"`` (the term in quotation marks), ``"expanded"`` (its members listed
            without the term) or ``"generic"`` (unknown numeric shorthands). Another kind
            than ``formulation`` accepts only ``"any"``.

    Returns:
        DataFrame with ``label``, ``first`` (smallest value of ``by``), ``first_doc``, ``last``,
        ``n_docs`` (documents using it), ``n_groups`` (distinct values of ``by``), ``n_hits``;
        sorted by ``first``, then label. A short form whose sense the text does not decide
        (``attrs["sense"]`` None: 四化 without evidence) keeps the entry's label (四化), so it
        never lends its year to one of the senses.

    Raises:
        UnknownNameError: ``by`` is not a column, or ``form`` is not one of the five.
        InvalidArgumentError: ``form`` other than ``"any"`` for another kind than formulations.
    """
    import pandas as pd

    devices = _check_devices(devices)
    check_name("by", by, accepted=list(devices.columns))
    check_name("kind", kind, accepted=list(dict.fromkeys(devices["kind"])))
    form = check_form(form)
    if form != "any" and kind != "formulation":
        raise InvalidArgumentError(describe("form", form, f"selects formulations, but kind is {kind!r}",
                                            accepted="form='any' for other kinds", todo="Leave form='any'."))
    if by not in devices.columns:
        raise UnknownNameError(describe("by", by, "is not a column of devices",
                                        accepted=[c for c in devices.columns if c not in ("attrs", "text")]))
    import numpy as np

    same_kind = np.array([same_value(k, kind) for k in devices["kind"]], dtype=bool)  # not ==: pandas cannot compare a lone surrogate
    rows = _select_form(devices[same_kind], form)
    out = []
    for label, part in rows.groupby("label", sort=False):
        order = sorted(range(len(part)), key=lambda i: (_order_key(part[by].iloc[i]), i))
        first = part.iloc[order[0]]
        out.append({"label": label, "first": first[by], "first_doc": first["doc_id"],
                    "last": part[by].iloc[order[-1]], "n_docs": part["doc_id"].nunique(),
                    "n_groups": len(factorize(part[by])[1]), "n_hits": len(part)})
    out = [{k: frame_text(v) for k, v in row.items()} for row in out]  # lone surrogates cannot go into a str column
    table = pd.DataFrame(out, columns=["label", "first", "first_doc", "last", "n_docs", "n_groups", "n_hits"])
    if table.empty:
        return table
    table = table.assign(_k=table["first"].map(_order_key)).sort_values(["_k", "label"], kind="stable")
    return table.drop(columns="_k").reset_index(drop=True)
