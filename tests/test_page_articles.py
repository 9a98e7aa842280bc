"""Articles on text pages: titles found as a reader finds them, not only next to an author line or a dateline.

The pages are in tests/data/pages: peoples-daily-website.txt (a 人民日报 page as the paper's
website gives it: one paragraph a line, indented with 　　; an article with 引题, title and
——副题 over its author line, one with a 新华社 dateline, a commentary with neither) and
peoples-daily-wrapped.txt (the same articles as text extracted from a PDF: lines wrapped
in a narrow column, a date line, a contents list, page number).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import consensus_nlp as cn
from consensus_nlp.errors import LayoutError

PAGES = Path(__file__).parent / "data" / "pages"
SOURCE = "《人民日报》（2021年03月09日 第 04 版）"
LIVELIHOOD = "坚持人民至上 守护万家灯火 全国政协委员热议民生保障 ——来自全国两会的报道"


def _summary(corpus: cn.Corpus) -> list[tuple]:
    return [(d.meta["title"], d.meta["authors"], d.meta["credit"], d.meta["dateline"], d.meta["source"],
             d.meta["title_lines"], d.meta["paragraph_lines"]) for d in corpus]


def test_a_website_page_of_articles():
    corpus = cn.read_page(PAGES / "peoples-daily-website.txt")
    assert (corpus.meta["kind"], corpus.meta["kind_evidence"]) == ("articles", "no byline; 1 author or credit lines, 1 datelines")
    assert _summary(corpus) == [
        (LIVELIHOOD, ("张三", "李四"), "本报记者", None, SOURCE, (2, 3, 4), ((6, 6), (7, 7), (8, 8))),
        ("让绿色成为高质量发展底色", ("赵六", "钱七"), "新华社记者", "新华社北京3月8日电", None, (10,), ((11, 11), (12, 12), (13, 13))),
        ("乡村振兴要因地制宜", (), None, None, SOURCE, (14,), ((15, 15), (16, 16), (17, 17))),
    ]
    assert corpus[1].meta["paragraphs"][0] == "全国政协8日在京举行专题协商会，围绕推动绿色低碳发展协商议政。"
    assert corpus[2].meta["paragraphs"] == (
        "乡村振兴，既要尽力而为，也要量力而行。各地资源禀赋不同、发展阶段不同，不能搞一刀切。",
        "要立足本地实际，发展特色产业，让农民在家门口就能增收致富。",
        "说到底，乡村振兴要靠农民自己干出来，把群众的积极性调动起来。")
    assert [kind for _, kind, _ in corpus.meta["furniture"]] == ["edition", "source", "source", "editor"]
    assert corpus.meta["markers"] == ()  # the ——副题 went to its title


def test_the_same_articles_wrapped_in_a_narrow_column():
    corpus = cn.read_page(PAGES / "peoples-daily-wrapped.txt")
    assert _summary(corpus) == [
        (LIVELIHOOD, ("张三", "李四"), "本报记者", None, SOURCE, (5, 6, 7), ((9, 11), (12, 14))),
        ("让绿色成为高质量发展底色", ("赵六", "钱七"), "新华社记者", "新华社北京3月8日电", None, (16,), ((18, 19), (20, 22))),
        ("乡村振兴要因地制宜", (), None, None, SOURCE, (23,), ((24, 26), (27, 28))),
    ]
    website = cn.read_page(PAGES / "peoples-daily-website.txt")
    for wrapped, whole in zip(corpus, website):  # the same paragraphs (the website has a third in each)
        assert wrapped.meta["paragraphs"] == whole.meta["paragraphs"][:2]
    assert corpus.meta["furniture"] == (
        (None, "date", "人民日报  2021年03月09日  星期二"), (None, "edition", "第04版：要闻"), (None, "contents", "本版导读"),
        (None, "contents", "让绿色成为高质量发展底色  5版"), (None, "source", SOURCE), (None, "source", SOURCE),
        (None, "page_number", "第 4 页"))
    table = cn.explain_page(PAGES / "peoples-daily-wrapped.txt")
    row = table[table.line == 23].iloc[0]
    assert (row.kind, row.speech) == ("title", "article-03")
    assert row.evidence.endswith("in a run of 1 after furniture or a sentence's end and before wider body text: an article's title")


def test_commentaries_without_authors_or_datelines_are_articles_by_their_source_lines():
    page = ("第05版：评论\n以钉钉子精神抓落实\n"
            "　　抓落实，贵在持之以恒。一张蓝图绘到底，才能把宏伟目标变为美好现实。\n"
            "　　各级干部要真抓实干、埋头苦干，不驰于空想、不骛于虚声。\n"
            "《人民日报》（2021年03月10日 第 05 版）\n让政策红利直达基层\n"
            "　　政策好不好，要看群众满意不满意。打通政策落地的“最后一公里”，才能让红利惠及千家万户。\n"
            "　　要简化办事流程，让企业和群众少跑腿、好办事。\n"
            "《人民日报》（2021年03月10日 第 05 版）\n")
    corpus = cn.parse_page(page)
    assert corpus.meta["kind_evidence"] == "no byline, author line or dateline; 2 source lines (《人民日报》（date 第N版）) after articles"
    assert [(d.meta["title"], d.meta["paragraph_lines"]) for d in corpus] == [
        ("以钉钉子精神抓落实", ((3, 3), (4, 4))), ("让政策红利直达基层", ((7, 7), (8, 8)))]
    assert corpus[1].meta["paragraphs"][1] == "要简化办事流程，让企业和群众少跑腿、好办事。"


def test_datelines_with_spaced_digits_make_a_page_of_articles():
    page = ("建言资政助推发展\n新华社兰州 3 月 10 日电（记者 魏敏）企业加快复工复产，有关部门加强技术指导。\n"
            "服务中心大局助推发展\n——推进协商平台建设\n新华社兰州 3 月 9 日电（记者 薛平伟 邹刚静）各项政策措施落地见效。\n")
    corpus = cn.parse_page(page)
    assert corpus.meta["kind_evidence"] == "no byline; 0 author or credit lines, 2 datelines"
    assert [(d.meta["title"], d.meta["dateline"], d.meta["authors"], d.meta["credit"], d.text) for d in corpus] == [
        ("建言资政助推发展", "新华社兰州3月10日电", ("魏敏",), "新华社记者", "企业加快复工复产，有关部门加强技术指导。"),
        ("服务中心大局助推发展 ——推进协商平台建设", "新华社兰州3月9日电", ("薛平伟", "邹刚静"), "新华社记者", "各项政策措施落地见效。")]


def test_a_full_wrapped_line_without_punctuation_stays_in_the_body():
    """After a sentence's end, a line as wide as the column and without punctuation is the next paragraph's
    first line, not a title: the line under it is no wider."""
    page = ("第04版：要闻\n春耕备耕有序推进\n本报记者  张三\n今年以来，各地抓好春耕备耕工作，全国\n已完成春播粮食面积1200万亩。\n"
            "委员们认为要把巩固拓展脱贫攻坚成果同\n乡村振兴有效衔接，确保不误农时。\n《人民日报》（2021年03月08日 第 04 版）\n")
    (article,) = cn.parse_page(page)
    assert article.meta["title"] == "春耕备耕有序推进"
    assert article.meta["paragraphs"] == ("今年以来，各地抓好春耕备耕工作，全国已完成春播粮食面积1200万亩。",
                                          "委员们认为要把巩固拓展脱贫攻坚成果同乡村振兴有效衔接，确保不误农时。")


def test_a_report_without_source_lines_is_still_refused(gov_reports_dir):
    report = (gov_reports_dir / "2016政府工作报告_李克强.txt").read_text(encoding="utf-8")
    with pytest.raises(LayoutError, match="has no byline"):
        cn.parse_page(report)
    with pytest.raises(LayoutError, match="has no byline"):  # titles and bodies, but nothing of a newspaper page
        cn.parse_page("以钉钉子精神抓落实\n抓落实，贵在持之以恒。一张蓝图绘到底，才能把宏伟目标变为美好现实。\n")
