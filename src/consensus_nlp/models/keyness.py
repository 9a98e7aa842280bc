"""Keyness: which terms mark a target group of documents against the rest.

:func:`keyness` uses the same statistics as quanteda.textstats' ``textstat_keyness``
(signed chi-squared with its Yates rule, or the signed likelihood ratio G2).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import InputTypeError, InvalidArgumentError, UnknownNameError, check_choice, check_int, describe
from ..pipeline import Stage, run
from .dtm import DTM

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["keyness", "adjust_p", "CompareTerms", "TermTable"]

MEASURES = ("chi2", "g2")
CORRECTIONS = ("default", "yates", "williams", "none")
ADJUSTMENTS = ("fdr_bh", "holm", None)
_EPSILON = 1e-9  # quanteda's constant inside the logarithms of G2


def _target_mask(matrix: DTM, target: Any) -> tuple[np.ndarray, frozenset[str]]:
    """Which rows ``target`` selects, and the doc_ids it names that are not rows of ``matrix``."""
    import numpy as np

    if callable(target):
        return np.array([bool(target(m)) for m in matrix.metas], dtype=bool), frozenset()
    if isinstance(target, Mapping):
        fields = set(matrix.fields()) | {"doc_id"}
        for key in target:
            if key not in fields:
                raise UnknownNameError(describe("target", dict(target), f"names {key!r}, not a metadata field",
                                                accepted=sorted(fields)))

        def ok(doc_id: str, meta: Mapping[str, Any]) -> bool:
            for key, wanted in target.items():
                value = doc_id if key == "doc_id" else meta.get(key)
                if callable(wanted):
                    if not wanted(value):
                        return False
                elif isinstance(wanted, (list, tuple, set, frozenset, range)):
                    if value not in wanted:
                        return False
                elif value != wanted:
                    return False
            return True

        return np.array([ok(d, m) for d, m in zip(matrix.doc_ids, matrix.metas)], dtype=bool), frozenset()
    if isinstance(target, str):
        target = [target]
    if isinstance(target, Iterable):
        wanted = set(target)
        return np.array([d in wanted for d in matrix.doc_ids], dtype=bool), frozenset(map(str, wanted - set(matrix.doc_ids)))
    raise InputTypeError(describe("target", target, "cannot select documents",
                                  accepted="a dict of metadata conditions, a callable on metadata, or a list of doc_ids"))


def _yates(a, b, c, d):
    """Yates' delta per term: 0.5 where ``|ad - bc| >= N/2`` and some expected cell is below 5."""
    import numpy as np

    n = a + b + c + d
    smallest = np.minimum.reduce([(a + b) * (a + c), (a + b) * (b + d), (a + c) * (c + d), (c + d) * (b + d)])
    return np.where((np.abs(a * d - b * c) >= n / 2) & (smallest / n < 5), 0.5, 0.0)


def _williams(a, b, c, d):
    """Williams' q per term (1 where a cell is empty)."""
    import numpy as np

    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 1.0 + (n / (a + b) + n / (c + d) - 1.0) * (n / (a + c) + n / (b + d) - 1.0) / (6.0 * n)
    return np.where(a * b * c * d == 0, 1.0, q)


def _chi2(a, b, c, d, correction: str):
    """Signed chi-squared per term (arrays of the four cells)."""
    import numpy as np

    n = a + b + c + d
    expected = (a + b) * (a + c) / n
    delta = _yates(a, b, c, d) if correction in ("default", "yates") else 0.0
    q = _williams(a, b, c, d) if correction == "williams" else 1.0
    num = n * (np.abs(a * d - b * c) - n * delta) ** 2
    den = (a + b) * (c + d) * (a + c) * (b + d) * np.where(a > expected, 1.0, -1.0) / q
    return num / den


