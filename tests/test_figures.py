"""Effect and interval figures: axes by kind, unit and level in labels, no line across gaps, [0, 1] proportions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from consensus_nlp import plot
from consensus_nlp.corpus import DocVars
from consensus_nlp.models.topics import TopicModel

YEARS = [1954, 1955, 1956, 1957, 1958, 1959, 1960, 1964, 1975, 1978, 1979, 1980]


def year_table():
    rows = [{"year": str(y), "theme": t, "rate": 5.0 + i, "low": 4.0 + i, "high": 6.0 + i, "n_docs": 1, "n_clusters": 1}
            for i, y in enumerate(YEARS) for t in ("unity", "reform")]
    table = pd.DataFrame(rows)
    table.attrs.update(per=1000, unit="tokens", level=0.9, theme_set="cppcc")
    return table


def test_no_line_across_gaps_in_the_years_and_labels_with_unit_and_level(tmp_path):
    ax = plot.rate_intervals(year_table(), themes=["unity"])
    ax.figure.savefig(tmp_path / "years.png", dpi=40)
    x, y = (np.asarray(a, dtype=float) for a in ax.lines[0].get_data())
    breaks = x[np.isnan(y)]
    assert breaks.tolist() == [1962.0, 1969.5, 1976.5]  # jumps of more than 2.5 yearly steps: 1960-64, 1964-75, 1975-78
    assert ax.get_ylabel() == "rate per 1,000 tokens (90 % interval)" and ax.get_xlabel() == "year"


def effect_model():
    rng = np.random.default_rng(0)
    n = 200
    era = np.where(np.arange(n) < 100, "planned", "reform")
    share = np.where(era == "reform", 0.05, 0.02)
    assigned = rng.binomial(80, share)
    docvars = DocVars([f"d{i}" for i in range(n)], [{"era": e, "year": 1954.0 + i % 60} for i, e in enumerate(era)])
    return TopicModel(engine="simulated", names=["rare", "common"], terms=["w"], docvars=docvars,
                      topic_word=np.ones((2, 1)), doc_topic=np.column_stack([assigned, 80 - assigned]) / 80,
                      texts=None, doc_lengths=[80] * n, perplexity=None, params={"alpha": 0.01})


def test_categorical_effect_has_levels_down_and_proportions_across():
    table = effect_model().effect("era", formula="~ era", n_sims=100)
    ax = plot.topic_effect(table)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["planned", "reform"]
    assert ax.get_xlabel() == "expected topic proportion (95 % interval)" and ax.get_ylabel() == "era"
    assert ax.get_xlim()[0] == 0 and ax.get_xlim()[1] <= 1


def test_continuous_effect_is_drawn_within_zero_and_one_and_a_legacy_band_is_clipped():
    model = effect_model()
    # a least-squares band (link="identity", or a 0.2 table) may leave [0, 1]: drawn clipped
    table = pd.DataFrame({"topic": "rare", "value": [1954.0, 1955.0, 1956.0], "estimate": [0.01, 0.02, 0.03],
                          "low": [-0.02, -0.01, 0.0], "high": [0.04, 0.05, 0.06]})
    table.attrs.update(covariate="year", kind="continuous", level=0.95)
    ax = plot.topic_effect(table, topics=["rare"])
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() >= 0 and ax.get_ylim()[0] == 0
    assert ax.get_xlabel() == "year" and ax.get_ylabel() == "expected topic proportion (95 % interval)"
    difference = model.effect(formula="~ era", at={"era": ["reform", "planned"]}, method="difference", n_sims=100)
    ax = plot.topic_effect(difference)
    assert ax.get_xlabel() == "difference in expected topic proportion (95 % interval)"


def test_search_k_figure(tmp_path):
    table = pd.DataFrame({"k": [2, 3, 4], "heldout": [-5.0, -4.6, -4.62], "heldout_se": [0.02, 0.03, 0.02],
                          "exclusivity": [0.9, 0.85, 0.7], "coherence": [-20.0, -19.0, -25.0], "n_seeds": [3, 3, 3]})
    table.attrs["best_k"] = 3
    ax = plot.search_k_curve(table)
    ax.figure.savefig(tmp_path / "search_k.png", dpi=40)
    assert [a.get_ylabel() for a in ax.figure.axes] == ["held-out log-likelihood per token",
                                                          "semantic coherence (Mimno)", "exclusivity"]
    assert ax.get_title() == "bars: +/- 1 s.e. over 3 seeds"
    with pytest.raises(plot_error()):
        plot.search_k_curve(pd.DataFrame({"k": [1]}))


def plot_error():
    from consensus_nlp.errors import InputTypeError

    return InputTypeError
