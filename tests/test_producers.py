"""read_pdf on pages typeset by producers other than the tests' own reportlab code.

Headless Chromium (tests/pdf_html.py: HTML/CSS columns, justify, banner, bold headings)
and typst (tests/pdf_typst.py) lay the pages out themselves; the reader sees only where
the characters stand. A sample runs here; the benchmark (benchmarks/page_producers.py)
reads 300 random pages per producer and docs/pages.md has its tables. Tests that need
a producer that is not installed are skipped and say which.
"""

from __future__ import annotations

import logging

import pytest
from page_content import expected, found, random_page, seed_page
from pdf_html import chromium
from pdf_typst import typst_available

import consensus_nlp as cn

NO_CHROMIUM = pytest.mark.skipif(chromium() is None, reason="chromium is not installed: Chromium-typeset pages not read")
NO_TYPST = pytest.mark.skipif(not typst_available(), reason="typst is not installed (pip install typst): typst pages not read")


@pytest.fixture(scope="module")
def seed(page_path) -> cn.Corpus:
    return cn.read_page(page_path)


def _typeset(producer: str, path, page):
    if producer == "chromium":
        import pdf_html

        return pdf_html.make_pdf(path, page)
    import pdf_typst

    return pdf_typst.make_pdf(path, page)


@pytest.mark.parametrize("producer", [pytest.param("chromium", marks=NO_CHROMIUM), pytest.param("typst", marks=NO_TYPST)])
@pytest.mark.parametrize("columns", [2, 3, 5])
@pytest.mark.parametrize("byline", ["above", "under", "after"])
def test_the_seed_speeches_typeset_by_another_producer(seed, tmp_path, producer, columns, byline):
    """The seven speeches, their bylines before the bodies (above or under the titles) or right-aligned after
    them: 7/7."""
    page = seed_page(seed, columns=columns, byline=byline)
    corpus = cn.read_pdf(_typeset(producer, tmp_path / "seed.pdf", page))
    assert found(corpus) == expected(page)
    # every character in the right speech (paragraph breaks may differ where a line happens to fill its column);
    # Chromium's text layer names 戶 (U+6236) for 户 and ― (U+2015) for — (Noto's locl glyphs): repaired on read
    assert ["".join(read.split()) for read in corpus.texts] == ["".join(printed.split()) for printed in seed.texts]
    assert corpus.meta["meeting"] == seed.meta["meeting"] and corpus.meta["kind"] == "speeches"
    if producer == "chromium":  # 户 once in the bodies (its text layer names ⼾ U+2F3E, i.e. 戶), — twice
        assert corpus.meta["glyph_aliases"] == {"―→—": 2, "戶→户": 1}
    else:
        assert "glyph_aliases" not in corpus.meta


@NO_TYPST
@pytest.mark.parametrize("number", [1, 3, 6, 9, 12, 175, 268, 509])
def test_random_typst_pages(tmp_path, number):
    """Random pages (speeches with bylines above/under/after, 一、 headings, banners, boxes; articles with
    author lines and datelines; 175: a speech ending with two lines atop the last column, its byline
    right-aligned under them; 268: datelines only, typst sets 新华社兰州 3 月 10 日电 with spaces; 509: a
    contents line running over the gutter, an article's title and author line at the foot of the first
    column and its body atop the second): every document exact, none extra."""
    page = random_page(number)
    corpus = cn.read_pdf(_typeset("typst", tmp_path / "page.pdf", page))
    assert found(corpus) == expected(page)


@pytest.mark.parametrize("number", [406, 525])
def test_random_reportlab_pages_whose_last_column_holds_few_lines(tmp_path, number):
    """The held-out misses of reportlab: an article ends with one or two full lines atop an otherwise empty
    column (then its last words, or a byline under a title): those lines are the column's, not a banner."""
    from pdf_pages import make_page_pdf

    page = random_page(number)
    corpus = cn.read_pdf(make_page_pdf(tmp_path / "page.pdf", page))
    assert found(corpus) == expected(page)


@NO_CHROMIUM
def test_pdfminer_warnings_become_one_warning_of_ours(tmp_path, seed, caplog, capsys):
    """A Chromium PDF makes pdfminer log `Could not get FontBBox…` once per font use; none reaches the user."""
    path = _typeset("chromium", tmp_path / "seed.pdf", seed_page(seed, columns=3, byline="under"))
    with caplog.at_level(logging.WARNING):
        cn.read_pdf(path)
    ours = [r for r in caplog.records if r.name == "consensus_nlp.io.page.pdf"]
    assert len(ours) == 1 and not [r for r in caplog.records if r.name.startswith("pdfminer")]
    message = ours[0].getMessage()
    assert "pdfminer reported" in message and "FontBBox" in message and "the text was read as usual" in message
    assert "FontBBox" not in capsys.readouterr().err


@NO_CHROMIUM
def test_a_title_wrapped_at_the_foot_of_a_column_goes_on_at_the_top_of_the_next(tmp_path):
    """Random page 263 (5 columns, articles): Chromium wraps 提升履职能力画好同心圆 after 同 at the foot of
    the second column and sets 心圆 atop the third; the two are one title line."""
    page = random_page(263)
    corpus = cn.read_pdf(_typeset("chromium", tmp_path / "page.pdf", page))
    assert found(corpus) == expected(page)
    assert "提升履职能力画好同心圆" in [d.meta["title"] for d in corpus]
    table = cn.explain_page(tmp_path / "page.pdf")
    assert table[table.text == "心圆"].evidence.tolist() == ["the rest of the title line at the foot of the column before (line 37)"]
