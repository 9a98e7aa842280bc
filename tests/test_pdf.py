"""read_pdf on PDFs the tests typeset themselves (tests/pdf_pages.py), explain_page and PageRules.

The PDFs are made once per session (each well under a second) from the
speeches read_page finds on the seed page, so "the same speeches" means the
same texts, speakers, positions and titles as the text reader.
"""

from __future__ import annotations

import re

import pytest

import consensus_nlp as cn
from consensus_nlp.errors import EmptyInputError, InputTypeError, InvalidArgumentError, LayoutError
from pdf_pages import Article, Design, make_pdf

KEYS = ("speaker", "position", "organization", "level", "title", "meeting", "paragraphs")
STATEMENTS = [
    Article(["推动乡村产业振兴"], ["全国政协委员杨戌标：乡村振兴，产业是基础。建议加大对县域特色产业的支持力度，完善利益联结机制，"
                                  "让农民更多分享产业增值收益。", "要培育新型农业经营主体，带动小农户发展现代农业。"]),
    Article(["建好用好数字平台"], ["全国政协常委王志刚：要加快农村数字基础设施建设，推动电子商务进村入户，让数字技术更好服务农业生产。"]),
    Article(["以协商凝聚共识"], ["李红梅（兰州市政协主席）：地方政协要发挥专门协商机构作用，围绕群众关心的问题开展协商，"
                               "把协商成果转化为工作举措。"], credit="（记者 张三 李四）"),
]
STATEMENT_TEXTS = (
    "乡村振兴，产业是基础。建议加大对县域特色产业的支持力度，完善利益联结机制，让农民更多分享产业增值收益。\n"
    "要培育新型农业经营主体，带动小农户发展现代农业。",
    "要加快农村数字基础设施建设，推动电子商务进村入户，让数字技术更好服务农业生产。",
    "地方政协要发挥专门协商机构作用，围绕群众关心的问题开展协商，把协商成果转化为工作举措。",
)
STATEMENT_PEOPLE = [
    ("杨戌标", "全国政协委员", "全国政协", "national", "推动乡村产业振兴"),
    ("王志刚", "全国政协常委", "全国政协", "national", "建好用好数字平台"),
    ("李红梅", "兰州市政协主席", "兰州市政协", "city", "以协商凝聚共识"),
]
RADICALS = {"一": "\u2f00", "民": "\u2ea0", "言": "\u2f94", "人": "\u2f08", "长": "\u2ed3", "大": "\u2f24", "工": "\u2f2f"}


def _titles(title: str) -> list[str]:
    return ["聚共识 汇合力", "努力画出最大同心圆"] if title == "聚共识 汇合力 努力画出最大同心圆" else title.split(" ")


@pytest.fixture(scope="session")
def seed(page_path) -> cn.Corpus:
    return cn.read_page(page_path)


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory, seed) -> dict:
    folder = tmp_path_factory.mktemp("pdfs")
    before = [Article(_titles(d.meta["title"]), list(d.meta["paragraphs"]), byline=f'{d.meta["speaker"]} {d.meta["position"]}')
              for d in seed]
    after = [Article(_titles(d.meta["title"]), list(d.meta["paragraphs"]), byline_after=f'{d.meta["speaker"]} {d.meta["position"]}')
             for d in seed]
    notes = [Article(_titles(d.meta["title"]), list(d.meta["paragraphs"]), byline=f'□ {d.meta["speaker"]}',
                     byline_after=f'（作者系{d.meta["position"]}）') for d in seed]
    meeting = seed.meta["meeting"]
    designs = {
        "three": Design(before, banner=meeting, marker="（发言摘登）"),
        "radicals": Design(before, banner=meeting, marker="（发言摘登）", radicals=RADICALS),
        "five": Design(after, columns=5, width=1450, height=900, banner=meeting),
        "notes": Design(notes, columns=4, width=1200, banner=meeting),
        "names": Design([Article(a.titles, a.paragraphs, byline=a.byline[2:], byline_after=a.byline_after) for a in notes[:3]]),
        "statements": Design(STATEMENTS, banner="全国政协十三届四次会议", box=["编者按：全国两会期间，本报记者", "采访了部分委员。"],
                             caption="图为委员在会上发言。新华社发"),
        "no speeches": Design([Article(["政府工作报告"], ["过去一年，我国经济社会发展取得新的成就。", "今年的主要任务是稳增长、促改革。"])]),
    }
    return {name: make_pdf(folder / f"{name.replace(' ', '-')}.pdf", design) for name, design in designs.items()}


