"""cn.regress equals statsmodels called directly; compare_all and omnibus on known data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

import consensus_nlp as cn
from consensus_nlp.corpus import DocVars
from consensus_nlp.errors import InputTypeError, InvalidArgumentError, UnknownNameError
from consensus_nlp.models.inference import GroupRates

pytestmark = pytest.mark.filterwarnings("ignore:30 clusters:UserWarning")


@pytest.fixture(scope="module")
def paragraphs():
    """240 paragraphs in 30 reports; the theme's rate grows with the year; two themes."""
    rng = np.random.default_rng(7)
    parent = np.repeat(np.arange(30), 8)
    year = rng.uniform(1954, 2017, 30).round()
    lengths = rng.poisson(80, 240) + 20
    mu = lengths * 0.02 * np.exp(0.6 * (year[parent] - 1985) / 20 + rng.normal(0, 0.4, 30)[parent])
    hits = np.column_stack([rng.negative_binomial(5, 5 / (5 + mu)), rng.poisson(lengths * 0.01)])
    era = np.where(year[parent] < 1978, "planned", "reform")
    docvars = DocVars([f"p{i}" for i in range(240)],
                      [{"year": str(int(year[p])), "era": e, "parent_id": f"r{p}"} for p, e in zip(parent, era)])
    rates = GroupRates(by="era", per=1000, categories=["growth", "flat"], groups=["planned", "reform"],
                       doc_ids=docvars.doc_ids, doc_groups=(era == "reform").astype(int), doc_counts=hits,
                       doc_totals=lengths, docvars=docvars)
    frame = pd.DataFrame({"growth": hits[:, 0], "flat": hits[:, 1], "year": year[parent], "era": era,
                          "tokens": lengths, "report": parent})
    return rates, frame


@pytest.mark.parametrize("family", ["negbin", "quasipoisson", "poisson"])
def test_regress_equals_statsmodels_called_directly(paragraphs, family):
    rates, frame = paragraphs
    formula = "~ era + bs(year, df=4)"
    result = cn.regress(rates, formula, family=family, offset="log tokens", cluster="parent_id",
                        small_sample="statsmodels")
    cov = dict(cov_type="cluster", cov_kwds={"groups": frame["report"].to_numpy()}, use_t=True)
    offset = np.log(frame["tokens"].to_numpy(dtype=float))
    if family == "negbin":
        direct = smf.negativebinomial("growth " + formula, frame, offset=offset).fit(disp=0, maxiter=200, **cov)
    else:
        direct = smf.glm("growth " + formula, frame, family=sm.families.Poisson(), offset=offset).fit(
            scale="X2" if family == "quasipoisson" else None, **cov)
    table = result.coefficients()
    mine = table[table["theme"] == "growth"]
    assert mine["estimate"].to_numpy() == pytest.approx(direct.params.to_numpy(), abs=1e-8)
    assert mine["std_error"].to_numpy() == pytest.approx(direct.bse.to_numpy(), abs=1e-8)
    assert table["theme"].unique().tolist() == ["growth", "flat"]
    assert table.columns.tolist() == ["theme", "term", "estimate", "std_error", "statistic", "df", "p", "low",
                                      "high", "rate_ratio", "rr_low", "rr_high"]
    assert mine["df"].tolist() == [29.0] * len(mine)  # statsmodels' t on G - 1 degrees of freedom
    assert mine["p"].to_numpy() == pytest.approx(direct.pvalues.to_numpy(), abs=1e-8)
    assert mine[["low", "high"]].to_numpy() == pytest.approx(np.asarray(direct.conf_int()), abs=1e-8)
    rr = mine[mine["term"] == "era[T.reform]"].iloc[0]
    assert rr["rate_ratio"] == pytest.approx(np.exp(rr["estimate"]))
    assert result.n_clusters == 30
    assert ("NegativeBinomial" in result.summary()) == (family == "negbin")