def _g2(a, b, c, d, correction: str):
    """Signed log-likelihood ratio per term (arrays of the four cells)."""
    import numpy as np

    n = a + b + c + d
    expected = (a + b) * (a + c) / n
    aa, bb, cc, dd = a, b, c, d
    if correction in ("default", "yates"):
        delta = _yates(a, b, c, d)
        shift = np.where(a * d - b * c > 0, -delta, delta)
        aa, bb, cc, dd = a + shift, b - shift, c - shift, d + shift

    def term(x, row, col):
        with np.errstate(divide="ignore", invalid="ignore"):
            value = x * np.log(x / (row * col / n) + _EPSILON)
        return np.where(x == 0, 0.0, value)

    g2 = 2 * (term(aa, aa + bb, aa + cc) + term(bb, aa + bb, bb + dd) + term(cc, aa + cc, cc + dd)
              + term(dd, bb + dd, cc + dd)) * np.where(a > expected, 1.0, -1.0)
    if correction == "williams":
        g2 = g2 / _williams(a, b, c, d)
    return g2


def keyness(
    matrix: DTM,
    *,
    target: Any,
    reference: Any = None,
    measure: str = "chi2",
    correction: str = "default",
    min_count: int = 1,
    adjust: str | None = "fdr_bh",
) -> pd.DataFrame:
    """Terms over- and under-represented in a target group of documents, as quanteda computes them.

    For each term the 2x2 table is ``a`` = count in the target, ``b`` = count in the
    reference (all other documents, or those selected by ``reference``), ``c``/``d`` = the
    other tokens of target/reference. Terms absent from both are left out.
    The definitions follow quanteda.textstats' ``textstat_keyness`` (src/keyness.cpp):

    - ``chi2``: ``N (|ad - bc| - N delta)^2 / ((a+b)(c+d)(a+c)(b+d))``; with
      ``correction="default"`` or ``"yates"``, ``delta = 0.5`` when ``|ad - bc| >= N/2`` and
      some expected cell is below 5, else 0; ``"williams"`` multiplies by Williams' q.
    - ``g2``: ``2 sum O ln(O / E + 1e-9)`` over the four cells (an empty cell adds 0);
      ``"default"``/``"yates"`` first move each cell 0.5 toward independence under the same
      rule (quanteda's code does this for ``"default"``, although its manual names Williams);
      ``"williams"`` divides by q.

    Statistics are signed: negative when ``a`` is below its expected count. ``p`` is
    ``1 - F_chi2(|statistic|, df=1)``. A table with an empty margin (a corpus whose
    only term this is) has statistic 0 and p 1, never NaN. Rows are sorted by statistic (descending), then term.

    For publication: ``min_count`` leaves out the terms seen fewer times in target and
    reference together (a term seen twice cannot be "key" in any useful sense, and every
    term tested adds to the multiple-testing burden); ``q`` adjusts ``p`` for the number
    of terms tested (after ``min_count``): Benjamini-Hochberg false discovery rate
    (``adjust="fdr_bh"``, the default) or Holm's family-wise error rate (``"holm"``);
    ``adjust=None`` gives ``q = p``. ``log_ratio`` is Hardie's effect size, the binary
    logarithm of the ratio of the term's relative frequencies, with 0.5 added to both
    counts so that a term absent from one side has a finite value:
    ``log2(((a + 0.5) / (a + c)) / ((b + 0.5) / (b + d)))``; 1 means twice as frequent
    in the target.

    The name ``correction`` is quanteda's and keeps its meaning (the continuity
    correction of one 2x2 table); the correction for testing many terms is ``adjust``.

    Args:
        matrix: a :class:`DTM` (its counts are used, whatever its weighting).
        target: which documents form the target: a dict of metadata conditions
            (``{"decade": 2010}``; a value may be a list/set of accepted values or a predicate),
            a callable taking a document's metadata, or a list of doc_ids.
        reference: the documents to compare with, in the same forms; ``None`` (default) for
            every document outside the target. Documents in neither are ignored.
        measure: ``"chi2"`` (default) or ``"g2"`` (quanteda's ``"lr"``).
        correction: ``"default"``, ``"yates"``, ``"williams"`` or ``"none"`` (per 2x2 table).
        min_count: keep only the terms seen at least this many times in target and
            reference together (default 1: every term; 5 or 10 for publication).
        adjust: multiple-testing adjustment of ``p`` into ``q``: ``"fdr_bh"`` (default),
            ``"holm"`` or ``None``.

    Returns:
        DataFrame with columns ``term``, ``statistic``, ``p``, ``q``, ``log_ratio``,
        ``n_target``, ``n_reference``.

    Raises:
        UnknownNameError: unknown measure/correction, metadata field or doc_id.
        InvalidArgumentError: the target holds no document or every document, or target
            and reference overlap or the reference is empty, or either holds no token.
    """
    return run(CompareTerms(target=target, reference=reference, measure=measure, correction=correction,
                            min_count=min_count, adjust=adjust), matrix)


