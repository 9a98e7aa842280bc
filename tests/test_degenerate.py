"""Degenerate inputs found by the fuzz campaign: clear errors or defined values, never NaN or a foreign exception."""

from __future__ import annotations

import numpy as np
import pytest

import consensus_nlp as cn
from consensus_nlp.errors import InvalidArgumentError


def test_tag_refuses_a_lone_surrogate_with_its_position():
    with pytest.raises(InvalidArgumentError, match=r"lone surrogate \(U\+DC80\) at position 2"):
        cn.tag("协商\udc80发展")
    with pytest.raises(InvalidArgumentError, match=r"data\[0\]\.text"):
        cn.tag(cn.Corpus.from_records([{"text": "一是协商\ud800。"}]))


def test_keyness_of_a_one_term_corpus_is_zero_not_nan():
    matrix = cn.dtm([["协商"], ["协商", "协商"]])
    table = cn.keyness(matrix, target=[matrix.doc_ids[0]])
    assert table[["term", "statistic", "p", "q"]].values.tolist() == [["协商", 0.0, 1.0, 1.0]]
    assert np.isfinite(table["log_ratio"]).all()


def test_keyness_of_a_target_without_tokens_says_so():
    matrix = cn.dtm([[], ["协商", "发展"]])
    with pytest.raises(InvalidArgumentError, match="target=.*selects documents that hold no token"):
        cn.keyness(matrix, target=[matrix.doc_ids[0]])


@pytest.mark.parametrize("kwargs, message", [
    ({"engine": "sklearn", "alpha": 5.0}, "alpha=5.0 is above 1"),
    ({"engine": "sklearn", "eta": 1.5}, "eta=1.5 is above 1"),
    ({"engine": "gensim", "eta": 1e308}, "eta=1e\\+308 is out of range"),
    ({"engine": "gensim", "alpha": 2e4}, "alpha=20000.0 is out of range"),
])
def test_priors_outside_what_an_engine_takes_are_refused(kwargs, message):
    matrix = cn.dtm([["协商", "发展", "民主"], ["民主", "监督", "协商"]] * 3)
    with pytest.raises(InvalidArgumentError, match=message):
        cn.fit_topics(matrix, k=2, random_state=0, **kwargs)
