"""read_page / parse_page on the seed page, on variants built from it, and on bad input.

Every expected string below was copied from the page (page.txt), not from the
output of the code.
"""

from __future__ import annotations

import doctest
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import consensus_nlp as cn
from consensus_nlp.io.page import attribution, cleaning
from consensus_nlp.io.page import bylines as places
from consensus_nlp.io.page.cleaning import clean_spacing, join_lines
from consensus_nlp.errors import (
    ConsensusNLPError,
    EmptyInputError,
    EncodingDetectionError,
    InputTypeError,
    LayoutError,
)

SPEAKERS = ["张剑蓉", "刘进军", "何效祖", "陈华", "王燕", "张志军", "巨文程"]
POSITIONS = [
    "徽县政协党组书记、主席",
    "省委党校（甘肃行政学院）常务副校（院）长",
    "酒泉市政协党组书记",
    "金昌市政协党组书记、主席",
    "天水市政协党组书记",
    "临夏州政协党组书记、主席",
    "镇原县政协党组书记、主席",
]
ORGANIZATIONS = ["徽县政协", "省委党校", "酒泉市政协", "金昌市政协", "天水市政协", "临夏州政协", "镇原县政协"]
LEVELS = ["county", "province", "city", "city", "city", "prefecture", "county"]
TITLES = [
    "协商凝聚共识 履职助推发展",
    "在“凝聚”上下功夫 在“共识”上做文章",
    "着力搭建“四个平台” 强化凝聚共识职能",
    "广泛凝聚共识 汇聚奋进力量",
    "聚焦主责主业 广泛凝聚共识",
    "强化政治引领广泛凝聚共识 全力推动人民政协工作提质增效",
    "聚共识 汇合力 努力画出最大同心圆",
]
MEETING = "全省政协凝聚共识工作推进会暨理论研究会第三届理事会第四次会议"
FIRST_SENTENCES = [
    "近年来，徽县政协持续做优“委员讲堂”、做强“文化品牌”、做活“委员之家”、做实“基层协商”，以协商凝聚共识，"
    "用履职助推发展，画出最大同心圆，开创了政协工作新局面。",
    "习近平总书记指出“新时代人民政协要把加强思想政治引领、广泛凝聚共识作为中心环节。”",
    "近年来，酒泉市政协坚持把凝聚共识贯穿于政协履职全过程，把握关键环节，搭建“四个平台”，"
    "在深化协商民主实践中促进凝聚共识，为建设幸福美好新酒泉凝聚智慧力量。",
    "近年来，金昌市政协把加强思想政治引领、广泛凝聚共识作为履职中心环节，注重发挥政协“重要阵地”“重要平台”"
    "“重要渠道”作用，在奋进新时代新征程中彰显了政协担当作为。",
    "天水市政协充分发挥专门协商机构作用，紧紧围绕党委政府中心工作，认真履行政治协商、民主监督、参政议政和"
    "凝聚共识职能，为服务全市经济社会高质量发展贡献了政协智慧和力量。",
    "近年来，临夏州政协把加强思想政治引领、广泛凝聚共识作为中心环节，认真履行政协职能，竭尽全力服务民族地区"
    "高质量发展。",
    "近年来，镇原县政协牢牢抓住建言资政和凝聚共识这一中心环节，着力强阵地、增共识、拓平台，为促进县域经济发展"
    "贡献了静水流深的不竭动力，汇聚了助推发展的强大合力。",
]
LAST_SENTENCES = [
    "将187名市、县政协委员全部下沉到村社一线，按照“有事好商量，众人的事情由众人商量”的协商理念，让利益攸关方"
    "坐到同一张圆桌旁，在反复讨论和平等对话中增进共识，将党政部署、发展思路、工作重点更加快捷通畅的贯彻到最基层，"
    "推动解决了一批党委政府难事、村社发展要事、群众生活急事。",
    "要以理服人、以文化人、以情感人，讲好中国共产党与各民主党派风雨同舟、团结奋进的生动故事，聚集正能量，彰显新作为。",
    "出台委员团结引导界别群众工作指导意见，放大凝聚共识的效果。",
    "健全完善委员下沉基层履职实践机制，推动委员深入乡镇（街道）、村（社区），引领身边的界别群众增进最大共识。",
    "市政协领导积极行动，机关干部与社区结对共建，奋战在防疫一线，示范引领各界群众增强万众一心、共克时艰的强大共识。",
    "倡导委员积极主动投身疫情防控战场，共捐款捐物880余万元。",
    "与天津静海区政协密切衔接，为东西部协作交流畅通了政协渠道。",
]
# the lines of the page that are not speech text
BYLINE_LINES = [
    "张剑蓉 徽县政协党组书记、主席",
    "何效祖 酒泉市政协党组书记",
    "陈华 金昌市政协党组书记、主席",
    "刘进军 省委党校（甘肃行政学院）常务副校（院）长",
    "巨文程 镇原县政协党组书记、主席",
    "王燕 天水市政协党组书记 张志军 临夏州政协党组书记、主席",
]
TITLE_LINES = [
    "协商凝聚共识", "履职助推发展", "着力搭建“四个平台”", "强化凝聚共识职能", "广泛凝聚共识", "汇聚奋进力量",
    "在“凝聚”上下功夫", "在“共识”上做文章", "聚共识 汇合力", "努力画出最大同心圆", "聚焦主责主业", "广泛凝聚共识",
    "强化政治引领广泛凝聚共识", "全力推动人民政协工作提质增效",
]


