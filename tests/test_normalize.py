"""Normalization: exact outputs and the offset map back to the source."""

from __future__ import annotations

import importlib.util
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import messy_text
from fuzz_targets import check_normalize

from consensus_nlp.errors import InputTypeError, MissingDependencyError
from consensus_nlp.text.normalization import normalize


def test_full_width_letters_and_digits_fold_but_chinese_punctuation_stays():
    n = normalize("２０２１年ＧＤＰ增长６．５％，（一）")
    assert n.text == "2021年GDP增长6.5%，（一）"
    assert n.same_length
    assert n.source_span(0, 4) == (0, 4)


def test_ideographic_space_becomes_a_space():
    assert normalize("凝聚\u3000共识").text == "凝聚 共识"


def test_kangxi_radicals_and_circled_digits_from_pdf_extraction():
    # U+2F00 KANGXI RADICAL ONE looks like 一 but is another code point
    assert normalize("⼀是⼈民①").text == "一是人民1"


def test_expansion_keeps_an_offset_map():
    n = normalize("年㈠甲ﬁ乙")
    assert n.text == "年(一)甲fi乙"
    assert not n.same_length
    assert [n.source_span(i, i + 1) for i in range(len(n.text))] == [
        (0, 1), (1, 2), (1, 2), (1, 2), (2, 3), (3, 4), (3, 4), (4, 5)]
    assert n.source_span(1, 4) == (1, 2)
    assert n.source_span(5, 8) == (3, 5)


def test_unsafe_nfkc_is_left_alone():
    # "…" would become "...", "¨" a space plus a combining mark
    assert normalize("好……¨").text == "好……¨"


def test_combining_marks_are_normalized_with_their_base():
    n = normalize("cafe\u0301 ﬁ")
    assert n.text == "café fi"
    assert n.source_span(0, 4) == (0, 5)
    assert n.source_span(5, 7) == (6, 7)


def test_switches():
    assert normalize("２ⅰ", nfkc=False).text == "2ⅰ"
    assert normalize("２ⅰ", width=False, nfkc=False).text == "２ⅰ"
    assert normalize("２ⅰ").text == "2i"


def test_not_a_str():
    with pytest.raises(InputTypeError, match="text=b"):
        normalize(b"\xe5\x87\x9d")  # type: ignore[arg-type]


@pytest.mark.skipif(importlib.util.find_spec("opencc") is not None, reason="OpenCC is installed")
def test_traditional_without_opencc_is_a_clear_error():
    with pytest.raises(MissingDependencyError, match="opencc"):
        normalize("凝聚共識", traditional=True)


_TEXT = messy_text("\u0308")


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_offset_map_is_monotonic_and_inside_the_source(text):
    check_normalize(text)  # each character maps inside the source, after the previous one or into its cluster
    n = normalize(text)
    assert n.source_span(0, len(n.text)) == ((0, len(text)) if text else (0, 0)) or not n.text
    if n.same_length:
        assert len(n.text) == len(text)


# -- normalize_joined: the batch fast path of tokenize ------------------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(messy_text("\u0308\r\udc80\U00020000\uffff\ufffe·×℃Ⅱ⑵\u2236", max_size=40), max_size=6))
def test_normalize_joined_equals_one_text_at_a_time(texts):
    from consensus_nlp.text.normalization import normalize_joined, normalize_same_length

    expected = [normalize_same_length(t) for t in texts]
    assert normalize_joined(texts) == ("\n".join(t if n is None else n for t, n in zip(texts, expected)),
                                       [i for i, n in enumerate(expected) if n is None])


def test_normalize_joined_folds_width_and_refuses_length_changes():
    from consensus_nlp.text.normalization import normalize_joined

    texts = ["２０２１年", "凝聚共识", "㈠协商", "", "·×", "\U00020000Ａ", "协商\udc80"]
    assert normalize_joined(texts) == ("2021年\n凝聚共识\n㈠协商\n\n·×\n\U00020000A\n协商\ufffd", [2])
