"""Topic prevalence by document covariates, in the manner of stm's ``estimateEffect``.

:func:`estimate_effect` regresses the documents' topic proportions on a
covariate and carries two sources of uncertainty into its intervals by the
method of composition (Treier & Jackman 2008, as stm does):

1. the proportions themselves: each simulation draws every document's
   proportions from ``Dirichlet(alpha + theta_d * N_d)``, the posterior of a
   document's topic shares given ``N_d`` tokens assigned in proportions
   ``theta_d`` under the model's prior ``alpha``;
2. the regression: on each draw, ordinary least squares per topic, then
   coefficients drawn from their normal sampling distribution
   ``N(beta_hat, sigma^2 (X'X)^-1)``.

The prediction at each covariate value is kept per simulation; the estimate is
their mean and the interval their quantiles. :func:`covariate_values` reads
and checks a covariate from the documents' metadata (also used by
``fit_topics(covariates=...)``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InputTypeError, InvalidArgumentError, UnknownNameError, check_choice, check_int, describe

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["estimate_effect", "covariate_values", "is_continuous", "COVARIATE_KINDS"]

COVARIATE_KINDS = ("auto", "categorical", "continuous")
MAX_POINTS = 50


def is_continuous(values: Sequence[Any]) -> bool:
    """True when every value reads as a real number (ints, floats, or strings such as ``"1954"``)."""
    for v in values:
        if isinstance(v, bool):
            return False
        try:
            float(v)
        except (TypeError, ValueError):
            return False
    return True


def covariate_values(doc_ids: Sequence[str], metas: Sequence[Mapping[str, Any]], covariate: str, *,
                     kind: str = "auto") -> tuple[list[Any], str]:
    """The covariate's value for every document and its kind (``"categorical"``/``"continuous"``).

    Raises:
        UnknownNameError: no document has the field.
        InvalidArgumentError: some documents lack a value, the covariate is constant, or a
            continuous covariate holds a non-number.
    """
    import math

    kind = check_choice("kind", kind, COVARIATE_KINDS, what="a covariate kind")
    if not isinstance(covariate, str) or not any(covariate in m for m in metas):
        fields = list(dict.fromkeys(k for m in metas for k in m))
        raise UnknownNameError(describe("covariate", covariate, "is not a metadata field of the documents",
                                        accepted=fields[:20], todo="Add it to the corpus metadata before tokenizing."))
    values = [m.get(covariate) for m in metas]
    missing = [d for d, v in zip(doc_ids, values)
               if v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())]
    if missing:
        raise InvalidArgumentError(describe("covariate", covariate, f"has no value for {len(missing)} document(s) "
                                            f"such as {missing[:3]}", todo="Fill in the value or drop those documents."))
    if kind == "auto":
        kind = "continuous" if is_continuous(values) else "categorical"
    if kind == "continuous":
        if not is_continuous(values):
            bad = next(v for v in values if not is_continuous([v]))
            raise InvalidArgumentError(describe("covariate", covariate, f"holds {bad!r}, not a number",
                                                todo="Use kind='categorical'."))
        values = [float(v) for v in values]
    else:
        values = [v if isinstance(v, (str, int, float)) else repr(v) for v in values]
    if len(set(values)) < 2:
        raise InvalidArgumentError(describe("covariate", covariate, f"is constant ({values[0]!r} for every document)",
                                            accepted="a field that varies across documents",
                                            todo="A constant covariate cannot explain topic prevalence."))
    return values, kind


def _finite_points(points: Any) -> list[float]:
    """``points=`` of a continuous covariate: finite numbers (or numeric strings); anything else is refused."""
    if isinstance(points, (str, bytes)) or not isinstance(points, Iterable):
        raise InputTypeError(describe("points", points, "is not a list of values", accepted="a list of numbers or None"))
    out = []
    for p in points:
        try:
            number = float(p) if not isinstance(p, bool) else math.nan
        except (TypeError, ValueError, OverflowError):
            number = math.nan
        if not math.isfinite(number):
            raise InvalidArgumentError(describe("points", p, "is not a finite number", accepted="finite values of the covariate"))
        out.append(number)
    return out


def _design(values: Sequence[Any], kind: str, degree: int, points: Sequence[Any] | None
            ) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Design matrices of the documents and of the prediction points, and the points."""
    import numpy as np

    if kind == "categorical":
        levels = list(dict.fromkeys(values))
        grid = levels if points is None else list(points)
        unknown = [p for p in grid if p not in levels]
        if unknown:
            raise InvalidArgumentError(describe("points", unknown, "are not values of the covariate", accepted=levels[:20]))

        def rows(vs: Sequence[Any]) -> np.ndarray:
            out = np.zeros((len(vs), len(levels)))
            out[:, 0] = 1.0
            for i, v in enumerate(vs):
                j = levels.index(v)
                if j:
                    out[i, j] = 1.0
            return out

        return rows(values), rows(grid), grid
    x = np.asarray(values, dtype=float)
    if points is None:
        distinct = np.unique(x)
        grid_x = distinct if len(distinct) <= MAX_POINTS else np.linspace(x.min(), x.max(), MAX_POINTS)
    else:
        grid_x = np.asarray(_finite_points(points))
    centre, scale = x.mean(), x.std() or 1.0

    def poly(v: np.ndarray) -> np.ndarray:
        z = (v - centre) / scale
        return np.column_stack([z ** d for d in range(degree + 1)])

    return poly(x), poly(grid_x), grid_x.tolist()


