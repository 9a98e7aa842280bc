"""Tokens of units cut from their parents' tokens (text/slicing.py) and the keep rule (text/columns.py)."""

from __future__ import annotations

import pytest

import consensus_nlp as cn
from consensus_nlp.errors import InvalidArgumentError
from consensus_nlp.text.columns import keep_types, keeps
from consensus_nlp.text.slicing import unit_tokens

SEG = cn.Segmenter(backend="jieba")


def test_unit_tokens_offsets_point_into_the_unit_texts():
    corpus = cn.Corpus.from_records([{"doc_id": "a", "text": "凝聚共识。\n  坚持党的领导"}, {"doc_id": "b", "text": "履职尽责"}])
    tokens = cn.tokenize(corpus, segmenter=SEG)
    paragraphs = cn.units(corpus, "paragraph")
    cut = unit_tokens(tokens, paragraphs.docvars, paragraphs.texts)
    assert cut.docvars is paragraphs.docvars and cut.doc_ids == ("a/p01", "a/p02", "b/p01")
    assert [[(t.text, t.start, t.end) for t in doc] for doc in cut] == [
        [("凝聚共识", 0, 4)], [("坚持", 0, 2), ("党的领导", 2, 6)], [("履职尽责", 0, 4)]]
    assert cut == cn.tokenize(paragraphs, segmenter=SEG)
    keep = keep_types(tokens.types, (frozenset({"坚持"}), True, True), min_chars=2)
    assert unit_tokens(tokens, paragraphs.docvars, paragraphs.texts, keep_type=keep).words() == [
        ["凝聚共识"], ["党的领导"], ["履职尽责"]]
    with pytest.raises(InvalidArgumentError, match="'a'"):
        unit_tokens(cn.tokenize(corpus[1:], segmenter=SEG), paragraphs.docvars, paragraphs.texts)


def test_keep_rule_is_the_rule_of_tokenize():
    rule = (frozenset({"的", "and"}), True, True)
    words = ["的", "政协", "，", "2021", "3.5%", "GDP", "and", " ", "㐀", "·"]
    assert [keeps(w, rule) for w in words] == [False, True, False, False, False, True, False, False, True, False]
    assert [keeps(w, (frozenset(), False, False)) for w in words] == [True] * 7 + [False, True, True]
    assert keep_types(["的", "政协", "党"], rule, min_chars=2).tolist() == [False, True, False]
