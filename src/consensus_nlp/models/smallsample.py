"""Rates of clustered counts with intervals that hold in small groups, and permutation tests over clusters.

A group's rate is a ratio estimator, ``R = sum(hits) / sum(tokens)`` over its
documents. Its interval (:func:`ratio_intervals`) is a *log-t interval with HC3
standard errors* over clusters (documents, or the parent documents of paragraph
units):

* the linearized residual of cluster ``i`` is ``e_i = y_i - R x_i``; with the
  leverage ``h_i = x_i / sum(x)`` its HC3 variance is
  ``var(R) = sum((e_i / (1 - h_i))^2) / sum(x)^2`` (MacKinnon & White 1985);
* the interval is ``R * exp(± t_df * se / R)``: symmetric on the log scale
  (rates are skewed and positive), with Student's t on
  ``df = min(n - 1, n_hits)`` degrees of freedom for ``n`` clusters, where
  ``n_hits = (sum y_i)^2 / sum y_i^2`` is the effective number of clusters
  carrying the hits (Kish's effective sample size over the hits). When a theme
  sits in a few documents (strong over-dispersion), the standard error rests on
  those few, and ``n - 1`` degrees of freedom overstate its precision: the
  simulations found 0.91 coverage with 10 documents there, 0.95 with ``n_hits``.

``benchmarks/simulations.py`` chose it among the percentile and studentized
bootstraps, the plain t interval and a jackknife (docs/emphasis.md has the
table): it is the one that covers at 0.93-0.97 from 5 documents up, with
moderate and with strong variation of the documents' own rates. With fewer than :data:`MIN_CLUSTERS`
clusters, or fewer than :data:`MIN_CLUSTERS` clusters holding a hit, no method
reached that band, and the callers warn naming the groups.

:func:`cluster_sums` folds documents into clusters; :func:`permutation_statistics`
shuffles cluster labels for pairwise and omnibus tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["MIN_CLUSTERS", "cluster_keys", "cluster_sums", "ratio_se", "hit_clusters", "interval_df", "ratio_intervals", "welch_difference", "permutation_statistics",
           "adjust_p"]

#: Fewest clusters (and fewest clusters with a hit) for which the simulations found 95 % coverage in [0.93, 0.97].
MIN_CLUSTERS = 5
ADJUSTMENTS = ("holm", "fdr_bh", "bonferroni", "none")


def cluster_keys(docvars: Any, field: str | None) -> list[Any] | None:
    """Each document's cluster: its value of ``field`` (``parent_id`` for units), or its own id where it has none.

    ``None`` when ``field`` is ``None``, or is ``"parent_id"`` and no document has a parent
    (documents, not units: each is its own cluster). Another absent field raises
    :class:`~consensus_nlp.errors.UnknownNameError` naming the fields.
    """
    from ..errors import UnknownNameError

    if field is None:
        return None
    try:
        values = docvars.values(field)
    except UnknownNameError:
        if field != "parent_id":
            raise
        return None
    if field == "parent_id" and all(v is None or v == d for d, v in zip(docvars.doc_ids, values)):
        return None  # the docvars' system column gives a document without a parent its own id
    return [("doc", d) if v is None else ("value", v) for d, v in zip(docvars.doc_ids, values)]


def cluster_sums(groups: np.ndarray, clusters: Sequence[Any] | None, counts: np.ndarray, totals: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts and totals summed per (group, cluster): ``cluster_groups``, ``cluster_counts``, ``cluster_totals``.

    ``clusters=None`` makes every document its own cluster. A cluster that spans two
    groups is split (its documents in each group form one cluster of that group).
    """
    import numpy as np

    if clusters is None:
        return groups.copy(), counts.copy(), totals.copy()
    keys: dict[tuple[int, Any], int] = {}
    index = np.fromiter((keys.setdefault((int(g), c), len(keys)) for g, c in zip(groups.tolist(), clusters)),
                        dtype=np.int64, count=len(groups))
    n = len(keys)
    out_counts = np.zeros((n, counts.shape[1]), dtype=np.int64)
    np.add.at(out_counts, index, counts)
    out_totals = np.bincount(index, weights=totals, minlength=n).astype(np.int64)
    out_groups = np.fromiter((g for g, _ in keys), dtype=np.int64, count=n)
    return out_groups, out_counts, out_totals


def ratio_se(counts: np.ndarray, totals: np.ndarray, *, kind: str = "hc3") -> tuple[np.ndarray, np.ndarray]:
    """Rate ``sum(y)/sum(x)`` per column and its HC3 (or HC2) standard error over the rows (clusters).

    ``kind="hc3"`` divides each linearized residual by ``1 - h_i``, ``"hc2"`` its square by it
    (unbiased when the clusters' variances are equal; :func:`welch_difference` uses it).
    """
    import numpy as np

    x = totals.astype(float)
    size = x.sum()
    rate = counts.sum(axis=0) / size
    residual = counts - np.outer(x, rate)
    leverage = x / size
    with np.errstate(divide="ignore", invalid="ignore"):
        squares = residual ** 2 / ((1 - leverage) ** (2 if kind == "hc3" else 1))[:, None]
    squares[~np.isfinite(squares)] = 0.0  # a single cluster: leverage 1, no variance to estimate
    return rate, np.sqrt(squares.sum(axis=0)) / size