def brute_force_cr(X, y, mu, variance, groups, power):
    """CR2 (power -1/2) or CR3 (power -1) and the Bell-McCaffrey df of each coefficient with the full N x N hat
    matrix, written from the formulas (Pustejovsky & Tipton 2018), to check the library's O(n p^2) version."""
    Xt = X * (mu / np.sqrt(variance))[:, None]
    r = (y - mu) / np.sqrt(variance)
    B = np.linalg.inv(Xt.T @ Xt)
    H = Xt @ B @ Xt.T
    G = groups.max() + 1
    adjust = {}
    for g in range(G):
        i = np.flatnonzero(groups == g)
        w, v = np.linalg.eigh(np.eye(len(i)) - H[np.ix_(i, i)])
        adjust[g] = (v * w ** power) @ v.T
    meat = sum(np.outer(*(2 * [Xt[groups == g].T @ adjust[g] @ r[groups == g]])) for g in range(G))
    cov = B @ meat @ B * ((G - 1) / G if power == -1 else 1)
    dfs = []
    for j in range(X.shape[1]):
        K = np.column_stack([(np.eye(len(y)) - H)[:, groups == g] @ adjust[g] @ Xt[groups == g] @ B[:, j]
                             for g in range(G)])
        KK = K.T @ K
        dfs.append(np.trace(KK) ** 2 / np.trace(KK @ KK))
    return cov, np.array(dfs)


@pytest.mark.parametrize(("family", "kind", "power"), [("quasipoisson", "cr3", -1.0), ("negbin", "cr2", -0.5),
                                                       ("negbin", "cr3", -1.0)])
def test_small_sample_correction_equals_the_formulas(paragraphs, family, kind, power):
    from scipy.stats import t as student

    rates, frame = paragraphs
    result = cn.regress(rates, "~ era + year", family=family, themes=["growth"], small_sample=kind)
    fit = result.results["growth"]
    X, y = np.asarray(fit.model.exog), np.asarray(fit.model.endog)
    mu = np.exp(X @ np.asarray(fit.params)[:3] + np.log(frame["tokens"].to_numpy(dtype=float)))
    variance = mu * (1 + fit.params["alpha"] * mu) if family == "negbin" else mu
    cov, df = brute_force_cr(X, y, mu, variance, frame["report"].to_numpy(), power)
    table = result.coefficients().set_index("term").iloc[:3]
    assert table["std_error"].to_numpy() == pytest.approx(np.sqrt(np.diag(cov)), rel=1e-6)  # year is not centred: 1e-8 is rounding
    assert table["df"].to_numpy() == pytest.approx(df, rel=1e-6)
    assert 3 < df.min() and df.max() < 29  # fewer than G - 1: the clusters' leverage differs
    half = student.ppf(0.975, df) * np.sqrt(np.diag(cov))
    assert table["high"].to_numpy() == pytest.approx(table["estimate"].to_numpy() + half, rel=1e-6)
    assert table["p"].to_numpy() == pytest.approx(2 * student.sf(np.abs(table["estimate"] / np.sqrt(np.diag(cov))), df))
    # the correction widens statsmodels' interval (CR1, t on 29 df) for every coefficient
    plain = cn.regress(rates, "~ era + year", family=family, themes=["growth"], small_sample="statsmodels")
    width = (table["high"] - table["low"]).to_numpy()
    assert (width > (plain.coefficients()["high"] - plain.coefficients()["low"]).to_numpy()[:3]).all()
    assert table.loc["year", "df"] < 29 and result.small_sample == kind


def test_regress_predictions_recover_the_rate_and_a_dataframe_works(paragraphs):
    rates, frame = paragraphs
    result = cn.regress(rates, "~ year", family="negbin", themes=["flat"])
    pred = result.predict({"year": [1960.0, 2010.0]})
    assert pred.columns.tolist() == ["theme", "year", "rate", "low", "high"]
    # the flat theme's true rate is 10 per 1,000 tokens in every year
    assert ((pred["low"] < 10) & (10 < pred["high"])).all()
    assert (pred["low"] < pred["rate"]).all() and (pred["rate"] < pred["high"]).all()
    by_frame = cn.regress(frame, "flat ~ year", family="poisson", cluster="report", per=1000)
    assert by_frame.coefficients()["estimate"].to_numpy() == pytest.approx(
        cn.regress(rates, "~ year", family="poisson", themes=["flat"]).coefficients()["estimate"].to_numpy())


