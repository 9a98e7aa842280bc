"""tag(), parallelism, citations, slogans and statistics."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import consensus_nlp as cn
from consensus_nlp.devices import (KINDS, Device, find_citations, find_parallelism, find_quoted, find_slogans,
                                   find_statistics, tag, tag_text)
from consensus_nlp.errors import InputTypeError, UnknownNameError


@pytest.fixture(scope="module")
def speeches(page_path):
    return cn.read_page(page_path)


def _speech(speeches, speaker):
    return next(d for d in speeches if d.meta["speaker"] == speaker)


# --- parallelism ----------------------------------------------------------------------------

def _par(text):
    return [(d.label, d.text, d.attrs["slots"]) for d in find_parallelism(text)]


def test_parallel_phrases_with_trimmed_ends():
    assert _par("邀请委员进机关、进学校、进军营、进企业、进乡村进行宣讲。") == [
        ("进_", "进机关、进学校、进军营、进企业、进乡村", [["机关"], ["学校"], ["军营"], ["企业"], ["乡村"]])]
    assert _par("要以道交友、以诚待人、以理服众、以商求同。") == [
        ("以_", "以道交友、以诚待人、以理服众、以商求同", [["道交友"], ["诚待人"], ["理服众"], ["商求同"]])]


def test_parallel_lead_sentences_of_a_paragraph(speeches):
    text = _speech(speeches, "巨文程").text
    found = [d for d in find_parallelism(text) if d.attrs["source"] == "sentences"]
    assert [(d.label, d.attrs["slots"]) for d in found] == [
        ("在_中_共识", [["资政建言", "汇聚"], ["基层协商", "达成"], ["担当奉献", "深化"]]),
        ("_以“_”_人", [["鉴往知来", "史", "育"], ["创新平台", "文", "化"], ["广泛联谊", "和", "聚"]]),
    ]
    first = found[0]
    assert [text[a:b] for a, b in first.attrs["items"]] == ["在资政建言中汇聚共识", "在基层协商中达成共识", "在担当奉献中深化共识"]


def test_parallel_lead_clauses(speeches):
    text = _speech(speeches, "张志军").text
    (d,) = [d for d in find_parallelism(text) if d.attrs["source"] == "leads"]
    assert d.label == "_共识"
    assert [text[a:b] for a, b in d.attrs["items"]] == ["加强调查研究增共识", "深入协商议政聚共识", "收集社情民意信息促共识"]
    # pronoun beginnings are not enough
    assert find_parallelism("我们已经开始建设，成绩很大。我们应该学习，不断进步。我们要向兄弟国家学习，共同发展。") == []


def test_parallel_headlines(speeches):
    found = {d.label: d for d in find_parallelism(_speech(speeches, "刘进军").text) if d.attrs["source"] == "headlines"}
    assert list(found) == ["在_上用_"]
    assert found["在_上用_"].attrs["slots"] == [["方向的启发引领", "功"], ["双向互动", "情"], ["内心的深刻认同", "心"],
                                              ["润物无声", "力"]]


def test_seed_parallelism_labels(speeches):
    assert [d.label for d in find_parallelism(_speech(speeches, "张剑蓉").text)] == ["做_“_”", "做_“_”，_", "进_", "送_"]


@pytest.mark.parametrize(
    "text",
    [
        "先后成立了教育界、医药卫生界、工商界等委员之家。",  # a noun list with a common head
        "增进政治认同、思想认同、理论认同、情感认同。",  # shared ending of short phrases: a formulation, not 排比
        "在敏感点、关切点、风险点问题上强化引领。",
        "要与各党派、各民族、各界别人士广交朋友。",  # 各 is a common prefix
        "推进医疗、医保、医药联动。",  # two-character items
        "做好宣传政策、理顺情绪、增进团结的工作。",  # parallel in syntax, but no shared characters
        "进机关、进学校。",  # only two
    ],
)
def test_not_parallelism(text):
    assert find_parallelism(text) == []


# --- citations ------------------------------------------------------------------------------

def test_leader_citation_with_quote(speeches):
    text = _speech(speeches, "刘进军").text
    (d,) = [c for c in find_citations(text) if c.label == "leader"]
    assert d.attrs["speaker"] == "习近平总书记" and d.attrs["verb"] == "指出"
    assert d.attrs["quote"] == "新时代人民政协要把加强思想政治引领、广泛凝聚共识作为中心环节。"
    assert text[d.attrs["quote_start"]:d.attrs["quote_end"]] == d.attrs["quote"]
    assert d.start == 0 and text[d.end - 1] == "”"


def test_leader_citation_without_quote_marks():
    (d,) = find_citations("习近平总书记在中央政协工作会议上强调，要发挥专门协商机构作用。其他内容。")
    assert (d.attrs["speaker"], d.attrs["verb"], d.attrs["quote"]) == ("习近平总书记", "强调", "要发挥专门协商机构作用。")


def test_directive_and_doctrine_citations(speeches):
    got = [(d.label, d.text) for d in find_citations(_speech(speeches, "张志军").text)]
    assert got == [
        ("doctrine", "学习贯彻习近平新时代中国特色社会主义思想"),
        ("directive", "深入学习中央和省委政协工作会议精神"),
        ("directive", "贯彻执行党中央重大决策、省委重要部署"),
    ]
    (d,) = find_citations(_speech(speeches, "张剑蓉").text)
    assert (d.label, d.text, d.attrs["head"]) == ("directive", "认真落实省、市关于政协协商向基层延伸工作的安排部署", "安排部署")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("按照省委的统一部署，开展调研。", ("按照", "省委的统一", "部署")),
        ("根据党的十九届五中全会精神，制定规划。", ("根据", "党的十九届五中全会", "精神")),
        ("贯彻中央政协工作会议精神", ("贯彻", "中央政协工作", "会议精神")),
        ("依照宪法的规定，履行职责。", ("依照", "宪法的", "规定")),
    ],
)
def test_directive_citations(text, expected):
    (d,) = find_citations(text)
    assert d.label == "directive"
    assert (d.attrs["opener"], d.attrs["source"], d.attrs["head"]) == expected
    assert d.text == "".join(expected)


@pytest.mark.parametrize("text", ["按照界别特点和优势，成立委员之家。", "建设社会主义物质文明和精神文明。", "习近平新时代中国特色社会主义思想"])
def test_not_citations(text):
    assert find_citations(text) == []


def test_directive_takes_following_heads():
    (d,) = find_citations("深入贯彻习近平总书记系列重要讲话精神，推动发展。")
    assert d.text == "深入贯彻习近平总书记系列重要讲话精神" and d.attrs["head"] == "重要讲话精神"


# --- slogans --------------------------------------------------------------------------------

def test_slogans_and_names_in_huixian(speeches):
    text = _speech(speeches, "张剑蓉").text
    got = [(d.label, d.text) for d in find_slogans(text)]
    assert ("motto", "有事好商量，众人的事情由众人商量") in got
    assert ("motto", "以人民为中心") in got
    assert ("motto", "小而精、小而专") in got
    assert ("motto", "送教下乡、送医入户、送文化进村、送科技入田") in got
    assert {label for label, _ in got} == {"motto"}
    names = [(d.label, d.text) for d in find_quoted(text)]
    assert ("name", "委员讲堂") in names and ("name", "书香政协") not in names
    assert ("name", "青泥古道、茶马贸易、吴玠吴璘与仙人关战役、红色文化") in names
    # formulations in quotes are neither slogans nor names
    assert all(d.text != "两山一湖" for d in find_slogans(text) + find_quoted(text))


def test_slogan_rules():
    text = "持续强化“政协是什么、干什么、怎么干”意识，打造“书香政协”，发挥“重要阵地”作用。"
    assert [(d.kind, d.label, d.text) for d in find_slogans(text)] == [("slogan", "motto", "政协是什么、干什么、怎么干")]
    assert [(d.kind, d.label, d.text) for d in find_quoted(text)] == [
        ("quoted", "name", "书香政协"), ("quoted", "name", "重要阵地")]
    # a known slogan without quotation marks
    assert [(d.label, d.text, d.attrs["quoted"]) for d in find_slogans("坚持以人民为中心的发展思想")] == [
        ("motto", "以人民为中心", False)]
    # the quote of a citation is not a slogan
    assert find_slogans("习近平总书记指出“有事好商量”。") == []


# --- statistics -----------------------------------------------------------------------------

def test_statistics_values():
    text = "将187名委员下沉，开展调研22次，争取资金1200多万元，办复率达到100%，捐款75.9万元，协商落实问题1900余件，五年来成效明显。"
    got = [(d.text, d.label, d.attrs["value"], d.attrs["approx"]) for d in find_statistics(text)]
    assert got == [
        ("187名", "名", 187.0, False), ("22次", "次", 22.0, False), ("1200多万元", "万元", 12000000.0, True),
        ("100%", "%", 100.0, False), ("75.9万元", "万元", 759000.0, False), ("1900余件", "件", 1900.0, True)]


@pytest.mark.parametrize("text", ["五年来共开展调研", "第3次会议", "2016年工作回顾", "今年10月突发疫情", "连续23年", "1.加强学习"])
def test_not_statistics(text):
    assert find_statistics(text) == []


def test_statistics_with_spaces_and_fullwidth_digits():
    assert [(d.text, d.attrs["value"]) for d in find_statistics("全县 15 个乡镇，粮食１２０万吨")] == [("15 个", 15.0), ("１２０万吨", 1200000.0)]


# --- tag() ------------------------------------------------------------------------------------

def test_tag_text_returns_devices_sorted(speeches):
    text = _speech(speeches, "何效祖").text
    devices = tag_text(text)
    assert all(isinstance(d, Device) for d in devices)
    assert [d.start for d in devices] == sorted(d.start for d in devices)
    assert {d.kind for d in devices} == {"outline", "formulation", "parallelism", "quoted", "statistic"}
    assert [(d.label, d.text) for d in devices if d.kind == "quoted"] == [
        ("name", "书香政协"), ("name", "委员书屋"), ("name", "书香政协")]
    assert [d.attrs["headline"] for d in devices if d.kind == "outline"][:2] == ["搭建传播共识的平台", "搭建学习交流的平台"]
    for d in devices:
        assert text[d.start:d.end] == d.text
        json.dumps(d.attrs, ensure_ascii=False)


def test_tag_kinds():
    text = "一是增进“四个认同”，二是开展调研22次。"
    assert [d.kind for d in tag_text(text, kinds=["statistic"])] == ["statistic"]
    # the label of an outline device is its marker as written; the family is in attrs
    assert [(d.kind, d.label, d.attrs["family"]) for d in tag_text(text, kinds="outline")] == [
        ("outline", "一是", "shi"), ("outline", "二是", "shi")]
    assert [d.label for d in tag_text(text, kinds=["formulation", "statistic"])] == ["四个认同", "次"]


def test_tag_returns_one_shape_for_a_text_and_a_corpus():
    text = "一是增进“四个认同”，二是开展调研22次。"
    frame = tag(text, kinds=["outline", "statistic"])
    assert list(frame.columns) == ["doc_id", "kind", "label", "start", "end", "text", "attrs"]
    assert frame[["doc_id", "kind", "label", "start", "end", "text"]].values.tolist() == [
        [None, "outline", "一是", 0, 11, "一是增进“四个认同”，"], [None, "outline", "二是", 11, 21, "二是开展调研22次。"],
        [None, "statistic", "次", 17, 20, "22次"]]
    assert str(frame["start"].dtype) == "int64"
    empty = tag("", kinds="outline")
    assert list(empty.columns) == list(frame.columns) and len(empty) == 0
    with pytest.raises(InputTypeError):
        tag_text(5)  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError) as err:
        tag(text, kinds=["outlines"])
    assert "'outline', 'formulation', 'parallelism', 'citation', 'slogan', 'quoted', 'statistic'" in str(err.value)
    with pytest.raises(InputTypeError):
        tag(text, kinds=3)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [b"bytes", 42, None, cn.Document("a", "文本")])
def test_tag_rejects_non_text_non_documents(bad):
    with pytest.raises(InputTypeError):
        tag(bad)  # type: ignore[arg-type]


def test_tag_rejects_iterables_of_strings():
    with pytest.raises(InputTypeError):
        tag(["一是甲", "二是乙"])  # type: ignore[list-item]


def test_tag_corpus_dataframe(speeches):
    frame = tag(speeches)
    assert list(frame.columns[:7]) == ["doc_id", "kind", "label", "start", "end", "text", "attrs"]
    assert {"speaker", "organization", "level"} <= set(frame.columns)
    assert list(frame["doc_id"].unique()) == list(speeches.doc_ids)
    texts = {d.doc_id: d.text for d in speeches}
    for row in frame.itertuples(index=False):
        assert texts[row.doc_id][row.start:row.end] == row.text
    four = frame[(frame["kind"] == "formulation") & (frame["label"] == "四个认同")]
    assert sorted(four["speaker"]) == sorted(["刘进军", "陈华", "王燕", "张志军", "巨文程"])
    top = frame[(frame["kind"] == "outline")].apply(lambda r: r["attrs"]["level"] == 1, axis=1)
    assert frame[frame["kind"] == "outline"][top].groupby("doc_id", sort=False).size().tolist() == [4, 4, 4, 3, 5, 5, 3]
    # identical reruns
    assert tag(speeches).equals(frame)


def test_tag_documents_iterable_and_meta_clash():
    docs = [cn.Document("a", "一是甲，二是乙。", {"kind": "x", "year": 2021})]
    frame = tag(iter(docs))
    assert list(frame.columns) == ["doc_id", "kind", "label", "start", "end", "text", "attrs", "meta_kind", "year"]
    assert frame["kind"].tolist() == ["outline", "outline"]
    empty = tag(cn.Corpus([]))
    assert list(empty.columns) == ["doc_id", "kind", "label", "start", "end", "text", "attrs"] and len(empty) == 0


def test_kinds_constant():
    assert KINDS == ("outline", "formulation", "parallelism", "citation", "slogan", "quoted", "statistic")


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    st.text(max_size=200),
    st.text(alphabet="一二三是、（）第，。；：\n“”四个认同政治思想进机关以习近平总书记指出按照部署12多万元%名次", max_size=120),
    st.text(alphabet="一二三两要靠则另方面其这大个项条『』“”：；，。\n讲方面工程1", max_size=150),
))
def test_tag_spans_are_consistent(text):
    for d in tag_text(text):
        assert d.kind in KINDS
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.text
        json.dumps(d.attrs)


# --- precision review on the government work reports (docs/devices.md) ------------------------
# every sentence below is copied from a report in shared/corpora/gov-work-reports-1954-2017

def test_quoted_names_and_sentences_are_not_slogans():
    text = ("“四人帮”竭力煽动无政府主义思潮，反对任何必要的集中和权威，把危害国家利益和危害人民生命财产当作"
            "个人的所谓“自由”，曾经在我们国家许多地方实行打砸抢、冲击机关、破坏生产和交通，造成了极其严重的灾难。")  # 1979
    assert find_slogans(text) == []
    assert [(d.kind, d.label, d.text) for d in find_quoted(text)] == [
        ("quoted", "name", "自由")]  # “四人帮” is a formulation (formulations.json, 1976)
    text = "中国对歧视性的“不扩散核武器条约”持批评态度，不参加这个条约，但是并不主张核扩散。"  # 1984
    assert find_slogans(text) == [] and [d.label for d in find_quoted(text)] == ["name"]
    text = "台湾当局仍然坚持“不接触、不谈判、不妥协”的“三不政策”，坚守反共拒和的顽固立场。"  # 1990
    assert [(d.label, d.text) for d in find_slogans(text)] == [("motto", "不接触、不谈判、不妥协")]
    # “三不政策” is a numeric shorthand: a formulation (quoted term), no longer an other quoted name
    assert find_quoted(text) == []
    from consensus_nlp.devices import find_formulations
    assert [(d.label, d.attrs["cue"], d.attrs["members"]) for d in find_formulations(text)] == [
        ("三不政策", "quoted term+preceding list", ["不接触", "不谈判", "不妥协"])]
    text = ("毛主席批判了他们的破坏活动，明确指出：“无产阶级文化大革命，已经八年。现在，以安定为好。全党全军要团结。”"
            "毛主席还多次指示：“把国民经济搞上去”。")  # 1978
    got = [(d.kind, d.label, d.text) for d in tag_text(text, kinds=["slogan", "quoted"])]
    assert got == [("quoted", "quote", "无产阶级文化大革命，已经八年。现在，以安定为好。全党全军要团结。"),
                   ("slogan", "motto", "把国民经济搞上去")]
    text = "根据党中央的决定，在县级以上党政领导班子和领导干部中开展“讲学习、讲政治、讲正气”的教育。"  # 2000
    # the members of 三讲 (formulations.json, 1995): an expanded formulation, so no longer a motto
    assert find_slogans(text) == []
    from consensus_nlp.devices import find_formulations
    assert [(d.label, d.attrs["form"], d.text) for d in find_formulations(text)] == [
        ("三讲", "expanded", "讲学习、讲政治、讲正气")]


def test_leader_citation_with_shuoguo():
    text = "毛主席说过：“对于革命来说，总是多一点人好。”我们要争取一切可以争取的人。"  # 1978
    got = [(d.label, d.attrs["speaker"], d.attrs["verb"], d.attrs["quote"]) for d in find_citations(text)]
    assert got == [("leader", "毛主席", "说过", "对于革命来说，总是多一点人好。")]
    assert find_slogans(text) == [] and find_quoted(text) == []


def test_directive_precision_on_reports():
    # the speech pointing back at itself, and 执行数 (a budget figure), are not directives
    assert find_citations("根据这些要求，国务院已经拟定一九八六年的国民经济和社会发展计划草案，请各位代表一并审议。") == []  # 1986
    assert find_citations("国务院决定今年行政费、事业费和管理费等各项开支要比去年预算执行数节约１０％的总要求，必须努力做到。") == []  # 1987
    # the title's closing 》 belongs to the citation (2012)
    text = "认真落实《国务院关于鼓励和引导民间投资健康发展的若干意见》，出台具有可操作性的实施细则。"
    assert [(d.label, d.text) for d in find_citations(text)] == [
        ("directive", "认真落实《国务院关于鼓励和引导民间投资健康发展的若干意见》")]


def test_statistics_on_reports():
    text = "农村居民人均纯收入，考虑价格下降因素，比上年实际增长4·3％，城镇居民人均可支配收入实际增长5·8％。"  # 1999
    assert [(d.text, d.label, d.attrs["value"]) for d in find_statistics(text)] == [
        ("4·3％", "％", 4.3), ("5·8％", "％", 5.8)]
    text = "发电量５８２０亿千瓦小时，比上年增长百分之六点七。"  # 1990
    assert [(d.text, d.label, d.attrs["value"]) for d in find_statistics(text)] == [
        ("５８２０亿千瓦小时", "亿千瓦小时", 582000000000.0)]


def test_no_suffix_only_parallelism_on_a_one_character_head():
    text = ("重要的有：本溪钢铁公司，黑龙江钢厂，吉林肥料厂，吉林电石厂，哈尔滨锅炉厂，西安电力电容器厂，"
            "太原第一热电站，佳木斯造纸厂，等等。")  # 1958
    assert find_parallelism(text) == []
