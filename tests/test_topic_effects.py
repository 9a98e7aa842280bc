"""TopicModel.effect with a formula: splines, interactions, clusters, differences, shares within [0, 1]."""

from __future__ import annotations

import numpy as np
import pytest

from consensus_nlp.corpus import DocVars
from consensus_nlp.errors import InvalidArgumentError, UnknownNameError
from consensus_nlp.models.topics import TopicModel


def test_spline_effect_on_paragraph_units_covers_the_true_curve(sims):
    row = sims.effect_coverage(n_sets=20, seed=11)
    assert row["value"] >= 0.85  # full profile (500 data sets): 0.941, docs/simulations.md
    model = sims.topic_units(np.random.default_rng(3))
    clustered = model.effect(formula="~ bs(year, df=4)", at={"year": [1960.0, 2010.0]}, n_sims=100)
    with pytest.warns(UserWarning, match="20 clusters \\(parent_id\\): fewer than the 30"):
        sims.topic_units(np.random.default_rng(3), n_reports=20).effect(formula="~ bs(year, df=4)", n_sims=100,
                                                                         at={"year": [1960.0]})
    independent = model.effect(formula="~ bs(year, df=4)", at={"year": [1960.0, 2010.0]}, n_sims=100, cluster=None)
    assert clustered.attrs["cluster"] == "parent_id" and clustered.attrs["n_clusters"] == 30
    assert independent.attrs["n_clusters"] == 300
    width = lambda t: (t["high"] - t["low"]).mean()  # noqa: E731
    assert width(clustered) > 1.3 * width(independent)  # 30 reports are less evidence than 300 paragraphs


def test_effect_with_two_covariates_an_interaction_and_a_difference():
    rng = np.random.default_rng(0)
    n = 400
    era = np.where(np.arange(n) < 200, "planned", "reform")
    x = rng.uniform(0, 1, n)
    share = 1 / (1 + np.exp(-(-1.5 + 1.0 * (era == "reform") + 0.8 * x)))
    assigned = rng.binomial(80, share)
    docvars = DocVars([f"d{i}" for i in range(n)], [{"era": e, "x": float(v)} for e, v in zip(era, x)])
    model = TopicModel(engine="simulated", names=["a", "b"], terms=["w"], docvars=docvars, topic_word=np.ones((2, 1)),
                       doc_topic=np.column_stack([assigned, 80 - assigned]) / 80, texts=None, doc_lengths=[80] * n,
                       perplexity=None, params={"alpha": 0.01})
    diff = model.effect(formula="~ era * x", at={"era": ["reform", "planned"]}, method="difference", n_sims=200)
    assert diff["value"].tolist() == ["reform - planned"] * 2 and diff.attrs["method"] == "difference"
    a = diff.set_index("topic").loc["a"]
    truth = 1 / (1 + np.exp(-(-0.5 + 0.8 * np.median(x)))) - 1 / (1 + np.exp(-(-1.5 + 0.8 * np.median(x))))
    assert a["low"] <= truth <= a["high"] and a["low"] > 0
    assert diff.set_index("topic").loc["b", "estimate"] == pytest.approx(-a["estimate"], abs=0.01)  # drawn apart
    curve = model.effect("x", formula="~ era + bs(x, df=3)", n_sims=100)
    assert curve["value"].nunique() == 50 and curve["low"].ge(0).all() and curve["high"].le(1).all()
    ols = model.effect("x", formula="~ era + x", link="identity", n_sims=100)
    assert ols.attrs["link"] == "identity" and ols.attrs["cluster"] is None