@pytest.mark.filterwarnings("default")
def test_regress_bad_input(paragraphs):
    rates, frame = paragraphs
    with pytest.warns(UserWarning, match="30 clusters \\(parent_id\\): statsmodels' cluster-robust intervals "
                      "under-covered with 30 and with 60"):
        cn.regress(rates, "~ year", family="poisson", small_sample="statsmodels")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 30 clusters, corrected: in band in the simulations, no warning
        cn.regress(rates, "~ year", family="poisson")
        cn.regress(rates, "~ year", family="poisson", small_sample="cr2")
    years, parents = rates.docvars.values("year"), rates.docvars.values("parent_id")
    merged = DocVars(rates.docvars.doc_ids, [{"year": y, "parent_id": f"r{int(p[1:]) % 12}"}  # 30 reports -> 12
                                             for y, p in zip(years, parents)])
    twelve = GroupRates(by="era", per=1000, categories=list(rates.categories), groups=list(rates.groups),
                        doc_ids=rates.doc_ids, doc_groups=rates.doc_groups, doc_counts=rates.doc_counts,
                        doc_totals=rates.doc_totals, docvars=merged)
    with pytest.warns(UserWarning, match="12 clusters \\(parent_id\\): CR3 intervals were too wide"):
        cn.regress(twelve, "~ year", family="poisson")
    with pytest.warns(UserWarning, match="12 clusters \\(parent_id\\): the CR2 intervals were simulated from 15"):
        cn.regress(twelve, "~ year", family="poisson", small_sample="cr2")
    with pytest.raises(UnknownNameError, match="small_sample"):
        cn.regress(rates, "~ year", small_sample="cr1")
    assert len(set(parents)) == 30
    with pytest.raises(UnknownNameError, match="family"):
        cn.regress(rates, "~ year", family="logit")
    with pytest.raises(InvalidArgumentError, match="offset"):
        cn.regress(rates, "~ year", offset="log pages")
    with pytest.raises(InvalidArgumentError, match="response"):
        cn.regress(rates, "growth ~ year")
    with pytest.raises(InvalidArgumentError, match="could not be fitted"):
        cn.regress(rates, "~ decade")
    with pytest.raises(InputTypeError, match="formula"):
        cn.regress(rates, None)
    with pytest.raises(UnknownNameError, match="themes"):
        cn.regress(rates, "~ year", themes=["nope"])


def test_compare_all_adjusts_and_omnibus_detects(paragraphs):
    rates, _ = paragraphs
    table = rates.compare_all(adjust="fdr_bh", n_perm=300)
    assert table.columns.tolist() == ["a", "b", "theme", "rate_a", "rate_b", "difference", "low", "high", "p", "q",
                                      "n_clusters_a", "n_clusters_b"]
    assert table[["a", "b"]].drop_duplicates().values.tolist() == [["planned", "reform"]]
    from statsmodels.stats.multitest import multipletests
    assert table["q"].tolist() == pytest.approx(multipletests(table["p"], method="fdr_bh")[1].tolist())
    holm = rates.compare_all(n_perm=300)
    assert (holm["q"] >= holm["p"]).all() and holm.attrs["adjust"] == "holm"
    omnibus = rates.omnibus(n_perm=300).set_index("theme")
    assert omnibus.loc["growth", "p"] == pytest.approx(1 / 301)  # the rate grows with the year
    assert omnibus.loc["flat", "p"] > 0.05
    with pytest.raises(UnknownNameError, match="adjust"):
        rates.compare_all(adjust="sidak")
