"""Topic prevalence on a formula of covariates by the method of composition (stm's ``estimateEffect``).

:func:`formula_effect` carries two sources of uncertainty into its intervals,
as stm does (Roberts, Stewart & Tingley; Treier & Jackman 2008):

1. the topic shares: each simulation draws every document's shares from
   ``Dirichlet(alpha + theta_d * N_d)``, their posterior given the model;
2. the regression: on each draw the shares of every topic are regressed on the
   design matrix of ``formula`` (patsy: ``"~ era + bs(year, df=4)"``,
   interactions ``a:b``), then coefficients are drawn around ``b`` from a
   multivariate t with covariance ``V`` and ``G - 1`` degrees of freedom
   (``G`` clusters; stm draws from a normal).

Two departures from stm, both for honest numbers on units:

* ``link="logit"`` (default) fits a fractional logit (Papke & Wooldridge 1996:
  the binomial quasi-likelihood on shares), so predictions stay in [0, 1];
  ``link="identity"`` is stm's ordinary least squares (predictions can leave
  [0, 1]).
* ``V`` is the cluster jackknife (CR3) covariance over clusters (``parent_id``
  for paragraph or outline units; documents otherwise), so paragraphs of one
  report are not counted as independent evidence.

Predictions are at rows of covariate values (the others held at their median,
or their most frequent level); ``method="difference"`` gives the contrast of
two rows with its own interval from the same simulations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgumentError, UnknownNameError, describe

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["formula_effect", "covariate_frame", "fit_shares", "LINKS", "EFFECT_METHODS"]

LINKS = ("logit", "identity")
EFFECT_METHODS = ("pointestimate", "difference")
MAX_POINTS = 50
#: The most of the information one cluster may take with it in the jackknife (see :func:`sandwich`).
MAX_LEVERAGE = 0.8
#: The fewest clusters the simulation study covered (0.94 with 30; docs/simulations.md); fewer warn.
FEW_CLUSTERS = 30


def covariate_frame(doc_ids: Sequence[str], docvars: Any) -> pd.DataFrame:
    """The documents' metadata as a table: numbers as floats, other scalars as they are."""
    import pandas as pd

    from .effects import is_continuous

    columns: dict[str, Any] = {"doc_id": list(doc_ids)}
    for field in docvars.fields():
        values = docvars.values(field)
        if not all(isinstance(v, (str, int, float, bool)) or v is None for v in values):
            continue
        present = [v for v in values if v is not None]
        columns[field] = [float(v) for v in values] if present and None not in values and is_continuous(present) \
            else values
    return pd.DataFrame(columns)


def fit_shares(X: np.ndarray, Y: np.ndarray, *, link: str, start: np.ndarray | None = None,
               iterations: int = 50) -> np.ndarray:
    """Coefficients (``p x topics``) of every topic's shares on ``X``: fractional logit, or OLS.

    The logit fit is Newton's method on the binomial quasi-likelihood with step halving
    (a step that lowers a topic's quasi-likelihood is halved, up to 20 times), from the
    constant fit at the topic's mean share: rare topics near 0 in part of the range do not
    diverge.
    """
    import numpy as np

    if link == "identity":
        return np.linalg.lstsq(X, Y, rcond=None)[0]

    def quasi_loglik(beta: np.ndarray) -> np.ndarray:
        eta = np.clip(X @ beta, -30, 30)
        return (Y * eta - np.logaddexp(0, eta)).sum(axis=0)

    if start is None:
        mean = np.clip(Y.mean(axis=0), 1e-6, 1 - 1e-6)
        start = np.linalg.lstsq(X, np.tile(np.log(mean / (1 - mean)), (X.shape[0], 1)), rcond=None)[0]
    beta = start.copy()
    current = quasi_loglik(beta)
    for _ in range(iterations):
        eta = np.clip(X @ beta, -30, 30)
        mu = 1 / (1 + np.exp(-eta))
        w = np.maximum(mu * (1 - mu), 1e-12)
        A = np.einsum("ni,nt,nj->tij", X, w, X) + 1e-10 * np.eye(X.shape[1])
        score = np.einsum("ni,nt->ti", X, Y - mu)
        step = np.linalg.solve(A, score[..., None])[..., 0].T  # p x topics
        scale = np.ones(Y.shape[1])
        for _ in range(20):
            trial = beta + step * scale
            better = quasi_loglik(trial) >= current - 1e-12
            if better.all():
                break
            scale = np.where(better, scale, scale / 2)
        beta, previous, current = trial, current, quasi_loglik(trial)
        if np.max(np.abs(step * scale)) < 1e-8 or np.all(np.abs(current - previous) < 1e-10 * np.abs(previous)):
            break
    return beta


