"""Uncertainty for counts per group: document bootstrap, permutation tests, coder agreement, precision.

:class:`GroupRates` holds per-document counts (documents x categories, e.g.
themes or device kinds), per-document totals and a group per document, and
answers the questions a referee asks of a rate table: how precise is each
rate (:meth:`GroupRates.interval`, a bootstrap that resamples whole
documents) and is a difference between two groups more than chance
(:meth:`GroupRates.compare`, a bootstrap interval and a permutation test over
documents). :class:`~consensus_nlp.models.emphasis.Emphasis` is one.

:func:`agreement` computes Krippendorff's alpha of coded data (the
``krippendorff`` package); :func:`precision` estimates, per theme, the share of
dictionary hits that coders judged correct, with a Wilson interval.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

from ..corpus import frame_text, group_key, same_value
from ..errors import EmptyInputError, InputTypeError, InvalidArgumentError, UnknownNameError, check_choice, \
    check_float, check_int, check_random_state, describe, is_finite_number

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["GroupRates", "agreement", "precision", "check_level", "check_n_boot", "LEVELS_OF_MEASUREMENT"]

log = logging.getLogger(__name__)

LEVELS_OF_MEASUREMENT = ("nominal", "ordinal", "interval", "ratio")
MIN_RESAMPLES = 100


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
    """

    def __init__(self, *, by: str, per: float, categories: Sequence[str], groups: Sequence[Any],
                 doc_ids: Sequence[str], doc_groups: Sequence[int], doc_counts: Any, doc_totals: Sequence[int],
                 unit: str = "tokens", category: str = "theme") -> None:
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
    def _resampled_rates(self, members: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
        """``n_boot x categories`` rates of the documents ``members`` resampled with replacement."""
        import numpy as np

        draws = rng.integers(0, len(members), size=(n_boot, len(members)))
        picked = members[draws]
        hits = self.doc_counts[picked].sum(axis=1)  # n_boot x categories
        sizes = self.doc_totals[picked].sum(axis=1).astype(float)
        sizes[sizes == 0] = np.nan  # a resample of empty documents only: no rate
        with np.errstate(invalid="ignore"):
            return hits / sizes[:, None] * self.per

    def interval(self, *, level: float = 0.95, n_boot: int = 2000, random_state: int = 0) -> pd.DataFrame:
        """Percentile intervals of every rate by a document-level (cluster) bootstrap.

        Method: within each group the documents are drawn with replacement ``n_boot``
        times (as many as the group holds); each draw's rate is its summed counts over its
        summed totals times :attr:`per`. The interval is the ``(1 - level) / 2`` and
        ``(1 + level) / 2`` quantiles of those rates. Documents, not tokens, are the unit:
        tokens of one document share its topic and author, so a token-level interval would
        be far too narrow (tests/test_inference.py measures both on simulated documents).
        A group of one document has no between-document variation to resample: its
        ``low``/``high`` are NaN and a warning names it (use paragraph units to get an
        interval within one speech).

        Args:
            level: confidence level, strictly between 0 and 1.
            n_boot: resamples, at least 100.
            random_state: seed; the same seed gives identical intervals.

        Returns:
            DataFrame with columns ``group`` (named :attr:`by`), ``theme``, ``rate``, ``low``,
            ``high``, ``n_docs``; groups then themes in table order.
        """
        import numpy as np

        level, n_boot = check_level(level), check_n_boot(n_boot)
        rng = np.random.default_rng(check_random_state(random_state))
        table = self.to_frame()[[self.by, self.category, "rate", "n_docs"]]
        low = np.full((len(self.groups), len(self.categories)), np.nan)
        high = low.copy()
        single = []
        for g in range(len(self.groups)):
            members = np.flatnonzero(self.doc_groups == g)
            if len(members) < 2:
                single.append(self.groups[g])
                continue
            boots = self._resampled_rates(members, n_boot, rng)
            low[g], high[g] = np.nanquantile(boots, [(1 - level) / 2, (1 + level) / 2], axis=0)
        if single:
            warnings.warn(f"{len(single)} group(s) hold a single document, so the document bootstrap gives no "
                          f"interval (low/high are NaN): {single[:5]}. Use smaller units "
                          "(cn.units(corpus, 'paragraph')) to resample within a speech.", stacklevel=2)
        table = table.assign(low=low.ravel(), high=high.ravel())
        return table[[self.by, self.category, "rate", "low", "high", "n_docs"]]

    def _members(self, argument: str, group: Any) -> np.ndarray:
        import numpy as np

        found = next((i for i, g in enumerate(self.groups) if same_value(g, group)), None)  # an array or NA: no group
        if found is None:
            raise UnknownNameError(describe(argument, group, f"is not a group of {self.by!r}", accepted=list(self.groups)[:20]))
        return np.flatnonzero(self.doc_groups == found)

    def compare(self, a: Any, b: Any, *, level: float = 0.95, n_boot: int = 2000, n_perm: int = 2000,
                random_state: int = 0) -> pd.DataFrame:
        """Difference of rates between groups ``a`` and ``b``, with a bootstrap interval and a permutation p-value.

        Method: the difference is ``rate(a) - rate(b)`` per theme. Its interval resamples the
        documents of each group independently (as :meth:`interval`). The p-value is two-sided
        and exact in the Monte Carlo sense: the documents of both groups are shuffled between
        them ``n_perm`` times (group sizes kept) and ``p = (1 + #{|d*| >= |d|}) / (1 + n_perm)``.

        Returns:
            DataFrame with columns ``theme``, ``rate_a``, ``rate_b``, ``difference``, ``low``,
            ``high``, ``p``, in theme order.

        Raises:
            UnknownNameError: ``a`` or ``b`` is not a group.
            InvalidArgumentError: ``a == b``, a group with fewer than 2 documents, bad level,
                n_boot or n_perm.
        """
        import numpy as np
        import pandas as pd

        level, n_boot = check_level(level), check_n_boot(n_boot)
        n_perm = check_n_boot(n_perm, "n_perm")
        rng = np.random.default_rng(check_random_state(random_state))
        ma, mb = self._members("a", a), self._members("b", b)
        if a == b:
            raise InvalidArgumentError(describe("b", b, "is the same group as a", todo="Compare two different groups."))
        for name, value, members in (("a", a, ma), ("b", b, mb)):
            if len(members) < 2:
                raise InvalidArgumentError(describe(name, value, f"holds {len(members)} document; the document "
                                                    "bootstrap and permutation need at least 2 per group",
                                                    todo="Use smaller units (cn.units(corpus, 'paragraph'))."))
        rate = lambda m: self.doc_counts[m].sum(axis=0) / self.doc_totals[m].sum() * self.per  # noqa: E731
        diff = rate(ma) - rate(mb)
        boots = self._resampled_rates(ma, n_boot, rng) - self._resampled_rates(mb, n_boot, rng)
        low, high = np.nanquantile(boots, [(1 - level) / 2, (1 + level) / 2], axis=0)
        pooled = np.concatenate([ma, mb])
        order = rng.permuted(np.tile(np.arange(len(pooled)), (n_perm, 1)), axis=1)
        in_a = pooled[order[:, : len(ma)]]
        in_b = pooled[order[:, len(ma):]]
        with np.errstate(divide="ignore", invalid="ignore"):  # a shuffle of token-less documents has no rate
            perm = (self.doc_counts[in_a].sum(axis=1) / self.doc_totals[in_a].sum(axis=1)[:, None]
                    - self.doc_counts[in_b].sum(axis=1) / self.doc_totals[in_b].sum(axis=1)[:, None]) * self.per
        extreme = (np.abs(perm) >= np.abs(diff) - 1e-12 * np.maximum(1.0, np.abs(diff))).sum(axis=0)
        return pd.DataFrame({self.category: list(self.categories), "rate_a": rate(ma), "rate_b": rate(mb),
                             "difference": diff, "low": low, "high": high, "p": (1 + extreme) / (1 + n_perm)})


# -- coded samples ------------------------------------------------------------------

def _check_columns(coded: Any, columns: dict[str, str]) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(coded, pd.DataFrame):
        raise InputTypeError(describe("coded", coded, "is not a DataFrame",
                                      accepted="a long table with one row per unit and coder",
                                      todo="Read the coders' CSV with pandas.read_csv."))
    for argument, column in columns.items():
        if isinstance(column, (list, tuple, dict, set)) or not isinstance(column, Hashable) or column not in coded.columns:
            raise UnknownNameError(describe(argument, column, "is not a column of coded", accepted=list(coded.columns)))
    if coded.empty:
        raise EmptyInputError(describe("coded", coded, "holds no rows", todo="Code some units first."))
    return coded


def _finite_code(value: Any) -> float:
    """A code as a finite float (numbers, numeric strings); NaN for anything else (inf, 10**400, "x")."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return math.nan
    return float(value) if is_finite_number(value) else math.nan


def _filled(codes: pd.Series) -> pd.Series:
    """Rows whose code is there (not missing, not blank); in Python, as pandas' str dtype refuses lone surrogates."""
    return codes.notna() & codes.map(lambda v: str(v).strip() != "").astype(bool)


def _alpha_matrix(coded: pd.DataFrame, unit: str, coder: str, value: str, level: str) -> tuple[np.ndarray, list]:
    """Coders x units matrix of codes (NaN = not coded) and the value domain."""
    import pandas as pd

    rows = coded[[unit, coder, value]]
    rows = rows[_filled(rows[value])]
    rows = pd.DataFrame({c: pd.Series([frame_text(group_key(v)) for v in rows[c]], index=rows.index, dtype=object)
                         for c in (unit, coder, value)}) if len(rows) else rows  # a list or dict: its repr; U+FFFD
    duplicated = rows.duplicated([unit, coder])
    if duplicated.any():
        first = rows[duplicated].iloc[0]
        raise InvalidArgumentError(describe("coded", f"{unit}={first[unit]!r}, {coder}={first[coder]!r}",
                                            "codes one unit twice by the same coder",
                                            todo="Keep one code per unit and coder."))
    if level == "nominal":
        domain = sorted(pd.unique(rows[value]), key=lambda v: (str(type(v)), v))
        codes = rows[value].map({v: i for i, v in enumerate(domain)}).astype(float)
    else:
        raw = rows[value].astype(object)  # Categorical codes too; huge ints are refused before float() overflows
        codes = pd.Series([_finite_code(v) for v in raw], index=rows.index)
        if codes.isna().any():
            bad = raw[codes.isna()].iloc[0]
            raise InvalidArgumentError(describe(value, bad, f"is not a finite number, as level={level!r} needs",
                                                todo="Use level='nominal' for categories."))
        domain = sorted(pd.unique(codes))
    table = pd.DataFrame({"u": rows[unit].to_numpy(), "c": rows[coder].to_numpy(), "v": codes.to_numpy()})
    matrix = table.pivot(index="c", columns="u", values="v")
    return matrix.to_numpy(dtype=float), domain


def agreement(coded: pd.DataFrame, *, unit: str = "unit", coder: str = "coder", value: str = "value",
              level: str = "nominal", by: str | None = None) -> pd.DataFrame:
    """Krippendorff's alpha of coded data (with missing codes), overall or per group.

    Computed by the ``krippendorff`` package on the coders x units matrix; a unit coded
    by a single coder is not pairable and does not count (Krippendorff 2011, "Computing
    Krippendorff's Alpha-Reliability"). The package reproduces that paper's worked
    examples (tests/test_inference.py): nominal alpha 0.743, ordinal 0.815, interval
    0.849, ratio 0.797 for its 4 coders x 12 units with missing data.

    Args:
        coded: long DataFrame, one row per (unit, coder) with the code in ``value``;
            empty or missing codes are left out.
        unit: column naming the coded unit (such as ``"sample_id"``).
        coder: column naming the coder.
        value: column holding the code.
        level: ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``.
        by: optional column (such as ``"theme"``): one alpha per value of it.

    Returns:
        DataFrame with columns ``alpha``, ``level``, ``units`` (pairable units), ``coders``,
        ``codes`` (pairable codes); with ``by``, that column first and one row per group.

    Raises:
        InputTypeError: ``coded`` is not a DataFrame.
        UnknownNameError: a column is missing, an unknown level.
        InvalidArgumentError: fewer than two coders, no unit coded twice, one value only,
            a unit coded twice by one coder, non-numeric codes for an interval level.
    """
    import numpy as np
    import pandas as pd

    level = check_choice("level", level, LEVELS_OF_MEASUREMENT, what="a level of measurement")
    columns = {"unit": unit, "coder": coder, "value": value} | ({"by": by} if by is not None else {})
    coded = _check_columns(coded, columns)
    parts = [(None, coded)] if by is None else list(coded.groupby(by, sort=False))
    rows = []
    for key, part in parts:
        matrix, domain = _alpha_matrix(part, unit, coder, value, level)
        label = "" if key is None else f" ({by}={key!r})"
        if matrix.shape[0] < 2:
            raise InvalidArgumentError(describe("coded", f"{matrix.shape[0]} coder{label}",
                                                "is not enough for agreement", accepted="at least 2 coders",
                                                todo="Have a second coder code the same units."))
        pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
        if not pairable.any():
            raise InvalidArgumentError(describe("coded", f"{matrix.shape[1]} units{label}",
                                                "has no unit coded by two coders", todo="Let coders overlap."))
        if len(np.unique(matrix[:, pairable][~np.isnan(matrix[:, pairable])])) < 2:
            raise InvalidArgumentError(describe("coded", f"one value{label}", "leaves alpha undefined (no variation)",
                                                todo="Report the observed agreement instead, or code more units."))
        from krippendorff import alpha

        value_ = float(alpha(reliability_data=matrix, level_of_measurement=level))
        if not math.isfinite(value_):  # never a NaN in silence
            raise InvalidArgumentError(describe("coded", f"{matrix.shape[1]} units{label}", "leaves alpha undefined",
                                                todo="Check the codes: every one must be a finite value."))
        rows.append({**({by: key} if by is not None else {}), "alpha": value_, "level": level,
                     "units": int(pairable.sum()), "coders": int(matrix.shape[0]),
                     "codes": int((~np.isnan(matrix[:, pairable])).sum())})
    return pd.DataFrame(rows)


def _truthy(value: Any) -> float:
    text = str(value).strip().lower()
    if text in {"1", "1.0", "true", "yes", "y", "correct", "是", "对"}:
        return 1.0
    if text in {"0", "0.0", "false", "no", "n", "wrong", "incorrect", "否", "错"}:
        return 0.0
    return float("nan")


def precision(coded: pd.DataFrame, *, theme: str = "theme", value: str = "code", level: float = 0.95) -> pd.DataFrame:
    """Share of dictionary hits judged correct, per theme, with a Wilson score interval.

    Args:
        coded: one row per coded hit (for example :func:`~consensus_nlp.validation_sample`
            filled in by one coder, or adjudicated codes), with the theme and a code saying
            whether the hit is a true instance of the theme: 1/0, True/False, yes/no, 是/否.
            Rows with an empty code are left out.
        theme: column naming the theme of each hit.
        value: column holding the judgement.
        level: confidence level of the interval.

    Returns:
        DataFrame with ``theme``, ``n`` (coded hits), ``correct``, ``precision``, ``low``,
        ``high``, themes in order of first appearance.

    Raises:
        InvalidArgumentError: a code that is not a yes/no judgement; no coded row.
    """
    import numpy as np
    import pandas as pd
    from scipy.stats import norm

    level = check_level(level)
    coded = _check_columns(coded, {"theme": theme, "value": value})
    filled = coded[_filled(coded[value])]
    if filled.empty:
        raise EmptyInputError(describe("coded", value, "column holds no code", todo="Fill in the code column first."))
    codes = filled[value].astype(object).map(_truthy).astype(float)  # Categorical codes too
    if codes.isna().any():
        bad = filled.loc[codes.isna(), value].iloc[0]
        raise InvalidArgumentError(describe(value, bad, "is not a yes/no judgement",
                                            accepted="1/0, True/False, yes/no, correct/wrong, 是/否"))
    z = float(norm.ppf((1 + level) / 2))
    rows = []
    for key, part in codes.groupby(filled[theme].map(lambda v: frame_text(group_key(v))), sort=False):  # a dict: its repr
        n, k = len(part), float(part.sum())
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        rows.append((key, n, int(k), p, max(0.0, centre - half), min(1.0, centre + half)))
    return pd.DataFrame(rows, columns=["theme", "n", "correct", "precision", "low", "high"])
