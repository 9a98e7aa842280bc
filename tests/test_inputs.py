"""The input side of reliability (issue 15) and the corpus rough edges of issue 14.

Each test named ``test_issue15_*`` is a reproducer from the issue that failed on 0.1.0.
"""

from __future__ import annotations

import json
import os
import random
import re

import pandas as pd
import pytest

import consensus_nlp as cn
from consensus_nlp import Corpus, Document
from consensus_nlp.errors import (
    ConsensusNLPError,
    EmptyInputError,
    EncodingDetectionError,
    InputPathError,
    InputTypeError,
    InvalidArgumentError,
    UnknownNameError,
)
from consensus_nlp.io.encoding import decode, plausibly_chinese, read_text
from consensus_nlp.io.files import repeated_passages, write_atomic
from consensus_nlp.models.dictionaries import load_themes

ZH = "近年来，徽县政协持续做优“委员讲堂”，凝聚共识，推动经济社会高质量发展。各级政协组织围绕中心、服务大局，积极建言献策。\n"


# -- JSONL --------------------------------------------------------------------
@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\r", "\r\n", "\x7f" * 9, "\x9b"])
def test_issue15_jsonl_round_trip_keeps_line_separators(tmp_path, separator):
    corpus = Corpus.from_records([{"doc_id": "a", "text": f"协商{separator}民主", "note": f"x{separator}y"},
                                  {"doc_id": "b", "text": "监督"}])
    path = corpus.to_jsonl(tmp_path / "c.jsonl")
    raw = path.read_bytes()
    assert raw.count(b"\n") == 2
    for unsafe in ("\u2028", "\u2029", "\u0085"):
        assert unsafe.encode() not in raw
    assert Corpus.from_jsonl(path) == corpus


def test_issue15_jsonl_lone_surrogates_are_escaped_and_come_back(tmp_path):
    corpus = Corpus.from_records([{"doc_id": "a\udc80", "text": "协商\udc80发展\ud800", "k": ["\udfff"]}])
    path = corpus.to_jsonl(tmp_path / "s.jsonl")
    assert b'\\udc80' in path.read_bytes()
    assert Corpus.from_jsonl(path) == corpus


def test_jsonl_refuses_a_surrogate_pair_left_as_two_code_points(tmp_path):
    corpus = Corpus.from_records([{"doc_id": "a", "text": "协商\ud800\udc80发展"}])
    with pytest.raises(InvalidArgumentError, match=r"surrogate pair '\\ud800\\udc80' as two code points"):
        corpus.to_jsonl(tmp_path / "pair.jsonl")
    assert not (tmp_path / "pair.jsonl").exists()


def test_jsonl_round_trip_of_an_empty_corpus(tmp_path):
    path = Corpus([]).to_jsonl(tmp_path / "empty.jsonl")
    assert path.read_bytes() == b"" and Corpus.from_jsonl(path) == Corpus([])


def test_jsonl_lines_are_split_on_newline_only(tmp_path):
    path = tmp_path / "other-tool.jsonl"
    path.write_text('{"text": "甲\u2028乙"}\r\n{"text": "丙"}\n', encoding="utf-8")
    assert Corpus.from_jsonl(path).texts == ("甲\u2028乙", "丙")