def sentences(text: str) -> list[str]:
    return re.findall(r"[^。！？]*[。！？]”?", text.replace("\n", ""))


def nonblank(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


@pytest.fixture(scope="module")
def page(page_path) -> cn.Corpus:
    return cn.read_page(page_path)


@pytest.fixture(scope="module")
def lines(page_text) -> list[str]:
    """The non-blank lines of the page (the page has a blank line after every line)."""
    return nonblank(page_text)


def block(lines: list[str], first: int, last: int) -> list[str]:
    """Lines first..last (1-based, counted over the non-blank lines, as `grep -v '^$' | cat -n` shows them)."""
    return lines[first - 1 : last]


def same_speeches(a: cn.Corpus, b: cn.Corpus) -> None:
    assert a.texts == b.texts
    for x, y in zip(a, b):
        for key in ("speaker", "position", "organization", "level", "title", "meeting", "paragraphs"):
            assert x.meta[key] == y.meta[key], key


# -- the seed page -----------------------------------------------------------
def test_seed_page_has_the_seven_speeches_in_page_order(page):
    assert len(page) == 7
    assert [d.meta["speaker"] for d in page] == SPEAKERS
    assert [d.meta["position"] for d in page] == POSITIONS
    assert [d.meta["organization"] for d in page] == ORGANIZATIONS
    assert [d.meta["level"] for d in page] == LEVELS
    assert [d.meta["title"] for d in page] == TITLES
    assert page.doc_ids == tuple(f"speech-0{i}" for i in range(1, 8))


def test_page_metadata(page, page_path):
    assert page.meta["meeting"] == MEETING
    assert page.meta["markers"] == ("发言摘登",)
    assert page.meta["source"] == str(page_path)
    assert page.meta["encoding"] == "utf-8"
    assert all(d.meta["meeting"] == MEETING for d in page)


def test_each_body_starts_and_ends_where_its_speech_does(page):
    for doc, first, last in zip(page, FIRST_SENTENCES, LAST_SENTENCES):
        found = sentences(doc.text)
        assert found[0] == first, doc.meta["speaker"]
        assert found[-1] == last, doc.meta["speaker"]


def test_no_byline_title_header_or_marker_inside_a_body(page):
    for doc in page:
        for unwanted in [MEETING, "发言摘登", *BYLINE_LINES, *SPEAKERS]:
            assert unwanted not in doc.text
        for line in TITLE_LINES:
            assert line not in doc.meta["paragraphs"]
        assert "张剑蓉" not in doc.text and "巨文程" not in doc.text


def test_every_body_line_is_in_exactly_one_speech(page, lines):
    """Nothing lost, nothing duplicated: the speeches are the page minus bylines, titles, header and marker."""
    meta_lines = set(BYLINE_LINES) | set(TITLE_LINES) | {" " + MEETING, "（发言摘登）"}
    assert sum(1 for line in lines if line in meta_lines) == 6 + 14 + 2
    body = "".join(line for line in lines if line not in meta_lines).replace(" ", "")
    # each speech is one stretch of the page, in page order
    assert "".join(page.texts).replace("\n", "") == body


def test_paragraphs_are_rejoined(page):
    jinchang = page[3]
    assert jinchang.meta["paragraphs"][1] == "一、加强思想政治引领，在提高政治站位中广泛凝聚共识"
    assert jinchang.meta["paragraphs"][3] == "二、坚持服务中心大局，在助推高质量发展中广泛凝聚共识"
    assert jinchang.meta["paragraphs"][5] == "三、突出团结民主主题，在大团结大联合中广泛凝聚共识"
    assert page[6].meta["paragraphs"][1] == "一、加强思想引领，着力筑牢凝聚共识的政治基础"
    assert [len(d.meta["paragraphs"]) for d in page] == [5, 5, 5, 7, 6, 6, 7]
    assert all(d.text == "\n".join(d.meta["paragraphs"]) for d in page)
    # a run-in heading ("……思想政治基" / "础。把学习……") stays one paragraph
    assert page[5].meta["paragraphs"][1].startswith("一、强化理论武装，夯实凝聚共识的思想政治基础。把学习贯彻")
    # the 天水 speech ends and the 临夏 speech begins inside one column without a short line
    assert page[4].meta["paragraphs"][-1].endswith("示范引领各界群众增强万众一心、共克时艰的强大共识。")
    assert page[5].meta["paragraphs"][0] == FIRST_SENTENCES[5]


def test_title_evidence_for_the_shared_byline_line(page):
    """The two titles after "王燕 … 张志军 …" are told apart by the phrases they share with the bodies."""
    tianshui, linxia, party_school = page[4].text, page[5].text, page[1].text
    political = "强化政治引领广泛凝聚共识 全力推动人民政协工作提质增效"
    assert attribution._shared_phrases(political, linxia) == ["强化", "政治引领", "广泛凝聚共识", "全力", "人民", "政协工作"]
    assert attribution._shared_phrases(political, tianshui) == ["政治", "引领", "凝聚共识", "全力推", "政协工作"]
    focus = "聚焦主责主业 广泛凝聚共识"
    assert (attribution._overlap(focus, tianshui), attribution._overlap(focus, linxia)) == (10.0, 25.0)
    assert (attribution._overlap(political, tianshui), attribution._overlap(political, linxia)) == (24.0, 46.0)
    # the party school's title shares its quoted words with its body, and with no other body
    quoted = "在“凝聚”上下功夫 在“共识”上做文章"
    assert attribution._shared_phrases(quoted, party_school) == ["在“凝聚”", "在“共识”"]
    assert [attribution._overlap(quoted, text) for text in page.texts] == [2.0, 32.0, 2.0, 2.0, 2.0, 2.0, 2.0]


def test_assignment_is_one_to_one_and_eliminates():
    assert attribution.assign([[4.5, 0.5, 0.0], [0.0, 0.0, 0.0], [0.0, 4.0, 0.5]]) == [(0, 0), (1, 2), (2, 1)]
    assert attribution.assign([[1.0], [2.0]]) == [(1, 0)]
    assert attribution.assign([[10.0, 25.0], [24.0, 46.0]]) == [(0, 0), (1, 1)]


# -- cleaning rules, with strings from the page ------------------------------
def test_spaces_around_numbers_are_removed(page):
    assert "先后成功举办了“陇蜀古道青泥道”等5次学术研讨会。" in page[0].text
    assert "在全县15个乡镇和32个村、2个社区创建了镇村协商议事会和协商议事室。将187名市、县政协委员" in page[0].text
    assert clean_spacing("等 5 次学术研讨会") == "等5次学术研讨会"
    assert clean_spacing("收集 120 多人次，提交提案 201 件") == "收集120多人次，提交提案201件"


def test_letter_spaced_line_is_closed_up(page):
    assert "近年来审查立案的942件提案，其中民生类提案办复率达到100%。" in page[3].text
    assert clean_spacing("其 中 民 生 类 提 案 办 复 率 达 到") == "其中民生类提案办复率达到"


def test_number_split_over_two_lines_is_rejoined(page):
    assert "协商落实具体问题1900余件。" in page[3].text
    assert join_lines(["延伸工作，协商落实具体问题 1900", "余件。健全完善委员下沉基层履职"]) == (
        "延伸工作，协商落实具体问题1900余件。健全完善委员下沉基层履职"
    )


def test_spaces_inside_latin_text_are_kept():
    assert clean_spacing("开通 Sichuan Daily 专栏") == "开通Sichuan Daily专栏"
    assert join_lines(["报道见 China", "Daily 第 3 版"]) == "报道见China Daily第3版"
    assert clean_spacing("World  Health Organization") == "World Health Organization"


def test_ascii_punctuation_is_left_as_printed(page):
    # the page prints an ASCII comma here; the reader does not normalize punctuation
    assert "发挥政协文史资料工作团结育人作用,编印《酒泉文史》等文史资料" in page[2].text


# -- tracing paragraphs back to the page -------------------------------------
@pytest.mark.parametrize("doc, paragraph", [(0, 0), (0, 2), (3, 1), (3, 4), (4, 5), (5, 0), (6, 6)])
def test_paragraph_lines_point_at_the_source(page, page_text, doc, paragraph):
    first, last = page[doc].meta["paragraph_lines"][paragraph]
    source = page_text.split("\n")[first - 1 : last]
    # an independent cleaning: the page has no Latin text, so every space goes
    assert "".join(source).replace(" ", "") == page[doc].meta["paragraphs"][paragraph]


def test_paragraph_line_numbers_are_exact(page, page_text):
    # compact line k (as `grep -v '^$' | cat -n` numbers them) -> line number in the file
    file_line = [n for n, line in enumerate(page_text.split("\n"), 1) if line.strip()]
    at = lambda k: file_line[k - 1]  # noqa: E731
    assert (at(1), at(4), at(44), at(273), at(274)) == (2, 8, 87, 543, 545)  # blank lines are irregular
    assert page[0].meta["paragraph_lines"][0] == (at(1), at(4))
    assert page[4].meta["paragraph_lines"][-1] == (at(267), at(273))
    assert page[5].meta["paragraph_lines"][0] == (at(274), at(276))
    assert page[0].meta["byline_line"] == at(41)
    assert page[0].meta["title_lines"] == (at(42), at(43))
    assert page[1].meta["byline_line"] == at(233)
    assert page[1].meta["title_lines"] == (at(231), at(232))
    assert page[4].meta["byline_line"] == page[5].meta["byline_line"] == at(357)
    assert page[5].meta["title_lines"] == (at(360), at(361))


# -- variants of the page ----------------------------------------------------
def test_gb18030_with_crlf_gives_the_same_speeches(page, page_text, tmp_path):
    path = tmp_path / "page-gb18030.txt"
    path.write_bytes(page_text.replace("\n", "\r\n").encode("gb18030"))
    variant = cn.read_page(path)
    assert variant.meta["encoding"] == "gb18030"
    same_speeches(variant, page)
    assert [d.meta["paragraph_lines"] for d in variant] == [d.meta["paragraph_lines"] for d in page]


def test_old_mac_line_endings_give_the_same_speeches(page, page_text):
    same_speeches(cn.parse_page(page_text.replace("\n", "\r")), page)


def test_no_blank_lines_gives_the_same_speeches(page, lines):
    variant = cn.parse_page("\n".join(lines))
    same_speeches(variant, page)
    assert variant[0].meta["paragraph_lines"][0] == (1, 4)


def test_bylines_and_titles_before_their_bodies(page, lines):
    """Each speaker's byline and title moved right before the body (the shared byline line before 天水 + 临夏)."""
    b = lambda i, j: block(lines, i, j)  # noqa: E731
    variant = (
        b(44, 44) + b(362, 362)
        + b(41, 43) + b(1, 40)
        + b(231, 233) + b(45, 104)
        + b(165, 167) + b(105, 164)
        + b(228, 230) + b(168, 227)
        + b(357, 361) + b(234, 313)
        + b(354, 356) + b(314, 353)
    )
    assert len(variant) == len(lines)
    same_speeches(cn.parse_page("\n".join(variant)), page)


def test_groups_moved_before_the_preceding_body(page, lines):
    """Every block of bylines/titles moved up one body: bodies touch that were apart on the page."""
    b = lambda i, j: block(lines, i, j)  # noqa: E731
    variant = (
        b(41, 44) + b(1, 40) + b(45, 104) + b(165, 167) + b(105, 164) + b(228, 233)
        + b(168, 227) + b(234, 273) + b(274, 313) + b(354, 362) + b(314, 353)
    )
    assert len(variant) == len(lines)
    same_speeches(cn.parse_page("\n".join(variant)), page)


def test_running_header_inside_a_column_does_not_end_the_speech(page, lines):
    variant = block(lines, 1, 20) + [" " + MEETING] + block(lines, 21, 43) + block(lines, 45, 362)
    corpus = cn.parse_page("\n".join(variant))
    same_speeches(corpus, page)
    assert corpus[0].meta["paragraph_lines"][2] == (11, 23)  # the 二是 paragraph spans the header line (21)


def test_titles_first_then_bylines_then_bodies(page, lines):
    """A common newspaper layout: title, byline, body; the shared byline line split in two."""
    b = lambda i, j: block(lines, i, j)  # noqa: E731
    variant = (
        b(44, 44)
        + b(42, 43) + b(41, 41) + b(1, 40)
        + b(231, 233) + b(45, 104)
        + b(166, 167) + b(165, 165) + b(105, 164)
        + b(229, 230) + b(228, 228) + b(168, 227)
        + b(358, 359) + ["王燕 天水市政协党组书记"] + b(234, 273)
        + b(360, 361) + ["张志军 临夏州政协党组书记、主席"] + b(274, 313)
        + b(355, 356) + b(354, 354) + b(314, 353)
        + b(362, 362)
    )
    same_speeches(cn.parse_page("\n".join(variant)), page)


def test_all_bodies_first_then_all_bylines_and_titles_in_reverse(page, lines):
    """No byline or title next to its body: the seven bodies touch and every attribution rests on evidence."""
    b = lambda i, j: block(lines, i, j)  # noqa: E731
    variant = (
        b(1, 40) + b(45, 164) + b(168, 227) + b(234, 353)
        + b(357, 362) + b(354, 356) + b(228, 233) + b(165, 167) + b(41, 44)
    )
    assert len(variant) == len(lines)
    same_speeches(cn.parse_page("\n".join(variant)), page)


# -- another page ------------------------------------------------------------
OTHER_PAGE = """\
近年来，绵阳市政协坚持把凝聚共识作为
中心工作，围绕全市发展大局建言献策，
取得了明显成效。
一是加强学习。组织委员集中学习 12 次，
参加人数达 300余人次。
二是搭建平台。开通 Sichuan Daily 专栏
“绵阳政协”，建立委员工作室 8 个。
李明 绵阳市政协党组书记、主席
凝聚共识
助推发展
近年来，阿坝州政协围绕民族团结进步，
广泛开展协商议政活动。
一是深入调研。围绕乡村振兴开展调研 5
次，提出建议 40 余条。
二是广泛联谊。联系各界人士，增进团结
共识。
扎西·次仁 阿坝州政协副主席
 全省政协工作经验交流会
团结奋进
共筑同心
（交流发言）
"""


def test_a_page_from_another_province():
    corpus = cn.parse_page(OTHER_PAGE, source="sichuan.txt", doc_prefix="sc")
    assert corpus.doc_ids == ("sc-01", "sc-02")
    assert corpus.meta == {"kind": "speeches", "kind_evidence": "2 bylines (李明, 扎西·次仁)", "meeting": "全省政协工作经验交流会",
                           "markers": ("交流发言",), "source": "sichuan.txt"}
    first, second = corpus
    assert first.text == (
        "近年来，绵阳市政协坚持把凝聚共识作为中心工作，围绕全市发展大局建言献策，取得了明显成效。\n"
        "一是加强学习。组织委员集中学习12次，参加人数达300余人次。\n"
        "二是搭建平台。开通Sichuan Daily专栏“绵阳政协”，建立委员工作室8个。"
    )
    assert second.text == (
        "近年来，阿坝州政协围绕民族团结进步，广泛开展协商议政活动。\n"
        "一是深入调研。围绕乡村振兴开展调研5次，提出建议40余条。\n"
        "二是广泛联谊。联系各界人士，增进团结共识。"
    )
    assert [(d.meta["speaker"], d.meta["organization"], d.meta["level"], d.meta["title"]) for d in corpus] == [
        ("李明", "绵阳市政协", "city", "凝聚共识 助推发展"),
        ("扎西·次仁", "阿坝州政协", "prefecture", "团结奋进 共筑同心"),
    ]
    assert second.meta["position"] == "阿坝州政协副主席"
    assert first.meta["paragraph_lines"] == ((1, 3), (4, 5), (6, 7))


def test_two_speeches_in_one_run_without_enumeration_are_split_by_the_organization_they_name():
    page = "\n".join([
        "近年来，绵阳市政协坚持把凝聚共识作为",
        "中心工作，围绕全市发展大局建言献策，",
        "取得了明显成效。组织委员集中学习 12",
        "次，参加人数达 300余人次。",
        "阿坝州政协围绕民族团结进步，广泛开展",
        "协商议政活动，联系各界人士，增进团结",
        "共识。",
        "李明 绵阳市政协党组书记、主席 扎西·次仁 阿坝州政协副主席",
        "凝聚共识",
        "助推发展",
        "团结奋进",
        "共筑同心",
    ])
    corpus = cn.parse_page(page)
    assert corpus.texts == (
        "近年来，绵阳市政协坚持把凝聚共识作为中心工作，围绕全市发展大局建言献策，取得了明显成效。"
        "组织委员集中学习12次，参加人数达300余人次。",
        "阿坝州政协围绕民族团结进步，广泛开展协商议政活动，联系各界人士，增进团结共识。",
    )
    assert [(d.meta["speaker"], d.meta["title"]) for d in corpus] == [
        ("李明", "凝聚共识 助推发展"), ("扎西·次仁", "团结奋进 共筑同心"),
    ]
    assert corpus[1].meta["paragraph_lines"] == ((5, 7),)


@pytest.mark.parametrize("head", [
    ["李明 绵阳市政协党组书记、主席", "凝聚共识", "助推发展"],
    ["凝聚共识", "助推发展", "李明 绵阳市政协党组书记、主席"],
])
def test_an_unpunctuated_first_body_line_is_not_taken_for_a_title(head):
    body = ["近年来绵阳市政协坚持把凝聚共识作为中心", "工作，围绕全市发展大局建言献策，取得了", "明显成效。"]
    (speech,) = cn.parse_page("\n".join(head + body))
    assert speech.text == "近年来绵阳市政协坚持把凝聚共识作为中心工作，围绕全市发展大局建言献策，取得了明显成效。"
    assert (speech.meta["speaker"], speech.meta["title"]) == ("李明", "凝聚共识 助推发展")
    assert speech.meta["paragraph_lines"] == ((4, 6),)


# -- bylines, organizations, levels ------------------------------------------
def test_bylines_are_read_with_their_organization_and_level():
    two = places.parse_bylines("王燕 天水市政协党组书记 张志军 临夏州政协党组书记、主席")
    assert [(b.speaker, b.position, b.organization, b.level) for b in two] == [
        ("王燕", "天水市政协党组书记", "天水市政协", "city"),
        ("张志军", "临夏州政协党组书记、主席", "临夏州政协", "prefecture"),
    ]
    party_school = places.parse_bylines("刘进军 省委党校（甘肃行政学院）常务副校（院）长")
    assert party_school == [places.Byline("刘进军", "省委党校（甘肃行政学院）常务副校（院）长", "省委党校", "province")]
    assert places.parse_bylines("张三（平凉市崆峒区政协主席）")[0].level == "county"
    assert places.parse_bylines("甘肃省政协副主席\u3000李四") == [places.Byline("李四", "甘肃省政协副主席", "甘肃省政协", "province")]
    for line in ["其 中 民 生 类 提 案 办 复 率 达 到", "聚共识 汇合力", "协商凝聚共识", " " + MEETING, "近年来，徽县政协持续做优"]:
        assert places.parse_bylines(line) is None, line


@pytest.mark.parametrize(
    "organization, level",
    [
        ("徽县政协", "county"), ("酒泉市政协", "city"), ("临夏州政协", "prefecture"), ("省委党校", "province"),
        ("省政协", "province"), ("甘肃省政协", "province"), ("宁夏回族自治区政协", "province"),
        ("临夏回族自治州政协", "prefecture"), ("积石山保安族东乡族撒拉族自治县政协", "county"),
        ("天津静海区政协", "county"), ("全国政协", "national"), ("市委党校", "city"), ("甘南藏族自治州委党校", "prefecture"),
    ],
)
def test_organization_level(organization, level):
    assert places.organization_level(organization) == level


def test_module_doctests():
    for module in (cleaning, places, attribution):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


# -- bad input ---------------------------------------------------------------
def test_empty_file_and_whitespace(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(EmptyInputError):
        cn.read_page(empty)
    with pytest.raises(EmptyInputError, match="holds no text"):
        cn.parse_page(" \n\r\n\t\u3000\n")


def test_binary_garbage(tmp_path):
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(random.Random(0).randbytes(4000))
    with pytest.raises(EncodingDetectionError, match="GB18030"):
        cn.read_page(garbage)
    with pytest.raises(LayoutError):
        cn.parse_page("\x00\x01\x02 \x7f\n" * 10)


def test_page_without_a_speech_says_what_it_looked_for(gov_reports_dir):
    report = (gov_reports_dir / "1954政府工作报告_周恩来.txt").read_text(encoding="utf-8")[:3000]
    with pytest.raises(LayoutError, match="has no byline.*name, a space, an organization and a position"):
        cn.parse_page(report)
    with pytest.raises(LayoutError, match="no speech text"):
        cn.parse_page("张剑蓉 徽县政协党组书记、主席\n协商凝聚共识\n")


def test_wrong_types():
    with pytest.raises(InputTypeError, match="is not a str"):
        cn.parse_page(b"\xe5\x87\x9d")
    with pytest.raises(InputTypeError):
        cn.parse_page(["近年来"])
    with pytest.raises(InputTypeError):
        cn.read_page(42)
    with pytest.raises(ValueError):
        cn.parse_page("张剑蓉 徽县政协党组书记、主席", doc_prefix="")


def test_reading_is_deterministic(page_path):
    a, b = cn.read_page(page_path), cn.read_page(page_path)
    assert a == b and a.to_records() == b.to_records()


# -- properties --------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("凝聚共识政协 5１a。，“”\u3000\t"), max_size=60))
def test_clean_spacing_is_idempotent_and_only_removes_spaces(text):
    cleaned = clean_spacing(text)
    assert clean_spacing(cleaned) == cleaned
    assert [ch for ch in cleaned if not ch.isspace()] == [ch for ch in text if not ch.isspace()]
    assert not re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", cleaned)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_selection_of_page_lines_is_read_or_refused_cleanly(lines, data):
    """Shuffled or partial pages never crash: a corpus whose paragraphs trace back to the input, or a LayoutError."""
    chosen = data.draw(st.lists(st.sampled_from(lines), min_size=1, max_size=80))
    text = "\n".join(chosen)
    try:
        corpus = cn.parse_page(text)
    except LayoutError:
        return
    except ConsensusNLPError as exc:  # pragma: no cover - would be a bug
        pytest.fail(f"unexpected {exc!r}")
    source = text.split("\n")
    for doc in corpus:
        assert doc.text == "\n".join(doc.meta["paragraphs"])
        for paragraph, (first, last) in zip(doc.meta["paragraphs"], doc.meta["paragraph_lines"]):
            assert 1 <= first <= last <= len(source)
            assert "".join(source[first - 1 : last]).replace(" ", "").startswith(paragraph[:1])
            assert set(paragraph) <= set("".join(source[first - 1 : last]))


_PAGE_CHARS = st.sampled_from(list("张剑蓉徽县政协党组书记、主席近年来凝聚共识，。“”（）一是二是１２ \u3000\t\r\n\x0c—…"))


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=300), st.text(alphabet=_PAGE_CHARS, max_size=300)))
def test_arbitrary_text_is_read_or_refused_with_a_library_error(text):
    try:
        corpus = cn.parse_page(text)
    except ConsensusNLPError:
        return
    for doc in corpus:  # whatever was read points back to the input
        assert all(set(p) <= set(text) | {" ", "\n"} for p in doc.meta["paragraphs"])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), crlf=st.booleans())
