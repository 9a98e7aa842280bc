"""Count models of theme hits with an exposure offset, on statsmodels: ``cn.regress``.

:func:`regress` fits, per theme, a generalized linear model of the documents'
hits on their covariates (a patsy formula: ``"~ era + bs(year, df=4)"``), with
the log of their tokens as offset, so that coefficients are log rate ratios:

* ``family="negbin"``: negative binomial (NB2, its dispersion estimated by
  maximum likelihood; statsmodels' ``NegativeBinomial``);
* ``"quasipoisson"``: Poisson GLM with the scale estimated by Pearson's
  chi-square over the residual degrees of freedom;
* ``"poisson"``: Poisson GLM.

``cluster="parent_id"`` (the default) gives cluster-robust (sandwich) standard
errors over the parent documents of units, and over the documents themselves
when they have no parent (heteroskedasticity-robust then). By default they carry
a small-sample correction statsmodels lacks (``small_sample="cr3"``: the cluster
jackknife CR3 with Bell-McCaffrey degrees of freedom, :mod:`.sandwich`), chosen
by simulation: statsmodels' own cluster errors (CR1, t on ``G - 1``) covered a
slope 0.89-0.93 with 30 and 60 clusters. ``small_sample="statsmodels"`` gives
statsmodels' numbers exactly (``"cr2"``: CR2 with the same degrees of freedom). The result,
:class:`Regression`, holds the statsmodels results per theme and tidy tables:
coefficients with rate ratios, and average predicted rates at covariate values
with their intervals (:meth:`Regression.predict`).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InputTypeError, InvalidArgumentError, UnknownNameError, check_choice, check_float, describe

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["regress", "Regression", "FAMILIES", "SMALL_SAMPLE"]

log = logging.getLogger(__name__)

FAMILIES = ("negbin", "quasipoisson", "poisson")
SMALL_SAMPLE = ("cr3", "cr2", "statsmodels")
#: Per ``small_sample``, ``regress`` warns below this many clusters (docs/simulations.md): CR3 was too wide
#: below 20 (0.98 with 15) and in band from 30; CR2 in band from 15, its lowest simulated size;
#: statsmodels' CR1 too narrow with 30 and with 60 (0.92), and not simulated above 60.
FEW_CLUSTERS = {"statsmodels": 100, "cr3": 20, "cr2": 15}


def _document_frame(rates: Any, themes: Sequence[str] | None) -> tuple[pd.DataFrame, list[str], str]:
    """One row per document: its covariates (numbers read as floats), hits per theme and total."""
    from .composition import covariate_frame

    if rates.docvars is None:
        raise InvalidArgumentError(describe("data", rates, "carries no document variables",
                                            todo="Build it with cn.emphasis(tokens, ...)."))
    frame = covariate_frame(rates.doc_ids, rates.docvars)
    frame = frame.drop(columns=[c for c in frame.columns if c in rates.categories or c == rates.unit])
    chosen = list(rates.categories) if themes is None else list(themes)
    unknown = [t for t in chosen if t not in rates.categories]
    if unknown:
        raise UnknownNameError(describe("themes", unknown, f"are not {rates.category}s of these rates",
                                        accepted=list(rates.categories)))
    for j, theme in enumerate(rates.categories):
        if theme in chosen:
            frame[theme] = rates.doc_counts[:, j]
    frame[rates.unit] = rates.doc_totals
    return frame, chosen, rates.unit


def _offset(frame: pd.DataFrame, offset: str | None) -> np.ndarray | None:
    import numpy as np

    if offset is None:
        return None
    parts = offset.split() if isinstance(offset, str) else []
    if len(parts) != 2 or parts[0] != "log" or parts[1] not in frame.columns:
        raise InvalidArgumentError(describe("offset", offset, "is not 'log <column>' of the data",
                                            accepted=[f"log {c}" for c in frame.columns if c != "doc_id"][:10] + ["None"]))
    exposure = frame[parts[1]].to_numpy(dtype=float)
    if (exposure <= 0).any():
        raise InvalidArgumentError(describe("offset", offset, "has documents with no exposure (0 tokens)",
                                            todo="Drop empty documents first."))
    return np.log(exposure)


def _clusters(frame: pd.DataFrame, rates: Any, cluster: str | None) -> np.ndarray | None:
    import numpy as np
    import pandas as pd

    if cluster is None:
        return None
    if rates is not None:
        from .smallsample import cluster_keys

        keys = cluster_keys(rates.docvars, cluster) or list(frame["doc_id"])  # no parents: each its own cluster
    elif cluster in frame.columns:
        keys = frame[cluster].tolist()
    else:
        raise UnknownNameError(describe("cluster", cluster, "is not a column of the data", accepted=list(frame.columns)))
    return np.asarray(pd.factorize(pd.Series(keys, dtype=object))[0])


def fit_one(formula: str, frame: pd.DataFrame, *, family: str, offset: np.ndarray | None,
            groups: np.ndarray | None) -> Any:
    """One statsmodels fit, exactly as a user would call it (tests compare against this)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    cov = {"cov_type": "cluster", "cov_kwds": {"groups": groups}, "use_t": True} if groups is not None else {}
    if family == "negbin":
        model = smf.negativebinomial(formula, frame, offset=offset)
        return model.fit(disp=0, maxiter=200, **cov)
    model = smf.glm(formula, frame, family=sm.families.Poisson(), offset=offset)
    return model.fit(scale="X2" if family == "quasipoisson" else None, **cov)


