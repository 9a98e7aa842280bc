"""Page kinds: a page of speeches, a page of articles, a file holding one speech (kind="auto" and forced).

The pages are in tests/data/pages: one-speech.txt (title, byline 兰州市政协党组书记、主席 李明,
a body listing 一是…四是 and, in its closing part, 一是…三是 again) and
peoples-daily-articles.txt (a 人民日报 page as the paper's website gives it: 版次, a
contents list, two articles with an author line or a dateline, source lines, page number).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import consensus_nlp as cn
from consensus_nlp.errors import LayoutError, UnknownNameError
from consensus_nlp.io.page.kinds import reading_summary

PAGES = Path(__file__).parent / "data" / "pages"
ONE = PAGES / "one-speech.txt"
ARTICLES = PAGES / "peoples-daily-articles.txt"


def test_one_speech_gives_one_document_with_its_title_and_byline():
    corpus = cn.read_page(ONE)
    assert (corpus.meta["kind"], corpus.meta["kind_evidence"]) == ("single", "one byline (李明) and one run of body text")
    (speech,) = corpus
    assert (speech.meta["speaker"], speech.meta["position"], speech.meta["organization"], speech.meta["title"]) == (
        "李明", "兰州市政协党组书记、主席", "兰州市政协", "以协商凝聚共识 为发展贡献力量")
    assert speech.meta["paragraphs"][0].startswith("近年来，兰州市政协坚持把凝聚共识作为中心环节")
    assert speech.meta["paragraphs"][-1] == "三是在监督上再聚焦，推动各项决策部署落到实处。"
    assert len(speech.meta["paragraphs"]) == 9 and (speech.meta["byline_line"], speech.meta["title_lines"]) == (2, (1,))


def test_the_same_file_read_as_speeches_splits_where_the_list_restarts():
    corpus = cn.read_page(ONE, kind="speeches")
    assert [d.meta["speaker"] for d in corpus] == ["李明", None]
    assert corpus[1].text.startswith("下一步，兰州市政协将继续聚焦中心任务")


def test_the_seed_page_is_still_a_page_of_speeches(page_path):
    corpus = cn.read_page(page_path)
    assert (corpus.meta["kind"], corpus.meta["kind_evidence"]) == ("speeches", "7 bylines (张剑蓉, 何效祖, 陈华, …)")
    assert len(corpus) == 7 and list(cn.read_page(page_path, kind="speeches")) == list(corpus)


def test_articles_give_one_document_per_article():
    corpus = cn.read_page(ARTICLES)
    assert corpus.meta["kind"] == "articles" and corpus.doc_ids == ("article-01", "article-02")
    assert [dict(d.meta) for d in corpus] == [
        {"title": "春耕备耕有序推进", "authors": ("张三", "李四"), "credit": "本报记者",
         "source": "《人民日报》（2021年03月08日 第 01 版）", "dateline": "本报北京3月8日电",
         "paragraphs": ("今年以来，各地抓好春耕备耕工作，全国已完成春播粮食面积1200万亩。农业农村部有关负责人表示，"
                        "将加强农资供应和技术指导，确保不误农时。",),
         "paragraph_lines": ((7, 10),), "title_lines": (5,)},
        {"title": "全国政协举行双周协商座谈会", "authors": ("王五",), "credit": "新华社记者",
         "source": "《人民日报》（2021年03月08日 第 01 版）", "dateline": "新华社北京3月8日电",
         "paragraphs": ("全国政协8日在京举行双周协商座谈会，围绕推进乡村振兴建言资政。", "委员们认为，要把巩固拓展脱贫攻坚成果同乡村振兴有效衔接。"),
         "paragraph_lines": ((13, 15), (16, 17)), "title_lines": (12,)},
    ]
    # the contents list, 版次, source lines and page number are furniture
    assert [kind for _, kind, _ in corpus.meta["furniture"]] == [
        "edition", "contents", "contents", "contents", "source", "source", "page_number"]
    assert corpus.meta["meeting"] is None


def test_explain_page_says_which_kind_and_why():
    table = cn.explain_page(ARTICLES)
    assert table.attrs == {"kind": "articles", "kind_evidence": "no byline; 1 author or credit lines, 2 datelines",
                           "glyph_aliases": {}}
    rows = dict(zip(table.text, zip(table.kind, table.speech)))
    assert rows["本报记者  张  三  李四"] == ("author", None)
    assert rows["新华社北京3月8日电（记者 王五）"] == ("dateline", None)
    assert rows["全国政协举行双周协商座谈会"] == ("title", "article-02")
    assert cn.explain_page(ONE).attrs["kind"] == "single"
    assert cn.explain_page(ONE, kind="speeches").speech.dropna().unique().tolist() == ["speech-01", "speech-02"]


def test_kind_is_checked_and_a_page_without_speeches_or_articles_is_refused(gov_reports_dir):
    with pytest.raises(UnknownNameError, match="kind='article' is not a page kind; accepted: 'auto', 'speeches', 'articles', 'single'"):
        cn.read_page(ONE, kind="article")
    with pytest.raises(LayoutError, match="is not a page of speeches: it has no byline.*author lines"):
        cn.parse_page("过去一年，我国经济社会发展取得新的成就。\n今年的主要任务是稳增长、促改革。")
    report = (gov_reports_dir / "2016政府工作报告_李克强.txt").read_text(encoding="utf-8")
    with pytest.raises(LayoutError, match="has no byline"):
        cn.parse_page(report)
    # forced: a plain text read as one speech without a speaker
    (doc,) = cn.parse_page("过去一年，我国经济社会发展取得新的成就。\n今年的主要任务是稳增长、促改革。", kind="single")
    assert doc.meta["speaker"] is None and doc.text == "过去一年，我国经济社会发展取得新的成就。今年的主要任务是稳增长、促改革。"


def test_reading_summary():
    assert reading_summary({"kind": "single"}, 1) == "1 speech"
    assert reading_summary({"kind": "speeches"}, 7) == "7 speeches from 1 page"
    assert reading_summary({"kind": "articles", "page_count": 3}, 12) == "12 articles from 3 pages"
    assert reading_summary({"name": "gansu-cppcc-2021"}, 7) is None


def test_analyze_reads_a_one_speech_file_as_one_document(tmp_path):
    script = Path(sys.executable).parent / "consensus-nlp"
    env = {**os.environ, "PYTHONPATH": str(Path(cn.__file__).parents[1])}
    done = subprocess.run([str(script), "analyze", str(ONE), "--out", str(tmp_path / "report")], capture_output=True,
                          env=env, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert out.startswith("read 1 speech\n")
    assert "speech-01      李明        兰州市政协" in out
    documents = pd.read_csv(tmp_path / "report" / "documents.csv")  # the one document: speaker, position, title
    assert documents[["doc_id", "speaker", "position", "title"]].values.tolist() == [
        ["speech-01", "李明", "兰州市政协党组书记、主席", "以协商凝聚共识 为发展贡献力量"]]
