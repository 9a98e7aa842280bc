"""Corpus, Document and textio on real files: the 49 government work reports, encodings, round trips."""

from __future__ import annotations

import random

import pytest

import consensus_nlp as cn
from consensus_nlp import Corpus, Document
from consensus_nlp.errors import (
    EmptyInputError,
    EncodingDetectionError,
    InputTypeError,
    InvalidArgumentError,
    UnknownNameError,
)
from consensus_nlp.io.encoding import decode, read_text

from conftest import GOV_PATTERN


@pytest.fixture(scope="module")
def reports(gov_reports_dir) -> Corpus:
    return Corpus.from_files(gov_reports_dir, meta_pattern=GOV_PATTERN)


@pytest.fixture(scope="module")
def speeches() -> Corpus:
    return cn.load_corpus("gansu-cppcc-2021")


# -- the government work reports ---------------------------------------------
@pytest.mark.slow
def test_from_files_reads_the_49_reports(reports, gov_reports_dir):
    assert len(reports) == 49
    assert reports.doc_ids[0] == "1954政府工作报告_周恩来"
    assert reports.doc_ids[-1] == "2017政府工作报告_李克强"
    first = reports["1954政府工作报告_周恩来"]
    assert (first.meta["year"], first.meta["speaker"], first.meta["encoding"]) == ("1954", "周恩来", "utf-8")
    assert first.meta["path"] == str(gov_reports_dir / "1954政府工作报告_周恩来.txt")
    assert first.text.strip().startswith("1954年政府工作报告")
    abstract = reports["1964政府工作报告_周恩来_摘要"]
    assert (abstract.meta["year"], abstract.meta["speaker"]) == ("1964", "周恩来")
    assert abstract.text.strip().startswith("1964年国务院政府工作报告（摘要）")
    assert reports["2017政府工作报告_李克强"].text.strip().startswith("2017政府工作报告")
    assert [d.meta["year"] for d in reports][:10] == [
        "1954", "1955", "1956", "1957", "1958", "1959", "1960", "1964", "1975", "1978",
    ]


@pytest.mark.slow
def test_reports_group_by_premier(reports):
    groups = reports.groupby("speaker")
    assert list(groups)[:4] == ["周恩来", "李富春", "李先念", "薄一波"]
    assert len(groups["李克强"]) == 4
    assert len(groups["温家宝"]) == 10
    assert groups["周恩来"].doc_ids == (
        "1954政府工作报告_周恩来", "1957政府工作报告_周恩来", "1959政府工作报告_周恩来",
        "1964政府工作报告_周恩来_摘要", "1975政府工作报告_周恩来",
    )
    assert sum(len(g) for g in groups.values()) == 49


@pytest.mark.slow
def test_from_files_accepts_a_glob_and_a_list(gov_reports_dir):
    by_glob = Corpus.from_files(str(gov_reports_dir / "201*.txt"), meta_pattern=GOV_PATTERN)
    assert by_glob.doc_ids == tuple(f"201{i}政府工作报告_{'温家宝' if i < 4 else '李克强'}" for i in range(8))
    by_list = Corpus.from_files([gov_reports_dir / "2017政府工作报告_李克强.txt"], doc_id="name")
    assert by_list.doc_ids == ("2017政府工作报告_李克强.txt",)


def test_from_files_errors(gov_reports_dir, tmp_path):
    with pytest.raises(InvalidArgumentError, match="does not match the file name 'README.md'"):
        Corpus.from_files([gov_reports_dir / "README.md"], meta_pattern=GOV_PATTERN)
    with pytest.raises(EmptyInputError, match="matched no files"):
        Corpus.from_files(tmp_path)


# -- encodings ---------------------------------------------------------------
TEXT = "近年来，徽县政协持续做优“委员讲堂”。\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.replace("\n", "\r\n").encode("gbk"), "gb18030"),
    ],
)
def test_encodings_are_detected(tmp_path, data, encoding):
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    text, found = read_text(path)
    assert found == encoding
    assert text.replace("\r\n", "\n") == TEXT
    corpus = Corpus.from_files(tmp_path)
    assert corpus["doc"].meta["encoding"] == encoding
    assert corpus["doc"].text.replace("\r\n", "\n") == TEXT


@pytest.mark.parametrize(
    "data",
    [
        "Politique de réforme et d'ouverture, café".encode("latin-1"),
        "凝聚共识".encode("utf-16"),
        random.Random(1).randbytes(3000),
    ],
    ids=["latin-1", "utf-16", "random-bytes"],
)
def test_undecodable_files_name_the_encodings_tried(tmp_path, data):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(EncodingDetectionError) as info:
        read_text(path)
    message = str(info.value)
    assert "UTF-8, UTF-8 with BOM, GB18030 (tried in that order)" in message
    assert message.startswith("source='/") and "could not be decoded as text" in message
    with pytest.raises(UnicodeError):  # also the builtin family
        Corpus.from_files(path)


def test_decode_refuses_str():
    with pytest.raises(InputTypeError):
        decode("凝聚共识")