def hit_clusters(counts: np.ndarray) -> np.ndarray:
    """Effective number of clusters carrying each column's hits, ``(sum y)^2 / sum y^2`` (0 without hits).

    It is ``n`` when every cluster holds the same hits and 1 when one holds them all;
    :func:`ratio_intervals` takes its degrees of freedom from it.
    """
    import numpy as np

    y = counts.astype(float)
    squares = (y ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(squares > 0, y.sum(axis=0) ** 2 / squares, 0.0)


def interval_df(counts: np.ndarray) -> np.ndarray:
    """Degrees of freedom of each column's log-t interval: ``min(n - 1, n_hits)``, at least 1 (module docs)."""
    import numpy as np

    return np.clip(hit_clusters(counts), 1.0, max(len(counts) - 1, 1))


def ratio_intervals(counts: np.ndarray, totals: np.ndarray, *, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate, low and high per column by the log-t HC3 interval (see the module docs).

    A column without hits has rate 0, low 0 and as high the one-sided Poisson bound on
    all tokens, ``-log((1 - level) / 2) / sum(x)`` (a lower bound on the uncertainty).
    ``high`` is at most 1 (every token a hit): with 2 clusters (or the hits in one) ``t_1``
    is 12.7 and the log-scale interval can otherwise pass any possible rate.
    With one cluster, low and high are NaN.
    """
    import numpy as np
    from scipy.stats import t as student

    n = len(totals)
    rate, se = ratio_se(counts, totals)
    if n < 2:
        nan = np.full_like(rate, np.nan)
        return rate, nan, nan.copy()
    quantile = student.ppf((1 + level) / 2, interval_df(counts))
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.exp(quantile * se / rate)
    low, high = rate / spread, np.minimum(rate * spread, 1.0)  # at most one hit per token (or character)
    zero = rate == 0
    low[zero] = 0.0
    high[zero] = -np.log((1 - level) / 2) / float(totals.sum())
    return rate, low, high


def welch_difference(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], *, level: float
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference of two rates (columns), with a Welch-Satterthwaite t interval on their HC2 errors.

    HC2, not the HC3 of a single rate's interval: the simulations chose it (the difference's
    interval is on the raw scale and pools two variances; with HC3 it covered 0.97-0.98 with
    5 documents per group, with HC2 0.95-0.96, docs/simulations.md).
    """
    import numpy as np
    from scipy.stats import t as student

    (rate_a, se_a), (rate_b, se_b) = ratio_se(*a, kind="hc2"), ratio_se(*b, kind="hc2")
    n_a, n_b = len(a[1]), len(b[1])
    va, vb = se_a ** 2, se_b ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (va + vb) ** 2 / (va ** 2 / (n_a - 1) + vb ** 2 / (n_b - 1))
    df = np.where(np.isfinite(df), df, n_a + n_b - 2)
    half = student.ppf((1 + level) / 2, df) * np.sqrt(va + vb)
    diff = rate_a - rate_b
    return diff, diff - half, diff + half


def permutation_statistics(labels: np.ndarray, counts: np.ndarray, totals: np.ndarray, *, n_groups: int,
                           n_perm: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Group rates (``groups x columns``) as observed and under ``n_perm`` shuffles of the cluster labels.

    Returns ``observed`` (``groups x columns``) and ``permuted`` (``n_perm x groups x columns``);
    a permuted group without tokens has NaN rates.
    """
    import numpy as np

    def rates(assign: np.ndarray) -> np.ndarray:  # assign: rows x clusters of group labels
        rows = assign.shape[0]
        flat = (assign + n_groups * np.arange(rows)[:, None]).ravel()
        size = np.bincount(flat, weights=np.tile(totals, rows), minlength=rows * n_groups)
        hits = np.stack([np.bincount(flat, weights=np.tile(counts[:, j], rows), minlength=rows * n_groups)
                         for j in range(counts.shape[1])], axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (hits / size[:, None]).reshape(rows, n_groups, counts.shape[1])

    observed = rates(labels[None, :])[0]
    permuted = rates(rng.permuted(np.tile(labels, (n_perm, 1)), axis=1))
    return observed, permuted


def adjust_p(p: np.ndarray, method: str) -> np.ndarray:
    """p-values adjusted for multiple comparisons (statsmodels' ``multipletests``)."""
    import numpy as np

    if method == "none" or len(p) == 0:
        return np.asarray(p, dtype=float)
    from statsmodels.stats.multitest import multipletests

    return multipletests(np.asarray(p, dtype=float), method=method)[1]
