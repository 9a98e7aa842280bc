"""Validating a dictionary: coder agreement, precision by theme and group, precision-corrected rates.

:func:`agreement` computes Krippendorff's alpha of coded data (the
``krippendorff`` package), overall or per group, with NaN and the reason for a
group where alpha is undefined; :func:`precision` estimates the share of
dictionary hits that coders judged correct, per theme (and per group), with a
Wilson interval; :func:`corrected_rates` multiplies rates by their precision
and carries both uncertainties into the interval.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from ..docvars import factorize, frame_text, group_key
from ..errors import EmptyInputError, InputTypeError, InvalidArgumentError, UnknownNameError, check_choice, \
    check_int, check_random_state, describe
from .inference import GroupRates, check_level

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["agreement", "precision", "corrected_rates", "wilson", "LEVELS_OF_MEASUREMENT"]

LEVELS_OF_MEASUREMENT = ("nominal", "ordinal", "interval", "ratio")


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
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return math.nan
    return number if math.isfinite(number) and not isinstance(value, bool) else math.nan


def _filled(codes: pd.Series) -> pd.Series:
    """Rows whose code is there (not missing, not blank); in Python, as pandas' str dtype refuses lone surrogates."""
    return codes.notna() & codes.map(lambda v: str(v).strip() != "").astype(bool)


def _alpha_matrix(coded: pd.DataFrame, unit: str, coder: str, value: str, level: str) -> tuple[np.ndarray, list]:
    """Coders x units matrix of codes (NaN = not coded) and the value domain."""
    import pandas as pd

    rows = coded[[unit, coder, value]].astype(object)  # Categorical columns as their values
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
        raw = rows[value].astype(object)  # Categorical codes too
        codes = pd.Series([_finite_code(v) for v in raw], index=rows.index, dtype=float)
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
        by: optional column (such as ``"theme"``): one alpha per value of it. A group where
            alpha is undefined (one coder, no unit coded twice, a single value) gets NaN and
            the reason in ``note``, instead of failing the whole table.

    Returns:
        DataFrame with columns ``alpha``, ``level``, ``units`` (pairable units), ``coders``,
        ``codes`` (pairable codes), ``note`` (empty, or why alpha is NaN); with ``by``, that
        column first and one row per group.

    Raises:
        InputTypeError: ``coded`` is not a DataFrame.
        UnknownNameError: a column is missing, an unknown level.
        InvalidArgumentError: without ``by``: fewer than two coders, no unit coded twice, one
            value only; always: a unit coded twice by one coder, non-numeric codes for an
            interval level.
    """
    import numpy as np
    import pandas as pd

    level = check_choice("level", level, LEVELS_OF_MEASUREMENT, what="a level of measurement")
    columns = {"unit": unit, "coder": coder, "value": value} | ({"by": by} if by is not None else {})
    coded = _check_columns(coded, columns)
    if by is None:
        parts = [(None, coded)]
    else:  # the package's one group-by: a missing value (None, NaN) is a group of its own, not dropped
        groups, levels = factorize(coded[by].tolist())
        parts = [(level, coded[groups == g]) for g, level in enumerate(levels)]
    rows = []
    for key, part in parts:
        matrix, domain = _alpha_matrix(part, unit, coder, value, level)
        label = "" if key is None else f" ({by}={key!r})"
        pairable = (~np.isnan(matrix)).sum(axis=0) >= 2 if matrix.size else np.zeros(0, dtype=bool)
        problem = None
        if matrix.shape[0] < 2:
            problem = (f"{matrix.shape[0]} coder{label}", "is not enough for agreement", "at least 2 coders",
                       "Have a second coder code the same units.")
        elif not pairable.any():
            problem = (f"{matrix.shape[1]} units{label}", "has no unit coded by two coders", None, "Let coders overlap.")
        elif len(np.unique(matrix[:, pairable][~np.isnan(matrix[:, pairable])])) < 2:
            problem = (f"one value{label}", "leaves alpha undefined (no variation)", None,
                       "Report the observed agreement instead, or code more units.")
        if problem is not None:
            if by is None:
                raise InvalidArgumentError(describe("coded", problem[0], problem[1], accepted=problem[2], todo=problem[3]))
            value_, note = float("nan"), f"{problem[0].replace(label, '')} {problem[1]}"
        else:
            from krippendorff import alpha

            value_, note = float(alpha(reliability_data=matrix, level_of_measurement=level)), ""
            if not math.isfinite(value_):
                if by is None:  # never a NaN in silence
                    raise InvalidArgumentError(describe("coded", f"{matrix.shape[1]} units", "leaves alpha undefined",
                                                        todo="Check the codes: every one must be a finite value."))
                value_, note = float("nan"), "alpha is undefined for these codes"
        rows.append({**({by: key} if by is not None else {}), "alpha": value_, "level": level,
                     "units": int(pairable.sum()), "coders": int(matrix.shape[0]),
                     "codes": int((~np.isnan(matrix[:, pairable])).sum()) if pairable.any() else 0, "note": note})
    undefined = [f"{row[by]!r}: {row['note']}" for row in rows if row["note"]]
    if undefined:  # never a NaN in silence: the table's note column says why, and so does this warning
        warnings.warn(f"agreement is NaN for {len(undefined)} group(s) of {by!r}: " + "; ".join(undefined[:10])
                      + ("; …" if len(undefined) > 10 else ""), stacklevel=2)
    return pd.DataFrame(rows)


def _truthy(value: Any) -> float:
    text = str(value).strip().lower()
    if text in {"1", "1.0", "true", "yes", "y", "correct", "是", "对"}:
        return 1.0
    if text in {"0", "0.0", "false", "no", "n", "wrong", "incorrect", "否", "错"}:
        return 0.0
    return float("nan")


def wilson(correct: np.ndarray, n: np.ndarray, *, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``correct / n`` (arrays), clipped to [0, 1]."""
    import numpy as np
    from scipy.stats import norm

    z = float(norm.ppf((1 + level) / 2))
    n = np.asarray(n, dtype=float)
    p = np.asarray(correct, dtype=float) / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.maximum(0.0, centre - half), np.minimum(1.0, centre + half)


