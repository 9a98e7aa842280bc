"""The token store: Tokens written once as Parquet, read back exactly, analysed without segmenting again."""

from __future__ import annotations

import json

import dask
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import consensus_nlp as cn
from consensus_nlp.errors import InputPathError, InvalidArgumentError
from consensus_nlp.text.tokens import Token, Tokens

SEGMENTER = cn.Segmenter()


@pytest.fixture(scope="module")
def gansu() -> cn.Corpus:
    return cn.load_corpus("gansu-cppcc-2021")


def assert_identical(a: Tokens, b: Tokens) -> None:
    """Same vocabulary, ids, offsets, bounds, tags, texts, docvars and params: not only the same strings."""
    assert a.types == b.types and a.pos_types == b.pos_types
    for name in ("ids", "starts", "ends", "bounds"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    assert (a.pos_ids is None) == (b.pos_ids is None)
    assert a.pos_ids is None or np.array_equal(a.pos_ids, b.pos_ids)
    assert a.texts == b.texts and a.doc_ids == b.doc_ids and a.docvars == b.docvars
    assert [dict(m) for m in a.metas] == [dict(m) for m in b.metas]
    assert dict(a.params) == dict(b.params)


def test_round_trip_is_exact_whole_and_by_partition(gansu, tmp_path):
    tokens = cn.tokenize(gansu, segmenter=SEGMENTER, stopwords="default")
    folder = tokens.to_parquet(tmp_path / "store", npartitions=3)
    assert sorted(p.name for p in folder.iterdir()) == ["docs.parquet", "store.json", "tokens.parquet", "types.parquet"]
    store = cn.read_tokens(folder)
    assert (store.npartitions, len(store), store.sizes[0][0]) == (3, 7, 2)
    assert repr(store) == f"TokenStore({str(folder)!r}: 3 partitions, 7 documents, {tokens.n_tokens} tokens; read when used)"
    assert_identical(store.compute(), tokens)  # one vocabulary: the ids come back unchanged
    bounds = [0, 2, 4, 7]  # 7 documents in 3 partitions of consecutive documents
    for k in range(3):
        assert_identical(store.partition(k), tokens.select(list(tokens.doc_ids[bounds[k]:bounds[k + 1]])))
    assert store.docvars == gansu.docvars
    # the files are plain Parquet: row group k is partition k
    import pyarrow.parquet as pq

    assert pq.ParquetFile(folder / "tokens.parquet").num_row_groups == 3
    assert [t.decode() for t in pq.read_table(folder / "types.parquet").column("type").to_pylist()] == list(tokens.types)
    docs = pq.read_table(folder / "docs.parquet").to_pandas()
    assert [d.decode() for d in docs["doc_id"]] == list(gansu.doc_ids)
    assert docs["n_tokens"].tolist() == tokens.lengths().tolist()
    assert json.loads(docs["meta"][0])["speaker"] == gansu[0].meta["speaker"]


def test_tags_odd_strings_and_nested_metadata_come_back_exactly(tmp_path):
    texts = ["凝聚共识\ud800团结", "", "一是加强"]  # a lone surrogate, an empty document
    metas = [{"year": 2021, "share": 0.1, "tags": ["甲", {"k": None}], "flag": True}, {}, {"year": 1954}]
    tokens = Tokens(["a", "b\udfff", "c"], texts, metas,
                    [[Token("凝聚", 0, 2, "v"), Token("共识", 2, 4, "n"), Token("\ud800团结", 4, 7)], [],
                     [Token("一是", 0, 2, "m"), Token("加强", 2, 4, "v")]], params={"segmenter": "test"})
    store = cn.read_tokens(tokens.to_parquet(tmp_path / "s", npartitions=2))
    back = store.compute()
    assert_identical(back, tokens)
    assert back == tokens and back[0][2] == Token("\ud800团结", 4, 7, None) and back.metas[0]["tags"][1]["k"] is None
    assert [len(store.partition(k)) for k in range(2)] == [1, 2]


def test_a_store_analysed_twice_never_segments_again(gansu, tmp_path, segmenter_calls):
    tokens = cn.tokenize(gansu, segmenter=SEGMENTER)
    tokens.to_parquet(tmp_path / "store", npartitions=3)
    segmentations, segmented = segmenter_calls, segmenter_calls.calls  # the store was written: from here on, none
    store = cn.read_tokens(tmp_path / "store")
    eager_dtm, eager_emphasis = cn.dtm(tokens, min_docs=2), cn.emphasis(tokens, by="organization")
    for _ in range(2):  # partition by partition in this process
        matrix = cn.dtm(store, min_docs=2)
        assert matrix.terms == eager_dtm.terms and (matrix.counts != eager_dtm.counts).nnz == 0
        assert matrix.doc_ids == eager_dtm.doc_ids and matrix.words == eager_dtm.words
        pd.testing.assert_frame_equal(cn.emphasis(store, by="organization").rates, eager_emphasis.rates, check_exact=True)
    target = {"organization": gansu[0].meta["organization"]}
    pd.testing.assert_frame_equal(cn.keyness(cn.dtm(store, min_docs=2), target=target),
                                  cn.keyness(eager_dtm, target=target), check_exact=True)
    lazy = cn.LazyTokens.from_store(tmp_path / "store")  # and as Dask tasks that read the partitions
    assert repr(lazy) == f"LazyTokens(3 partitions, lazy; kept: store {(tmp_path / 'store').resolve()})"
    assert lazy.docvars["partition"].tolist() == [0, 0, 1, 1, 2, 2, 2]
    with dask.config.set(scheduler="threads", num_workers=2):
        for _ in range(2):
            matrix, table = cn.compute(cn.dtm(lazy, min_docs=2), cn.emphasis(lazy, by="organization"))
            assert matrix.terms == eager_dtm.terms and (matrix.counts != eager_dtm.counts).nnz == 0
            pd.testing.assert_frame_equal(table.counts, eager_emphasis.counts, check_exact=True)
    assert segmented > 0 and segmentations.calls == segmented
    cn.tokenize(gansu[:1], segmenter=SEGMENTER)  # the counter does see a segmentation
    assert segmentations.calls > segmented


def test_lazy_tokens_write_a_store_from_their_partitions(gansu, tmp_path):
    lazy = cn.LazyCorpus.from_corpus(gansu, npartitions=4)
    with dask.config.set(scheduler="threads", num_workers=2):
        stored = cn.tokenize(lazy, segmenter=SEGMENTER).to_parquet(tmp_path / "store", window=3)
        store = cn.read_tokens(tmp_path / "store")
        assert store.npartitions == 4 and stored.npartitions == 4
        assert stored.compute() == cn.tokenize(gansu, segmenter=SEGMENTER) == store.compute()


def test_bad_paths_and_metadata_give_clear_errors(tmp_path):
    with pytest.raises(InputPathError, match=r"is not a token store \(no store\.json\).*tokens\.to_parquet"):
        cn.read_tokens(tmp_path)
    (tmp_path / "store.json").write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="holds another format or version"):
        cn.read_tokens(tmp_path)
    import datetime

    tokens = cn.tokenize(cn.Corpus.from_records([{"text": "凝聚共识", "day": datetime.date(2021, 1, 1)}]),
                         segmenter=SEGMENTER)
    with pytest.raises(InvalidArgumentError, match=r"meta=datetime\.date\(2021, 1, 1\) cannot be stored"):
        tokens.to_parquet(tmp_path / "dates")
    with pytest.raises(InputPathError):  # the failed write left no manifest: not a store
        cn.read_tokens(tmp_path / "dates")
    with pytest.raises(InvalidArgumentError, match="npartitions=0"):
        tokens.to_parquet(tmp_path / "zero", npartitions=0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(alphabet="政协委员凝聚共识，。一是加强 \n0123𠀀", max_size=30), min_size=1, max_size=8),
       npartitions=st.integers(1, 9))
def test_any_corpus_and_partitioning_round_trip(tmp_path_factory, texts, npartitions):
    tokens = cn.tokenize(cn.Corpus.from_records([{"text": t, "n": i} for i, t in enumerate(texts)]), segmenter=SEGMENTER)
    store = cn.read_tokens(tokens.to_parquet(tmp_path_factory.mktemp("s"), npartitions=npartitions))
    assert store.npartitions == min(npartitions, len(texts))
    assert_identical(store.compute(), tokens)
    assert sum(len(p) for p in store.partitions()) == len(texts)
