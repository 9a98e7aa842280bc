"""Model parameters are validated at the boundary (issue 15): nothing aborts the process or returns NaN.

The reproducers run in a subprocess, since on 0.1.0 some of them killed Python
(SIGABRT from tomotopy). Also: keyness for publication (min_count, q, log_ratio),
topic interpretation (FREX, lift, representative documents, labels), the pyLDAvis
export, trends and the new plots.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import consensus_nlp as cn  # noqa: E402
from consensus_nlp import plot  # noqa: E402
from consensus_nlp.errors import InvalidArgumentError, UnknownNameError  # noqa: E402
from consensus_nlp.models.keyness import adjust_p  # noqa: E402
from consensus_nlp.models.topics import TopicModel  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src"

BAD_FITS = [
    "alpha=0.0", "alpha=-1", "alpha=1e-300", "alpha=float('nan')", "alpha=float('inf')", "alpha='0.1'",
    "eta=0.0", "eta=-1", "eta=1e-300", "eta=float('nan')",
    "engine='gensim', eta=-1", "engine='gensim', alpha=0", "engine='sklearn', alpha=0.0", "engine='sklearn', eta=-2",
    "random_state=None", "random_state=-1", "random_state=2**64", "random_state=1.5", "random_state=True",
    "k=3", "k=10**9", "k=0", "k=2.0", "seed_prior=0", "iterations=0", "workers=-1",
]


def test_bad_topic_parameters_raise_clear_errors_and_never_abort():
    script = textwrap.dedent(f"""
        import json, math, sys
        sys.path.insert(0, {str(SRC)!r})
        import consensus_nlp as cn
        matrix = cn.dtm([["协商", "发展"], ["民主", "监督"]])
        for case in {BAD_FITS!r}:
            try:
                model = eval(f"cn.fit_topics(matrix, k=2, {{case}})" if not case.startswith("k=")
                             else f"cn.fit_topics(matrix, {{case}})")
                result = "returned, NaN" if not (math.isfinite(model.doc_topic_.sum())) else "returned"
            except cn.ConsensusNLPError as exc:
                result = type(exc).__name__ + ": " + str(exc)
            except Exception as exc:
                result = "FOREIGN " + type(exc).__name__ + ": " + str(exc)
            print(json.dumps([case, result]), flush=True)
        smallest = cn.fit_topics(matrix, k=2, alpha=1e-6, eta=1e-6)
        print(json.dumps(["smallest", bool(math.isfinite(smallest.doc_topic_.sum()))]), flush=True)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    results = dict(json.loads(line) for line in run.stdout.splitlines())
    assert run.returncode == 0, f"the process died (code {run.returncode}) after {list(results)[-1:]}: {run.stderr[-500:]}"
    for case in BAD_FITS:
        kind = "ModelInputError" if case == "k=3" else "InvalidArgumentError"
        assert results[case].startswith(kind), (case, results[case])
    assert "alpha=0.0 is out of range" in results["alpha=0.0"] and "1e-06" in results["alpha=0.0"]
    assert "random_state=None is not a seed" in results["random_state=None"]
    assert results["smallest"] is True


def test_other_numeric_parameters(tmp_path):
    tokens = cn.tokenize(cn.load_corpus("gansu-cppcc-2021"))
    for per in (float("nan"), 0, -1, float("inf")):
        with pytest.raises(InvalidArgumentError, match="per="):
            cn.emphasis(tokens, per=per)
    for n in (0, -1, 1.5):
        with pytest.raises(InvalidArgumentError, match="n="):
            cn.validation_sample(tokens, n=n)
    with pytest.raises(InvalidArgumentError, match="random_state"):
        cn.validation_sample(tokens, random_state=2**64)
    matrix = cn.dtm(tokens)
    target = [tokens.doc_ids[0]]
    for min_count in (0, 1.5, None):
        with pytest.raises(InvalidArgumentError, match="min_count"):
            cn.keyness(matrix, target=target, min_count=min_count)
    with pytest.raises(InvalidArgumentError, match="leaves no term"):
        cn.keyness(matrix, target=target, min_count=10**6)
    with pytest.raises(UnknownNameError, match="adjust"):
        cn.keyness(matrix, target=target, adjust="bonferonni")
    with pytest.raises(UnknownNameError, match="adjust='fdr_bh'"):
        cn.keyness(matrix, target=target, correction="fdr_bh")  # the name clash, explained


# --- keyness for publication -------------------------------------------------------------