def same_speeches(a: cn.Corpus, b: cn.Corpus) -> None:
    assert len(a) == len(b)
    assert a.texts == b.texts
    for x, y in zip(a, b):
        for key in KEYS:
            assert x.meta[key] == y.meta[key], (key, x.meta[key], y.meta[key])


# -- Must show: the seed's seven speeches from a 3-column PDF ------------------
def test_three_column_pdf_gives_the_seed_speeches(pdfs, seed):
    corpus = cn.read_pdf(pdfs["three"])
    same_speeches(corpus, seed)
    assert [d.meta["speaker"] for d in corpus] == ["张剑蓉", "刘进军", "何效祖", "陈华", "王燕", "张志军", "巨文程"]
    assert corpus.meta["meeting"] == "全省政协凝聚共识工作推进会暨理论研究会第三届理事会第四次会议"
    assert corpus.meta["markers"] == ("发言摘登",)
    # running headers and footers set apart, one per page, never in a body
    assert [tuple(f[:2]) for f in corpus.meta["furniture"]] == [(1, "header"), (1, "footer"), (2, "header"), (2, "footer")]
    assert all("甘肃日报" not in text and "第7版" not in text for text in corpus.texts)


def test_an_article_crossing_a_column_and_a_page_is_one_speech(pdfs, seed):
    corpus = cn.read_pdf(pdfs["three"])
    assert [d.meta["pages"] for d in corpus] == [(1,), (1,), (1,), (1,), (1, 2), (2,), (2,)]
    tianshui = corpus[4]
    boxes = [box for paragraph in tianshui.meta["paragraph_boxes"] for box in paragraph]
    assert {box[0] for box in boxes} == {1, 2}
    # the paragraph that runs from the foot of page 1 to the top of page 2 has one box on each page
    crossing = [p for p in tianshui.meta["paragraph_boxes"] if len({b[0] for b in p}) == 2]
    assert len(crossing) == 1
    # and articles cross from one column into the next: 8 column boxes on page 1 hold 4 speeches
    assert sum(len(p) for d in corpus for p in d.meta["paragraph_boxes"]) > sum(len(d.meta["paragraphs"]) for d in corpus)
    assert tianshui.meta["paragraphs"] == seed[4].meta["paragraphs"]


def test_pdf_pages_argument(pdfs, seed):
    first = cn.read_pdf(pdfs["three"], pages=[1])
    assert [d.meta["speaker"] for d in first] == ["张剑蓉", "刘进军", "何效祖", "陈华", "王燕"]
    assert first[4].text != seed[4].text and seed[4].text.startswith(first[4].text[:-30])  # cut at the foot of page 1
    with pytest.raises(InvalidArgumentError, match="pages=3 is not a selection of pages of this PDF"):
        cn.read_pdf(pdfs["three"], pages=3)


def test_pdfplumber_extract_text_merges_columns_and_the_reader_does_not(pdfs):
    import pdfplumber

    with pdfplumber.open(pdfs["three"]) as pdf:
        merged = pdf.pages[0].extract_text()
    # the first lines of columns 2 and 3 come out as one line (column 1 starts lower, under its title)
    assert "”，站稳人民立场，走好群众路线，不断厚植凝聚共识的 委员、委员联系界别群众等制度。推行调研前专项学习、" in merged
    assert cn.read_pdf(pdfs["three"])[0].meta["paragraphs"][0].startswith("近年来，徽县政协持续做优“委员讲堂”、做强“文化品牌”")


# -- radical code points ------------------------------------------------------
def test_the_radical_pdf_has_radicals_in_its_text_layer(pdfs):
    import pdfplumber

    with pdfplumber.open(pdfs["radicals"]) as pdf:
        layer = "".join(c["text"] for c in pdf.pages[0].chars)
    assert "\u2ea0" in layer and "\u2f00" in layer and "\u2f94" in layer
    assert "民" not in layer and "一" not in layer