def sandwich(X: np.ndarray, Y: np.ndarray, beta: np.ndarray, groups: np.ndarray, *, link: str) -> np.ndarray:
    """Cluster jackknife (CR3) covariance of every topic's coefficients: ``topics x p x p``.

    ``d_g = (A - A_g)^-1 S_g`` is the one-step change of the coefficients when cluster
    ``g`` is left out (``A`` the information, ``A_g`` and ``S_g`` cluster ``g``'s share of it
    and its score), and ``V = (G - 1) / G * sum_g (d_g - mean d)(d_g - mean d)'``. A cluster
    whose leverage (largest eigenvalue of ``A^-1 A_g``) exceeds :data:`MAX_LEVERAGE` removes
    only that share (``A - (0.8 / leverage) A_g``): otherwise one isolated report would make
    ``A - A_g`` singular and the whole curve's interval [0, 1]. CR1 (the
    plain sandwich) under-covered with 30 clusters in the simulations (docs/simulations.md).
    """
    import numpy as np

    p = X.shape[1]
    eta = X @ beta
    if link == "logit":
        mu = 1 / (1 + np.exp(-np.clip(eta, -30, 30)))
        w = mu * (1 - mu)
    else:
        mu, w = eta, np.ones_like(eta)
    n_groups = int(groups.max()) + 1
    scores = np.zeros((n_groups, Y.shape[1], p))
    np.add.at(scores, groups, (Y - mu)[:, :, None] * X[:, None, :])
    info_g = np.zeros((n_groups, Y.shape[1], p, p))
    np.add.at(info_g, groups, np.einsum("ni,nt,nj->ntij", X, w, X))
    info = info_g.sum(axis=0)[None] + 1e-10 * np.eye(p)
    # a cluster that alone pins down part of the curve (one report between 1964 and 1975) would make the
    # left-out information singular: it may remove at most MAX_LEVERAGE of the information in any direction
    leverage = np.abs(np.linalg.eigvals(np.linalg.solve(info, info_g))).max(axis=-1)  # groups x topics
    shrink = np.minimum(1.0, MAX_LEVERAGE / np.maximum(leverage, 1e-12))
    left_out = info - shrink[..., None, None] * info_g
    d = np.linalg.solve(left_out, scores[..., None])[..., 0]  # groups x topics x p
    d -= d.mean(axis=0, keepdims=True)
    return (n_groups - 1) / max(n_groups, 1) * np.einsum("gti,gtj->tij", d, d)


def _typical(frame: pd.DataFrame) -> dict[str, Any]:
    """Each column's median (numbers) or most frequent value."""
    import pandas as pd

    out = {}
    for column in frame.columns:
        values = frame[column]
        out[column] = float(values.median()) if pd.api.types.is_numeric_dtype(values) else values.mode().iloc[0]
    return out


def prediction_rows(frame: pd.DataFrame, at: Mapping[str, Sequence[Any]] | None, covariate: str | None
                    ) -> tuple[pd.DataFrame, str]:
    """Rows to predict at: ``at`` (one covariate, several values) or the covariate's values, the others typical."""
    import numpy as np
    import pandas as pd

    if at is None:
        if covariate is None:
            raise InvalidArgumentError(describe("at", at, "is needed with a formula and no covariate",
                                                todo="Pass at={'year': [1960, 1990]} or covariate='year'."))
        values = frame[covariate]
        distinct = sorted(pd.unique(values), key=lambda v: (str(type(v)), v)) if not \
            pd.api.types.is_numeric_dtype(values) else np.unique(values.to_numpy(dtype=float))
        if pd.api.types.is_numeric_dtype(values) and len(distinct) > MAX_POINTS:
            distinct = np.linspace(values.min(), values.max(), MAX_POINTS)
        at = {covariate: list(distinct)}
    if not isinstance(at, Mapping) or len(at) != 1:
        raise InvalidArgumentError(describe("at", at, "names no single covariate", accepted="{'year': [...]}"))
    (name, values), = at.items()
    if name not in frame.columns:
        raise UnknownNameError(describe("at", name, "is not a metadata field", accepted=list(frame.columns)[:20]))
    typical = _typical(frame.drop(columns=["doc_id"]))
    rows = pd.DataFrame([{**typical, name: v} for v in values])
    if pd.api.types.is_numeric_dtype(frame[name]):
        rows[name] = rows[name].astype(float)
    return rows, name