def test_keyness_min_count_q_and_log_ratio_by_hand():
    matrix = cn.dtm([["甲", "甲", "甲", "乙", "丙"], ["甲", "乙", "乙", "乙", "丁"], ["乙", "丙", "丁", "丁", "丁"]])
    full = cn.keyness(matrix, target=["doc-1"], correction="none", adjust=None)
    assert full.columns.tolist() == ["term", "statistic", "p", "q", "log_ratio", "n_target", "n_reference"]
    assert full["q"].tolist() == full["p"].tolist()
    row = full.set_index("term").loc["甲"]
    # 甲: 3 of 5 tokens in the target, 1 of 10 in the reference: log2((3.5/5) / (1.5/10))
    assert row["log_ratio"] == pytest.approx(np.log2((3.5 / 5) / (1.5 / 10)))
    trimmed = cn.keyness(matrix, target=["doc-1"], correction="none", min_count=4)
    assert sorted(trimmed["term"]) == ["丁", "乙", "甲"]  # 丙 (2 occurrences) is not tested
    # the statistics of the kept terms do not change (the margins are all tokens, not the kept ones)
    assert trimmed.set_index("term")["statistic"].to_dict() == pytest.approx(
        full.set_index("term").loc[["甲", "乙", "丁"], "statistic"].to_dict())
    # q by Benjamini-Hochberg over the 3 tested terms
    expected = adjust_p(trimmed["p"].to_numpy(), "fdr_bh")
    assert trimmed["q"].tolist() == pytest.approx(expected.tolist())
    assert (trimmed["q"] >= trimmed["p"]).all()


def test_p_value_adjustments_match_r():
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.001])
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.2, 0.001), "BH") and "holm"
    assert adjust_p(p, "fdr_bh").tolist() == pytest.approx([0.025, 0.05, 0.05, 0.2, 0.005])
    assert adjust_p(p, "holm").tolist() == pytest.approx([0.04, 0.09, 0.09, 0.2, 0.005])
    assert adjust_p(p, None).tolist() == p.tolist()


# --- interpreting topics -----------------------------------------------------------------

def small_model():
    topic_word = np.array([[0.5, 0.3, 0.1, 0.1], [0.1, 0.1, 0.4, 0.4]])
    doc_topic = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    return TopicModel(engine="tomotopy", names=["topic_1", "topic_2"], terms=["a", "b", "c", "d"],
                      doc_ids=["x", "y", "z"], metas=[{"g": 1}, {"g": 2}, {"g": 1}], topic_word=topic_word,
                      doc_topic=doc_topic, texts=[["a", "a", "b"], ["c", "d", "d"], ["a", "c"]], doc_lengths=[3, 3, 2],
                      perplexity=None, params={"alpha": 0.1})


def test_frex_lift_and_representative_documents_by_hand():
    model = small_model()
    prob = model.top_terms(2)
    assert prob["term"].tolist() == ["a", "b", "c", "d"] and prob["weight"].tolist() == [0.5, 0.3, 0.4, 0.4]
    frex = model.top_terms(4, ranking="frex")
    # topic_1: exclusivity a 5/6, b 3/4, c = d 1/5 -> ranks 4, 3, 1.5, 1.5 (of 4); probability ranks 4, 3, 1.5, 1.5
    # frex = 1 / (0.5 / F_excl + 0.5 / F_prob) = F when both ranks agree: 1, 0.75, 0.375, 0.375
    t1 = frex[frex["topic"] == "topic_1"]
    assert t1["term"].tolist() == ["a", "b", "c", "d"] and t1["weight"].tolist() == pytest.approx([1, 0.75, 0.375, 0.375])
    lift = model.top_terms(1, ranking="lift")
    # term shares in the texts: a 3/8, b 1/8, c 2/8, d 2/8; lift of b in topic_1 = 0.3 / (1/8) = 2.4 (the largest);
    # in topic_2 c and d tie at 0.4 / (2/8) = 1.6: the first term wins
    assert lift["term"].tolist() == ["b", "c"] and lift["weight"].tolist() == pytest.approx([2.4, 1.6])
    docs = model.representative_docs(2)
    assert docs.columns.tolist() == ["topic", "rank", "doc_id", "share", "text"]
    assert docs["doc_id"].tolist() == ["x", "z", "y", "z"] and docs["text"].iloc[0] == "a a b"
    with pytest.raises(UnknownNameError, match="ranking"):
        model.top_terms(3, ranking="score")