def precision(coded: pd.DataFrame, *, theme: str = "theme", value: str = "code", by: str | None = None,
              level: float = 0.95) -> pd.DataFrame:
    """Share of dictionary hits judged correct, per theme (and group), with a Wilson score interval.

    Args:
        coded: one row per coded hit (for example :func:`~consensus_nlp.validation_sample`
            filled in by one coder, or adjudicated codes), with the theme and a code saying
            whether the hit is a true instance of the theme: 1/0, True/False, yes/no, 是/否.
            Rows with an empty code are left out.
        theme: column naming the theme of each hit.
        value: column holding the judgement.
        by: optional column (such as ``"era"``, from ``validation_sample(by="era")``): one
            row per group and theme. Measurement error that differs by group biases
            comparisons of rates between groups; :func:`corrected_rates` corrects for it.
        level: confidence level of the interval.

    Returns:
        DataFrame with ``theme``, ``n`` (coded hits), ``correct``, ``precision``, ``low``,
        ``high``; with ``by``, that column first; in order of first appearance.

    Raises:
        InvalidArgumentError: a code that is not a yes/no judgement; no coded row.
    """

    level = check_level(level)
    coded = _check_columns(coded, {"theme": theme, "value": value} | ({"by": by} if by is not None else {}))
    filled = coded[_filled(coded[value])]
    if filled.empty:
        raise EmptyInputError(describe("coded", value, "column holds no code", todo="Fill in the code column first."))
    codes = filled[value].astype(object).map(_truthy).astype(float)  # Categorical codes too
    if codes.isna().any():
        bad = filled.loc[codes.isna(), value].iloc[0]
        raise InvalidArgumentError(describe(value, bad, "is not a yes/no judgement",
                                            accepted="1/0, True/False, yes/no, correct/wrong, 是/否"))
    def key(column: str) -> pd.Series:  # a dict or list value: its repr; lone surrogates: U+FFFD
        return filled[column].astype(object).map(lambda v: frame_text(group_key(v)))

    keys = [key(theme)] if by is None else [key(by), key(theme)]
    table = codes.groupby(keys, sort=False).agg(["size", "sum"]).reset_index()
    table.columns = ([] if by is None else [by]) + ["theme", "n", "correct"]
    table["correct"] = table["correct"].astype(int)
    table["precision"] = table["correct"] / table["n"]
    table["low"], table["high"] = wilson(table["correct"].to_numpy(), table["n"].to_numpy(), level=level)
    table.attrs["level"] = level
    return table