def test_effect_formula_errors():
    docvars = DocVars([f"d{i}" for i in range(20)], [{"year": 2000.0 + i} for i in range(20)])
    model = TopicModel(engine="simulated", names=["a", "b"], terms=["w"], docvars=docvars, topic_word=np.ones((2, 1)),
                       doc_topic=np.full((20, 2), 0.5), texts=None, doc_lengths=[10] * 20, perplexity=None, params={})
    with pytest.raises(InvalidArgumentError, match="formula"):
        model.effect(formula="~ decade", at={"year": [2001.0]})
    with pytest.raises(InvalidArgumentError, match="right-hand-side"):
        model.effect(formula="share ~ year", at={"year": [2001.0]})
    with pytest.raises(InvalidArgumentError, match="cannot be predicted"):
        model.effect(formula="~ bs(year, df=4)", at={"year": [1990.0]})
    with pytest.raises(InvalidArgumentError, match="exactly two"):
        model.effect(formula="~ year", at={"year": [2001.0]}, method="difference")
    with pytest.raises(UnknownNameError, match="cluster"):
        model.effect(formula="~ year", at={"year": [2001.0]}, cluster="report")
    with pytest.raises(UnknownNameError, match="method"):
        model.effect(formula="~ year", at={"year": [2001.0]}, method="contrast")


def test_gdmr_prevalence_curve_with_its_own_band():
    import consensus_nlp as cn
    from consensus_nlp.text.tokens import Token, Tokens

    rng = np.random.default_rng(4)
    vocab = [[f"{p}{i}" for i in range(15)] for p in ("甲", "乙", "丙")]
    docs = []
    for d in range(150):
        share_a = 0.1 + 0.6 * (d % 15) / 14  # topic A rises from 0.1 (2000) to 0.7 (2014)
        theta = rng.dirichlet(np.array([share_a, (1 - share_a) / 2, (1 - share_a) / 2]) * 50)
        docs.append([vocab[t][rng.integers(15)] for t in rng.choice(3, size=120, p=theta)])
    tokens = Tokens([f"d{d}" for d in range(150)], ["".join(w) for w in docs],
                    [{"year": 2000 + d % 15} for d in range(150)], [[Token(w, 0, 0) for w in ws] for ws in docs])
    model = cn.fit_topics(cn.dtm(tokens), k=3, engine="gdmr", covariates=["year"], random_state=0, iterations=100)
    a = next(n for n, words in model.top_words(5).items() if all(w.startswith("甲") for w in words))
    curve = model.prevalence()
    assert curve.columns.tolist() == ["topic", "level", "value", "estimate", "low", "high"]
    assert curve["value"].nunique() == 50 and curve[["low", "estimate", "high"]].stack().between(0, 1).all()
    rows = curve[curve["topic"] == a].set_index("value")
    assert rows["estimate"].iloc[0] < 0.2 and rows["estimate"].iloc[-1] > 0.6  # its own curve rises as the truth
    sums = curve.groupby("value")["estimate"].sum()
    assert np.allclose(sums, 1.0)
    effect = model.effect("year", formula="~ bs(year, df=3)", n_sims=100).query("topic == @a").set_index("value")
    # the regression's interval is about the mean share; g-DMR's band is where documents' shares fall: wider
    assert (effect["high"] - effect["low"]).mean() < (rows["high"] - rows["low"]).mean() / 3
    lda = cn.fit_topics(cn.dtm(tokens), k=3, random_state=0, iterations=20)
    with pytest.raises(InvalidArgumentError, match="no prevalence curve"):
        lda.prevalence()


def test_fractional_logit_equals_statsmodels_and_does_not_diverge_on_a_rare_topic():
    import statsmodels.api as sm
    from patsy import dmatrix

    from consensus_nlp.models.composition import fit_shares

    rng = np.random.default_rng(5)
    year = np.repeat(np.linspace(1954, 2017, 40), 10)
    rare = np.where(year < 1980, 0.0005, 0.2) * rng.uniform(0.5, 1.5, len(year))  # ~0 for 26 years, then 0.2
    Y = np.column_stack([rare, 1 - rare])
    X = np.asarray(dmatrix("~ bs(year, df=4)", {"year": year}))
    beta = fit_shares(X, Y, link="logit")
    direct = sm.GLM(Y[:, 0], X, family=sm.families.Binomial()).fit()
    assert beta[:, 0] == pytest.approx(direct.params, abs=1e-6)
    assert np.abs(beta).max() < 50
