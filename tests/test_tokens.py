"""Tokens analysis methods: KWIC, frequencies, collocations, n-grams, gensim."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consensus_nlp.errors import InputTypeError, InvalidArgumentError, UnknownNameError
from consensus_nlp.text.segmentation import Segmenter, tokenize
from consensus_nlp.text.tokens import Token, Tokens


def _tokens(docs: dict[str, list[str]], metas: list[dict] | None = None) -> Tokens:
    """Tokens whose texts are the words joined with '/' (offsets computed here)."""
    ids, texts, toks = [], [], []
    for doc_id, words in docs.items():
        text, spans, at = "", [], 0
        for w in words:
            spans.append(Token(w, at, at + len(w)))
            text += w + "/"
            at += len(w) + 1
        ids.append(doc_id)
        texts.append(text)
        toks.append(spans)
    return Tokens(ids, texts, metas or [{} for _ in ids], toks)


@pytest.fixture(scope="module")
def speech() -> Tokens:
    text = "近年来，徽县政协持续做优“委员讲堂”、做活“委员之家”，以协商凝聚共识，画出最大同心圆。凝聚共识是重要职责。"
    return tokenize(["", text], segmenter=Segmenter(backend="jieba"))


def test_kwic_rows_are_slices_of_the_source(speech):
    frame = speech.kwic("凝聚共识", window=2)
    assert frame.columns.tolist() == ["doc_id", "start", "end", "left", "keyword", "right"]
    assert frame.to_dict("records") == [
        {"doc_id": "doc-1", "start": 31, "end": 35, "left": "以协商", "keyword": "凝聚共识", "right": "，画出最大"},
        {"doc_id": "doc-1", "start": 44, "end": 48, "left": "最大同心圆。", "keyword": "凝聚共识", "right": "是重要职责"},
    ]


def test_kwic_regex_and_window_zero(speech):
    frame = speech.kwic(r"委员.+", regex=True, window=0)
    assert frame[["keyword", "left", "right"]].values.tolist() == [["委员讲堂", "", ""], ["委员之家", "", ""]]
    assert speech.kwic("不存在").empty


def test_kwic_bad_arguments(speech):
    with pytest.raises(InputTypeError):
        speech.kwic(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="window=-1"):
        speech.kwic("凝聚共识", window=-1)
    with pytest.raises(InvalidArgumentError, match="not a valid regex"):
        speech.kwic("(", regex=True)


def test_frequencies_overall_and_by_group():
    toks = _tokens({"a": ["凝聚共识", "协商", "凝聚共识"], "b": ["协商", "同心圆"], "c": ["凝聚共识"]},
                   metas=[{"org": "甲"}, {"org": "乙"}, {"org": "甲"}])
    overall = toks.frequencies()
    assert overall.values.tolist() == [["凝聚共识", 3, 2, 0.5], ["协商", 2, 2, 2 / 6], ["同心圆", 1, 1, 1 / 6]]
    by = toks.frequencies(by="org")
    assert by.columns.tolist() == ["org", "token", "count", "docs", "share"]
    assert by.values.tolist() == [["甲", "凝聚共识", 3, 2, 0.75], ["甲", "协商", 1, 1, 0.25],
                                  ["乙", "协商", 1, 1, 0.5], ["乙", "同心圆", 1, 1, 0.5]]
    with pytest.raises(UnknownNameError, match="by='speaker'"):
        toks.frequencies(by="speaker")


def test_collocations_measures_by_hand():
    # pairs (window 1): 凝聚->共识 x2, 共识->凝聚 x1; n = 3 pairs
    toks = _tokens({"a": ["凝聚", "共识", "凝聚", "共识"]})
    npmi = toks.collocations(min_count=1)
    assert npmi.columns.tolist() == ["first", "second", "count", "npmi"]
    assert npmi[["first", "second", "count"]].values.tolist() == [["凝聚", "共识", 2], ["共识", "凝聚", 1]]
    # P(凝聚 first) = 2/3, P(共识 second) = 2/3, P(pair) = 2/3 -> pmi = log2(1.5), npmi = 1
    assert npmi["npmi"].tolist() == pytest.approx([1.0, math.log2(3 * 1 / (1 * 1)) / -math.log2(1 / 3)])
    pmi = toks.collocations(min_count=2, measure="pmi")
    assert pmi.values.tolist() == [["凝聚", "共识", 2, pytest.approx(math.log2(1.5))]]
    g2 = toks.collocations(min_count=2, measure="g2")
    expected = 2 * (2 * math.log(2 / (4 / 3)) + 1 * math.log(1 / (1 / 3)))
    assert g2["g2"].tolist() == pytest.approx([expected])


def test_collocations_window_and_errors():
    toks = _tokens({"a": ["甲", "乙", "丙"], "b": ["甲", "丙"]})
    wide = toks.collocations(min_count=2, window=2)
    assert wide[["first", "second", "count"]].values.tolist() == [["甲", "丙", 2]]
    with pytest.raises(UnknownNameError, match="measure='dice'"):
        toks.collocations(measure="dice")
    with pytest.raises(InvalidArgumentError, match="min_count=0"):
        toks.collocations(min_count=0)


def test_ngrams_keep_documents_and_spans(speech):
    grams = _tokens({"a": ["以", "协商", "凝聚共识"], "b": ["同心圆"]}).ngrams(2)
    assert isinstance(grams, Tokens)
    assert grams.words() == [["以协商", "协商凝聚共识"], []]
    assert [(t.start, t.end) for t in grams.tokens[0]] == [(0, 4), (2, 9)]
    assert grams.params["ngrams"] == 2
    assert _tokens({"a": ["以", "协商"]}).ngrams(2, sep="_").words() == [["以_协商"]]


def test_to_gensim_ids_follow_sorted_tokens():
    toks = _tokens({"a": ["协商", "凝聚共识", "协商"], "b": ["同心圆", "凝聚共识"]})
    dictionary, bows = toks.to_gensim()
    assert dictionary.token2id == {"凝聚共识": 0, "协商": 1, "同心圆": 2}
    assert bows == [[(0, 1), (1, 2)], [(0, 1), (2, 1)]]
    assert dictionary.num_docs == 2 and dictionary.dfs == {0: 2, 1: 1, 2: 1}
    assert dictionary[2] == "同心圆"
    reversed_docs = _tokens({"b": ["同心圆", "凝聚共识"], "a": ["协商", "凝聚共识", "协商"]})
    assert reversed_docs.to_gensim()[0].token2id == dictionary.token2id


def test_to_dataframe_columns(speech):
    frame = speech.to_dataframe()
    assert frame.columns.tolist() == ["doc_id", "position", "token", "start", "end", "pos"]
    assert frame.iloc[0].tolist() == ["doc-1", 0, "近年来", 0, 3, None]


_WORDS = st.lists(st.sampled_from(["凝聚共识", "协商", "，", "委员讲堂", "２０２１", "年", "㈠", " ", "做优", "。", "ﬁ"]),
                  max_size=30)


@settings(max_examples=100, deadline=None)
@given(_WORDS, st.integers(min_value=0, max_value=4))
def test_kwic_lines_match_the_source_at_their_offsets(words, window):
    text = "".join(words)
    toks = tokenize([text], segmenter=Segmenter(backend="rjieba"), drop_punct=False)
    for pattern in ("凝聚共识", "2021", "(一)"):
        for row in toks.kwic(pattern, window=window).itertuples():
            assert text[row.start:row.end] == row.keyword
            assert text[row.start - len(row.left):row.start] == row.left
            assert text[row.end:row.end + len(row.right)] == row.right


def test_progress_bar_only_when_asked(capsys):
    seg = Segmenter(backend="rjieba")
    tokenize(["凝聚共识", "同心圆"], segmenter=seg, progress=True)
    assert "tokenize" in capsys.readouterr().err
    tokenize(["凝聚共识", "同心圆"], segmenter=seg)  # stderr is not a terminal under pytest
    assert capsys.readouterr().err == ""


def test_select_keeps_the_named_documents_in_the_given_order():
    toks = Tokens(["a", "b", "c"], ["凝聚共识", "基层协商", "委员之家"], [{"n": 1}, {"n": 2}, {"n": 3}],
                  [[Token("凝聚共识", 0, 4)], [Token("基层协商", 0, 4)], [Token("委员之家", 0, 4)]], params={"x": 1})
    picked = toks.select(["c", "a"])
    assert picked.doc_ids == ("c", "a")
    assert picked.words() == [["委员之家"], ["凝聚共识"]]
    assert [dict(m) for m in picked.metas] == [{"n": 3}, {"n": 1}]
    assert dict(picked.params) == {"x": 1}
    with pytest.raises(UnknownNameError, match="doc_ids='z'"):
        toks.select(["z"])
    with pytest.raises(InputTypeError):
        toks.select("a")
