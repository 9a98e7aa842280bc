"""Columnar document variables: system columns, the one group-by (factorize), pickling."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import consensus_nlp as cn
from consensus_nlp.corpus import Corpus
from consensus_nlp.docvars import SYSTEM_COLUMNS, DocVars, factorize
from consensus_nlp.errors import InvalidArgumentError, UnknownNameError


@pytest.fixture()
def corpus() -> Corpus:
    return Corpus.from_records([
        {"doc_id": "a", "text": "凝聚共识。\n坚持党的领导。", "org": "民革", "year": 2021, "tags": ["统战", "协商"]},
        {"doc_id": "b", "text": "履职尽责", "org": "民盟", "year": 2021},
        {"doc_id": "c", "text": "建言资政", "org": "民革", "tags": {"k": 1}},
    ])


def test_factorize_codes_and_levels_in_order_of_first_appearance():
    codes, levels = factorize(["甲", "乙", "甲", None, 2, 2.0, ("x", 1)])
    assert codes.dtype == np.int32
    assert codes.tolist() == [0, 1, 0, 2, 3, 3, 4]
    assert levels == ["甲", "乙", None, 2, ("x", 1)]
    codes, levels = factorize([])
    assert codes.tolist() == [] and codes.dtype == np.int32 and levels == []


def test_docvars_factorize_groups_unhashable_values_by_repr_and_is_kept(corpus):
    dv = corpus.docvars
    codes, levels = dv.factorize("org")
    assert codes.tolist() == [0, 1, 0] and levels == ["民革", "民盟"]
    codes, levels = dv.factorize("tags")
    assert codes.tolist() == [0, 1, 2] and levels[0] == ("统战", "协商") and levels[1] is None
    assert dict(levels[2]) == {"k": 1}
    assert dv.factorize("org")[0] is dv.factorize("org")[0]  # computed once
    with pytest.raises(ValueError):
        dv.factorize("org")[0][0] = 5  # read-only
    assert dv.factorize("doc_id")[1] == ["a", "b", "c"]
    with pytest.raises(UnknownNameError, match="'speaker'"):
        dv.factorize("speaker")


def test_system_columns_of_documents_and_of_units(corpus):
    table = corpus.docvars.table
    assert list(table.columns) == [*SYSTEM_COLUMNS, "org", "year", "tags"]
    assert table[list(SYSTEM_COLUMNS)].to_dict("records") == [
        {"doc_id": "a", "parent_id": "a", "unit": "document", "start": 0, "end": 13},
        {"doc_id": "b", "parent_id": "b", "unit": "document", "start": 0, "end": 4},
        {"doc_id": "c", "parent_id": "c", "unit": "document", "start": 0, "end": 4},
    ]
    assert table["year"].tolist() == [2021, 2021, None] and table["start"].dtype == np.int64
    paragraphs = cn.units(corpus, "paragraph").docvars
    assert paragraphs.column("parent_id").tolist() == ["a", "a", "b", "c"]
    assert paragraphs.column("unit").tolist() == ["paragraph"] * 4
    assert paragraphs.column("start").tolist() == [0, 6, 0, 0]
    assert paragraphs.column("end").tolist() == [5, 13, 4, 4]
    # a system column no document's metadata holds gives the system values
    assert corpus.docvars.values("unit") == ["document"] * 3
    assert DocVars(["x"], [{}]).column("end").tolist() == [-1]  # no texts, no length


def test_from_columns_leaves_missing_values_out_of_the_metadata():
    dv = DocVars.from_columns({"doc_id": ["a", "b"], "year": [1991, None], "org": ["甲", "乙"]})
    assert [dict(m) for m in dv.metas] == [{"year": 1991, "org": "甲"}, {"org": "乙"}]
    assert dv.values("year") == [1991, None] and dv.fields() == ["year", "org"]


def test_corpus_is_unhashable_and_pickles_with_its_docvars(corpus):
    assert Corpus.__hash__ is None and DocVars.__hash__ is None
    with pytest.raises(TypeError):
        hash(corpus)
    corpus.docvars.factorize("org")  # kept codes travel too
    back_corpus, back_docvars = pickle.loads(pickle.dumps((corpus, corpus.docvars)))
    assert back_corpus == corpus and back_corpus.meta == corpus.meta
    assert back_corpus["a"].meta["tags"] == ("统战", "协商")
    assert back_corpus.docvars == corpus.docvars
    assert back_docvars is back_corpus.docvars  # shared before, shared after
    assert back_docvars.factorize("org")[0].tolist() == [0, 1, 0]
    assert pickle.loads(pickle.dumps(corpus.docvars)).table.equals(corpus.docvars.table)


def test_groupby_uses_factorize_and_accepts_unhashable_values(corpus):
    groups = corpus.groupby("tags")
    assert [c.doc_ids for c in groups.values()] == [("a",), ("b",), ("c",)]
    assert list(groups)[:2] == [("统战", "协商"), None] and list(groups)[2] == "{'k': 1}"  # a mapping: the repr of the dict (group_key)
    assert {k: c.doc_ids for k, c in corpus.groupby("org").items()} == {"民革": ("a", "c"), "民盟": ("b",)}


_values = st.recursive(st.none() | st.booleans() | st.integers(-3, 3) | st.text("甲乙", max_size=2),
                       lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text("ab", max_size=1), inner, max_size=2),
                       max_leaves=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(_values, max_size=12))
def test_factorize_levels_are_first_appearances_and_codes_point_to_equal_values(values):
    from consensus_nlp.docvars import freeze, group_key

    values = [freeze(v) for v in values]  # metadata values as documents hold them
    codes, levels = factorize(values)
    assert len(codes) == len(values) and codes.dtype == np.int32
    assert [group_key(levels[c]) for c in codes.tolist()] == [group_key(v) for v in values]
    assert sorted(set(codes.tolist())) == list(range(len(levels)))  # every level used
    assert [codes.tolist().index(g) for g in range(len(levels))] == sorted(codes.tolist().index(g) for g in range(len(levels)))
    dv = DocVars([f"d{i}" for i in range(len(values))], [{"v": v} for v in values])
    if values:
        assert dv.factorize("v")[0].tolist() == codes.tolist()


def test_take_keeps_the_rows_system_columns_and_shares_the_mappings(corpus):
    picked = corpus.docvars.take([2, 0])
    assert picked.doc_ids == ("c", "a") and picked.metas[1] is corpus["a"].meta
    assert picked.column("end").tolist() == [4, 13]
    with pytest.raises(UnknownNameError, match="'speaker'"):
        picked.column("speaker")
    with pytest.raises(InvalidArgumentError, match="doc_id"):
        DocVars.from_columns({"year": [1]})
    with pytest.raises(InvalidArgumentError, match="year"):
        DocVars.from_columns({"doc_id": ["a", "b"], "year": [1]})
    with pytest.raises(InvalidArgumentError, match="lengths"):
        DocVars(["a"], [{}], lengths=[1, 2])
