"""io/readers.py: one parser per format, shared by Corpus.from_*, LazyCorpus and analyze's input loader."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consensus_nlp.corpus import Corpus
from consensus_nlp.errors import InvalidArgumentError, UnknownNameError
from consensus_nlp.io.readers import RecordBatch, iter_records, read_rows
from consensus_nlp.report.inputs import load_inputs

JSONL = (
    '{"doc_id": "a", "text": "凝聚共识", "org": "民革", "note": null, "tags": ["统战", null]}\n'
    "\n"
    "   \t\r\n"
    "\u3000\n"
    '{"doc_id": "b", "text": "履职尽责", "org": null, "year": 2021}\r\n'
    '{"doc_id": "c", "text": "建言\u2028资政"}\n'
)


def test_jsonl_gives_the_same_documents_and_metadata_through_every_entry_point(tmp_path):
    """Blank and whitespace-only lines are skipped; null is the value None, kept; an absent key is missing."""
    path = tmp_path / "docs.jsonl"
    path.write_text(JSONL, encoding="utf-8")
    corpus = Corpus.from_jsonl(path)
    loaded, info = load_inputs([path])
    assert [d.to_record() for d in loaded] == [d.to_record() for d in corpus] == [
        {"doc_id": "a", "text": "凝聚共识", "org": "民革", "note": None, "tags": ["统战", None]},
        {"doc_id": "b", "text": "履职尽责", "org": None, "year": 2021},
        {"doc_id": "c", "text": "建言\u2028资政"},
    ]
    assert info["columns"] == {"text": "text", "id": "doc_id", "meta": ["org", "note", "tags", "year"]}
    batches = list(iter_records(path, format="jsonl", batch_size=2))
    assert [len(b.rows) for b in batches] == [2, 1]
    assert batches[0].columns == ("doc_id", "text", "org", "note", "tags", "year")


def test_jsonl_errors_name_the_line_for_both_entry_points(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "甲"}\n\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="line 3 holds a JSON list, not an object"):
        Corpus.from_jsonl(path)
    with pytest.raises(InvalidArgumentError, match="line 3 holds a JSON list, not an object"):
        load_inputs([path])


def test_csv_tsv_parquet_and_dataframe_rows(tmp_path):
    import pandas as pd

    (tmp_path / "t.csv").write_text("doc_id,text,org\na,凝聚共识,\nb,,民盟\n", encoding="utf-8")
    assert read_rows(tmp_path / "t.csv", format="csv") == (
        ["doc_id", "text", "org"], [{"doc_id": "a", "text": "凝聚共识"}, {"doc_id": "b", "org": "民盟"}])
    (tmp_path / "t.tsv").write_text("text\tyear\n甲\t1991\n", encoding="gb18030")
    assert read_rows(tmp_path / "t.tsv", format="tsv") == (["text", "year"], [{"text": "甲", "year": "1991"}])
    frame = pd.DataFrame({"doc_id": ["a", "b"], "text": ["凝聚共识", "履职尽责"], "year": [1991, None],
                          "day": pd.to_datetime(["2021-01-02", None])})
    frame.to_parquet(tmp_path / "t.parquet", index=False, row_group_size=1)
    batches = list(iter_records(tmp_path / "t.parquet", format="parquet"))
    assert [b.rows for b in batches] == [[{"doc_id": "a", "text": "凝聚共识", "year": 1991.0, "day": "2021-01-02 00:00:00"}],
                                         [{"doc_id": "b", "text": "履职尽责"}]]
    assert batches[1] == RecordBatch(("doc_id", "text", "year", "day"), [{"doc_id": "b", "text": "履职尽责"}])
    corpus = Corpus.from_parquet(tmp_path / "t.parquet")
    assert [d.to_record() for d in corpus] == [
        {"doc_id": "a", "text": "凝聚共识", "year": 1991.0, "day": "2021-01-02 00:00:00"}, {"doc_id": "b", "text": "履职尽责"}]
    (tmp_path / "folder").mkdir()
    frame[["text"]].to_parquet(tmp_path / "folder" / "1.parquet", index=False)
    frame[["text"]].to_parquet(tmp_path / "folder" / "2.parquet", index=False)
    assert Corpus.from_parquet(tmp_path / "folder", doc_id=None).doc_ids == ("doc-0", "doc-1", "doc-2", "doc-3")
    with pytest.raises(UnknownNameError, match="'body'"):
        Corpus.from_parquet(tmp_path / "t.parquet", text="body")
    assert [b.rows for b in iter_records(frame[["text", "year"]], format="dataframe")] == [
        [{"text": "凝聚共识", "year": 1991.0}, {"text": "履职尽责"}]]
    with pytest.raises(UnknownNameError, match="'xml'"):
        iter_records(tmp_path / "t.csv", format="xml")


def test_text_files_with_name_patterns_and_a_forced_encoding(tmp_path):
    (tmp_path / "1991_李鹏.txt").write_bytes("政府工作報告".encode("big5"))
    (tmp_path / "2003_朱镕基.txt").write_bytes("政府工作報告".encode("big5"))
    batches = list(iter_records(tmp_path, format="files", meta_pattern=r"(?P<year>\d{4})_(?P<speaker>\w+?)\.",
                                encoding="big5", batch_size=1))
    assert [b.rows for b in batches] == [
        [{"doc_id": "1991_李鹏", "text": "政府工作報告", "year": "1991", "speaker": "李鹏",
          "path": str(tmp_path / "1991_李鹏.txt"), "encoding": "big5"}],
        [{"doc_id": "2003_朱镕基", "text": "政府工作報告", "year": "2003", "speaker": "朱镕基",
          "path": str(tmp_path / "2003_朱镕基.txt"), "encoding": "big5"}]]
    corpus = Corpus.from_files(tmp_path, encoding="big5", doc_id="name")
    assert corpus.doc_ids == ("1991_李鹏.txt", "2003_朱镕基.txt") and corpus.texts[1] == "政府工作報告"


def test_lazy_files_take_an_encoding_and_read_what_the_eager_reader_reads(tmp_path):
    pytest.importorskip("dask")
    from consensus_nlp.integrations.dask import LazyCorpus

    (tmp_path / "a.txt").write_bytes("凝聚共識".encode("big5"))
    (tmp_path / "b.txt").write_bytes("履職盡責".encode("big5"))
    lazy = LazyCorpus.from_files(tmp_path, encoding="big5", npartitions=2)
    assert lazy.compute() == Corpus.from_files(tmp_path, encoding="big5")
    assert lazy.compute()["a"].meta["encoding"] == "big5"


_text = st.characters(blacklist_categories=("Cs",))  # UTF-8 cannot hold lone surrogates
_meta = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.text(_text, max_size=4),
                     lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text("ab", max_size=1), inner, max_size=2),
                     max_leaves=4)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(_text, min_size=1, max_size=8), st.dictionaries(st.sampled_from(["org", "year", "x"]), _meta,
                                                                            max_size=3)), min_size=1, max_size=4),
       st.sampled_from(["\n", "\n\n", "\n \t\n"]))
def test_any_jsonl_file_reads_the_same_through_both_entry_points(tmp_path_factory, docs, separator):
    import json

    path = tmp_path_factory.mktemp("jsonl") / "docs.jsonl"
    lines = [json.dumps({"doc_id": f"d{i}", "text": text, **meta}, ensure_ascii=False) for i, (text, meta) in enumerate(docs)]
    path.write_text(separator.join(lines), encoding="utf-8")
    corpus = Corpus.from_jsonl(path)
    loaded, _ = load_inputs([path])
    assert [d.to_record() for d in loaded] == [d.to_record() for d in corpus]
    assert [d.to_record() for d in corpus] == [{"doc_id": f"d{i}", "text": text, **meta} for i, (text, meta) in enumerate(docs)]