def estimate_effect(doc_topic: np.ndarray, doc_lengths: Sequence[int], alpha: float, values: Sequence[Any], *,
                    kind: str, topics: Sequence[str], level: float, n_sims: int, degree: int = 1,
                    points: Sequence[Any] | None = None, rng: np.random.Generator) -> pd.DataFrame:
    """Expected topic proportion at each covariate value, with intervals by the method of composition.

    ``kind="categorical"``: one mean per level (intercept + dummies, first level the
    baseline). ``kind="continuous"``: a polynomial of ``degree`` in the standardized
    covariate, predicted at its distinct values (at most 50, else 50 evenly spaced points)
    or at ``points``.

    Returns:
        DataFrame with ``topic``, ``value``, ``estimate``, ``low``, ``high``.
    """
    import numpy as np
    import pandas as pd

    degree = check_int("degree", degree, minimum=1, maximum=5)
    X, grid, grid_values = _design(values, kind, degree, points)
    n, p = X.shape
    if n <= p:
        raise InvalidArgumentError(describe("covariate", f"{n} documents", f"are too few for {p} coefficients",
                                            todo="Use more documents or fewer levels / a lower degree."))
    xtx_inv = np.linalg.pinv(X.T @ X)
    chol = np.linalg.cholesky(xtx_inv + 1e-12 * np.eye(p))
    solve = xtx_inv @ X.T  # p x n
    counts = np.asarray(doc_topic, dtype=float) * np.asarray(doc_lengths, dtype=float)[:, None]
    k = counts.shape[1]
    sims = np.empty((n_sims, len(grid_values), k))
    for s in range(n_sims):
        theta = rng.gamma(alpha + counts)
        theta /= theta.sum(axis=1, keepdims=True)
        beta = solve @ theta  # p x k
        sigma = np.sqrt(((theta - X @ beta) ** 2).sum(axis=0) / (n - p))  # per topic
        beta_draw = beta + (chol @ rng.standard_normal((p, k))) * sigma
        sims[s] = grid @ beta_draw
    low, high = np.quantile(sims, [(1 - level) / 2, (1 + level) / 2], axis=0)
    estimate = sims.mean(axis=0)
    t_idx, v_idx = np.meshgrid(np.arange(k), np.arange(len(grid_values)), indexing="ij")
    return pd.DataFrame({
        "topic": [topics[t] for t in t_idx.ravel()],
        "value": [grid_values[v] for v in v_idx.ravel()],
        "estimate": estimate.T.ravel(), "low": low.T.ravel(), "high": high.T.ravel(),
    })
