"""Issue 23's rules on the API main added while it was fixed (token stores, stages, DocVars columns,
validation, the Parquet reader of Corpus.from_parquet): the fuzz profile found these foreign errors
after the merge; each is now refused with a ConsensusNLPError naming the argument and value."""

from __future__ import annotations

import pandas as pd
import pytest

import consensus_nlp as cn
from consensus_nlp.errors import InputPathError, InputTypeError, InvalidArgumentError

SEGMENTER = cn.Segmenter(backend="jieba")


@pytest.fixture(scope="module")
def tokens():
    return cn.tokenize(cn.Corpus.from_records([{"doc_id": "a", "text": "凝聚共识", "year": 2020},
                                               {"doc_id": "b", "text": "团结奋斗", "year": 2021}]), segmenter=SEGMENTER)


def test_run_takes_a_stage_only(tokens):
    from consensus_nlp.models.dtm import CountTerms

    with pytest.raises(InputTypeError, match=r"^stage=3 is not a Stage"):
        cn.run(3, tokens)
    assert cn.run(CountTerms(), tokens).terms == ("凝聚共识", "团结奋斗")


def test_tokens_concat_refuses_what_is_not_tokens(tokens):
    with pytest.raises(InputTypeError, match=r"^parts=5 is not a list of Tokens"):
        cn.Tokens.concat(5)
    with pytest.raises(InputTypeError, match=r"^parts=nan is not Tokens"):
        cn.Tokens.concat([float("nan")])
    assert cn.Tokens.concat([tokens]).words() == [["凝聚共识"], ["团结奋斗"]]


def test_token_store_paths_and_damaged_manifests(tokens, tmp_path):
    with pytest.raises(InputTypeError, match=r"^path=1.5 is not a path"):
        cn.read_tokens(1.5)
    with pytest.raises(InvalidArgumentError, match=r"cannot name a file \(a name longer than 255 bytes\)"):
        cn.read_tokens(tmp_path / ("x" * 300))
    with pytest.raises(InputPathError, match=r"is not a token store \(no store\.json\)"):
        cn.read_tokens(tmp_path)
    (tmp_path / "store.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match=r"holds a damaged store\.json \(JSONDecodeError\)"):
        cn.read_tokens(tmp_path)
    (tmp_path / "store.json").write_text('{"format": "consensus-nlp token store", "version": 1}', encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match=r"holds a damaged store\.json \(KeyError\)"):
        cn.read_tokens(tmp_path)
    with pytest.raises(InvalidArgumentError, match=r"is not a UTF-8 path, which Parquet writing needs"):
        tokens.to_parquet(tmp_path / "x\udcff")  # a folder name of undecodable bytes
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match=r"cannot be made a folder"):
        tokens.to_parquet(tmp_path / "file" / "store")
    store = cn.read_tokens(tokens.to_parquet(tmp_path / "store"))
    assert store.compute().words() == [["凝聚共识"], ["团结奋斗"]]


def test_docvars_columns_and_values_take_names(tokens):
    with pytest.raises(InputTypeError, match=r"^name=\{\} is not a name"):
        tokens.docvars.column({})
    with pytest.raises(InputTypeError, match=r"^by=\[1\] is not a name"):
        tokens.group_values([1])
    assert tokens.group_values("year") == [2020, 2021] and tokens.docvars.column("unit").tolist() == ["document"] * 2


def test_corrected_rates_checks_its_inputs(tokens):
    with pytest.raises(InputTypeError, match=r"^rates=1.0 is not a table of rates"):
        cn.corrected_rates(1.0, pd.DataFrame())
    with pytest.raises(InputTypeError, match=r"^precisions=\[\] is not a precision table"):
        cn.corrected_rates(cn.emphasis(tokens, by="year"), [])


def test_from_parquet_refuses_doc_id_none_on_a_file_with_doc_ids(tmp_path):
    path = tmp_path / "ids.parquet"
    pd.DataFrame({"doc_id": ["a"], "text": ["凝聚共识"]}).to_parquet(path)
    with pytest.raises(InvalidArgumentError, match=r"^doc_id=None numbers the rows, but .* has a doc_id column"):
        cn.Corpus.from_parquet(path, doc_id=None)
    assert cn.Corpus.from_parquet(path).doc_ids == ("a",)
    (tmp_path / "bad.parquet").write_text("not parquet", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match=r"is not a readable Parquet file"):
        cn.Corpus.from_parquet(tmp_path / "bad.parquet")
