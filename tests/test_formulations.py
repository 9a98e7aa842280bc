"""Formulations: the data file, short and expanded forms, and generic numeric summaries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import consensus_nlp as cn
from consensus_nlp.devices import find_formulations, load_formulations


@pytest.fixture(scope="module")
def speeches(page_path):
    return {d.meta["speaker"]: d for d in cn.read_page(page_path)}


def _labels(text, **kw):
    return [(d.label, d.attrs["form"], d.text) for d in find_formulations(text, **kw)]


# --- the data file ------------------------------------------------------------------------

def test_data_file_entries_are_complete():
    entries = load_formulations()
    labels = [f.label for f in entries]
    assert len(labels) == len(set(labels))
    for required in ["四个认同", "四个意识", "四个自信", "两个维护", "两个确立", "四个全面", "五位一体", "三农", "十三五", "十四五",
                     "一国两制", "两个文明", "三个代表", "三个有利于", "四项基本原则", "两个一百年", "三大攻坚战", "六稳", "六保",
                     "八项规定", "十五", "一五"]:
        assert required in labels
    for f in entries:
        assert f.source and f.gloss and f.category
        assert 0 <= f.min_members <= len(f.members)
    four = next(f for f in entries if f.label == "四个认同")
    assert four.members == (("政治认同",), ("思想认同",), ("理论认同",), ("情感认同",))
    assert four.min_members == 3


# --- the seed speeches --------------------------------------------------------------------

FOUR_IDENTIFICATIONS = {"刘进军": "expanded", "陈华": "expanded", "王燕": "expanded", "张志军": "short", "巨文程": "expanded"}


@pytest.mark.parametrize("speaker", ["张剑蓉", "刘进军", "何效祖", "陈华", "王燕", "张志军", "巨文程"])
def test_four_identifications_in_the_seed(speeches, speaker):
    text = speeches[speaker].text
    found = [d for d in find_formulations(text) if d.label == "四个认同"]
    if speaker not in FOUR_IDENTIFICATIONS:
        assert found == []
        return
    assert [d.attrs["form"] for d in found] == [FOUR_IDENTIFICATIONS[speaker]]
    d = found[0]
    assert text[d.start:d.end] == d.text
    if d.attrs["form"] == "short":
        assert d.text == "四个认同" and d.attrs["quoted"] is True
    else:
        assert d.text == "政治认同、思想认同、理论认同、情感认同"
        assert d.attrs["members"] == ["政治认同", "思想认同", "理论认同", "情感认同"]


def test_four_platforms_generic_with_its_items(speeches):
    text = speeches["何效祖"].text
    found = [d for d in find_formulations(text) if d.attrs["form"] == "generic"]
    assert [(d.label, d.text, d.attrs["count"]) for d in found] == [("四个平台", "四个平台", 4)]
    assert found[0].attrs["members"] == ["搭建传播共识的平台", "搭建学习交流的平台", "搭建协商议政的平台", "搭建广泛联系的平台"]
    assert found[0].attrs["cue"] == "quoted+outline"


def test_huixian_generic_summaries_and_plain_counts(speeches):
    text = speeches["张剑蓉"].text
    found = find_formulations(text)
    assert [(d.label, d.attrs["form"], d.attrs.get("cue")) for d in found] == [
        ("四大文化品牌", "generic", "preceding list"), ("两山一湖", "generic", "quoted compound")]
    assert found[0].attrs["members"] == ["青泥古道", "茶马贸易", "吴玠吴璘与仙人关战役", "红色文化"]
    for plain in ["七个“委员之家”", "15个乡镇"]:
        s = text.index(plain)
        assert not any(d.start < s + len(plain) and s < d.end for d in found), plain


def test_plan_and_sannong_short_forms(speeches):
    assert _labels(speeches["王燕"].text) == [
        ("四个认同", "expanded", "政治认同、思想认同、理论认同、情感认同"), ("十四五", "short", "十四五"),
        ("三农", "short", "三农"), ("十四五", "short", "十四五")]


# --- short forms ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("增强“四个意识”、坚定“四个自信”、做到“两个维护”", [("四个意识", "short", "四个意识"), ("四个自信", "short", "四个自信"),
                                          ("两个维护", "short", "两个维护")]),
        ("“十五”期间经济增长", [("十五", "short", "十五")]),
        ("第十个五年计划顺利完成", [("十五", "short", "第十个五年计划")]),
        ("十五个乡镇都参加了", []),  # a bare 十五 is a count
        ("三十四五岁的干部", []),  # a numeral before 十四五
        ("十四五个单位", []),  # a measure word after it
        ("认真落实中央八项规定精神", [("八项规定", "short", "中央八项规定")]),
        ("坚持“一国两制”方针", [("一国两制", "short", "一国两制")]),
    ],
)
def test_short_forms(text, expected):
    assert _labels(text, generic=False) == expected


# --- expanded forms -------------------------------------------------------------------------

def test_expanded_any_order_and_three_of_four():
    assert _labels("增进情感认同、政治认同和理论认同。", generic=False) == [
        ("四个认同", "expanded", "情感认同、政治认同和理论认同")]


def test_expanded_needs_members_listed_together():
    assert _labels("要在思想认同的基础上团结各方。增进政治认同。深化理论认同。", generic=False) == []
    assert _labels("增进政治认同、思想认同。", generic=False) == []  # two of four


def test_expanded_two_member_formulation_needs_both():
    assert _labels("建设物质文明和精神文明。", generic=False) == [("两个文明", "expanded", "物质文明和精神文明")]
    assert _labels("建设物质文明。", generic=False) == []


def test_compressed_coordination():
    assert _labels("增进政治、思想、理论、情感认同。", generic=False) == [
        ("四个认同", "expanded", "政治、思想、理论、情感认同")]
    assert _labels("树牢政治、大局、核心、看齐意识", generic=False) == [("四个意识", "expanded", "政治、大局、核心、看齐意识")]


def test_line_broken_page_variant_after_rejoining(page_text):
    # on the raw page the members are broken over lines; the rejoined speech has them together
    assert "政治\n\n认同、思想认同" in page_text
    assert find_formulations("政治\n\n认同、思想认同、理论认同、情感认同", generic=False)[0].text == "思想认同、理论认同、情感认同"


# --- generic summaries --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("搭建“三个平台”，凝聚共识。", [("三个平台", "quoted")]),
        ("打造五大品牌。", [("五大品牌", "大")]),
        ("开展“两山一湖”命名活动", [("两山一湖", "quoted compound")]),
        ("做到两个坚持：坚持学习、坚持实践。", [("两个坚持", "colon")]),
        ("我们有三个孩子。", []),
        ("学习了两个星期。", []),
        ("成立了七个“委员之家”。", []),
        ("全县15个乡镇和32个村。", []),
        ("一大批项目开工。", []),
        ("党的十八大报告指出", []),
    ],
)
def test_generic(text, expected):
    assert [(d.label, d.attrs["cue"]) for d in find_formulations(text) if d.attrs["form"] == "generic"] == expected


def test_generic_counts_following_outline_items():
    text = "重点抓好三项工作。\n一是学习。\n二是调研。\n三是建言。"
    found = [d for d in find_formulations(text) if d.attrs["form"] == "generic"]
    assert [(d.label, d.attrs["cue"], d.attrs["members"]) for d in found] == [
        ("三项工作", "outline", ["学习", "调研", "建言"])]
    # the same phrase followed by two items only is a plain count
    assert [d for d in find_formulations("重点抓好三项工作。\n一是学习。\n二是调研。") if d.attrs["form"] == "generic"] == []


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=150), st.text(alphabet="四个认同政治思想理论情感、“”两大三项十五第计划。\n1", max_size=80)))
def test_formulation_spans_are_consistent(text):
    for d in find_formulations(text):
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.text
        assert d.kind == "formulation" and d.attrs["form"] in ("short", "expanded", "generic")


# --- precision review on the government work reports (docs/devices.md) ------------------------

def test_generic_summary_precision_on_reports():
    # 之间 is a postposition, not the term of a summary (1981)
    assert find_formulations("在这两大类之间，还有两类产品和企业。") == []
    # a term ending in a head noun is kept whole (2009, 2003)
    text = "中央财政安排４２３亿元资金，支持十大重点节能工程和环保设施等项目建设。"
    assert [(d.label, d.text, d.attrs["form"], d.attrs["cue"]) for d in find_formulations(text)] == [
        ("十大重点节能工程", "十大重点节能工程", "generic", "大")]
    text = "退耕还林、天然林保护、京津风沙源治理等六大林业生态工程建设全面实施。"
    assert [d.text for d in find_formulations(text)] == ["六大林业生态工程"]
