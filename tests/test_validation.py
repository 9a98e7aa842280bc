"""Validation by group: stratified samples, precision per group, corrected rates, agreement per group."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import consensus_nlp as cn
from consensus_nlp.corpus import DocVars
from consensus_nlp.errors import InvalidArgumentError, UnknownNameError
from consensus_nlp.models.inference import GroupRates


@pytest.fixture(scope="module")
def tokens():
    corpus = cn.load_corpus("gansu-cppcc-2021")
    return cn.tokenize(corpus)


def test_validation_sample_stratified_by_group(tokens):
    plain = cn.validation_sample(tokens, n=4, random_state=7)
    sample = cn.validation_sample(tokens, n=4, by="level", n_per_group=2, random_state=7)
    assert sample.columns.tolist() == ["sample_id", "doc_id", "level", "theme", "match", "start", "end", "left", "hit",
                                       "right", "coder", "code"]
    levels = dict(zip(tokens.doc_ids, tokens.group_values("level")))
    assert [levels[d] for d in sample["doc_id"]] == sample["level"].tolist()
    cells = sample.groupby(["theme", "level"]).size()
    assert cells.max() == 2
    hits = cn.models.emphasis.theme_hits(tokens).assign(level=lambda t: [levels[d] for d in t["doc_id"]])
    available = hits.groupby(["theme", "level"]).size()
    assert cells.to_dict() == available.clip(upper=2).to_dict()  # every cell, up to 2 hits each
    assert sample.equals(cn.validation_sample(tokens, n=4, by="level", n_per_group=2, random_state=7))
    assert plain.equals(cn.validation_sample(tokens, n=4, random_state=7))  # without by: as before
    with pytest.raises(UnknownNameError, match="era"):
        cn.validation_sample(tokens, by="era")
    with pytest.raises(InvalidArgumentError, match="n_per_group"):
        cn.validation_sample(tokens, by="level", n_per_group=0)


def test_precision_by_group_with_wilson_intervals():
    coded = pd.DataFrame({"era": ["a"] * 4 + ["b"] * 8 + ["b"] * 3,
                          "theme": ["t"] * 12 + ["u"] * 3,
                          "code": pd.Categorical([0, 0, 0, 0] + [1] * 8 + [1, 0, 1])})
    table = cn.precision(coded, by="era")
    assert table.columns.tolist() == ["era", "theme", "n", "correct", "precision", "low", "high"]
    assert table[["era", "theme", "n", "correct"]].values.tolist() == [["a", "t", 4, 0], ["b", "t", 8, 8],
                                                                       ["b", "u", 3, 2]]
    # Wilson 95 % for 0/4: [0, 0.4899]; for 8/8: [0.6756, 1]
    assert (round(table.loc[0, "low"], 4), round(table.loc[0, "high"], 4)) == (0.0, 0.4899)
    assert (round(table.loc[1, "low"], 4), round(table.loc[1, "high"], 4)) == (0.6756, 1.0)


def test_corrected_rates_carry_both_uncertainties():
    rng = np.random.default_rng(2)
    n = 40
    lengths = rng.poisson(300, n) + 50
    hits = rng.binomial(lengths, 0.02)
    era = np.array(["a", "b"] * (n // 2))
    docvars = DocVars([f"d{i}" for i in range(n)], [{"era": e} for e in era])
    rates = GroupRates(by="era", per=1000, categories=["t"], groups=["a", "b"], doc_ids=docvars.doc_ids,
                       doc_groups=(era == "b").astype(int), doc_counts=hits[:, None], doc_totals=lengths,
                       docvars=docvars)
    precisions = pd.DataFrame({"era": ["a", "b"], "theme": ["t", "t"], "n": [10, 40], "correct": [5, 20]})
    table = cn.corrected_rates(rates, precisions, random_state=1)
    assert table.columns.tolist() == ["era", "theme", "rate", "precision", "corrected", "low", "high", "n_clusters",
                                      "n_coded"]
    a, b = table.iloc[0], table.iloc[1]
    assert a["corrected"] == pytest.approx(a["rate"] * 0.5) and b["corrected"] == pytest.approx(b["rate"] * 0.5)
    # same precision, four times fewer coded hits in era a: a wider interval
    assert (a["high"] - a["low"]) / a["corrected"] > 1.3 * (b["high"] - b["low"]) / b["corrected"]
    plain = rates.interval().set_index("era")
    assert (b["high"] - b["low"]) / b["corrected"] > (plain.loc["b", "high"] - plain.loc["b", "low"]) / b["rate"]
    assert table.equals(cn.corrected_rates(rates, precisions, random_state=1))
    with pytest.raises(InvalidArgumentError, match="match no group"):
        cn.corrected_rates(rates, precisions.assign(theme="zz"))


def test_agreement_by_group_gives_nan_and_the_reason_for_a_degenerate_group():
    rows = [{"unit": u, "coder": c, "value": v, "theme": t}
            for t, codes in {"x": ([1, 0, 1, 1], [1, 0, 1, 0]), "same": ([1, 1, 1], [1, 1, 1]),
                             "alone": ([1, 0], None)}.items()
            for c, vals in zip(("ann", "bo"), codes) if vals is not None for u, v in enumerate(vals)]
    with pytest.warns(UserWarning, match=r"agreement is NaN for 2 group\(s\) of 'theme': 'same': one value leaves alpha "
                                         r"undefined \(no variation\); 'alone': 1 coder is not enough for agreement"):
        table = cn.agreement(pd.DataFrame(rows), by="theme")
    assert table.columns.tolist() == ["theme", "alpha", "level", "units", "coders", "codes", "note"]
    assert table["theme"].tolist() == ["x", "same", "alone"]
    assert not math.isnan(table.loc[0, "alpha"]) and table.loc[0, "note"] == ""
    assert math.isnan(table.loc[1, "alpha"]) and "no variation" in table.loc[1, "note"]
    assert math.isnan(table.loc[2, "alpha"]) and table.loc[2, "note"] == "1 coder is not enough for agreement"
    with pytest.raises(InvalidArgumentError, match="no variation"):
        cn.agreement(pd.DataFrame(rows).query("theme == 'same'"))
    # units whose group is missing are a group of their own (pandas' groupby dropped them in silence)
    missing = pd.DataFrame(rows).assign(theme=lambda f: f["theme"].where(f["theme"] != "x", None))
    with pytest.warns(UserWarning, match="agreement is NaN for 2 group"):
        by_missing = cn.agreement(missing, by="theme")
    assert pd.isna(by_missing.loc[0, "theme"]) and by_missing["theme"].tolist()[1:] == ["same", "alone"]
    assert by_missing.loc[0, "alpha"] == table.loc[0, "alpha"] and by_missing.loc[0, "units"] == 4
    inf = pd.DataFrame({"unit": [1, 1, 2, 2], "coder": ["a", "b", "a", "b"], "value": [1.0, float("inf"), 2.0, 2.0]})
    with pytest.raises(InvalidArgumentError, match="finite number"):
        cn.agreement(inf, level="interval")
