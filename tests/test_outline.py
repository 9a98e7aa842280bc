"""Outlines: the seed speeches, government work reports, and every deliberate precision decision."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import consensus_nlp as cn
from consensus_nlp.devices import OutlineItem, outline
from consensus_nlp.errors import InputTypeError

SEED_HEADLINES = {
    "张剑蓉": ["做优“委员讲堂”，强化思想政治引领", "做强“文化品牌”，筑牢文化交流纽带",
            "做活“委员之家”，贡献政协智慧力量", "做实“基层协商”，提升政协履职成效"],
    "刘进军": ["在方向的启发引领上用功", "在双向互动上用情", "在内心的深刻认同上用心", "在润物无声上用力"],
    "何效祖": ["搭建传播共识的平台", "搭建学习交流的平台", "搭建协商议政的平台", "搭建广泛联系的平台"],
    "陈华": ["加强思想政治引领，在提高政治站位中广泛凝聚共识", "坚持服务中心大局，在助推高质量发展中广泛凝聚共识",
           "突出团结民主主题，在大团结大联合中广泛凝聚共识"],
    "王燕": ["注重思想引领增共识", "坚持搭台引智聚共识", "创新提案办理谋共识", "推进基层协商促共识", "围绕重点工作显共识"],
    "张志军": ["强化理论武装，夯实凝聚共识的思想政治基础", "坚持党的领导，提高凝聚共识的政治引领力",
            "深入协商议政，在服务改革发展中聚智聚力", "坚持双向发力，在团结合作中凝聚共识",
            "坚持人民至上，在促进民生事业中汇聚力量"],
    "巨文程": ["加强思想引领，着力筑牢凝聚共识的政治基础", "主动担当作为，着力彰显团结奋进的一致共识",
            "坚持守正创新，着力拓展凝聚共识的路径载体"],
}
SEED_MARKERS = {"张剑蓉": "是", "刘进军": "是", "何效祖": "是", "陈华": "、", "王燕": "是", "张志军": "、", "巨文程": "、"}


@pytest.fixture(scope="module")
def speeches(page_path):
    return cn.read_page(page_path)


def test_seed_speakers_in_page_order(speeches):
    assert [d.meta["speaker"] for d in speeches] == list(SEED_HEADLINES)


@pytest.mark.parametrize("speaker", list(SEED_HEADLINES))
def test_seed_top_level_headlines(speeches, speaker):
    doc = next(d for d in speeches if d.meta["speaker"] == speaker)
    items = [i for i in outline(doc.text) if i.level == 1]
    assert [i.headline for i in items] == SEED_HEADLINES[speaker]
    assert [i.ordinal for i in items] == list(range(1, len(items) + 1))
    assert all(i.marker.endswith(SEED_MARKERS[speaker]) for i in items)
    # each item starts at its marker and ends where the next one starts (minus the newline)
    for a, b in zip(items, items[1:]):
        assert doc.text[a.start:a.start + len(a.marker)] == a.marker
        assert doc.text[a.end:b.start] == "\n"
    # the last item runs to the end of the speech (its last paragraph)
    assert items[-1].end == len(doc.text.rstrip())


def test_seed_counts(speeches):
    assert [len([i for i in outline(d.text) if i.level == 1]) for d in speeches] == [4, 4, 4, 3, 5, 5, 3]


def test_heading_items_span_their_sections(speeches):
    doc = next(d for d in speeches if d.meta["speaker"] == "陈华")
    first = outline(doc.text)[0]
    assert doc.text[first.start:first.end] == (
        "一、加强思想政治引领，在提高政治站位中广泛凝聚共识\n"
        "坚持以政治建设为统领，健全完善常态化学习制度体系，教育引导党员干部和政协委员增进对中国共产党和中国特色社会主义的"
        "政治认同、思想认同、理论认同、情感认同；健全完善政协党组成员联系界别、党员委员联系党外委员的制度机制，"
        "使政协组织中的党员成为凝聚发展共识、联系服务群众的先锋模范。"
    )


GOV_TOP = {
    "1979政府工作报告_华国锋": ["伟大的历史性转变", "打好四个现代化的第一个战役", "加强社会主义民主和社会主义法制",
                         "反对霸权主义、维护世界和平"],
    "1995政府工作报告_李鹏": ["１９９４年国内工作的回顾", "促进国民经济持续、快速、健康发展", "以国有企业为重点深化经济体制改革",
                        "发展科技教育文化和卫生体育事业", "为改革和发展创造良好的社会环境", "积极促进祖国和平统一大业",
                        "关于外交工作"],
    "2005政府工作报告_温家宝": ["过去一年工作回顾", "2005年工作总体部署", "继续保持经济平稳较快发展", "大力推进经济体制改革和对外开放",
                         "积极发展社会事业和建设和谐社会", "加强行政能力建设和政风建设", "坚持和平发展道路与独立自主的和平外交政策"],
    "2017政府工作报告_李克强": ["2016年工作回顾", "2017年工作总体部署", "2017年重点工作任务"],
}


@pytest.mark.parametrize("name", list(GOV_TOP))
def test_government_report_headings(gov_reports_dir, name):
    text = (gov_reports_dir / f"{name}.txt").read_text(encoding="utf-8")
    items = [i for i in outline(text) if i.level == 1]
    assert [i.headline for i in items] == GOV_TOP[name]
    assert all(i.marker == "一二三四五六七"[k] + "、" for k, i in enumerate(items))


def test_government_report_second_level(gov_reports_dir):
    text = (gov_reports_dir / "2017政府工作报告_李克强.txt").read_text(encoding="utf-8")
    items = outline(text)
    third = next(i for i in items if i.level == 1 and i.ordinal == 3)
    sub = [i for i in items if i.level == 2 and i.family == "paren"]
    assert [i.headline for i in sub] == [
        "用改革的办法深入推进“三去一降一补”", "深化重要领域和关键环节改革", "进一步释放国内需求潜力",
        "以创新引领实体经济转型升级", "促进农业稳定发展和农民持续增收", "积极主动扩大对外开放", "加大生态环境保护治理力度",
        "推进以保障和改善民生为重点的社会建设", "全面加强政府自身建设",
    ]
    assert all(third.start < i.start and i.end <= third.end for i in sub)


# --- the examples of the brief ------------------------------------------------------------

def test_headline_is_lead_clause():
    text = "一是做优“委员讲堂”，强化思想政治引领。邀请委员宣讲。\n二是在方向的启发引领上用功。人民政协因共识而生。"
    assert [(i.marker, i.headline) for i in outline(text)] == [
        ("一是", "做优“委员讲堂”，强化思想政治引领"), ("二是", "在方向的启发引领上用功")]


def test_items_within_one_sentence():
    text = "当前要做好三件事：一是加强学习，二是深入调研，三是建言资政。下一步继续努力。"
    items = outline(text)
    assert [(i.marker, i.headline, text[i.start:i.end]) for i in items] == [
        ("一是", "加强学习", "一是加强学习"), ("二是", "深入调研", "二是深入调研"), ("三是", "建言资政", "三是建言资政。")]


def test_nesting_three_families():
    text = ("一、加强理论武装\n（一）强化学习。一是读原著，二是悟原理。\n（二）深化研讨。\n"
            "二、服务中心大局\n（一）开展调研。\n（二）建言献策。")
    got = [(i.level, i.marker, i.headline) for i in outline(text)]
    assert got == [
        (1, "一、", "加强理论武装"), (2, "（一）", "强化学习"), (3, "一是", "读原著"), (3, "二是", "悟原理"),
        (2, "（二）", "深化研讨"), (1, "二、", "服务中心大局"), (2, "（一）", "开展调研"), (2, "（二）", "建言献策")]
    top = outline(text)[0]
    assert text[top.start:top.end] == "一、加强理论武装\n（一）强化学习。一是读原著，二是悟原理。\n（二）深化研讨。"


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("第一，坚持党的领导；第二，坚持人民至上。", ["第一", "第二"]),
        ("首先，提高认识。其次，完善制度。最后，狠抓落实。", ["首先", "其次", "最后"]),
        ("1.加强学习\n2.深入调研", ["1.", "2."]),
        ("（1）加强学习；（2）深入调研。", ["（1）", "（2）"]),
        ("①加强学习；②深入调研。", ["①", "②"]),
        ("1、加强学习\n2、深入调研", ["1、", "2、"]),
    ],
)
def test_marker_families(text, markers):
    assert [i.marker for i in outline(text)] == markers


# --- precision: each deliberate decision --------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "思想统一是团结的基础，二是说不通的。",  # 统一是 is a word; 二是 alone
        "这是重点工作之一是大家的共识。二是加强学习。",  # 之一是
        "唯一是不够的，二是更多。",  # 唯一是
        "干工作要一是一、二是二，实事求是。",  # 一是一、二是二
        "第一次会议、第二届委员会和第一书记都到场。",  # ordinals in counts and titles
        "一、二月份经济平稳。\n二、三季度继续增长。",  # 一、二月份 is a date
        "一是加强学习，提高站位。",  # a lone 一是 is no list
        "我们首先要提高认识，其次是落实。",  # 首先 as an adverb (no boundary before it)
        "首先，提高认识。最后，抓好落实。",  # 最后 only closes a list that already has 其次
        "一是加强学习。一是深入调研。",  # paired 一是…一是… starts over each time: no list
        "一是加强学习，三是深入调研。",  # not consecutive
        "2016年GDP增长6.7%，1.5个百分点。",  # numbers are not markers
    ],
)
def test_not_outlines(text):
    assert outline(text) == []


def test_repeated_first_marker_restarts_list():
    text = "一是甲，二是乙。一是丙，二是丁。"
    assert [(i.ordinal, i.headline) for i in outline(text)] == [(1, "甲"), (2, "乙"), (1, "丙"), (2, "丁")]


def test_dun_marker_needs_paragraph_start():
    assert outline("做到一、二、三点。\n见下文") == []
    assert [i.headline for i in outline("一、总体要求\n二、重点任务")] == ["总体要求", "重点任务"]


def test_marker_after_ideographic_indent():
    text = "\u3000\u3000一、回顾\n\u3000\u3000二、部署\n"
    items = outline(text)
    assert [(i.start, i.end, i.headline) for i in items] == [(2, 6, "回顾"), (9, 13, "部署")]


def test_empty_and_type():
    assert outline("") == []
    with pytest.raises(InputTypeError):
        outline(b"bytes")  # type: ignore[arg-type]
    assert OutlineItem(1, "一是", 1, "甲", 0, 3).family == ""


# --- properties -----------------------------------------------------------------------------

MARKERY = st.text(alphabet="一二三四五是、（）()第，。；：\n 首先其次最后①②1.甲乙丙“”统之唯", max_size=80)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=200), MARKERY))
def test_outline_spans_are_consistent(text):
    items = outline(text)
    for i in items:
        assert 0 <= i.start < i.end <= len(text)
        assert text.startswith(i.marker, i.start)
        assert i.level >= 1 and i.ordinal >= 1
        assert i.headline in text[i.start:i.end]
    assert [i.start for i in items] == sorted(i.start for i in items)


# --- precision review on the government work reports (docs/devices.md) ------------------------

def _top(gov_reports_dir, name):
    text = (gov_reports_dir / f"{name}.txt").read_text(encoding="utf-8")
    return [(i.marker, i.headline) for i in outline(text) if i.level == 1]


def test_heading_that_starts_with_a_numeral_is_kept(gov_reports_dir):
    # 一、一年来工作回顾 is not 一、二月份: the numeral after the marker does not follow it
    assert _top(gov_reports_dir, "2004政府工作报告_温家宝")[:1] == [("一、", "一年来工作回顾")]
    assert [(m, h) for m, h in _top(gov_reports_dir, "2004政府工作报告_温家宝") if m.endswith("、")] == [
        ("一、", "一年来工作回顾"), ("二、", "２００４年主要任务"), ("三、", "加强政府自身建设")]
    # the date vetoes still hold, also for two-character numerals
    assert outline("一、二月份进出口增长。\n二、三季度回落。") == []
    assert outline("十一、十二月份天气转冷。\n十二、十三年后再议。") == []


def test_headings_do_not_nest_in_a_preview_sentence(gov_reports_dir):
    # 1957: “（１）关于社会主义革命；（２）…（５）关于国内外团结。” previews the five 一、 headings
    top = _top(gov_reports_dir, "1957政府工作报告_周恩来")
    assert top == [
        ("（１）", "关于社会主义革命"), ("（２）", "关于社会主义建设"), ("（３）", "关于人民生活"),
        ("（４）", "关于国家基本制度"), ("（５）", "关于国内外团结"),
        ("一、", "关于社会主义革命"), ("二、", "关于社会主义建设"), ("三、", "关于人民生活"),
        ("四、", "关于国家基本制度"), ("五、", "关于国内外团结")]


def test_heading_paragraphs_after_an_in_sentence_list(gov_reports_dir):
    # 1978: “一是社会制度腐败，二是经济技术落后” ends with its paragraph; 第一，全国动员… are headings;
    # the preview “报告分六个部分：一、…；二、…；…六、…” is an in-sentence 一、 run after a colon
    assert [m for m, _ in _top(gov_reports_dir, "1978政府工作报告_华国锋")] == [
        "一、", "二、", "三、", "四、", "五、", "六、", "一是", "二是", "第一", "第二", "第三", "第四", "第五", "第六"]


def test_headings_do_not_nest_in_leads_of_their_family(gov_reports_dir):
    # 1988: five price measures in one sentence after a colon (“…：一、继续坚持…；二、…”), five principles
    # 一、牢固树立…，… laid out as paragraph leads, then ten 一、 task headings
    top = _top(gov_reports_dir, "1988政府工作报告_李鹏")
    dun = [(m, h) for m, h in top if m.endswith("、")]
    assert [m for m, _ in dun] == ["一、", "二、", "三、", "四、", "五、", "一、", "二、", "三、", "四、", "五、",
                                   "一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、", "十、"]
    assert dun[1][1].startswith("从增加供给和抑制需求两方面入手")
    assert dun[10] == ("一、", "大力发展农业生产和加强基础工业、基础设施的建设，以保持国民经济的持续稳定增长")


# --- enumeration families (issue 13): the marker as written is the label, the family in attrs ----

FAMILY_CASES = [
    # 1989 report
    ("发展农业，一要靠执行稳定的农村政策和深化改革，二要靠推广和发展先进的农业科学技术，三要靠增加农业投入，增强农业发展后劲。",
     [("一要", "靠执行稳定的农村政策和深化改革", "yao"), ("二要", "靠推广和发展先进的农业科学技术", "yao"),
      ("三要", "靠增加农业投入，增强农业发展后劲", "yao")]),
    ("农业发展，一靠政策，二靠科学，三靠投入。", [("一靠", "政策", "kao"), ("二靠", "科学", "kao"), ("三靠", "投入", "kao")]),
    # 1957 report
    ("一方面要提倡“百家争鸣”，另一方面也要反对因门户之见而妨碍协作。",
     [("一方面", "要提倡“百家争鸣”", "fangmian"), ("另一方面", "也要反对因门户之见而妨碍协作", "fangmian")]),
    ("理由有二：其一，基础较好；其二，条件成熟。", [("其一", "基础较好", "qi"), ("其二", "条件成熟", "qi")]),
    ("我们这样做，一则可以节约资金，二则可以提高效率。", [("一则", "可以节约资金", "ze"), ("二则", "可以提高效率", "ze")]),
    # 1987 report: 一是…一是… in one sentence counts on
    ("基本点是两条，一是坚持四项基本原则，一是实行改革、开放、搞活的方针。",
     [("一是", "坚持四项基本原则", "shi"), ("一是", "实行改革、开放、搞活的方针", "shi")]),
    # 1982 report: 一方面…一方面… in one sentence
    ("这种状况，一方面使不少先进企业不能开足马力生产，一方面大量的落后企业却消耗了宝贵的能源。",
     [("一方面", "使不少先进企业不能开足马力生产", "fangmian"), ("一方面", "大量的落后企业却消耗了宝贵的能源", "fangmian")]),
    # 1978 report: in-sentence 一、 after a colon
    ("报告分三个部分：一、三年来的斗争；二、把斗争进行到底；三、加快经济建设。",
     [("一、", "三年来的斗争", "dun"), ("二、", "把斗争进行到底", "dun"), ("三、", "加快经济建设", "dun")]),
]


@pytest.mark.parametrize("text,expected", FAMILY_CASES)
def test_enumeration_families(text, expected):
    items = outline(text)
    assert [(i.marker, i.headline, i.family) for i in items] == expected
    assert [i.ordinal for i in items] == list(range(1, len(items) + 1))
    devices = cn.tag_text(text, kinds="outline")
    assert [(d.label, d.attrs["family"], d.attrs["ordinal"]) for d in devices] == [
        (m, f, k + 1) for k, (m, _, f) in enumerate(expected)]


def test_nested_items_inside_a_numbered_point():
    text = "第一，加强学习。\n第二，深化改革。\n第三，改善民生：一是扩大就业，二是提高收入。\n第四，从严治政。"
    assert [(i.level, i.marker, i.headline) for i in outline(text)] == [
        (1, "第一", "加强学习"), (1, "第二", "深化改革"), (1, "第三", "改善民生"),
        (2, "一是", "扩大就业"), (2, "二是", "提高收入"), (1, "第四", "从严治政")]


@pytest.mark.parametrize("text", [
    "统一要求，这一方面，第一要务。",  # 一要/一方面 inside words
    "一要求、二要素。",  # 要求, 要素 are nouns
    "唯一则是。一靠近。",
    "一方面，我们取得了成绩。",  # one side only: not a list
    "一是一、二是二。",
    "一、二月份生产正常。",
])
def test_family_markers_inside_words_are_not_items(text):
    assert outline(text) == []