def test_the_radical_pdf_gives_the_same_texts_as_the_clean_one(pdfs):
    same_speeches(cn.read_pdf(pdfs["radicals"]), cn.read_pdf(pdfs["three"]))


def test_radicals_in_a_text_page_and_in_normalize(page_text, seed):
    swapped = page_text.translate(str.maketrans(RADICALS))
    assert swapped != page_text
    same_speeches(cn.parse_page(swapped), seed)
    n = cn.normalize("人\u2ea0政协\u2f00是\u2ed3江")
    assert (n.text, n.same_length) == ("人民政协一是长江", True)


# -- other designs ------------------------------------------------------------
def test_five_columns_with_bylines_after_the_bodies(pdfs, seed):
    corpus = cn.read_pdf(pdfs["five"])
    same_speeches(corpus, seed)


def test_names_before_and_author_notes_after_the_bodies(pdfs, seed):
    """□ 张剑蓉 under the title, （作者系徽县政协党组书记、主席） after the body: one byline."""
    corpus = cn.read_pdf(pdfs["notes"])
    same_speeches(corpus, seed)
    table = cn.explain_page(pdfs["notes"])
    notes = table[table.text.str.startswith("（作者系")]
    assert len(notes) == 7 and notes.speech.tolist() == [f"speech-0{i}" for i in range(1, 8)]


def test_a_name_alone_in_the_byline_font_is_a_byline(pdfs, seed):
    """张剑蓉 alone under the title, in SimHei while the body is in STSong: the author (by font), not body text."""
    corpus = cn.read_pdf(pdfs["names"])
    assert [(d.meta["speaker"], d.meta["position"]) for d in corpus] == [
        (d.meta["speaker"], d.meta["position"]) for d in seed[:3]]
    assert corpus.texts == seed.texts[:3]
    table = cn.explain_page(pdfs["names"])
    row = table[table.text == "张剑蓉"].iloc[0]
    assert (row.kind, row.speech) == ("byline", "speech-01")
    assert row.evidence.startswith("a name alone in font AAAAAA+SimHei, not the body's STSongStd-Light")


def test_statements_pdf(pdfs):
    corpus = cn.read_pdf(pdfs["statements"])
    assert corpus.texts == STATEMENT_TEXTS
    assert [(d.meta["speaker"], d.meta["position"], d.meta["organization"], d.meta["level"], d.meta["title"])
            for d in corpus] == STATEMENT_PEOPLE
    assert corpus.meta["credits"] == ("记者 张三 李四",)
    assert all("记者" not in text and "张三" not in text for text in corpus.texts)


def test_box_and_caption_are_furniture_kept_as_metadata(pdfs):
    corpus = cn.read_pdf(pdfs["statements"])
    furniture = {(kind, text) for _, kind, text in corpus.meta["furniture"]}
    assert ("box", "编者按：全国两会期间，本报记者") in furniture
    assert ("box", "采访了部分委员。") in furniture
    assert ("caption", "图为委员在会上发言。新华社发") in furniture
    assert all("编者按" not in text and "新华社" not in text for text in corpus.texts)


def test_statements_text_page():
    page = "\n".join([
        " 全国政协十三届四次会议",
        "推动乡村产业振兴",
        "全国政协委员杨戌标：乡村振兴，产业",
        "是基础。建议加大对县域特色产业的支持",
        "力度，完善利益联结机制，让农民更多分",
        "享产业增值收益。",
        "要培育新型农业经营主体，带动小农户发",
        "展现代农业。",
        "建好用好数字平台",
        "全国政协常委王志刚：要加快农村数字基",
        "础设施建设，推动电子商务进村入户，让",
        "数字技术更好服务农业生产。",
        "以协商凝聚共识",
        "李红梅（兰州市政协主席）：地方政协要",
        "发挥专门协商机构作用，围绕群众关心的",
        "问题开展协商，把协商成果转化为工作举措。（记者 张三 李四）",
    ])
    corpus = cn.parse_page(page)
    assert corpus.texts == STATEMENT_TEXTS
    assert [(d.meta["speaker"], d.meta["position"], d.meta["organization"], d.meta["level"], d.meta["title"])
            for d in corpus] == STATEMENT_PEOPLE
    assert corpus.meta["credits"] == ("记者 张三 李四",)
    assert [d.meta["paragraph_lines"] for d in corpus] == [((3, 6), (7, 8)), ((10, 12),), ((14, 16),)]
    assert [d.meta["byline_line"] for d in corpus] == [3, 10, 14]
    # an ASCII colon, as PDF extractors often give it, reads the same
    assert cn.parse_page(page.replace("杨戌标：", "杨戌标:")) == corpus