def corrected(result: Any, *, family: str, groups: np.ndarray, kind: str) -> Any:
    """The CR2/CR3 covariance (with Bell-McCaffrey df) of a fitted model's coefficients (``alpha`` excluded)."""
    import numpy as np

    from .sandwich import cluster_covariance

    model = result.model
    X = np.asarray(model.exog, dtype=float)
    beta = np.asarray(result.params)[:X.shape[1]]
    offset = getattr(model, "offset", None)
    eta = X @ beta + (0.0 if offset is None else np.asarray(offset, dtype=float))
    mu = np.exp(eta)
    variance = mu * (1 + float(np.asarray(result.params)[-1]) * mu) if family == "negbin" else mu
    return cluster_covariance(X, np.asarray(model.endog, dtype=float), mu, variance, groups, kind=kind)


def model_spec(result: Any) -> Any:
    """The right-hand side's design (knots of splines included) of a formula-fitted statsmodels result."""
    data = result.model.data
    return getattr(data, "design_info", None) or data.model_spec


def design_matrix(spec: Any, frame: pd.DataFrame) -> np.ndarray:
    """Rows of ``frame`` through the fitted design (patsy's DesignInfo, or formulaic's ModelSpec)."""
    import numpy as np

    if hasattr(spec, "get_model_matrix"):  # formulaic
        return np.asarray(spec.get_model_matrix(frame))
    from patsy import build_design_matrices

    return np.asarray(build_design_matrices([spec], frame)[0])


