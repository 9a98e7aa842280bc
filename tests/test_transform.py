"""TopicModel.transform: topic shares of documents under a fitted model, eager and by Dask partitions."""

from __future__ import annotations

import numpy as np
import pytest

import consensus_nlp as cn
from consensus_nlp.errors import InputTypeError, InvalidArgumentError


@pytest.fixture(scope="module")
def fitted():
    corpus = cn.load_corpus("gansu-cppcc-2021")
    units = cn.units(corpus, unit="paragraph", min_chars=20)
    tokens = cn.tokenize(units, stopwords=["function", "boilerplate"])
    model = cn.fit_topics(cn.dtm(tokens, min_docs=2), k=4, random_state=0)
    return units, tokens, model


def test_transform_gives_shares_shaped_like_doc_topics(fitted):
    units, tokens, model = fitted
    shares = model.transform(tokens)
    assert list(shares.columns) == list(model.doc_topics().columns)
    assert shares["doc_id"].tolist() == list(units.doc_ids)
    values = shares[list(model.names)].to_numpy()
    assert np.allclose(values.sum(axis=1), 1.0) and np.isfinite(values).all()
    # on the training documents the folded-in shares agree with the engine's on the main topic
    agree = (values.argmax(axis=1) == model.doc_topic_.argmax(axis=1)).mean()
    assert agree >= 0.8, agree


def test_transform_is_deterministic_and_ignores_unknown_words(fitted):
    _, tokens, model = fitted
    assert model.transform(tokens).equals(model.transform(tokens))
    new = cn.tokenize(["某某某某某某", ""])  # words the model never saw, and an empty document
    values = model.transform(new)[list(model.names)].to_numpy()
    assert np.allclose(values, 1.0 / model.k)


def test_transform_by_dask_partitions_equals_the_eager_one(fitted):
    pytest.importorskip("dask")
    units, tokens, model = fitted
    lazy = cn.LazyCorpus.from_corpus(units, npartitions=3)
    frame = model.transform(cn.tokenize(lazy, stopwords=["function", "boilerplate"]))
    assert frame.npartitions == 3
    got = frame.compute().reset_index(drop=True)
    want = model.transform(tokens)
    assert got["doc_id"].tolist() == want["doc_id"].tolist()
    assert np.array_equal(got[list(model.names)].to_numpy(), want[list(model.names)].to_numpy())


def test_transform_refuses_what_is_not_documents(fitted):
    _, _, model = fitted
    with pytest.raises(InputTypeError, match="is not a DTM or Tokens"):
        model.transform("协商民主")
    with pytest.raises(InvalidArgumentError, match="iterations=0"):
        model.transform(cn.dtm([["协商"]]), iterations=0)