class TermTable(NamedTuple):
    """What :class:`CompareTerms` maps a DTM (or a partition of its rows) to: per term, its count in the
    target and in the reference documents, and the numbers of documents and tokens on each side."""

    terms: tuple[str, ...]
    in_target: np.ndarray
    in_reference: np.ndarray
    docs: tuple[int, int, int, int]  # documents: all, target, reference, in both
    tokens: tuple[float, float]  # tokens of the target and of the reference
    doc_ids: tuple[str, ...]  # the first ten documents (for messages)
    missing: frozenset[str]  # doc_ids named by the target or reference and not found


@dataclasses.dataclass(frozen=True)
class CompareTerms(Stage):
    """:func:`keyness` as a stage: ``map`` sums a DTM's counts on each side per term, ``combine`` adds two
    such tables (on the union of their terms), ``finalize`` checks the selection and computes the statistics."""

    target: Any = None
    reference: Any = None
    measure: str = "chi2"
    correction: str = "default"
    min_count: int = 1
    adjust: str | None = "fdr_bh"

    def __post_init__(self) -> None:
        check_choice("measure", self.measure, MEASURES, what="a keyness measure")
        if not isinstance(self.correction, str) or self.correction not in CORRECTIONS:
            raise UnknownNameError(describe("correction", self.correction, "is not a known correction",
                                            accepted=CORRECTIONS, todo="For multiple testing use adjust='fdr_bh' or "
                                            "adjust='holm'." if isinstance(self.correction, str) and self.correction in ADJUSTMENTS
                                            else None))
        check_choice("adjust", self.adjust, ADJUSTMENTS, what="a multiple-testing adjustment")
        check_int("min_count", self.min_count, minimum=1)

    def map(self, matrix: DTM) -> TermTable:
        import numpy as np

        if not isinstance(matrix, DTM):
            raise InputTypeError(describe("matrix", matrix, "is not a DTM", accepted="a DTM from consensus_nlp.dtm"))
        mask, missing = _target_mask(matrix, self.target)
        if self.reference is None:
            ref_mask, missing_ref = ~mask, frozenset()
        else:
            ref_mask, missing_ref = _target_mask(matrix, self.reference)
        counts = matrix.counts
        side = [np.asarray(counts[m].sum(axis=0)).ravel().astype(float) for m in (mask, ref_mask)]
        return TermTable(matrix.terms, side[0], side[1],
                         (len(mask), int(mask.sum()), int(ref_mask.sum()), int((mask & ref_mask).sum())),
                         (float(side[0].sum()), float(side[1].sum())), matrix.doc_ids[:10], missing | missing_ref)

    def combine(self, a: TermTable, b: TermTable) -> TermTable:
        import numpy as np

        index = {t: i for i, t in enumerate(a.terms)}
        where = np.fromiter((index.setdefault(t, len(index)) for t in b.terms), dtype=np.int64, count=len(b.terms))
        sides = []
        for x, y in ((a.in_target, b.in_target), (a.in_reference, b.in_reference)):
            total = np.zeros(len(index))
            total[:len(x)] = x
            np.add.at(total, where, y)
            sides.append(total)
        docs = tuple(p + q for p, q in zip(a.docs, b.docs))
        return TermTable(tuple(index), sides[0], sides[1], docs, (a.tokens[0] + b.tokens[0], a.tokens[1] + b.tokens[1]),
                         (a.doc_ids + b.doc_ids)[:10], (a.missing & b.missing))

    def finalize(self, acc: TermTable, source: Any) -> pd.DataFrame:
        import numpy as np
        import pandas as pd
        from scipy.stats import chi2 as chi2_dist

        target, reference, min_count = self.target, self.reference, self.min_count
        if acc.missing:
            raise UnknownNameError(describe("target", sorted(acc.missing)[0], "is not a doc_id of this DTM",
                                            accepted=list(acc.doc_ids)))
        n_docs, n_target, n_reference, n_both = acc.docs
        if not n_target or n_target == n_docs:
            raise InvalidArgumentError(
                describe("target", target, f"selects {n_target} of {n_docs} documents",
                         accepted="a condition that selects some but not all documents")
            )
        if reference is not None and (not n_reference or n_both):
            raise InvalidArgumentError(
                describe("reference", reference, f"selects {n_reference} documents, {n_both} of them also in the target",
                         accepted="a condition that selects documents outside the target")
            )
        in_target, in_reference = acc.in_target, acc.in_reference
        present = (in_target + in_reference) >= min(min_count, 2**53)  # a huge int would overflow numpy's float
        if not present.any():
            raise InvalidArgumentError(describe("min_count", min_count, "leaves no term",
                                                todo=f"Lower min_count (the most frequent term occurs "
                                                     f"{int((in_target + in_reference).max(initial=0))} times)."))
        terms = [t for t, keep in zip(acc.terms, present) if keep]
        in_target, in_reference = in_target[present], in_reference[present]
        total_target, total_reference = acc.tokens
        for name, total, selector in (("target", total_target, target), ("reference", total_reference, reference)):
            if total == 0:
                raise InvalidArgumentError(describe(name, selector, "selects documents that hold no token",
                                                    todo="Compare groups of documents that have words."))
        stat_fn = _chi2 if self.measure == "chi2" else _g2
        with np.errstate(divide="ignore", invalid="ignore"):
            stats = np.asarray(stat_fn(in_target, in_reference, total_target - in_target,
                                       total_reference - in_reference, self.correction), dtype=float)
        # a table with an empty margin (every token is this term) carries no evidence either way
        stats = np.where(np.isfinite(stats), stats, 0.0)
        term_array = np.array(terms, dtype=object)
        order = np.lexsort((term_array, -stats))  # statistic descending, then term
        p = chi2_dist.sf(np.abs(stats[order]), 1)
        log_ratio = np.log2(((in_target + 0.5) / total_target) / ((in_reference + 0.5) / total_reference))
        return pd.DataFrame({
            "term": term_array[order].tolist(),
            "statistic": stats[order],
            "p": p,
            "q": adjust_p(p, self.adjust),
            "log_ratio": log_ratio[order],
            "n_target": in_target[order].astype(np.int64),
            "n_reference": in_reference[order].astype(np.int64),
        })


def adjust_p(p: np.ndarray, method: str | None) -> np.ndarray:
    """Adjusted p-values: Benjamini-Hochberg (``"fdr_bh"``), Holm (``"holm"``) or none.

    Same values as ``statsmodels.stats.multitest.multipletests`` and R's ``p.adjust``.
    """
    import numpy as np

    p = np.asarray(p, dtype=float)
    m = len(p)
    if method is None or m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "fdr_bh":
        adjusted = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    else:  # holm
        adjusted = np.maximum.accumulate(ranked * (m - np.arange(m)))
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out
