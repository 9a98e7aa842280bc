"""Text pages as newspapers' websites give them: page furniture, spaced digits and spaced names.

The statements page (tests/data/pages/rmzxb-statements.txt) is written in the
style of the text 人民政协报 serves for its statements pages: a 版次 line
``第05版:专访``, a section label with its romanized name, the meeting, three
statements, the source line, the 责编 line and the page number.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import consensus_nlp as cn
from consensus_nlp.errors import InvalidArgumentError
from consensus_nlp.io.page import source_span
from consensus_nlp.io.page.bylines import parse_bylines, parse_credit
from consensus_nlp.io.page.cleaning import clean_spacing, close_spaced_digits
from consensus_nlp.io.page.furniture import furniture_of

PAGES = Path(__file__).parent / "data" / "pages"
STATEMENTS = PAGES / "rmzxb-statements.txt"


@pytest.fixture(scope="module")
def statements() -> cn.Corpus:
    return cn.read_page(STATEMENTS)


def test_the_first_statement_starts_with_its_first_sentence(statements):
    assert [d.meta["paragraphs"] for d in statements] == [
        ("乡村振兴，产业是基础。建议加大对县域特色产业的支持力度，完善利益联结机制，让农民更多分享产业增值收益。"
         "去年全省粮食产量增加5000万吨，带动197个村增收。",
         "要培育新型农业经营主体，带动小农户发展现代农业。"),
        ("要加快农村数字基础设施建设，推动电子商务进村入户，让数字技术更好服务农业生产。",),
        ("地方政协要发挥专门协商机构作用，围绕群众关心的问题开展协商，把协商成果转化为工作举措。",),
    ]
    assert [(d.meta["speaker"], d.meta["position"], d.meta["title"]) for d in statements] == [
        ("杨戌标", "全国政协委员", "推动乡村产业振兴"), ("王志刚", "全国政协常委", "建好用好数字平台"),
        ("李红梅", "兰州市政协主席", "以协商凝聚共识")]
    assert statements[0].meta["paragraph_lines"] == ((6, 10), (11, 12))


def test_the_page_furniture_is_set_apart_and_kept(statements):
    assert statements.meta["meeting"] == "全国政协十三届四次会议"
    assert statements.meta["furniture"] == (
        (None, "edition", "第05版:专访"), (None, "section", "委员说"), (None, "romanized", "WEIYUANSHUO"),
        (None, "source", "《人民政协报》（2021年03月08日 第05版）"), (None, "editor", "责编：王 五"), (None, "page_number", "5"))
    table = cn.explain_page(STATEMENTS)
    furniture = table[table.kind == "furniture"]
    assert furniture.line.tolist() == [1, 2, 3, 22, 23, 24] and furniture.speech.isna().all()
    assert furniture.evidence.tolist()[1] == "section: a label next to a romanized section name"


def test_a_section_label_named_by_the_edition_line_is_furniture():
    page = "第3版 委员履职\n委员履职\n" + STATEMENTS.read_text(encoding="utf-8").split("\n", 3)[3]
    corpus = cn.parse_page(page)
    assert corpus.meta["furniture"][:2] == ((None, "edition", "第3版 委员履职"), (None, "section", "委员履职"))
    assert corpus[0].text.startswith("乡村振兴，产业是基础。")


def test_a_number_alone_inside_a_sentence_stays_in_the_body():
    page = "张三 兰州市政协主席\n近年来，兰州市政协开展专题调研\n15\n次，提出建议40余条。\n12"
    (speech,) = cn.parse_page(page)
    assert speech.text == "近年来，兰州市政协开展专题调研15次，提出建议40余条。"
    assert cn.parse_page(page).meta["furniture"] == ((None, "page_number", "12"),)


@pytest.mark.parametrize("line, kind", [
    ("第05版:专访", "edition"), ("第 12 版：要闻", "edition"), ("《人民日报》（2021年03月08日 第 05 版）", "source"),
    ("责任编辑：张三 李四", "editor"), ("第 3 页", "page_number"), ("- 3 -", "page_number"), ("3/12", "page_number"),
    ("2021年3月8日 星期一", "date"), ("ZHUAN FANG", "romanized"),
    ("全国政协委员杨戌标：乡村振兴", None), ("第一版的说明，见下文。", None), ("China Daily", None), ("5G", None),
])
def test_furniture_lines(line, kind):
    assert furniture_of(line) == kind


# -- spaced digits ----------------------------------------------------------------
def test_spaced_digits_are_closed_up_and_the_statistic_reads_5000(statements):
    text = STATEMENTS.read_text(encoding="utf-8")
    doc = statements[0]
    start = doc.text.index("5000万吨")
    stats = cn.tag(cn.Corpus([doc]))
    (stat,) = stats[(stats.kind == "statistic") & (stats.start == start)].to_dict("records")
    attrs = stat["attrs"]
    assert (stat["text"], attrs["number"], attrs["multiplier"], attrs["unit"]) == ("5000万吨", 5000.0, 10000, "吨")
    # offsets trace back into the text the user gave
    assert text[slice(*source_span(text, doc, stat["start"], stat["end"]))] == "5 0\n0 0 万吨"
    i = doc.text.index("197个")
    assert text[slice(*source_span(text, doc, i, i + 4))] == "1 9 7 个"


def test_source_span_refuses_a_document_from_another_text(statements):
    with pytest.raises(InvalidArgumentError, match="was not read from this text"):
        source_span("另一页", statements[0], 0, 3)
    with pytest.raises(InvalidArgumentError, match="is not a span of a page document"):
        source_span("另一页", statements[0], 5, 2)


@pytest.mark.parametrize("raw, clean", [
    ("增加5 0 0 0 万吨", "增加5000万吨"), ("带动1 9 7 个村", "带动197个村"), ("5 000 万元", "5000万元"),
    ("2020 2021 年", "2020 2021年"), ("等 5 次", "等5次"), ("增长 12.5 %", "增长12.5 %"),
])
def test_close_spaced_digits(raw, clean):
    assert clean_spacing(raw) == clean


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 \u3000万吨个，.年")), max_size=40))
def test_closing_digits_only_removes_spaces_and_is_idempotent(text):
    closed = close_spaced_digits(text)
    assert [c for c in closed if not c.isspace()] == [c for c in text if not c.isspace()]
    assert close_spaced_digits(closed) == closed


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["近年来", "兰州市政协", "开展", "调研", "1", "5", "0", "000", "万吨", "，", "。"]), min_size=1,
                max_size=30), st.sampled_from([" ", "\n", "\r\n"]))
def test_source_span_of_every_paragraph_character_is_that_character(words, sep):
    text = "张三 兰州市政协主席" + sep + sep.join(words) + "。"
    try:
        corpus = cn.parse_page(text)
    except cn.errors.ConsensusNLPError:
        return
    for doc in corpus:
        for k, ch in enumerate(doc.text):
            if ch != "\n":
                s, e = source_span(text, doc, k, k + 1)
                assert text[s:e] == ch


# -- spaced names -------------------------------------------------------------------
def test_spaced_names_in_bylines_and_credits():
    assert [(b.speaker, b.position) for b in parse_bylines("张  三 兰州市政协党组书记、主席")] == [("张三", "兰州市政协党组书记、主席")]
    assert parse_credit("（本报记者  张  三  李四）") == ["张三", "李四"]
    assert parse_credit("（记者 王 小 明）") == ["王小明"]
