"""cn.regress equals statsmodels called directly; compare_all and omnibus on known data."""

from __future__ import annotations

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
    result = cn.regress(rates, formula, family=family, offset="log tokens", cluster="parent_id")
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
    assert table.columns.tolist() == ["theme", "term", "estimate", "std_error", "statistic", "p", "low", "high",
                                      "rate_ratio", "rr_low", "rr_high"]
    rr = mine[mine["term"] == "era[T.reform]"].iloc[0]
    assert rr["rate_ratio"] == pytest.approx(np.exp(rr["estimate"]))
    assert result.n_clusters == 30
    assert ("NegativeBinomial" in result.summary()) == (family == "negbin")


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
    with pytest.warns(UserWarning, match="30 clusters \\(parent_id\\): cluster-robust intervals under-cover"):
        cn.regress(rates, "~ year", family="poisson")
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
