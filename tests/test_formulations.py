"""Formulations: the data file, short and expanded forms, and generic numeric summaries."""

from __future__ import annotations

from pathlib import Path

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
    # since issue 22 the named formulations without numbers (中国特色社会主义, 脱贫攻坚) are found too;
    # 中国特色社会主义 inside the doctrine name 习近平新时代中国特色社会主义思想 is not one (not_within)
    assert _labels(speeches["王燕"].text) == [
        ("中国特色社会主义", "short", "中国特色社会主义"),
        ("四个认同", "expanded", "政治认同、思想认同、理论认同、情感认同"), ("十四五", "short", "十四五"),
        ("三农", "short", "三农"), ("十四五", "short", "十四五"), ("脱贫攻坚", "short", "脱贫攻坚")]


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


# --- formulations 1949-today (issue 13) ---------------------------------------------------------

ERA_CASES = [
    ("第一个五年计划和第二个五年计划。", [("一五", "第一个五年计划", 1953), ("二五", "第二个五年计划", 1956)]),
    ("在和平共处五项原则的基础上发展关系。", [("和平共处五项原则", "和平共处五项原则", 1953)]),
    # 1960 report
    ("在总路线、大跃进和人民公社这三面红旗的引导下。",  # the members are named formulations too (issue 22)
     [("三面红旗", "总路线、大跃进和人民公社", 1958), ("社会主义建设总路线", "总路线", 1958), ("大跃进", "大跃进", 1957),
      ("三面红旗", "三面红旗", 1958)]),
    ("批判“两个凡是”的错误方针。", [("两个凡是", "两个凡是", 1977)]),
    ("反对“四人帮”的斗争。", [("四人帮", "四人帮", 1976)]),
    ("坚持四项基本原则，坚持“一个中心、两个基本点”。",
     [("四项基本原则", "四项基本原则", 1979), ("一个中心、两个基本点", "一个中心、两个基本点", 1987)]),
    ("实现四化，建设两个文明。", [("四个现代化", "四化", 1964), ("两个文明", "两个文明", 1982)]),
    ("贯彻“三个有利于”标准，实现三步走战略，坚持两手抓、两手都要硬。",
     [("三个有利于", "三个有利于", 1992), ("三步走", "三步走战略", 1987), ("两手抓", "两手抓、两手都要硬", 1986)]),
    ("切实搞好县级“三讲”教育。", [("三讲", "三讲", 1995)]),
    ("实现两个具有全局意义的根本性转变，即两个根本转变。",
     [("两个根本性转变", "两个具有全局意义的根本性转变", 1995), ("两个根本性转变", "两个根本转变", 1995)]),
    ("以“三个代表”重要思想为指导。", [("三个代表", "三个代表", 2000)]),
    ("树立八荣八耻的社会主义荣辱观。", [("八荣八耻", "八荣八耻", 2006)]),
    ("统筹推进“五位一体”总体布局，协调推进“四个全面”战略布局，增强“四个意识”、坚定“四个自信”、做到“两个维护”，深刻领会“两个确立”。",
     [("五位一体", "五位一体", 2012), ("四个全面", "四个全面", 2014), ("四个意识", "四个意识", 2016),
      ("四个自信", "四个自信", 2016), ("两个维护", "两个维护", 2018), ("两个确立", "两个确立", 2021)]),
    ("深刻把握三新一高的要求。", [("三新一高", "三新一高", 2021)]),
]


@pytest.mark.parametrize("text,expected", ERA_CASES)
def test_formulations_of_each_era(text, expected):
    found = [d for d in find_formulations(text) if d.attrs["form"] != "generic"]
    assert [(d.label, d.text, d.attrs["first_year"]) for d in found] == expected


def test_every_entry_has_a_first_year_and_an_introducing_document():
    entries = load_formulations()
    assert len(entries) >= 100
    for f in entries:
        assert 1949 <= f.first_year <= 2026, f.label
        assert f.introduced and f.source, f.label
    years = [f.first_year for f in entries]
    assert years == sorted(years)  # the data file lists them in order of first use
    for required in ["三面红旗", "两个凡是", "四个现代化", "四项基本原则", "一个中心、两个基本点", "三个有利于", "三步走",
                     "两手抓", "两个文明", "三讲", "三个代表", "两个根本性转变", "八荣八耻", "五位一体", "四个全面",
                     "四个意识", "四个自信", "两个维护", "两个确立", "三新一高"]:
        assert required in {f.label for f in entries}
    # every short form is found in a sentence of its own
    for f in entries:
        for form in f.short_forms[:1]:
            assert f.label in [d.label for d in find_formulations(f"坚持{form}。")], form