def test_the_government_work_reports_are_not_pages_of_speeches(gov_reports_dir):
    """The statement and author grammars find no byline in 49 reports (1.07 M characters)."""
    for path in sorted(gov_reports_dir.glob("*.txt")):
        with pytest.raises(LayoutError, match="has no byline"):
            cn.read_page(path)


def test_author_notes_after_the_bodies_and_names_before_them():
    page = "\n".join([
        "让协商更有实效",
        "□ 杨戌标",
        "近年来，浙江省政协围绕中心工作开展协商，",
        "推动一批难题得到解决。",
        "要把协商贯穿决策全过程，提高协商质量。",
        "（作者系全国政协委员、浙江省政协副主席）",
        "凝聚共识要久久为功",
        "文/王志刚",
        "凝聚共识不是一时之功，甘肃省政协坚持",
        "把思想政治引领放在首位。",
        "（作者系甘肃省政协常委）",
    ])
    corpus = cn.parse_page(page)
    assert corpus.texts == (
        "近年来，浙江省政协围绕中心工作开展协商，推动一批难题得到解决。\n要把协商贯穿决策全过程，提高协商质量。",
        "凝聚共识不是一时之功，甘肃省政协坚持把思想政治引领放在首位。",
    )
    assert [(d.meta["speaker"], d.meta["position"], d.meta["level"], d.meta["title"], d.meta["byline_line"]) for d in corpus] == [
        ("杨戌标", "全国政协委员、浙江省政协副主席", "national", "让协商更有实效", 6),
        ("王志刚", "甘肃省政协常委", "province", "凝聚共识要久久为功", 11),
    ]


# -- bad input ----------------------------------------------------------------
def test_pdf_without_speeches_gives_the_text_readers_error(pdfs, tmp_path):
    with pytest.raises(LayoutError, match="is not a page of speeches: it has no byline.*use Corpus.from_files"):
        cn.read_pdf(pdfs["no speeches"])