def formula_effect(doc_topic: np.ndarray, doc_lengths: Sequence[int], alpha: float, frame: pd.DataFrame,
                   formula: str, *, groups: np.ndarray, topics: Sequence[str], at: Mapping[str, Sequence[Any]] | None,
                   covariate: str | None, method: str, link: str, level: float, n_sims: int,
                   rng: np.random.Generator) -> pd.DataFrame:
    """Expected topic shares at covariate values (or their difference), by the method of composition.

    Returns:
        ``method="pointestimate"``: DataFrame with ``topic``, ``value``, ``estimate``, ``low``, ``high``;
        ``method="difference"``: one row per topic with ``topic``, ``value`` (``"a - b"``),
        ``estimate``, ``low``, ``high``.
    """
    import numpy as np
    import pandas as pd
    from patsy import PatsyError, build_design_matrices, dmatrix

    try:
        design = dmatrix(formula, frame, return_type="matrix", NA_action="raise")
    except (PatsyError, NameError, ValueError, TypeError) as error:
        raise InvalidArgumentError(describe("formula", formula, f"does not fit the documents' metadata: {error}",
                                            accepted=f"fields among {list(frame.columns)[:15]}")) from error
    X = np.asarray(design)
    n, p = X.shape
    if n <= p:
        raise InvalidArgumentError(describe("formula", formula, f"has {p} coefficients for {n} documents",
                                            todo="Use fewer terms or more documents."))
    rows, name = prediction_rows(frame, at, covariate)
    if method == "difference" and len(rows) != 2:
        raise InvalidArgumentError(describe("at", at, "needs exactly two values for method='difference'",
                                            accepted="{'era': ['reform', 'planned']}: reform minus planned"))
    try:
        grid = np.asarray(build_design_matrices([design.design_info], rows)[0])
    except PatsyError as error:  # a spline asked outside its knots, a level never seen
        raise InvalidArgumentError(describe("at", {name: rows[name].tolist()}, f"cannot be predicted: {error}",
                                            todo="Predict within the range and levels of the documents.")) from error
    counts = np.asarray(doc_topic, dtype=float) * np.asarray(doc_lengths, dtype=float)[:, None]
    k = counts.shape[1]
    n_groups = max(int(groups.max()) + 1, 2)
    beta_hat = fit_shares(X, np.asarray(doc_topic, dtype=float), link=link)
    sims = np.empty((n_sims, len(grid), k))
    for s in range(n_sims):
        theta = rng.gamma(alpha + counts)
        theta /= theta.sum(axis=1, keepdims=True)
        beta = fit_shares(X, theta, link=link, start=beta_hat)
        cov = sandwich(X, theta, beta, groups, link=link)
        chol = np.linalg.cholesky(cov + 1e-12 * np.eye(p))
        # multivariate t on G - 1 degrees of freedom: the jackknife variance is estimated from G clusters
        scale = np.sqrt((n_groups - 1) / rng.chisquare(n_groups - 1, size=k))
        draw = beta + np.einsum("tij,jt->it", chol, rng.standard_normal((p, k))) * scale
        eta = grid @ draw
        sims[s] = 1 / (1 + np.exp(-np.clip(eta, -30, 30))) if link == "logit" else eta
    values = rows[name].tolist()
    if method == "difference":
        sims = sims[:, :1] - sims[:, 1:2]
        values = [f"{values[0]} - {values[1]}"]
    low, high = np.quantile(sims, [(1 - level) / 2, (1 + level) / 2], axis=0)
    estimate = sims.mean(axis=0)
    t_idx, v_idx = np.meshgrid(np.arange(k), np.arange(len(values)), indexing="ij")
    return pd.DataFrame({"topic": [topics[t] for t in t_idx.ravel()], "value": [values[v] for v in v_idx.ravel()],
                         "estimate": estimate.T.ravel(), "low": low.T.ravel(), "high": high.T.ravel()})


def gdmr_prevalence(curve: Mapping[str, Any], topics: Sequence[str], *, level: float) -> pd.DataFrame:
    """g-DMR's own prevalence curve: the mean of its Dirichlet prior at each covariate value and a band.

    At value ``x`` a g-DMR document's topic shares are ``Dirichlet(alpha(x))`` with
    ``alpha(x) = exp(tdf(x))``; the curve is ``alpha_t(x) / sum(alpha(x))`` and the band the
    ``level`` quantiles of its marginal, ``Beta(alpha_t, sum(alpha) - alpha_t)``: where a
    document's share falls, not where the mean is (the model has no standard errors for
    its coefficients). Both lie in [0, 1].

    Returns:
        DataFrame with ``topic``, ``level`` (categorical covariates joined by ``|``, ``""``
        without), ``value``, ``estimate``, ``low``, ``high``.
    """
    import numpy as np
    import pandas as pd
    from scipy.stats import beta as beta_dist

    rows = []
    for group, log_alpha in curve["log_alpha"].items():
        alpha = np.exp(np.asarray(log_alpha, dtype=float))  # points x topics
        total = alpha.sum(axis=1, keepdims=True)
        low = beta_dist.ppf((1 - level) / 2, alpha, total - alpha)
        high = beta_dist.ppf((1 + level) / 2, alpha, total - alpha)
        for t, topic in enumerate(topics):
            rows.append(pd.DataFrame({"topic": topic, "level": group, "value": curve["x"],
                                      "estimate": alpha[:, t] / total[:, 0], "low": low[:, t], "high": high[:, t]}))
    table = pd.concat(rows, ignore_index=True)
    table.attrs.update(covariate=curve["covariate"], kind="continuous", level=level, method="gdmr-prior")
    return table