def test_shuffled_page_lines_are_read_or_refused_with_a_library_error(page_text, seed, crlf):
    lines = page_text.split("\n")
    random.Random(seed).shuffle(lines)
    text = ("\r\n" if crlf else "\n").join(lines)
    try:
        corpus = cn.parse_page(text)
    except ConsensusNLPError:
        return
    width = max(2, len(str(len(corpus))))
    assert corpus.doc_ids == tuple(f"speech-{i:0{width}d}" for i in range(1, len(corpus) + 1))
    for doc in corpus:
        assert doc.text and doc.text == "\n".join(doc.meta["paragraphs"])
        assert set(doc.text) <= set(page_text) | {" "}


def test_a_file_without_bylines_is_named_in_the_error_not_quoted(gov_reports_dir, tmp_path):
    path = tmp_path / "speech.txt"
    path.write_text((gov_reports_dir / "2016政府工作报告_李克强.txt").read_text(encoding="utf-8")[:2000], encoding="utf-8")
    with pytest.raises(LayoutError) as info:
        cn.read_page(path)
    message = str(info.value)
    assert message.startswith(f"source={str(path)!r} is not a page of speeches: it has no byline; accepted: ")
    assert "2016政府工作报告" not in message
    assert message.endswith("on the command line, give a folder of .txt files, several .txt files, or a .jsonl/.csv file.")