class Regression:
    """Count models per theme, fitted by :func:`regress`.

    Attributes:
        formula: the right-hand side as given.
        family: ``"negbin"``, ``"quasipoisson"`` or ``"poisson"``.
        offset: the offset (``"log tokens"``) or ``None``.
        cluster: the clustering field or ``None``.
        small_sample: ``"cr3"``, ``"cr2"`` or ``"statsmodels"`` (see :func:`regress`).
        corrections: theme -> :class:`~consensus_nlp.models.sandwich.ClusterCovariance` (empty
            without clusters or with ``small_sample="statsmodels"``).
        per: predicted rates are per ``per`` units of exposure.
        data: the document table the models were fitted on (covariates, hits, totals).
        results: theme -> statsmodels results.
    """

    def __init__(self, *, formula: str, family: str, offset: str | None, cluster: str | None, per: float,
                 data: pd.DataFrame, results: Mapping[str, Any], n_clusters: int | None,
                 small_sample: str = "statsmodels", corrections: Mapping[str, Any] | None = None) -> None:
        self.formula, self.family, self.offset, self.cluster, self.per = formula, family, offset, cluster, per
        self.data = data
        self.results = dict(results)
        self.n_clusters = n_clusters
        self.small_sample = small_sample
        self.corrections = dict(corrections or {})

    def __repr__(self) -> str:
        return (f"Regression({self.formula!r}, family={self.family!r}, {len(self.results)} theme(s), "
                f"{len(self.data)} documents, cluster={self.cluster!r})")

    def coefficients(self, *, level: float = 0.95) -> pd.DataFrame:
        """Tidy coefficients: ``theme``, ``term``, ``estimate`` (log rate ratio), ``std_error``, ``statistic``,
        ``p``, ``low``, ``high``, ``rate_ratio``, ``rr_low``, ``rr_high`` (``exp`` of the estimate and interval).

        The negative binomial's dispersion (``alpha``) is listed as a term without a rate ratio.
        With the small-sample correction (the default with clusters) ``std_error`` is CR3's
        (or CR2's), and ``statistic``, ``p``, ``low``, ``high`` use Student's t on each
        coefficient's Bell-McCaffrey degrees of freedom, in the column ``df``; with
        ``small_sample="statsmodels"`` every column is statsmodels' and ``df`` is its
        ``G - 1`` (NaN for model-based errors with the normal).
        """
        import numpy as np
        import pandas as pd
        from scipy.stats import t as student

        from .inference import check_level

        level = check_level(level)
        frames = []
        for theme, result in self.results.items():
            ci = np.array(result.conf_int(alpha=1 - level), dtype=float)
            estimate, se = np.asarray(result.params, dtype=float), np.asarray(result.bse, dtype=float)
            statistic, p = np.asarray(result.tvalues, dtype=float), np.asarray(result.pvalues, dtype=float)
            df = np.full(len(estimate), float(result.df_resid_inference) if result.use_t and
                         getattr(result, "df_resid_inference", None) is not None else np.nan)
            correction = self.corrections.get(theme)
            if correction is not None:
                k = correction.cov.shape[0]
                se, statistic, p, df = se.copy(), statistic.copy(), p.copy(), df.copy()
                se[:k] = np.sqrt(np.diag(correction.cov))
                df[:k] = correction.coefficient_df()
                statistic[:k] = estimate[:k] / se[:k]
                p[:k] = 2 * student.sf(np.abs(statistic[:k]), df[:k])
                half = student.ppf((1 + level) / 2, df[:k]) * se[:k]
                ci[:k] = np.column_stack([estimate[:k] - half, estimate[:k] + half])
            frame = pd.DataFrame({"theme": theme, "term": list(result.params.index), "estimate": estimate,
                                  "std_error": se, "statistic": statistic, "df": df, "p": p,
                                  "low": ci[:, 0], "high": ci[:, 1]})
            ratio = frame["term"] != "alpha"
            for column, source in (("rate_ratio", "estimate"), ("rr_low", "low"), ("rr_high", "high")):
                frame[column] = np.where(ratio, np.exp(frame[source].where(ratio, 0.0)), np.nan)
            frames.append(frame)
        table = pd.concat(frames, ignore_index=True)
        table.attrs.update(level=level, family=self.family, cluster=self.cluster, small_sample=self.small_sample)
        return table

    def predict(self, at: Mapping[str, Sequence[Any]] | pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
        """Average predicted rates (per :attr:`per` of exposure) at covariate values, with delta-method intervals.

        ``at={"year": [1960, 1990]}``: for each value, every document's covariate is set to
        it (the others kept as observed) and the predicted rates ``exp(x b)`` are averaged
        (marginal standardization); a DataFrame ``at`` predicts at each of its rows instead
        (every covariate given). The interval is Wald on the log of the prediction with the
        (cluster-robust) covariance of ``b``: with the small-sample correction, its CR3 (CR2)
        covariance and Student's t on the prediction's Bell-McCaffrey degrees of freedom;
        else the normal.

        Returns:
            DataFrame with ``theme``, the covariate column(s), ``rate``, ``low``, ``high``.
        """
        import numpy as np
        import pandas as pd
        from scipy.stats import norm
        from scipy.stats import t as student

        from .inference import check_level

        level = check_level(level)
        z = float(norm.ppf((1 + level) / 2))
        if isinstance(at, pd.DataFrame):
            rows = [(at.iloc[[i]].to_dict("list"), at.iloc[[i]]) for i in range(len(at))]
        elif isinstance(at, Mapping) and len(at) == 1:
            (name, values), = at.items()
            if name not in self.data.columns:
                raise UnknownNameError(describe("at", name, "is not a covariate of the data", accepted=list(self.data.columns)))
            rows = [({name: [v]}, self.data.assign(**{name: v})) for v in values]
        else:
            raise InvalidArgumentError(describe("at", at, "names no single covariate",
                                                accepted="{'year': [...]} or a DataFrame of covariate rows"))
        out = []
        for theme, result in self.results.items():
            spec = model_spec(result)
            p = len(spec.column_names)
            correction = self.corrections.get(theme)
            beta = np.asarray(result.params)[:p]
            cov = np.asarray(result.cov_params())[:p, :p] if correction is None else correction.cov
            for label, frame in rows:
                X = design_matrix(spec, frame)
                mu = np.exp(X @ beta) * self.per
                mean = mu.mean()
                grad = (mu[:, None] * X).mean(axis=0)
                se_log = float(np.sqrt(grad @ cov @ grad)) / mean
                q = z if correction is None else float(student.ppf((1 + level) / 2, correction.df(grad)))
                out.append({"theme": theme, **{k: v[0] for k, v in label.items()}, "rate": mean,
                            "low": mean * np.exp(-q * se_log), "high": mean * np.exp(q * se_log)})
        table = pd.DataFrame(out)
        table.attrs.update(level=level, per=self.per)
        return table

    def summary(self) -> str:
        """statsmodels' summaries of every theme's model, one after the other."""
        return "\n\n".join(f"== {theme} ==\n{result.summary()}" for theme, result in self.results.items())


def regress(data: Any, formula: str, *, family: str = "negbin", offset: str | None = "log tokens",
            cluster: str | None = "parent_id", themes: Sequence[str] | None = None, per: float | None = None,
            small_sample: str = "cr3") -> Regression:
    """Regress theme hits per document on covariates, with an exposure offset and clustered errors.

    Args:
        data: an :class:`~consensus_nlp.Emphasis` (or other ``GroupRates`` built with docvars):
            one model per theme of the per-document hits on the documents' metadata; or a
            DataFrame with one row per document, and then ``formula`` names the response.
        formula: patsy formula, right-hand side only for an Emphasis (``"~ era + bs(year, df=4)"``,
            splines ``bs()``/``cr()``, interactions ``a:b``/``a*b``), full for a DataFrame
            (``"hits ~ era"``). Metadata that read as numbers are numeric, others categorical.
        family: ``"negbin"``, ``"quasipoisson"`` or ``"poisson"``.
        offset: ``"log <column>"`` (``"log tokens"``, ``"log characters"``) or ``None``.
        cluster: field of the documents for cluster-robust errors (``"parent_id"``: units
            cluster by their parent, documents without one are their own cluster), or ``None``
            for model-based errors.
        themes: the themes to model (default: all).
        small_sample: with ``cluster``, the correction of the cluster-robust errors:
            ``"cr3"`` (default: the cluster jackknife, Student's t on Bell-McCaffrey degrees of
            freedom; in band from 20 clusters up in the simulations, too wide below, where it
            warns), ``"cr2"`` (Bell-McCaffrey's CR2, the same degrees of freedom; in band from 15
            clusters up), or ``"statsmodels"`` (statsmodels' cluster-robust errors and t on
            ``G - 1`` df, unchanged; 0.92 with 30 and 60 clusters, warns below 100). Ignored without
            ``cluster``.
        per: predictions are per ``per`` of exposure (default: the Emphasis's ``per``, else 1).

    Returns:
        :class:`Regression`: ``.coefficients()``, ``.predict(at=...)``, ``.summary()``, ``.results``.

    Raises:
        InputTypeError: ``data`` is neither rates nor a DataFrame; ``formula`` not a string.
        InvalidArgumentError: a bad offset, a formula that does not fit the data.
        UnknownNameError: an unknown family, theme, cluster field or covariate.
    """
    import pandas as pd

    family = check_choice("family", family, FAMILIES, what="a count model family")
    small_sample = check_choice("small_sample", small_sample, SMALL_SAMPLE, what="a small-sample correction")
    if not isinstance(formula, str) or "~" not in formula:
        raise InputTypeError(describe("formula", formula, "is not a formula", accepted="'~ era + bs(year, df=4)'"))
    per = check_float("per", per, minimum=0, exclusive_minimum=True, allow_none=True)
    if themes is not None and (isinstance(themes, (str, bytes)) or not isinstance(themes, Iterable)):
        raise InputTypeError(describe("themes", themes, "is not a list of theme names",
                                      accepted="a list such as ['culture_brand'], or None for every theme"))
    rates = data if hasattr(data, "doc_counts") and hasattr(data, "categories") else None
    if rates is not None:
        frame, chosen, _ = _document_frame(rates, themes)
        if formula.split("~")[0].strip():
            raise InvalidArgumentError(describe("formula", formula, "names a response; with an Emphasis the "
                                                "response is each theme's hits", todo="Write only '~ covariates'."))
        targets = {t: f"Q('{t}') {formula.strip()}" for t in chosen}
        per = rates.per if per is None else per
    elif isinstance(data, pd.DataFrame):
        frame = data.reset_index(drop=True)
        targets = {formula.split("~")[0].strip() or "y": formula}
        if not formula.split("~")[0].strip():
            raise InvalidArgumentError(describe("formula", formula, "has no response for a DataFrame",
                                                todo="Write 'hits ~ covariates'."))
        per = 1.0 if per is None else per
    else:
        raise InputTypeError(describe("data", data, "is neither rates nor a DataFrame",
                                      accepted="cn.emphasis(...) or a DataFrame with one row per document"))
    offset_values = _offset(frame, offset)
    groups = _clusters(frame, rates, cluster)
    results = {}
    for theme, full in targets.items():
        try:
            results[theme] = fit_one(full, frame, family=family, offset=offset_values, groups=groups)
        except Exception as error:  # patsy and statsmodels raise their own kinds for a formula that does not fit
            if isinstance(error, (MemoryError, KeyboardInterrupt)):
                raise
            raise InvalidArgumentError(describe("formula", formula, f"could not be fitted for {theme!r}: {error}",
                                                accepted=f"covariates among {list(frame.columns)[:15]}")) from error
    n_clusters = None if groups is None else int(groups.max()) + 1
    corrections = {} if groups is None or small_sample == "statsmodels" else \
        {t: corrected(r, family=family, groups=groups, kind=small_sample) for t, r in results.items()}
    if n_clusters is not None and n_clusters < FEW_CLUSTERS[small_sample]:
        detail = {"statsmodels": "statsmodels' cluster-robust intervals under-covered with 30 and with 60 clusters "
                                 "(0.92 for a slope in the simulations, docs/simulations.md); use small_sample='cr3'",
                  "cr3": "CR3 intervals were too wide with fewer than 20 clusters in the simulations (0.98 with 15, "
                         "docs/simulations.md); small_sample='cr2' covered 0.95-0.96 there",
                  "cr2": "the CR2 intervals were simulated from 15 clusters up (docs/simulations.md) and are "
                         "untested below; read them as a rough guide"}[small_sample]
        warnings.warn(f"{n_clusters} clusters ({cluster}): {detail}.", stacklevel=2)
    unconverged = [t for t, r in results.items() if not getattr(r, "mle_retvals", {}).get("converged", True)]
    if unconverged:
        warnings.warn(f"The {family} fit did not converge for {unconverged[:5]}; try family='quasipoisson'.",
                      stacklevel=2)
    return Regression(formula=formula, family=family, offset=offset, cluster=cluster, per=float(per), data=frame,
                      results=results, n_clusters=n_clusters, small_sample=small_sample, corrections=corrections)