@pytest.mark.parametrize("text,expected", [
    ("休息一个月，来了两个人。", []),  # never formulations
    ("这三个方面很重要。", []),  # a generic count without its members
    ("抓好三个方面：改革、发展、稳定。", [("三个方面", "colon", ["改革", "发展", "稳定"])]),
    ("在政治、经济、思想和组织这四个方面进行清理。", [("四个方面", "preceding list", ["在政治", "经济", "思想", "组织"])]),  # 1964
    ("开展『六个一百』活动。", [("六个一百", "quoted", [])]),
    ("反对“一切向钱看”。", []),
    ("制定了对外援助的八项原则和六条政治标准。", []),  # known (1964, 1957): not generic
    ("严格执行五项新规定。", [("五项新规定", "named set", [])]),
])
def test_unknown_numeric_shorthands(text, expected):
    found = [d for d in find_formulations(text) if d.attrs["form"] == "generic"]
    assert [(d.label, d.attrs["cue"], d.attrs["members"]) for d in found] == expected


@pytest.mark.parametrize("shape", ["1", "三大工程：", "三个方面：", "“三讲”", "一要，二要，"])
def test_adversarial_inputs_finish(shape):
    text = shape * (50_000 // len(shape))
    devices = cn.tag_text(text)
    assert all(text[d.start:d.end] == d.text for d in devices)


def test_formulation_spread_table():
    corpus = cn.Corpus.from_records([
        {"doc_id": "a", "text": "坚持四项基本原则。", "year": 1979},
        {"doc_id": "b", "text": "坚持“四项基本原则”，实现三步走。", "year": 1987},
        {"doc_id": "c", "text": "坚持四个坚持。三步走战略。", "year": 1987},
        {"doc_id": "d", "text": "抓好三个方面：改革、发展、稳定。", "year": 1992}])
    spread = cn.formulation_spread(corpus, by="year")
    assert spread.values.tolist() == [
        ["四项基本原则", 1979, "a", 1979, 1, 1, 1.0, 1],
        ["四项基本原则", 1979, "a", 1987, 2, 2, 1.0, 2],
        ["三步走", 1987, "b", 1987, 2, 2, 1.0, 2]]
    frame = cn.tag(corpus)
    assert cn.formulation_spread(frame, by="year").equals(spread)
    wide = cn.formulation_spread(corpus, by="year", known_only=False)
    assert wide[wide["formulation"] == "三个方面"][["first_period", "first_doc", "n_docs"]].values.tolist() == [
        [1992, "d", 1]]
    with pytest.raises(cn.errors.InvalidArgumentError, match="speaker"):
        cn.formulation_spread(corpus, by="speaker")
    with pytest.raises(cn.errors.InputTypeError):
        cn.formulation_spread("四项基本原则")  # type: ignore[arg-type]


def test_recall_and_precision_on_the_annotated_sample(gov_reports_dir):
    # tests/data/devices_sample: 1,050 contexts of the 49 reports drawn independently of the tagger and
    # annotated by reading (README there); the floors are the values measured in docs/devices.md
    import sys
    sys.path.insert(0, str(Path(__file__).parent / "data" / "devices_sample"))
    import evaluate

    res = evaluate.counts(gov_reports_dir)
    fp, fr = evaluate.scores(res[("formulation", None)])
    op, orr = evaluate.scores(res[("outline", None)])
    assert res[("formulation", None)]["tp"] + res[("formulation", None)]["fn"] >= 200
    assert res[("outline", None)]["tp"] + res[("outline", None)]["fn"] >= 200
    assert fp >= 0.999 and fr >= 0.950
    assert op >= 0.997 and orr >= 0.947
    # the held-out sample (seed 14, drawn and read after the rules were tuned)
    held = evaluate.counts(gov_reports_dir, "heldout.jsonl")
    hp, hr = evaluate.scores(held[("formulation", None)])
    op, orr = evaluate.scores(held[("outline", None)])
    assert hp >= 0.979 and hr >= 0.979
    assert op >= 0.991 and orr >= 0.957
