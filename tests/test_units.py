"""Units of analysis: speeches, paragraphs, outline items (offsets exact, metadata carried)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import consensus_nlp as cn
from consensus_nlp.unitize import units
from consensus_nlp.errors import InputTypeError, UnknownNameError


@pytest.fixture(scope="module")
def corpus():
    return cn.load_corpus("gansu-cppcc-2021")


def test_speech_units_keep_ids_and_add_offsets(corpus):
    speeches = units(corpus, "speech")
    assert speeches.doc_ids == corpus.doc_ids
    first = speeches[0]
    assert first.meta["parent_id"] == corpus[0].doc_id
    assert (first.meta["unit"], first.meta["start"], first.meta["end"]) == ("speech", 0, len(corpus[0].text))
    assert first.meta["organization"] == "徽县政协"


def test_paragraph_units_are_exact_slices(corpus):
    paragraphs = units(corpus, "paragraph")
    parent = corpus[0]
    mine = [d for d in paragraphs if d.meta["parent_id"] == parent.doc_id]
    # 徽县's speech: an opening paragraph and four numbered points (一是…四是), one line each
    assert [d.doc_id for d in mine] == [f"{parent.doc_id}/p0{i}" for i in range(1, 6)]
    assert [d.text[:2] for d in mine] == ["近年", "一是", "二是", "三是", "四是"]
    for d in paragraphs:
        source = corpus[d.meta["parent_id"]].text
        assert source[d.meta["start"]:d.meta["end"]] == d.text
        assert d.meta["unit"] == "paragraph"
        assert d.meta["speaker"] == corpus[d.meta["parent_id"]].meta["speaker"]
    assert len(paragraphs) == sum(len([p for p in d.text.split("\n") if p.strip()]) for d in corpus)


def test_outline_items_with_preamble(corpus):
    items = units(corpus, "outline_item")
    huixian = [d for d in items if d.meta["parent_id"] == corpus[0].doc_id]
    assert [d.meta["item"] for d in huixian] == ["preamble", "一是", "二是", "三是", "四是"]
    assert [d.doc_id.rsplit("/", 1)[1] for d in huixian] == ["o0", "o1", "o2", "o3", "o4"]
    culture = huixian[2]
    assert culture.text.startswith("二是做强“文化品牌”，筑牢文化交流纽带。")
    assert culture.meta["headline"].startswith("做强“文化品牌”")
    assert culture.text.endswith("构筑同心。")
    assert huixian[0].meta["headline"] is None
    for d in items:
        assert corpus[d.meta["parent_id"]].text[d.meta["start"]:d.meta["end"]] == d.text
    # 金昌 (一、二、三、) and 天水 (一是…五是)
    assert [d.meta["item"] for d in items if d.meta["organization"] == "金昌市政协"] == ["preamble", "一、", "二、", "三、"]
    assert sum(d.meta["organization"] == "天水市政协" for d in items) == 6


def test_document_without_outline_is_one_preamble():
    corpus = cn.Corpus.from_records([{"doc_id": "a", "text": "政协工作要凝聚共识。\n\n坚持团结和民主。", "org": "x"}])
    items = units(corpus, "outline_item")
    assert items.doc_ids == ("a/o0",)
    assert items[0].meta["item"] == "preamble" and items[0].text == corpus[0].text
    paragraphs = units(corpus, "paragraph")
    assert paragraphs.doc_ids == ("a/p01", "a/p02")
    assert [p.meta["start"] for p in paragraphs] == [0, 12]


def test_errors():
    corpus = cn.Corpus.from_records([{"doc_id": "a", "text": "凝聚共识"}])
    with pytest.raises(UnknownNameError, match="speech"):
        units(corpus, "sentence")
    with pytest.raises(InputTypeError):
        units("凝聚共识", "paragraph")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet="协商共识。 \n一是二、", max_size=20), min_size=1, max_size=4))
def test_paragraph_offsets_property(texts):
    corpus = cn.Corpus.from_records([{"doc_id": f"d{i}", "text": t} for i, t in enumerate(texts)])
    for unit in ("paragraph", "outline_item"):
        for d in units(corpus, unit):
            parent = corpus[d.meta["parent_id"]].text
            assert parent[d.meta["start"]:d.meta["end"]] == d.text
            assert d.text == d.text.strip() and d.text
