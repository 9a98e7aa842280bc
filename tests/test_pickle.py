"""What a user keeps between sessions round-trips through plain ``pickle`` (not only cloudpickle)."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

import consensus_nlp as cn
from consensus_nlp.corpus import DocVars
from consensus_nlp.models.inference import GroupRates

SEGMENTER = cn.Segmenter(backend="jieba")


def round_trip(value):
    return pickle.loads(pickle.dumps(value))


@pytest.fixture(scope="module")
def corpus() -> cn.Corpus:
    records = [
        {"doc_id": "a", "text": "凝聚共识，团结奋斗，建言资政。", "year": 2020, "place": {"province": "甘肃"}, "tags": ["经济"]},
        {"doc_id": "b", "text": "一是加强团结。二是凝聚共识。", "year": 2021, "place": {"province": "兰州"}, "tags": []},
        {"doc_id": "c", "text": "建言资政，凝聚共识。", "year": 2021},
    ]
    return cn.Corpus.from_records(records, meta={"source": {"name": "test"}})


@pytest.fixture(scope="module")
def tokens(corpus) -> cn.Tokens:
    return cn.tokenize(corpus, segmenter=SEGMENTER)


def test_tokens_pickle_with_their_params_and_read_only_arrays(tokens):
    assert isinstance(tokens.params, type(cn.Corpus().meta))  # a mappingproxy, which pickle alone refuses
    back = round_trip(tokens)
    assert back == tokens
    assert back.words() == tokens.words() == [["凝聚共识", "团结奋斗", "建言资政"], ["一是", "加强团结", "二是", "凝聚共识"],
                                              ["建言资政", "凝聚共识"]]
    assert dict(back.params) == dict(tokens.params) and type(back.params) is type(tokens.params)
    assert [dict(m) for m in back.metas] == [dict(m) for m in tokens.metas]
    assert not back.ids.flags.writeable and not back.bounds.flags.writeable
    assert back.ngrams(2).words()[2] == ["建言资政凝聚共识"]  # a working object, not only equal


def test_dtm_emphasis_and_frequencies_pickle(tokens):
    matrix = cn.dtm(tokens)
    back = round_trip(matrix)
    assert back.terms == matrix.terms and back.doc_ids == ("a", "b", "c") and back.weighting == "count"
    assert (back.counts != matrix.counts).nnz == 0 and back.counts.sum() == 9
    assert back.docvars == matrix.docvars
    assert list(back.words) == list(matrix.words)  # the word sequences topic engines read
    emphasis = cn.emphasis(tokens, by="year")
    again = round_trip(emphasis)
    pd.testing.assert_frame_equal(again.rates, emphasis.rates, check_exact=True)
    pd.testing.assert_frame_equal(again.counts, emphasis.counts, check_exact=True)
    pd.testing.assert_frame_equal(again.to_frame(), emphasis.to_frame(), check_exact=True)
    assert again.rates.index.tolist() == [2020, 2021]


@pytest.mark.parametrize("engine", ["tomotopy", "sklearn"])
def test_topic_models_pickle(tokens, engine):
    model = cn.fit_topics(cn.dtm(tokens), k=2, random_state=0, engine=engine)
    back = round_trip(model)
    assert (back.engine, back.k, back.names, back.terms) == (engine, 2, model.names, model.terms)
    assert np.array_equal(back.topic_word_, model.topic_word_) and np.array_equal(back.doc_topic_, model.doc_topic_)
    assert not back.topic_word_.flags.writeable
    assert back.doc_ids == ("a", "b", "c") and back.metas == back.docvars.metas and back.docvars == model.docvars
    assert back.params == model.params
    pd.testing.assert_frame_equal(back.top_terms(3), model.top_terms(3), check_exact=True)
    pd.testing.assert_frame_equal(back.doc_topics(), model.doc_topics(), check_exact=True)
    with pytest.raises(AttributeError, match="immutable"):
        back.k = 3


def test_lazy_corpus_tokens_and_results_pickle_and_compute_to_the_eager_results(corpus, tokens):
    lazy = cn.LazyCorpus.from_corpus(corpus, npartitions=2)
    back = round_trip(lazy)
    assert back.compute() == corpus and back.compute().meta == {"source": {"name": "test"}}
    pd.testing.assert_frame_equal(back.docvars, lazy.docvars)
    lazy_tokens = cn.tokenize(back, segmenter=SEGMENTER)
    assert round_trip(lazy_tokens).compute() == tokens
    result = round_trip(cn.dtm(lazy_tokens))
    assert repr(result) == "LazyResult(CountTerms over 2 partitions; not computed: call .compute())"
    computed = result.compute()
    eager = cn.dtm(tokens)
    assert computed.terms == eager.terms and (computed.counts != eager.counts).nnz == 0


def test_group_rates_and_regressions_pickle():
    rng = np.random.default_rng(1)
    docvars = DocVars([f"p{i}" for i in range(40)], [{"year": 1990 + i % 20, "parent_id": f"r{i // 2}"} for i in range(40)])
    rates = GroupRates(by="year", per=1000, categories=["a"], groups=sorted({m["year"] for m in docvars.metas}),
                       doc_ids=docvars.doc_ids, doc_groups=np.arange(40) % 20, doc_counts=rng.poisson(5, (40, 1)),
                       doc_totals=rng.poisson(100, 40) + 50, docvars=docvars)
    again = round_trip(rates)
    pd.testing.assert_frame_equal(again.interval(), rates.interval(), check_exact=True)
    pd.testing.assert_frame_equal(again.rates, rates.rates, check_exact=True)
    with warnings.catch_warnings():  # 20 clusters: whether regress warns depends on its small-sample method
        warnings.simplefilter("ignore")
        fit = cn.regress(rates, "~ year", family="poisson")
    back = round_trip(fit)  # statsmodels rebuilds the design on loading (from inside a function, as here)
    pd.testing.assert_frame_equal(back.coefficients(), fit.coefficients(), check_exact=True)
    assert back.coefficients()["term"].tolist() == ["Intercept", "year"]
