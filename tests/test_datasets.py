"""The bundled corpus: load_corpus / list_corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import consensus_nlp as cn
from consensus_nlp.errors import InputTypeError, UnknownNameError

NAME = "gansu-cppcc-2021"
BUNDLED = Path(__file__).resolve().parents[1] / "corpora" / NAME


@pytest.fixture(scope="module")
def corpus() -> cn.Corpus:
    return cn.load_corpus(NAME)


def test_list_corpora():
    assert NAME in cn.list_corpora()
    assert cn.list_corpora() == sorted(cn.list_corpora())


def test_bundled_corpus_contents(corpus):
    assert corpus.doc_ids == tuple(f"{NAME}-0{i}" for i in range(1, 8))
    assert [d.meta["speaker"] for d in corpus] == ["张剑蓉", "刘进军", "何效祖", "陈华", "王燕", "张志军", "巨文程"]
    assert [d.meta["organization"] for d in corpus.filter(level="county")] == ["徽县政协", "镇原县政协"]
    assert corpus[f"{NAME}-06"].meta["title"] == "强化政治引领广泛凝聚共识 全力推动人民政协工作提质增效"
    assert corpus.meta["name"] == NAME
    assert corpus.meta["meeting"] == "全省政协凝聚共识工作推进会暨理论研究会第三届理事会第四次会议"
    assert corpus.meta["year"] == 2021 and corpus.meta["province"] == "甘肃"


def test_bundled_jsonl_equals_read_page_of_the_bundled_page(corpus):
    page = cn.read_page(BUNDLED / "page.txt", doc_prefix=NAME)
    assert corpus.texts == page.texts
    assert corpus.doc_ids == page.doc_ids
    assert [dict(d.meta) for d in corpus] == [dict(d.meta) for d in page]


def test_reparse_agrees_with_the_curated_file(corpus):
    assert cn.load_corpus(NAME, reparse=True) == corpus


def test_bundled_page_is_the_shared_page(page_path):
    assert (BUNDLED / "page.txt").read_bytes() == page_path.read_bytes()


def test_jsonl_is_one_object_per_speech():
    lines = (BUNDLED / "speeches.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 7
    assert list(records[0])[:3] == ["doc_id", "text", "speaker"]
    assert records[1]["paragraph_lines"][0] == [89, 101]


def test_unknown_name_lists_the_names():
    with pytest.raises(UnknownNameError, match=r"name='gansu' is not a bundled corpus; accepted: 'gansu-cppcc-2021'"):
        cn.load_corpus("gansu")
    with pytest.raises(LookupError):
        cn.load_corpus("")
    with pytest.raises(InputTypeError):
        cn.load_corpus(None)