# -- round trips -------------------------------------------------------------
def test_jsonl_round_trip(speeches, tmp_path):
    path = speeches.to_jsonl(tmp_path / "speeches.jsonl")
    back = Corpus.from_jsonl(path)
    assert back.texts == speeches.texts
    assert [d.meta for d in back] == [d.meta for d in speeches]
    assert Corpus(back, meta=speeches.meta) == speeches
    assert path.read_bytes() == speeches.to_jsonl(tmp_path / "again.jsonl").read_bytes()


def test_jsonl_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"doc_id": "a", "text": "x"}\n{not json}\n', encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="line 2 is not valid JSON"):
        Corpus.from_jsonl(path)


def test_dataframe_round_trip(speeches):
    df = speeches.to_dataframe()
    assert list(df.columns[:7]) == ["doc_id", "text", "speaker", "position", "organization", "level", "title"]
    assert df.shape == (7, 2 + len(speeches.fields()))
    assert df.loc[3, "speaker"] == "陈华"
    assert df.loc[5, "paragraph_lines"][0] == [545, 549]
    back = Corpus.from_dataframe(df)
    assert back.texts == speeches.texts
    assert [d.meta for d in back] == [d.meta for d in speeches]


def test_from_dataframe_drops_missing_values_and_numbers_rows():
    import pandas as pd

    df = pd.DataFrame({"body": ["凝聚共识", "协商民主"], "year": [2021, None]})
    corpus = Corpus.from_dataframe(df, text="body", doc_id=None)
    assert corpus.doc_ids == ("doc-0", "doc-1")
    assert corpus["doc-0"].meta == {"year": 2021.0}
    assert dict(corpus["doc-1"].meta) == {}
    with pytest.raises(UnknownNameError, match="accepted: 'body', 'year'"):
        Corpus.from_dataframe(df)


def test_filter_and_groupby(speeches):
    county = speeches.filter(level="county")
    assert [d.meta["speaker"] for d in county] == ["张剑蓉", "巨文程"]
    assert county.meta == speeches.meta
    chairs = speeches.filter(lambda d: d.meta["position"].endswith("主席"))
    assert [d.meta["speaker"] for d in chairs] == ["张剑蓉", "陈华", "张志军", "巨文程"]
    groups = speeches.groupby("level")
    assert list(groups) == ["county", "province", "city", "prefecture"]
    assert [d.meta["speaker"] for d in groups["city"]] == ["何效祖", "陈华", "王燕"]
    with pytest.raises(UnknownNameError, match="accepted: 'speaker'"):
        speeches.filter(province="甘肃")
    with pytest.raises(UnknownNameError):
        speeches.groupby("year")


def test_lookup_and_immutability(speeches):
    assert speeches["gansu-cppcc-2021-02"] is speeches[1]
    assert "gansu-cppcc-2021-07" in speeches and "x" not in speeches
    assert isinstance(speeches[1:3], Corpus) and len(speeches[1:3]) == 2
    with pytest.raises(UnknownNameError, match="is not in this corpus"):
        speeches["gansu-cppcc-2021-08"]
    with pytest.raises(TypeError):
        speeches[0].meta["speaker"] = "x"
    assert isinstance(speeches[0].meta["paragraphs"], tuple)


def test_from_records_refuses_a_bare_string_or_mapping():
    with pytest.raises(InputTypeError, match="is a single str, not a list of records"):
        Corpus.from_records("近年来，徽县政协持续做优")
    with pytest.raises(InputTypeError, match="is a single dict"):
        Corpus.from_records({"text": "凝聚共识"})
    with pytest.raises(InputTypeError):
        Corpus("凝聚共识")
    with pytest.raises(InvalidArgumentError, match="has no 'text' key"):
        Corpus.from_records([{"body": "凝聚共识"}])
    with pytest.raises(InvalidArgumentError, match="appears twice"):
        Corpus([Document("a", "x"), Document("a", "y")])
    with pytest.raises(InputTypeError):
        Document("a", b"bytes")


def test_jsonl_with_other_text_and_id_keys(tmp_path):
    path = tmp_path / "speeches.jsonl"
    path.write_text('{"id": "a", "body": "凝聚共识", "year": 2021}\n\n{"body": "画出最大同心圆"}\n', encoding="utf-8")
    corpus = Corpus.from_jsonl(path, text="body", doc_id="id")
    assert [(d.doc_id, d.text, dict(d.meta)) for d in corpus] == [
        ("a", "凝聚共识", {"year": 2021}), ("doc-1", "画出最大同心圆", {})
    ]
    with pytest.raises(InvalidArgumentError, match="has no 'text' key"):
        Corpus.from_jsonl(path)


def test_from_files_refuses_a_broken_meta_pattern_before_reading(tmp_path):
    with pytest.raises(InvalidArgumentError, match=r"meta_pattern='\(\?P<year>\\\\d\{4\}' is not a valid regular expression"):
        Corpus.from_files(tmp_path / "no-such-folder", meta_pattern=r"(?P<year>\d{4}")
    with pytest.raises(InputTypeError, match="meta_pattern=42 is not a regular expression"):
        Corpus.from_files(tmp_path, meta_pattern=42)
