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

from ..corpus import Corpus, frame_text, group_key, metadata_values, same_value
from ..errors import EmptyInputError, InputTypeError, UnknownNameError, check_float, check_name, describe
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
    firsts: dict[Any, Any] = {}
    for g in table[by]:  # one value per group, whatever its type (a dict, a NaN)
        firsts.setdefault(group_key(g), g)
    order = sorted(firsts.values(), key=_order_key)
    rank = {group_key(g): i for i, g in enumerate(order)}
    table = table.assign(_rank=table[by].map(lambda g: rank[group_key(g)]))
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
) -> GroupRates:
    """Framing devices per ``per`` characters per group (documents grouped by ``by``).

    Args:
        devices: the table of :func:`consensus_nlp.tag` on ``corpus``.
        corpus: the tagged corpus (its texts give the characters, its metadata the groups).
        by: metadata field to group by.
        kinds: device kinds to count (default: every kind in ``devices``, in order of appearance).
        per: rates per this many characters.

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
    present = list(dict.fromkeys(devices["kind"]))
    if kinds is not None and (isinstance(kinds, (str, bytes)) or not isinstance(kinds, Iterable)):
        raise InputTypeError(describe("kinds", kinds, "is not a list of device kinds", accepted=present))
    kinds = present if kinds is None else list(kinds)
    index = {d.doc_id: i for i, d in enumerate(corpus)}
    strangers = sorted(set(devices["doc_id"]) - set(index))
    if strangers:
        raise UnknownNameError(describe("devices", strangers[0], "names a document that is not in the corpus",
                                        todo="Pass the corpus that was tagged."))
    values = metadata_values(corpus.doc_ids, [d.meta for d in corpus], by)
    keys = [group_key(v) for v in values]
    groups = list(dict.fromkeys(keys))
    position = {g: i for i, g in enumerate(groups)}
    labels = {k: v for k, v in zip(reversed(keys), reversed(values))}
    counts = np.zeros((len(corpus), len(kinds)), dtype=np.int64)
    column = {k: j for j, k in enumerate(kinds)}
    for doc_id, kind in zip(devices["doc_id"], devices["kind"]):
        if kind in column:
            counts[index[doc_id], column[kind]] += 1
    return GroupRates(by=by, per=per, unit="characters", category="kind", categories=kinds, groups=[labels[g] for g in groups],
                      doc_ids=[d.doc_id for d in corpus], doc_groups=[position[k] for k in keys],
                      doc_counts=counts, doc_totals=[len(d.text) for d in corpus])


def first_appearances(devices: pd.DataFrame, *, by: str = "year", kind: str = "formulation") -> pd.DataFrame:
    """When each device label first appears and how far it spreads.

    Args:
        devices: the table of :func:`consensus_nlp.tag` (with the metadata column ``by``).
        by: the ordered field (a year) that says when.
        kind: the device kind whose labels are followed (default formulations).

    Returns:
        DataFrame with ``label``, ``first`` (smallest value of ``by``), ``first_doc``, ``last``,
        ``n_docs`` (documents using it), ``n_groups`` (distinct values of ``by``), ``n_hits``;
        sorted by ``first``, then label.
    """
    import pandas as pd

    devices = _check_devices(devices)
    check_name("by", by, accepted=list(devices.columns))
    check_name("kind", kind, accepted=list(dict.fromkeys(devices["kind"])))
    if by not in devices.columns:
        raise UnknownNameError(describe("by", by, "is not a column of devices",
                                        accepted=[c for c in devices.columns if c not in ("attrs", "text")]))
    rows = devices[[same_value(k, kind) for k in devices["kind"]]]  # not ==: pandas cannot compare a lone surrogate
    out = []
    for label, part in rows.groupby("label", sort=False):
        order = sorted(range(len(part)), key=lambda i: (_order_key(part[by].iloc[i]), i))
        first = part.iloc[order[0]]
        out.append({"label": label, "first": first[by], "first_doc": first["doc_id"],
                    "last": part[by].iloc[order[-1]], "n_docs": part["doc_id"].nunique(),
                    "n_groups": part[by].map(group_key).nunique(), "n_hits": len(part)})
    out = [{k: frame_text(v) for k, v in row.items()} for row in out]  # lone surrogates cannot go into a str column
    table = pd.DataFrame(out, columns=["label", "first", "first_doc", "last", "n_docs", "n_groups", "n_hits"])
    if table.empty:
        return table
    table = table.assign(_k=table["first"].map(_order_key)).sort_values(["_k", "label"], kind="stable")
    return table.drop(columns="_k").reset_index(drop=True)