def test_issue15_to_jsonl_leaves_no_half_written_file(tmp_path):
    path = tmp_path / "c.jsonl"
    Corpus.from_records([{"doc_id": "old", "text": "旧"}]).to_jsonl(path)
    before = path.read_bytes()
    bad = Corpus.from_records([{"doc_id": "a", "text": "新"}, {"doc_id": "b", "text": "新", "when": object()}])
    with pytest.raises(InvalidArgumentError, match="document='b' cannot be written as JSON \\(object is not JSON serializable\\)"):
        bad.to_jsonl(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["c.jsonl"]  # no temporary file left


def test_write_atomic_replaces_a_symlink_instead_of_following_it(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", encoding="utf-8")
    link = tmp_path / "out.jsonl"
    link.symlink_to(outside)
    Corpus.from_records([{"text": "新"}]).to_jsonl(link)
    assert outside.read_text(encoding="utf-8") == "keep"
    assert not link.is_symlink() and json.loads(link.read_text(encoding="utf-8"))["text"] == "新"
    with pytest.raises(InputPathError, match="is in a folder that does not exist"):
        write_atomic(tmp_path / "no" / "x.txt", ["x"])


def test_issue15_deeply_nested_jsonl_is_a_clear_error(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"text": "x", "m": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="line 1 nests JSON too deeply"):
        Corpus.from_jsonl(path)
    path.write_text('{"text": "x", "m": ' + "[" * 500 + "]" * 500 + "}\n", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="nests more than 100 levels"):
        Corpus.from_jsonl(path)


def test_jsonl_line_that_is_not_an_object(tmp_path):
    path = tmp_path / "list.jsonl"
    path.write_text('{"text": "甲"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="line 2 holds a JSON list, not an object"):
        Corpus.from_jsonl(path)


# -- user-caused failures are ConsensusNLPError ---------------------------------
@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: Corpus.from_records(5), InputTypeError, "records=5 is a single int"),
        (lambda: Corpus.from_records(None), InputTypeError, "records=None is a single NoneType"),
        (lambda: Corpus.from_records([{"text": "甲"}], meta=5), InputTypeError, "meta=5 is not a mapping"),
        (lambda: Corpus.from_files(None), InputTypeError, "paths_or_glob=None is not a path"),
        (lambda: Corpus.from_records(pd.DataFrame({"text": ["甲"]})), InputTypeError, "Corpus.from_dataframe"),
        (lambda: Corpus.from_records([{"text": "甲"}], text=5), InputTypeError, "text=5 is not a key name"),
        (lambda: Corpus.from_records([{"doc_id": "a", "text": "甲", "m": {"k": set()}}]).to_jsonl("/nonexistent-dir/x.jsonl"),
         InputPathError, "folder that does not exist"),
        (lambda: read_text(""), InputPathError, "path='' is empty"),
        (lambda: Corpus.from_files(""), InputPathError, "paths_or_glob='' is empty"),
        (lambda: Corpus([]).to_jsonl("/proc/x.jsonl"), InputPathError, "path='/proc/x.jsonl' cannot be written"),
    ],
)
def test_issue15_bad_arguments_raise_library_errors(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert isinstance(info.value, ConsensusNLPError)


def test_issue15_missing_doc_ids_are_numbered():
    corpus = Corpus.from_records([{"doc_id": pd.NA, "text": "甲"}, {"doc_id": float("nan"), "text": "乙"},
                                  {"doc_id": pd.NaT, "text": "丙"}, {"doc_id": 7, "text": "丁"}])
    assert corpus.doc_ids == ("doc-0", "doc-1", "doc-2", "7")


def test_issue15_metadata_named_text_or_doc_id_is_refused():
    with pytest.raises(InvalidArgumentError, match=r"records\[0\]\['text'\]='元数据' is metadata that would be confused "
                                                   r"with the document's text \(text='body'\)"):
        Corpus.from_records([{"body": "正文", "text": "元数据"}], text="body")
    with pytest.raises(InvalidArgumentError, match=r"records\[0\]\['doc_id'\]='x' .* document's doc_id"):
        Corpus.from_records([{"id": "a", "text": "正文", "doc_id": "x"}], doc_id="id")
    with pytest.raises(InvalidArgumentError, match="would hide the document's text"):
        Document("a", "正文", {"text": "元数据"})
    with pytest.raises(InvalidArgumentError, match="has a column 'text' besides the text column 'body'"):
        Corpus.from_dataframe(pd.DataFrame({"body": ["正文"], "text": ["元数据"]}), text="body")
    # the text itself is never the metadata
    assert Corpus.from_records([{"body": "正文", "note": "元数据"}], text="body").texts == ("正文",)


def test_issue15_from_files_says_what_a_path_is(tmp_path):
    (tmp_path / "a.txt").write_text(ZH, encoding="utf-8")
    (tmp_path / "old.txt").mkdir()
    with pytest.raises(InputPathError, match=r"old.txt' is a folder, not a file") as info:
        Corpus.from_files(tmp_path)
    assert isinstance(info.value, FileNotFoundError) and "does not exist" not in str(info.value)
    (tmp_path / "old.txt").rmdir()
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    with pytest.raises(InputPathError, match=r"gone.txt' is a symbolic link to '.*nowhere.txt', which does not exist"):
        Corpus.from_files(tmp_path)
    with pytest.raises(InputPathError, match="is a symbolic link"):
        Corpus.from_files(tmp_path / "gone.txt")
    with pytest.raises(InputPathError, match="is a folder, not a file"):
        read_text(tmp_path)
    with pytest.raises(InputPathError, match="does not exist"):
        read_text(tmp_path / "missing.txt")
    (tmp_path / "gone.txt").unlink()
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")  # a live link is read
    assert Corpus.from_files(tmp_path).texts == (ZH, ZH)


# -- encodings ----------------------------------------------------------------
KOREAN = "대한민국 정부는 국회와 협력하여 경제 발전을 위한 정책을 추진하고 있습니다. " * 3
JAPANESE = "政府は国会と協力して経済発展のための政策を推進しています。地方自治体の取り組みも重要です。" * 3
TRADITIONAL = "近年來，徽縣政協持續做優委員講堂，凝聚共識，推動經濟社會高質量發展。各級政協組織圍繞中心、服務大局。" * 3


@pytest.mark.parametrize("text, encoding", [(KOREAN, "euc_kr"), (JAPANESE, "shift_jis"), (TRADITIONAL, "big5")])
def test_issue15_big5_sjis_euckr_are_not_read_as_gb18030(tmp_path, text, encoding):
    data = text.encode(encoding)
    assert data.decode("gb18030")  # 0.1.0 accepted this garbage
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    with pytest.raises(EncodingDetectionError) as info:
        read_text(path)
    message = str(info.value)
    assert "decodes as GB18030 but not into Chinese" in message
    assert "UTF-8, UTF-8 with BOM, GB18030 (tried in that order)" in message
    assert f"decodes without errors as" in message and encoding in message
    # the user can force the encoding, on every reader
    assert read_text(path, encoding=encoding) == (text, encoding)
    assert Corpus.from_files(tmp_path, encoding=encoding)["page"].meta["encoding"] == encoding


def test_forced_encoding_errors():
    with pytest.raises(UnknownNameError, match="encoding='big-5' is not an encoding Python knows"):
        decode(b"x", encoding="big-5")
    with pytest.raises(EncodingDetectionError, match=re.escape("source='data' is not valid utf-8 (invalid continuation byte at byte 2: b'\\xc9\\xcc')")):
        decode("协商".encode("gb18030"), encoding="utf-8")


def test_gb18030_chinese_is_still_accepted(gov_reports_dir):
    for path in sorted(gov_reports_dir.glob("*.txt"))[::6]:
        text = path.read_text(encoding="utf-8")
        assert decode(text.encode("gb18030", errors="replace"))[1] == "gb18030"
    assert decode(ZH[:6].encode("gbk")) == (ZH[:6], "gb18030")
    assert decode("Report 2021 (English only)".encode("gb18030"))[1] == "utf-8"


def test_plausibility_on_generated_samples():
    rng = random.Random(0)
    korean_words = KOREAN.split()
    refused = 0
    for _ in range(200):
        sample = " ".join(rng.choice(korean_words) for _ in range(12))
        refused += not plausibly_chinese(sample.encode("euc_kr").decode("gb18030"))
    assert refused == 200


def test_read_page_takes_an_encoding(tmp_path, page_text):
    path = tmp_path / "page.txt"
    path.write_bytes(page_text.encode("gb18030"))
    assert cn.read_page(path, encoding="gb18030").meta["encoding"] == "gb18030"
    assert len(cn.read_page(path)) == 7


# -- theme files ---------------------------------------------------------------
@pytest.mark.parametrize(
    "content, message",
    [
        ("themes:\n  - name: identity\n    entries: [认同]\n",
         r"bad.yaml': themes=\[\{'name': 'identity', 'entries': \['认同'\]\}\] is a list, not a mapping of theme names"),
        ("identity:\n  - 认同\n  - [认同, 政治]\n", r"identity\[1\]=\['认同', '政治'\] is a list, not an entry"),
        ("themes:\n  x:\n    entires: [a]\n", r"themes\.x\.entires=\['a'\] is not a key of a theme"),
        ("themes:\n  x:\n    entries: [a, '']\n", r"themes\.x\.entries\[1\]='' is empty"),
        ("themes:\n  x:\n    entries: [a]\n    label: [a]\n", r"themes\.x\.label=\['a'\] is not a str"),
        ("a: [b\n", r"is not valid YAML \(.* at line 2, column 1\)"),
        ("- 认同\n", "holds a list, not a mapping"),
    ],
)
def test_issue14_15_theme_file_errors_name_the_path_inside(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match=message):
        load_themes(path)


def test_issue15_theme_file_encoding_and_toml_errors(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("认同:\n  - 认同\n".encode("gbk"))
    with pytest.raises(InvalidArgumentError, match=r"is not UTF-8 \(byte 0"):
        load_themes(path)
    path = tmp_path / "bad.toml"
    path.write_text("a = [\n", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="is not valid TOML"):
        load_themes(path)


def test_theme_labels(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[themes.identity]\nlabel = "认同"\nentries = ["认同", "四个认同"]\n[themes.other]\nentries = [2035]\n',
                    encoding="utf-8")
    themes = load_themes(path)
    assert themes.entries == {"identity": ("认同", "四个认同"), "other": ("2035",)}
    assert (themes.label("identity"), themes.label("other")) == ("认同", "other")
    assert load_themes("cppcc").label("livelihood") == "民生"
    with pytest.raises(UnknownNameError):
        themes.label("nope")


def test_issue15_cli_themes_error_is_one_line(tmp_path, page_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [b\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "consensus_nlp.cli", "analyze", str(page_path), "--themes", str(bad),
                          "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr and "is not valid YAML" in run.stderr


# -- issue 14: corpus ----------------------------------------------------------
def test_issue14_tokenize_refuses_a_dataframe():
    df = pd.DataFrame({"text": ["凝聚共识", "协商民主"], "a": [1, 2], "b": [1, 2], "c": [1, 2], "d": [1, 2]})
    with pytest.raises(InputTypeError, match=r"is a pandas DataFrame, not a collection of documents.*from_dataframe"):
        cn.tokenize(df)


def test_issue14_from_dataframe_takes_the_id_column():
    df = pd.DataFrame({"id": ["r1", "r2"], "text": ["凝聚共识", "协商民主"], "year": [1991, 2003]})
    corpus = Corpus.from_dataframe(df)
    assert corpus.doc_ids == ("r1", "r2") and dict(corpus["r1"].meta) == {"year": 1991}
    both = df.assign(doc_id=["d1", "d2"])
    assert Corpus.from_dataframe(both).doc_ids == ("d1", "d2")
    assert Corpus.from_dataframe(both)["d1"].meta["id"] == "r1"
    named = pd.DataFrame({"code": ["x", "y"], "text": ["甲", "乙"]})
    assert Corpus.from_dataframe(named, doc_id="code").doc_ids == ("x", "y")
    assert Corpus.from_dataframe(named).doc_ids == ("doc-0", "doc-1")
    with pytest.raises(UnknownNameError, match="doc_id='nope' is not a column of df; accepted: 'code', 'text'"):
        Corpus.from_dataframe(named, doc_id="nope")


def test_issue14_assign_values_and_callables():
    corpus = Corpus.from_records([{"doc_id": "a", "text": "甲", "year": 1991}, {"doc_id": "b", "text": "乙", "year": 2013}])
    out = corpus.assign(decade=lambda d: d.meta["year"] // 10 * 10, source="gov", rank=[2, 1])
    assert [dict(d.meta) for d in out] == [{"year": 1991, "decade": 1990, "source": "gov", "rank": 2},
                                          {"year": 2013, "decade": 2010, "source": "gov", "rank": 1}]
    assert "decade" not in corpus["a"].meta  # a new corpus
    with pytest.raises(InvalidArgumentError, match="rank=\\[1\\] has 1 values for 2 documents"):
        corpus.assign(rank=[1])
    with pytest.raises(InvalidArgumentError, match="field='text' names the document's own id or text"):
        corpus.assign(text="x")


def test_issue14_filter_that_selects_nothing_lists_the_values():
    corpus = Corpus.from_records([{"text": "甲", "decade": "1990"}, {"text": "乙", "decade": "2010"}])
    assert corpus.filter({"decade": "2010"}).texts == ("乙",)
    assert corpus.filter(decade="2010").texts == ("乙",)
    with pytest.raises(EmptyInputError, match=r"select none of the 2 documents; accepted: 'decade' has '1990', '2010' "
                                              r"\('2010' is str, 2010 is int\)"):
        corpus.filter({"decade": 2010})
    assert len(corpus.filter(lambda d: False)) == 0  # a predicate may select nothing


def test_issue14_duplicates(gov_reports_dir):
    reports = Corpus.from_files(gov_reports_dir, meta_pattern=r"(?P<year>\d{4})")
    found = reports.duplicates()
    assert found[["doc_id", "kind"]].values.tolist() == [["1991政府工作报告_李鹏", "repeated_passage"]]
    row = found.iloc[0]
    text = reports["1991政府工作报告_李鹏"].text
    assert row.chars > 12_000 and text[row.start:row.start + 30] == text[row.first_start:row.first_start + 30]
    twice = Corpus([*reports[:2], Document("copy", "\n" + reports[1].text + "  ")])
    same = twice.duplicates()
    body = reports[1].text.strip()
    lead = reports[1].text.index(body)
    assert same.values.tolist() == [["copy", "same_text", reports[1].doc_id, 1 + lead, 1 + lead + len(body), lead,
                                     len(body)]]
    assert list(Corpus.from_records([{"text": "甲"}]).duplicates().columns) == [
        "doc_id", "kind", "duplicate_of", "start", "end", "first_start", "chars"]


def test_repeated_passages_is_linear_and_exact():
    para = "各级政协组织围绕中心、服务大局，积极建言献策，推动经济社会高质量发展。"
    text = "题目\n" + para + "\n\n" + para.replace("各级", "全国") + "\n" + para + "\n" + para.replace("各级", "全国")
    (first, start, end, chars), = repeated_passages(text, min_chars=50)
    assert text[start:end] == para + "\n" + para.replace("各级", "全国") and first == 3 and chars == 2 * len(para)
