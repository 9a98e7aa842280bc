"""What the final fuzz campaign of the merged code found (seed 2026), each as it is now refused or read."""

from __future__ import annotations

import pytest

import consensus_nlp as cn
from consensus_nlp.docvars import DocVars
from consensus_nlp.errors import InputTypeError, InvalidArgumentError

TEXTS = ["凝聚共识，文化品牌。", "委员讲堂凝聚共识。", "文化品牌建设。"]


@pytest.fixture(scope="module")
def tokens():
    corpus = cn.Corpus.from_records([{"doc_id": f"d{i}", "text": t, "org": org}
                                     for i, (t, org) in enumerate(zip(TEXTS, ["甲", "乙", "甲"]))])
    return cn.tokenize(corpus)


@pytest.mark.parametrize("by", [["org"], {"org": 1}])
def test_factorize_and_frequencies_refuse_a_by_that_is_not_a_name(tokens, by):
    with pytest.raises(InputTypeError, match="by="):
        tokens.docvars.factorize(by)
    with pytest.raises(InputTypeError, match="by="):
        tokens.frequencies(by=by)


def test_from_columns_refuses_what_is_not_columns_and_reads_generators():
    with pytest.raises(InputTypeError, match="columns="):
        DocVars.from_columns(len)
    with pytest.raises(InputTypeError, match=r"columns\['doc_id'\]"):
        DocVars.from_columns({"doc_id": 3})
    table = DocVars.from_columns({"doc_id": ["a", "b"], "year": [1991, None]}, lengths=(n for n in (3, 4)))
    assert table.doc_ids == ("a", "b") and table.column("end").tolist() == [3, 4]


def test_validation_sample_by_doc_id_and_by_a_field_that_names_a_column(tokens):
    by_doc = cn.validation_sample(tokens, themes="cppcc", n=5, by="doc_id", random_state=0)
    assert list(by_doc.columns) == ["sample_id", "doc_id", "theme", "match", "start", "end", "left", "hit", "right",
                                    "coder", "code"]
    assert sorted(by_doc[["doc_id", "theme", "hit"]].values.tolist()) == [
        ["d0", "culture_brand", "文化品牌"], ["d0", "ideological_guidance", "凝聚共识"],
        ["d1", "ideological_guidance", "凝聚共识"], ["d2", "culture_brand", "文化品牌"]]
    by_org = cn.validation_sample(tokens, themes="cppcc", n=1, by="org", random_state=0)
    assert sorted(map(tuple, by_org[["org", "theme"]].values.tolist())) == [
        ("乙", "ideological_guidance"), ("甲", "culture_brand"), ("甲", "ideological_guidance")]
    with pytest.raises(InvalidArgumentError, match="is also a column of the sample"):
        cn.validation_sample(tokens, themes="cppcc", by="theme")


def test_a_store_path_that_looks_like_a_uri_is_a_local_folder(tokens, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tokens.to_parquet("re:((a+)+)+c")
    back = cn.read_tokens("re:((a+)+)+c").compute()
    assert back.words() == tokens.words() and (tmp_path / "re:((a+)+)+c" / "tokens.parquet").is_file()


def test_regress_and_search_k_check_their_options_first(tokens):
    rates = cn.emphasis(tokens, by="org", themes="cppcc")
    with pytest.raises(InputTypeError, match=r"^themes=3\.5 is not a list of theme names"):
        cn.regress(rates, "~ org", themes=3.5)
    with pytest.raises(InvalidArgumentError, match=r"^per="):
        cn.regress(rates, "~ org", per={})
    with pytest.raises(InputTypeError, match=r"^ks=3 is not a list of numbers of topics"):
        cn.search_k(tokens, ks=3)
    with pytest.raises(InvalidArgumentError, match=r"^top_n=-1 is out of range"):
        cn.search_k(tokens, ks=[2, 3], top_n=-1)


def test_rate_intervals_refuses_a_proportion_flag_that_is_not_a_bool(tokens):
    import pandas as pd

    table = cn.emphasis(tokens, by="org", themes="cppcc").with_clusters(None).interval()
    with pytest.raises(InvalidArgumentError, match=r"^proportion=<NA> is not a bool"):
        cn.plot.rate_intervals(table, proportion=pd.NA)


def test_fit_topics_refuses_a_rarity_floor_past_every_token():
    """The seed-2029 campaign: min_term_per_million=1e308 overflowed to inf in the floor's ceil."""
    tokens = cn.tokenize(["凝聚共识，团结奋斗", "协商民主，凝聚共识"], progress=False)
    with pytest.raises(cn.errors.EmptyVocabularyError,
                       match=r"^min_term_per_million=1e\+308 leaves no term \(each would need more than all \d+ tokens\)"):
        cn.fit_topics(tokens, k=2, min_term_per_million=1e308, random_state=0)
