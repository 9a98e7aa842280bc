"""Uncertainty for counts per group: intervals over documents or clusters, tests, many comparisons.

:class:`GroupRates` holds per-document counts (documents x categories, e.g.
themes or device kinds), per-document totals and a group per document, and
answers the questions a referee asks of a rate table: how precise is each
rate (:meth:`GroupRates.interval`, a small-sample interval over whole
documents, or the parent documents of units), is a difference between two
groups more than chance (:meth:`GroupRates.compare`, a t interval and a
permutation test over clusters), which of many pairs differ
(:meth:`GroupRates.compare_all`, adjusted p-values) and do the groups differ at
all (:meth:`GroupRates.omnibus`). :class:`~consensus_nlp.models.emphasis.Emphasis` is one.

Coder agreement and dictionary precision are in :mod:`consensus_nlp.models.validation`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..docvars import same_value
from ..errors import InvalidArgumentError, UnknownNameError, check_choice, check_float, check_int, \
    check_random_state, describe

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["GroupRates", "check_level", "check_n_boot", "INTERVAL_METHODS"]

log = logging.getLogger(__name__)

MIN_RESAMPLES = 100
INTERVAL_METHODS = ("log-t", "percentile")


def check_level(level: Any) -> float:
    """A confidence level strictly between 0 and 1."""
    return check_float("level", level, minimum=0, maximum=1, exclusive_minimum=True, exclusive_maximum=True,
                       todo="Pass a confidence level such as 0.95.")


def check_n_boot(value: Any, argument: str = "n_boot") -> int:
    """A number of bootstrap resamples or permutations: an int from 100 to 1,000,000."""
    return check_int(argument, value, minimum=MIN_RESAMPLES, maximum=1_000_000,
                     todo="Use at least 100 resamples (2,000 for a published interval).")


class GroupRates:
    """Counts per document and category, summed into rates per group, with their uncertainty.

    Attributes:
        by: the metadata field that defines the groups.
        per: rates are counts per ``per`` units of the total (tokens, characters).
        categories: the column names (themes, device kinds), in order.
        category: what a category is, the name of its column in long tables (``"theme"``, ``"kind"``).
        unit: what the totals count (``"tokens"``, ``"characters"``), the name of their column.
        groups: group labels in order of first appearance.
        doc_ids: the documents (rows of ``doc_counts``).
        doc_groups: position in :attr:`groups` of each document's group (int array).
        doc_counts: ``documents x categories`` int array of counts.
        doc_totals: per-document denominators (tokens or characters).
        doc_clusters: per document, the cluster it belongs to (its ``parent_id`` for paragraph
            or outline units), or ``None`` when every document is its own cluster. Intervals and
            tests resample and shuffle clusters, not documents.
        docvars: the documents' :class:`~consensus_nlp.corpus.DocVars` when known (covariates
            for :func:`~consensus_nlp.regress`), else ``None``.
    """

    def __init__(self, *, by: str, per: float, categories: Sequence[str], groups: Sequence[Any],
                 doc_ids: Sequence[str], doc_groups: Sequence[int], doc_counts: Any, doc_totals: Sequence[int],
                 unit: str = "tokens", category: str = "theme", doc_clusters: Sequence[Any] | None = None,
                 docvars: Any = None) -> None:
        import numpy as np

        self.by = by
        self.per = float(per)
        self.unit = unit
        self.category = category
        self.categories: tuple[str, ...] = tuple(categories)
        self.groups: tuple[Any, ...] = tuple(groups)
        self.doc_ids: tuple[str, ...] = tuple(doc_ids)
        self.doc_groups = np.asarray(doc_groups, dtype=np.int64)
        self.doc_counts = np.asarray(doc_counts, dtype=np.int64).reshape(len(self.doc_ids), len(self.categories))
        self.doc_totals = np.asarray(doc_totals, dtype=np.int64)
        for array in (self.doc_groups, self.doc_counts, self.doc_totals):
            array.setflags(write=False)
        self.doc_clusters: tuple[Any, ...] | None = None if doc_clusters is None else tuple(doc_clusters)
        self.docvars = docvars

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(by={self.by!r}, {len(self.groups)} groups, {len(self.categories)} categories, "
                f"{len(self.doc_ids)} documents, per={self.per:g} {self.unit})")

    # -- tables ---------------------------------------------------------------
    def _index(self) -> pd.Index:
        import pandas as pd

        return pd.Index(list(self.groups), name=self.by)

    def _group_sums(self) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        counts = np.zeros((len(self.groups), len(self.categories)), dtype=np.int64)
        np.add.at(counts, self.doc_groups, self.doc_counts)
        totals = np.bincount(self.doc_groups, weights=self.doc_totals, minlength=len(self.groups)).astype(np.int64)
        return counts, totals

    @property
    def counts(self) -> pd.DataFrame:
        """Counts per group (rows, index named :attr:`by`) and category (columns)."""
        import pandas as pd

        counts, _ = self._group_sums()
        table = pd.DataFrame(counts, index=self._index(), columns=list(self.categories))
        table.columns.name = self.category
        return table

    @property
    def totals(self) -> pd.Series:
        """Denominator per group (tokens, or characters for device rates)."""
        import pandas as pd

        _, totals = self._group_sums()
        return pd.Series(totals, index=self._index(), name=self.unit)

    @property
    def rates(self) -> pd.DataFrame:
        """Counts per :attr:`per` units of the group's total: ``counts / totals * per``."""
        counts, totals = self._group_sums()
        import pandas as pd

        table = pd.DataFrame(counts / totals[:, None] * self.per, index=self._index(), columns=list(self.categories))
        table.columns.name = self.category
        table.attrs.update(per=self.per, unit=self.unit)
        return table

    def to_frame(self) -> pd.DataFrame:
        """Long table: ``group`` (named :attr:`by`), ``theme`` (named :attr:`category`), ``hits``, ``tokens``
        (named :attr:`unit`), ``rate``, ``n_docs``."""
        import numpy as np
        import pandas as pd

        counts, totals = self._group_sums()
        n_docs = np.bincount(self.doc_groups, minlength=len(self.groups))
        g, c = np.divmod(np.arange(counts.size), len(self.categories))
        return pd.DataFrame({
            self.by: [self.groups[i] for i in g], self.category: [self.categories[j] for j in c],
            "hits": counts.ravel(), self.unit: totals[g], "rate": (counts / totals[:, None] * self.per).ravel(),
            "n_docs": n_docs[g],
        })

    # -- uncertainty ------------------------------------------------------------
    def with_clusters(self, field: str | None) -> GroupRates:
        """The same rates with intervals and tests over the clusters given by metadata ``field``.

        ``field=None`` treats every document (unit) as independent: within-speech
        uncertainty of paragraph units, which ignores what the paragraphs of one speech
        share. ``"parent_id"`` is the default of :func:`~consensus_nlp.emphasis` on units.

        Raises:
            InvalidArgumentError: no :attr:`docvars` to read ``field`` from.
        """
        import copy

        from .smallsample import cluster_keys

        if field is not None and self.docvars is None:
            raise InvalidArgumentError(describe("field", field, "cannot be read: these rates carry no docvars",
                                                todo="Build them with cn.emphasis(tokens, ...)."))
        new = copy.copy(self)
        keys = cluster_keys(self.docvars, field)  # UnknownNameError names the fields when absent
        new.doc_clusters = None if keys is None else tuple(keys)
        return new

    def clusters(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Counts and totals per cluster: ``(cluster_groups, cluster_counts, cluster_totals)``.

        Clusters are :attr:`doc_clusters` within each group (documents when it is ``None``).
        """
        from .smallsample import cluster_sums

        return cluster_sums(self.doc_groups, self.doc_clusters, self.doc_counts, self.doc_totals)

    def _sizes(self) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        n_docs = np.bincount(self.doc_groups, minlength=len(self.groups))
        return n_docs, np.bincount(self.clusters()[0], minlength=len(self.groups))

    def _resampled_rates(self, members: np.ndarray, n_boot: int, rng: np.random.Generator,
                         counts: np.ndarray, totals: np.ndarray) -> np.ndarray:
        """``n_boot x categories`` rates of the clusters ``members`` resampled with replacement."""
        import numpy as np

        draws = rng.integers(0, len(members), size=(n_boot, len(members)))
        picked = members[draws]
        hits = counts[picked].sum(axis=1)  # n_boot x categories
        sizes = totals[picked].sum(axis=1).astype(float)
        sizes[sizes == 0] = np.nan  # a resample of empty documents only: no rate
        with np.errstate(invalid="ignore"):
            return hits / sizes[:, None] * self.per

    def interval(self, *, level: float = 0.95, method: str = "log-t", n_boot: int = 2000,
                 random_state: int = 0) -> pd.DataFrame:
        """Intervals of every rate, over documents or their clusters (parent documents of units).

        Methods (``benchmarks/simulations.py`` compares them; docs/emphasis.md has the table):

        * ``"log-t"`` (default): the rate is a ratio estimator, summed hits over summed
          totals; its HC3 standard error over the group's clusters gives the interval
          ``rate * exp(± t_df se / rate)`` with ``df = min(n - 1, n_hits)``, ``n_hits`` the
          effective number of clusters carrying the hits
          (:func:`~consensus_nlp.models.smallsample.ratio_intervals`). Covers at
          0.93-0.97 in the simulations from 5 clusters up, also when a theme sits in few documents. A theme without hits in a group
          gets ``low`` 0 and a Poisson upper bound.
        * ``"percentile"``: the clusters are drawn with replacement ``n_boot`` times and the
          interval is the quantiles of the resampled rates. Under-covers in small groups
          (0.71 with 3 documents, 0.79 with 5, 0.92 with 25); kept for comparison, and warns.

        Clusters, not tokens, are the unit: tokens of one document share its topic and
        author, and paragraphs of one report share its year and drafters. A group with fewer
        than 5 clusters, or a theme with hits in fewer than 5 of a group's clusters, warns,
        naming them with their sizes (the simulations found no method that covers there);
        a group of a single cluster gets NaN ``low``/``high``.

        Args:
            level: confidence level, strictly between 0 and 1.
            method: ``"log-t"`` or ``"percentile"``.
            n_boot: resamples for ``"percentile"``, at least 100.
            random_state: seed of ``"percentile"``; the same seed gives identical intervals.

        Returns:
            DataFrame with columns ``group`` (named :attr:`by`), ``theme``, ``rate``, ``low``,
            ``high``, ``n_docs``, ``n_clusters``; groups then themes in table order;
            ``attrs``: ``level``, ``method``, ``per``, ``unit``.
        """
        import numpy as np

        from .smallsample import MIN_CLUSTERS, ratio_intervals

        level, n_boot = check_level(level), check_n_boot(n_boot)
        method = check_choice("method", method, INTERVAL_METHODS, what="an interval method")
        rng = np.random.default_rng(check_random_state(random_state))
        table = self.to_frame()[[self.by, self.category, "rate", "n_docs"]]
        cluster_groups, cluster_counts, cluster_totals = self.clusters()
        n_clusters = np.bincount(cluster_groups, minlength=len(self.groups))
        low = np.full((len(self.groups), len(self.categories)), np.nan)
        high = low.copy()
        single, small, sparse = [], [], []
        for g in range(len(self.groups)):
            members = np.flatnonzero(cluster_groups == g)
            if len(members) < 2:
                single.append(self.groups[g])
                continue
            if len(members) < MIN_CLUSTERS:
                small.append(f"{self.groups[g]!r} ({len(members)})")
            if method == "log-t":
                _, low[g], high[g] = ratio_intervals(cluster_counts[members], cluster_totals[members], level=level)
            else:
                boots = self._resampled_rates(members, n_boot, rng, cluster_counts, cluster_totals)
                low[g], high[g] = np.nanquantile(boots, [(1 - level) / 2, (1 + level) / 2], axis=0)
            with_hits = (cluster_counts[members] > 0).sum(axis=0)
            sparse += [f"{self.groups[g]!r}/{self.categories[j]} ({with_hits[j]})"
                       for j in np.flatnonzero(with_hits < MIN_CLUSTERS) if len(members) >= MIN_CLUSTERS]
        if method == "log-t":
            scale = self.per
            low, high = low * scale, high * scale
        unit = "document" if self.doc_clusters is None else "cluster"
        if method == "percentile":
            warnings.warn("Percentile bootstrap intervals under-cover in the simulations (0.71, 0.79, 0.88, 0.92 with "
                          "3, 5, 10, 25 documents; docs/simulations.md); they are kept for comparison. Use the "
                          "default method='log-t' for intervals to print.", stacklevel=2)
        if single:
            warnings.warn(f"{len(single)} group(s) hold a single {unit} (single document), so there is no "
                          f"between-{unit} variation and no interval (low/high are NaN): {single[:5]}. Use smaller "
                          "units (cn.units(corpus, 'paragraph')) only if their parents differ.", stacklevel=2)
        if small:
            warnings.warn(f"Intervals of groups with fewer than {MIN_CLUSTERS} {unit}s do not reach their nominal "
                          f"coverage in the simulations (docs/emphasis.md): {', '.join(small[:10])}. Pool groups "
                          "or report the rates without intervals.", stacklevel=2)
        if sparse:
            warnings.warn(f"Themes with hits in fewer than {MIN_CLUSTERS} {unit}s of a group rest on those few "
                          f"{unit}s; in the simulations such intervals covered 0.88 with 5 documents under extreme "
                          f"dispersion (docs/simulations.md): {', '.join(sparse[:10])}"
                          f"{' …' if len(sparse) > 10 else ''}.", stacklevel=2)
        table = table.assign(low=low.ravel(), high=high.ravel(),
                             n_clusters=np.repeat(n_clusters, len(self.categories)))
        table = table[[self.by, self.category, "rate", "low", "high", "n_docs", "n_clusters"]]
        table.attrs.update(level=level, method=method, per=self.per, unit=self.unit,
                           theme_set=getattr(self, "theme_set", None))
        return table

    def _members(self, argument: str, group: Any) -> np.ndarray:
        """Positions (in :meth:`clusters`) of the clusters of ``group``."""
        import numpy as np

        found = next((i for i, g in enumerate(self.groups) if same_value(g, group)), None)  # an array or NA: no group
        if found is None:
            raise UnknownNameError(describe(argument, group, f"is not a group of {self.by!r}", accepted=list(self.groups)[:20]))
        return np.flatnonzero(self.clusters()[0] == found)

    def compare(self, a: Any, b: Any, *, level: float = 0.95, n_perm: int = 2000, random_state: int = 0) -> pd.DataFrame:
        """Difference of rates between groups ``a`` and ``b``, with a t interval and a permutation p-value.

        Method: the difference is ``rate(a) - rate(b)`` per theme. Its interval is Welch's
        t on the two rates' HC2 standard errors over clusters (Satterthwaite's degrees of
        freedom; :func:`~consensus_nlp.models.smallsample.welch_difference`). The p-value is
        two-sided and exact in the Monte Carlo sense: the clusters of both groups are
        shuffled between them ``n_perm`` times (group sizes kept) and
        ``p = (1 + #{|d*| >= |d|}) / (1 + n_perm)``. (0.2 bootstrapped the interval and
        took ``n_boot``; the t interval needs no resamples.)

        Returns:
            DataFrame with columns ``theme``, ``rate_a``, ``rate_b``, ``difference``, ``low``,
            ``high``, ``p``, ``n_clusters_a``, ``n_clusters_b``, in theme order.

        Raises:
            UnknownNameError: ``a`` or ``b`` is not a group.
            InvalidArgumentError: ``a == b``, a group with fewer than 2 clusters, bad level or n_perm.
        """
        import numpy as np
        import pandas as pd

        level = check_level(level)
        n_perm = check_n_boot(n_perm, "n_perm")
        rng = np.random.default_rng(check_random_state(random_state))
        ma, mb = self._members("a", a), self._members("b", b)
        if a == b:
            raise InvalidArgumentError(describe("b", b, "is the same group as a", todo="Compare two different groups."))
        for name, value, members in (("a", a, ma), ("b", b, mb)):
            if len(members) < 2:
                raise InvalidArgumentError(describe(name, value, f"holds {len(members)} document (cluster); the "
                                                    "interval and the permutation need at least 2 per group",
                                                    todo="Pool groups, or use smaller units whose parents differ."))
        diff, low, high, p = self._pair(ma, mb, level=level, n_perm=n_perm, rng=rng)
        self._warn_small([(a, b, ma, mb)])
        rate_a, rate_b = diff[0], diff[1]
        return pd.DataFrame({self.category: list(self.categories), "rate_a": rate_a, "rate_b": rate_b,
                             "difference": rate_a - rate_b, "low": low, "high": high, "p": p,
                             "n_clusters_a": len(ma), "n_clusters_b": len(mb)})

    def _warn_small(self, pairs: Sequence[tuple[Any, Any, np.ndarray, np.ndarray]]) -> None:
        """Warn, naming them, about compared groups of fewer than 5 clusters (the rule of :meth:`interval`).

        Below 5 clusters no interval reached its nominal coverage in the simulations
        (docs/simulations.md). Themes with hits in few clusters do not warn here: the
        difference's interval stayed in band there (0.95-0.97 with 5 documents per group).
        """
        from .smallsample import MIN_CLUSTERS

        small = [f"{g!r} ({len(m)})" for a, b, ma, mb in pairs for g, m in ((a, ma), (b, mb)) if len(m) < MIN_CLUSTERS]
        if small:
            unit = "document" if self.doc_clusters is None else "cluster"
            warnings.warn(f"Differences involving groups of fewer than {MIN_CLUSTERS} {unit}s have no interval that "
                          f"reaches its nominal coverage in the simulations (docs/simulations.md): "
                          f"{', '.join(dict.fromkeys(small))}.", stacklevel=3)

    def _pair(self, ma: np.ndarray, mb: np.ndarray, *, level: float, n_perm: int, rng: np.random.Generator
              ) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
        """Rates of two cluster sets, the interval of their difference and its permutation p-value."""
        import numpy as np

        from .smallsample import permutation_statistics, welch_difference

        _, counts, totals = self.clusters()
        diff, low, high = welch_difference((counts[ma], totals[ma]), (counts[mb], totals[mb]), level=level)
        pooled = np.concatenate([ma, mb])
        labels = np.r_[np.zeros(len(ma), dtype=np.int64), np.ones(len(mb), dtype=np.int64)]
        observed, permuted = permutation_statistics(labels, counts[pooled], totals[pooled], n_groups=2,
                                                    n_perm=n_perm, rng=rng)
        d, d_perm = observed[0] - observed[1], permuted[:, 0] - permuted[:, 1]
        extreme = (np.abs(d_perm) >= np.abs(d) - 1e-12 * np.maximum(1.0, np.abs(d))).sum(axis=0)
        return ((observed[0] * self.per, observed[1] * self.per), low * self.per, high * self.per,
                (1 + extreme) / (1 + n_perm))

    def compare_all(self, *, adjust: str = "holm", level: float = 0.95, n_perm: int = 2000,
                    random_state: int = 0) -> pd.DataFrame:
        """Every pair of groups (with 2+ clusters) compared on every theme, p-values adjusted for the family.

        Each pair is tested as :meth:`compare` does (Welch t interval, permutation p over
        clusters); ``q`` adjusts the p-values of all pairs and themes together: ``"holm"``
        controls the family-wise error rate, ``"fdr_bh"`` (Benjamini-Hochberg) the false
        discovery rate, ``"bonferroni"``, or ``"none"``. The intervals are not adjusted
        (they are the pairwise ``level`` intervals).

        Returns:
            DataFrame with ``a``, ``b``, ``theme``, ``rate_a``, ``rate_b``, ``difference``,
            ``low``, ``high``, ``p``, ``q``, ``n_clusters_a``, ``n_clusters_b``;
            ``attrs["adjust"]``, ``attrs["level"]``.
        """
        import itertools

        import numpy as np
        import pandas as pd

        from .smallsample import ADJUSTMENTS, adjust_p

        adjust = check_choice("adjust", adjust, ADJUSTMENTS, what="a p-value adjustment")
        level, n_perm = check_level(level), check_n_boot(n_perm, "n_perm")
        rng = np.random.default_rng(check_random_state(random_state))
        members = {g: self._members("group", g) for g in self.groups}
        usable = [g for g in self.groups if len(members[g]) >= 2]
        if len(usable) < 2:
            raise InvalidArgumentError(describe(self.by, f"{len(usable)} group(s) with 2+ clusters",
                                                "leave nothing to compare", todo="Pool groups or add documents."))
        frames = []
        for a, b in itertools.combinations(usable, 2):
            (rate_a, rate_b), low, high, p = self._pair(members[a], members[b], level=level, n_perm=n_perm, rng=rng)
            frames.append(pd.DataFrame({"a": a, "b": b, self.category: list(self.categories), "rate_a": rate_a,
                                        "rate_b": rate_b, "difference": rate_a - rate_b, "low": low, "high": high,
                                        "p": p, "n_clusters_a": len(members[a]), "n_clusters_b": len(members[b])}))
        self._warn_small([(a, b, members[a], members[b]) for a, b in itertools.combinations(usable, 2)])
        table = pd.concat(frames, ignore_index=True)
        table.insert(table.columns.get_loc("p") + 1, "q", adjust_p(table["p"].to_numpy(), adjust))
        table.attrs.update(adjust=adjust, level=level)
        return table

    def omnibus(self, *, n_perm: int = 2000, random_state: int = 0) -> pd.DataFrame:
        """Do the groups differ at all on a theme? A permutation test over clusters, per theme.

        The statistic is Pearson's ``X^2 = sum_g T_g (R_g - R)^2 / R`` of the group rates
        ``R_g`` (totals ``T_g``) around the pooled rate ``R``; its null distribution comes
        from shuffling the clusters' group labels ``n_perm`` times (so over-dispersion and
        clustering are respected, unlike the chi-square table), ``p = (1 + #{X*^2 >= X^2})
        / (1 + n_perm)``. Groups of one cluster take part.

        Returns:
            DataFrame with ``theme``, ``statistic``, ``p``, ``n_groups``, ``n_clusters``.
        """
        import numpy as np
        import pandas as pd

        from .smallsample import permutation_statistics

        n_perm = check_n_boot(n_perm, "n_perm")
        rng = np.random.default_rng(check_random_state(random_state))
        groups, counts, totals = self.clusters()
        n_groups = len(self.groups)
        observed, permuted = permutation_statistics(groups, counts, totals, n_groups=n_groups, n_perm=n_perm, rng=rng)
        sizes = np.bincount(groups, weights=totals, minlength=n_groups)
        pooled = counts.sum(axis=0) / totals.sum()

        def statistic(rates: np.ndarray) -> np.ndarray:
            with np.errstate(divide="ignore", invalid="ignore"):
                value = (sizes[:, None] * (rates - pooled) ** 2).sum(axis=-2) / pooled
            return np.where(pooled > 0, value, 0.0)

        x2, x2_perm = statistic(observed), statistic(permuted)
        extreme = (x2_perm >= x2 - 1e-9 * np.maximum(1.0, x2)).sum(axis=0)
        return pd.DataFrame({self.category: list(self.categories), "statistic": x2, "p": (1 + extreme) / (1 + n_perm),
                             "n_groups": n_groups, "n_clusters": len(groups)})