def corrected_rates(rates: Any, precisions: pd.DataFrame, *, level: float = 0.95, n_draws: int = 4000,
                    random_state: int = 0) -> pd.DataFrame:
    """Rates times the precision of their hits, with both uncertainties carried into the interval.

    The corrected rate ``rate * precision`` counts only the hits that are true instances.
    Its interval is Monte Carlo: the rate is drawn from its log-t interval's distribution
    (``log rate + se/rate * t_df``, over clusters, as :meth:`GroupRates.interval`) and
    the precision from its Jeffreys posterior ``Beta(correct + 1/2, wrong + 1/2)``; the
    interval is the quantiles of their product. With a ``by`` column in ``precisions``
    named like ``rates.by`` each group's own precision is used; else the theme's.

    Args:
        rates: an :class:`~consensus_nlp.Emphasis` (or other ``GroupRates``).
        precisions: :func:`precision`'s table (optionally with ``by=rates.by``).
        level: interval level.
        n_draws: Monte Carlo draws (>= 1000).
        random_state: seed.

    Returns:
        DataFrame with the group (named ``rates.by``), ``theme``, ``rate``, ``precision``,
        ``corrected``, ``low``, ``high``, ``n_clusters``, ``n_coded``; groups or themes
        without a coded precision are left out (logged).
    """
    import numpy as np
    import pandas as pd
    from scipy.stats import t as student

    from .smallsample import interval_df, ratio_se

    if not isinstance(rates, GroupRates):
        raise InputTypeError(describe("rates", rates, "is not a table of rates", accepted="an Emphasis or other GroupRates"))
    if not isinstance(precisions, pd.DataFrame) or not {"theme", "correct", "n"} <= set(precisions.columns):
        raise InputTypeError(describe("precisions", precisions, "is not a precision table",
                                      accepted="the DataFrame of cn.precision(...)"))
    level = check_level(level)
    n_draws = check_int("n_draws", n_draws, minimum=1000, maximum=1_000_000)
    rng = np.random.default_rng(check_random_state(random_state))
    per_group = rates.by in precisions.columns
    lookup = {((row[rates.by] if per_group else None), row["theme"]): (int(row["correct"]), int(row["n"]))
              for _, row in precisions.iterrows()}
    groups, counts, totals = rates.clusters()
    out = []
    for g, group in enumerate(rates.groups):
        members = np.flatnonzero(groups == g)
        rate, se = ratio_se(counts[members], totals[members])
        df = interval_df(counts[members])
        for j, theme in enumerate(rates.categories):
            key = (group if per_group else None, theme)
            if key not in lookup or len(members) < 2 or rate[j] == 0:
                continue
            correct, n = lookup[key]
            log_rate = np.log(rate[j]) + se[j] / rate[j] * student.rvs(df[j], size=n_draws, random_state=rng)
            draws = np.exp(log_rate) * rng.beta(correct + 0.5, n - correct + 0.5, n_draws) * rates.per
            low, high = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
            out.append({rates.by: group, "theme": theme, "rate": rate[j] * rates.per, "precision": correct / n,
                        "corrected": rate[j] * rates.per * correct / n, "low": low, "high": high,
                        "n_clusters": len(members), "n_coded": n})
    if not out:
        raise InvalidArgumentError(describe("precisions", f"{len(precisions)} rows", "match no group and theme of "
                                            "the rates", todo=f"Code hits of these themes (by={rates.by!r} for "
                                            "precision per group)."))
    table = pd.DataFrame(out)
    table.attrs.update(level=level, per=rates.per)
    return table