def test_labels_carry_through_tables_and_plots(tmp_path):
    model = small_model()
    labelled = model.with_labels({"topic_2": "经济建设"})
    assert labelled.names == ("topic_1", "经济建设") and model.names == ("topic_1", "topic_2")
    assert labelled.top_terms(1)["topic"].tolist() == ["topic_1", "经济建设"]
    assert labelled.doc_topics().columns.tolist()[-2:] == ["topic_1", "经济建设"]
    assert model.with_labels("prob").names == ("1: a·b·c", "2: c·d·a")
    ax = plot.topic_terms(labelled, n=2)
    assert [t.get_text() for t in ax.texts] == ["topic_1", "经济建设"]
    with pytest.raises(InvalidArgumentError, match="repeats"):
        model.with_labels(["x", "x"])
    with pytest.raises(InvalidArgumentError, match="2 topics"):
        model.with_labels(["x"])
    with pytest.raises(AttributeError, match="immutable"):
        model.names = ("a", "b")
    with pytest.raises(ValueError):
        model.doc_topic_[0, 0] = 1.0


def test_pyldavis_export_is_self_contained(tmp_path):
    pytest.importorskip("pyLDAvis")
    corpus = cn.load_corpus("gansu-cppcc-2021")
    matrix = cn.dtm(cn.tokenize(cn.units(corpus, "outline_item"), stopwords=["function", "boilerplate"]))
    model = cn.fit_topics(matrix, k=3, iterations=30)
    prepared = model.to_pyldavis()
    assert prepared.topic_info["Category"].nunique() == 4  # Default + Topic1..3
    path = model.save_pyldavis(tmp_path / "topics.html")
    html = path.read_text(encoding="utf-8")
    assert "data:text/javascript;base64," in html and "https://" not in html.split("var ldavis")[0]
    assert "LDAvis" in html and '"topic.order": [1, 2, 3]' in html
    assert [p.name for p in tmp_path.iterdir()] == ["topics.html"]  # no temporary file left


# --- trends -------------------------------------------------------------------------------

def test_trends_device_rates_and_first_appearances():
    records = [{"doc_id": f"r{y}", "year": str(y), "text": text} for y, text in (
        (2003, "我们要增进“四个认同”。坚持“两个维护”。"),
        (2001, "坚持“两个维护”，做好工作。"),
        (2002, "推进工作，凝聚共识，加强协商。"),
    )]
    corpus = cn.Corpus.from_records(records)
    devices = cn.tag(corpus, kinds=["formulation"])
    firsts = cn.first_appearances(devices, by="year")
    assert firsts.columns.tolist() == ["label", "first", "first_doc", "last", "n_docs", "n_groups", "n_hits"]
    by_label = firsts.set_index("label")
    assert by_label.loc["两个维护", ["first", "first_doc", "last", "n_docs"]].tolist() == ["2001", "r2001", "2003", 2]
    assert by_label.loc["四个认同", "first"] == "2003"
    rates = cn.device_rates(devices, corpus, by="year")
    assert rates.counts.loc["2003", "formulation"] == by_label["n_hits"].sum() - 1
    assert rates.totals.loc["2001"] == len(records[1]["text"])
    assert rates.to_frame().columns.tolist() == ["year", "kind", "hits", "characters", "rate", "n_docs"]
    assert rates.counts.columns.name == "kind" and rates.rates.attrs == {"per": 10_000.0, "unit": "characters"}
    tokens = cn.tokenize(corpus)
    with pytest.warns(UserWarning, match="single document"):  # one report per year here
        table = cn.trends(tokens, by="year", themes={"consult": ["协商", "共识"]}, n_boot=100)
    assert table["year"].tolist() == ["2001", "2002", "2003"]  # sorted by year, not by first appearance


def test_interval_and_effect_plots(tmp_path):
    corpus = cn.load_corpus("gansu-cppcc-2021")
    result = cn.emphasis(cn.tokenize(cn.units(corpus, "paragraph")), by="organization")
    with pytest.warns(UserWarning, match="fewer than 5"):  # paragraphs of one speech, themes in few of them
        table = result.with_clusters(None).interval()
    ax = plot.rate_intervals(table, themes=["culture_brand", "proposal_handling"])
    ax.figure.savefig(tmp_path / "intervals.png", dpi=50)
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "徽县政协"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["文化品牌", "提案办理"]  # the YAML labels
    assert ax.get_xlabel() == "rate per 1,000 tokens (95 % interval)"
    ax = plot.emphasis_heatmap(result)
    assert ax.figure.axes[-1].get_ylabel() == "per 1,000 tokens"
    model = small_model()
    effect = model.effect("g", kind="continuous", n_sims=100, points=[1, 1.5, 2])
    ax = plot.topic_effect(effect)
    ax.figure.savefig(tmp_path / "effect.png", dpi=50)
    assert len(ax.lines) == 2 and ax.get_ylabel() == "expected topic proportion (95 % interval)"
    assert 0 <= ax.get_ylim()[0] and ax.get_ylim()[1] <= 1
    with pytest.raises(cn.errors.InputTypeError):
        plot.rate_intervals(pd.DataFrame({"a": [1]}))