def test_encrypted_pdf(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(50, 700, "text")
    c.save()
    with pytest.raises(InvalidArgumentError, match="is an encrypted PDF: its text cannot be read without the password"):
        cn.read_pdf(path)


def test_image_only_pdf(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.setFillGray(0.5)
    c.rect(50, 50, 300, 300, fill=1)
    c.save()
    with pytest.raises(EmptyInputError, match="has no text layer.*no OCR|has no text layer.*OCR"):
        cn.read_pdf(path)


@pytest.mark.parametrize("content", [b"%PDF-1.4\n garbage", b"", b"\x00" * 100, b"%PDF-1.7\n1 0 obj\n<<"])
def test_corrupt_pdf_gives_a_clear_error_and_writes_nothing(tmp_path, content):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(InvalidArgumentError, match="is not a readable PDF"):
        cn.read_pdf(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.pdf"]


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated_pdf_gives_a_clear_error(pdfs, tmp_path, keep):
    data = pdfs["statements"].read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    try:
        corpus = cn.read_pdf(path)
    except (InvalidArgumentError, EmptyInputError, LayoutError) as exc:
        assert "truncated.pdf" in str(exc)
    else:  # pdfminer may repair a file cut after the pages
        assert corpus.texts == STATEMENT_TEXTS


def test_wrong_arguments(tmp_path, pdfs):
    with pytest.raises(InputTypeError):
        cn.read_pdf(42)
    with pytest.raises(InvalidArgumentError, match="does not exist"):
        cn.read_pdf(tmp_path / "missing.pdf")
    with pytest.raises(InputTypeError, match="is not a PageRules"):
        cn.read_pdf(pdfs["three"], rules={"indent": 2})
    with pytest.raises(InvalidArgumentError, match=r"rules.indent=-1 is out of range"):
        cn.read_pdf(pdfs["three"], rules=cn.PageRules(indent=-1))


def test_reading_a_pdf_is_deterministic(pdfs):
    a, b = cn.read_pdf(pdfs["statements"]), cn.read_pdf(pdfs["statements"])
    assert a == b and a.to_records() == b.to_records()


# -- explain_page and PageRules -------------------------------------------------
def test_explain_page_names_every_line_of_the_seed_page(page_path, page_text):
    table = cn.explain_page(page_path)
    assert len(table) == sum(1 for line in page_text.split("\n") if line.strip())
    assert table["kind"].value_counts().to_dict() == {"body": 340, "title": 14, "byline": 6, "header": 1, "marker": 1}
    assert table["evidence"].str.len().min() > 0
    row = table[table.line == 82].iloc[0]
    assert (row.kind, row.speech, row.role, row.speaker) == ("byline", "speech-01", "byline", "张剑蓉")
    shared = table[table.text.str.startswith("王燕")].iloc[0]
    assert (shared.speech, shared.speaker) == ("speech-05, speech-06", "王燕, 张志军")
    header = table[table.kind == "header"].iloc[0]
    assert header.evidence == "leading space, no punctuation, width 30 >= 6" and header.speech is None
    # every body line went to a speech; same answer from the text itself
    assert table[table.kind == "body"].speech.notna().all()
    assert cn.explain_page(page_text).equals(table)


def test_explain_page_on_a_pdf(pdfs):
    table = cn.explain_page(pdfs["statements"])
    kinds = dict(zip(table.text, table.kind))
    assert kinds["甘肃日报  2021年12月10日  星期五  第7版  政协周刊"] == "furniture"
    assert kinds["推动乡村产业振兴"] == "title"
    assert kinds["全国政协委员杨戌标："] == "byline"
    assert kinds["（记者 张三 李四）"] == "credit"
    assert table.page.tolist()[0] == 1 and table.x0.notna().all()


def test_explain_page_on_a_page_without_speeches():
    table = cn.explain_page("过去一年，我国经济社会发展取得新的成就。\n今年的主要任务是稳增长、促改革。")
    assert table.kind.tolist() == ["body", "body"] and table.speech.isna().all()


def test_one_rule_changed_shows_its_effect(page_path, seed):
    # titles may be at most 8 cells wide: the wider title lines are read as body text
    narrow = cn.PageRules(max_title_width=8)
    table = cn.explain_page(page_path, rules=narrow)
    wide = table[table.text.isin(["着力搭建“四个平台”", "在“凝聚”上下功夫", "强化政治引领广泛凝聚共识"])]
    assert wide.kind.tolist() == ["body", "body", "body"]
    assert wide.evidence.str.contains("width 1[0-2] > 8|width 9 > 8").all()
    corpus = cn.read_page(page_path, rules=narrow)
    # the title lines that became body text glue onto bodies, whose number and titles change
    assert [d.meta["title"] for d in corpus] == [
        "协商凝聚共识 履职助推发展", None, None, "广泛凝聚共识 汇聚奋进力量", "聚焦主责主业", None, "广泛凝聚共识",
        "聚共识 汇合力", None,
    ]
    assert cn.read_page(page_path, rules=cn.PageRules()) == seed
    # without the evidence of the organization a body names, bylines go by adjacency alone
    blind = cn.PageRules(organization_named=0, organization_early=0, place_named=0)
    assert [d.meta["speaker"] for d in cn.read_page(page_path, rules=blind)] == [
        "张剑蓉", "巨文程", "何效祖", "陈华", "刘进军", "王燕", "张志军"]


def test_page_rules_is_frozen_and_documented():
    rules = cn.PageRules()
    with pytest.raises(Exception):
        rules.max_title_width = 3  # type: ignore[misc]
    doc = cn.PageRules.__doc__
    for name in cn.PageRules.__dataclass_fields__:
        assert re.search(rf"\b{name}\b", doc), name


# -- linear time on a run of brackets (issue 15) --------------------------------
def test_a_long_run_of_brackets_is_read_quickly():
    import time

    start = time.perf_counter()
    with pytest.raises(LayoutError):
        cn.parse_page("（" * 20_000)
    with pytest.raises(LayoutError):
        cn.parse_page("张三（" * 5_000 + "）")
    assert time.perf_counter() - start < 5


# -- properties -----------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LAYOUT_CHARS = st.sampled_from(list("全国政协委员常杨戌标王志刚兰州市主席：:（）()记者张三李四□文/作者系，。、 \n近年来协商") + ["\u2ea0", "\u2f00"])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_LAYOUT_CHARS, max_size=200))
def test_layout_grammar_never_raises_a_foreign_error_and_loses_no_body_text(text):
    from consensus_nlp._zh import map_radicals
    from consensus_nlp.io.page.reader import split_lines

    # the parts of a split line put back together are the line (radicals mapped)
    lines = split_lines(text)
    assert "".join(line.raw for line in lines).replace(" ", "") == "".join(
        map_radicals(raw.rstrip()) for raw in re.split(r"\r\n|\r|\n", text) if raw.strip()).replace(" ", "")
    try:
        corpus = cn.parse_page(text)
    except (LayoutError, EmptyInputError):
        return
    for doc in corpus:
        assert doc.text == "\n".join(doc.meta["paragraphs"])
        assert "记者" not in doc.text or "（记者" not in doc.text


@settings(max_examples=int(__import__("os").environ.get("PDF_EXAMPLES", "6")), deadline=None)
@given(data=st.data())
def test_any_selection_of_the_seed_speeches_in_any_columns_reads_back(seed, tmp_path_factory, data):
    """A PDF typeset from some of the seed's speeches, in 2-5 columns, with bylines before, after, or
    split into □ name and （作者系…） note, reads back as the same speeches."""
    docs = data.draw(st.lists(st.sampled_from(list(seed)), min_size=1, max_size=7, unique_by=lambda d: d.doc_id))
    columns = data.draw(st.integers(2, 5))
    mode = data.draw(st.sampled_from(["before", "after", "notes"]))
    height = data.draw(st.sampled_from([700.0, 900.0, 1100.0]))
    articles = []
    for d in docs:
        byline = f'{d.meta["speaker"]} {d.meta["position"]}'
        place = {"before": {"byline": byline}, "after": {"byline_after": byline},
                 "notes": {"byline": f'□ {d.meta["speaker"]}', "byline_after": f'（作者系{d.meta["position"]}）'}}[mode]
        articles.append(Article(_titles(d.meta["title"]), list(d.meta["paragraphs"]), **place))
    path = make_pdf(tmp_path_factory.mktemp("any") / "page.pdf",
                    Design(articles, columns=columns, width=300.0 * columns + 100, height=height))
    corpus = cn.read_pdf(path)
    assert corpus.texts == tuple(d.text for d in docs)
    for x, y in zip(corpus, docs):
        for key in ("speaker", "position", "organization", "level", "title", "paragraphs"):
            assert x.meta[key] == y.meta[key], key


@pytest.mark.parametrize(("number", "columns"), [(2, 4), (2, 5), (5, 2), (5, 3)])
def test_one_article_ending_with_a_full_line_atop_the_next_column(seed, tmp_path, number, columns):
    """The last column holds the article's last full line, its last words and the byline right-aligned after
    them: the full line reaches over the short ones, so they are one column, not a banner read first
    (these shapes of the hypothesis test above read as two speeches before)."""
    doc = seed[number]
    byline = f'{doc.meta["speaker"]} {doc.meta["position"]}'
    design = Design([Article(_titles(doc.meta["title"]), list(doc.meta["paragraphs"]), byline_after=byline)],
                    columns=columns, width=300.0 * columns + 100, height=700.0)
    corpus = cn.read_pdf(make_pdf(tmp_path / "one.pdf", design))
    assert corpus.texts == (doc.text,)
    assert [corpus[0].meta[k] for k in KEYS if k != "meeting"] == [doc.meta[k] for k in KEYS if k != "meeting"]
