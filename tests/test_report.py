"""The HTML report: embedded font subset, inline SVG, tables, theme labels, topic browser, methods."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from consensus_nlp._zh import is_cjk_text, is_han
from consensus_nlp.corpus import Corpus
from consensus_nlp.models.dictionaries import load_themes
from consensus_nlp.report import analyze
from consensus_nlp.report.browser import relevance, topic_browser_data
from consensus_nlp.report.figures import theme_labels
from consensus_nlp.report.fontsubset import font_codepoints, font_face_css, page_codepoints, subset_font
from consensus_nlp.report.html import TEXT_BUDGET, inline_svg, render_report
from consensus_nlp.report.methods import methods_html
from consensus_nlp.report.tables import format_value, table_html

REPO = Path(__file__).resolve().parents[1]
FONT_URI = re.compile(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)")


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "out"
    result = analyze(out_dir=out, progress=False)
    return result, (out / "report.html").read_text(encoding="utf-8")


def embedded_font(page: str) -> tuple[bytes, str]:
    """The page's WOFF2 bytes and the page without them."""
    fonts = FONT_URI.findall(page)
    assert len(fonts) == 1
    return base64.b64decode(fonts[0]), FONT_URI.sub("url()", page)


def test_every_chinese_character_of_the_page_is_in_the_embedded_font(seed_report):
    _, page = seed_report
    woff2, rest = embedded_font(page)
    assert woff2[:4] == b"wOF2"
    cmap = font_codepoints(woff2)
    chinese = {c for c in rest if is_han(c) or is_cjk_text(c)}
    assert len(chinese) > 700  # the speeches, outline, labels, passages and figure texts
    assert sorted(c for c in chinese if ord(c) not in cmap) == []
    # the subset holds the page's characters and nothing else
    assert cmap <= set(page_codepoints(rest))
    assert "做优“委员讲堂”，强化思想政治引领" in rest
    assert 50_000 < len(woff2) < 400_000


def test_font_subset_is_deterministic_and_exact():
    text = "凝聚共识 consensus 2021年"
    a, b = subset_font(page_codepoints(text)), subset_font(page_codepoints(text))
    assert a == b
    assert font_codepoints(a) == {ord(c) for c in text if c != " "}
    css = font_face_css(a)
    assert css.startswith('@font-face{font-family:"consensus-nlp CJK";')
    assert base64.b64decode(FONT_URI.search(css).group(1)) == a


def test_figures_are_inline_svg_with_chinese_text_and_png_files_remain(seed_report):
    result, page = seed_report
    assert "<img " not in page  # (the heatmap's cells are one small raster inside its SVG, as matplotlib writes it)
    assert page.count("<svg ") == 4  # heatmap, topic terms, topic shares, dendrogram
    assert "<?xml" not in page and "<metadata>" not in page
    for name in ("emphasis_heatmap", "topic_terms", "topic_shares", "dendrogram"):
        assert (result.out_dir / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        svg = (result.out_dir / f"{name}.svg").read_text(encoding="utf-8")
        assert inline_svg(svg)[len("<svg "):] in page
        assert f"{name}.svg" in result.manifest["outputs"]
    heatmap = (result.out_dir / "emphasis_heatmap.svg").read_text(encoding="utf-8")
    assert ">文化品牌</text>" in heatmap and ">徽县政协</text>" in heatmap  # text kept as text; theme labels


def test_inline_svg_refuses_what_is_not_svg():
    from consensus_nlp.errors import InvalidArgumentError

    assert inline_svg('<?xml version="1.0"?>\n<svg width="1"><metadata>x</metadata><g/></svg>\n') == '<svg width="1"><g/></svg>'
    with pytest.raises(InvalidArgumentError, match="is not an SVG document"):
        inline_svg("<html></html>")


def test_theme_labels_come_from_the_theme_file_and_head_the_emphasis_table(seed_report):
    labels = theme_labels(load_themes("cppcc"), "cppcc")
    assert labels == {
        "culture_brand": "文化品牌", "grassroots_consultation": "基层协商", "proposal_handling": "提案办理",
        "ideological_guidance": "思想政治引领", "united_front": "统一战线", "livelihood": "民生",
        "poverty_and_rural": "脱贫攻坚与乡村振兴", "epidemic_response": "疫情防控", "study_and_reading": "学习读书",
        "democratic_supervision": "民主监督",
    }
    assert theme_labels(load_themes({"a": ["文化"]}), {"a": ["文化"]}) == {}
    _, page = seed_report
    assert '<th scope="col" class=num>文化品牌<small>culture_brand</small></th>' in page


def test_tables_sort_on_full_values_and_filter(seed_report):
    assert format_value(3) == ("3", "3")
    assert format_value(0.000123456) == ("1.23e-04", "0.000123456")
    assert format_value(28.4810126) == ("28.5", "28.4810126")
    assert format_value(float("nan")) == ("", "")
    assert format_value("徽县政协") == ("徽县政协", None)
    df = pd.DataFrame({"term": ["甲", "乙"], "q": [0.01, 0.2], "n": [3, 12]})
    html = table_html(df, table_id="t", filter_box=False)
    assert ('<thead><tr><th scope="col">term</th><th scope="col" class=num>q</th><th scope="col" class=num>n</th>'
            '</tr></thead><tbody><tr><td>甲</td><td class=num data-v="0.01">0.01</td><td class=num data-v="3">3</td></tr>')\
        in html
    _, page = seed_report
    for table in ("t-documents", "t-emphasis", "t-keyness", "t-clusters"):
        assert f'<table class="sortable" id="{table}">' in page
    assert '<input class="filter" type="search" data-table="t-keyness"' in page
    assert "function sortTable" in page and "function filterTable" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page  # no network


def test_topic_relevance_follows_ldavis():
    model = SimpleNamespace(topic_word_=np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]]),
                            doc_topic_=np.array([[1.0, 0.0], [0.0, 1.0]]), doc_lengths=(1, 3),
                            doc_ids=("u1", "u2"), names=("t1", "t2"), terms=("甲", "乙", "丙"), texts=None)
    # p(t) = (0.25, 0.75); p(w) = (0.2, 0.15, 0.65)
    lam = 0.6
    expected = lam * np.log(0.3) + (1 - lam) * np.log(0.3 / 0.15)
    assert relevance(model, lam)[0, 1] == pytest.approx(expected)
    data = topic_browser_data(model, n_terms=2)
    assert data["terms"] == ["甲", "乙", "丙"]
    assert data["logp"] == [round(float(np.log(0.2)), 5), round(float(np.log(0.15)), 5), round(float(np.log(0.65)), 5)]
    assert [t["share"] for t in data["topics"]] == [0.25, 0.75]
    # topic t1: 甲 乙 are the top 2 at lambda = 1 (p .5, .3) and at lambda = 0 (lift 2.5, 2); t2 adds 丙
    assert [j for j, _ in data["topics"][0]["terms"]] == [0, 1]


def test_topic_browser_embeds_every_term_the_slider_can_show(seed_report):
    result, page = seed_report
    assert '<input id="topic-lambda" type="range"' in page and 'id="topic-data"' in page
    assert "Representative passages of topic_1" in page


def test_methods_tell_the_manifest_in_prose(seed_report):
    result, page = seed_report
    assert "7 documents were read from the bundled corpus <code>gansu-cppcc-2021</code>" in page
    assert "A topic model with k = 5 topics was fitted with the <code>tomotopy</code> engine, random seed 0." in page
    manifest = {**result.manifest, "parameters": {**result.manifest["parameters"], "keyness_min_count": 5, "iterations": 800}}
    text = methods_html(manifest, by="organization", keyness_columns=["term", "statistic", "p", "q", "log_ratio"])
    assert "terms seen fewer than 5 times in the two sides together were not tested" in text
    assert "<code>q</code> is <code>p</code> adjusted for the number of terms tested (fdr_bh)" in text
    assert "Other parameters: <code>iterations</code> = <code>800</code>." in text
    assert '"created"' not in page and '"timings"' not in page  # the page is the same on every run


def test_a_large_corpus_shows_the_opening_of_each_speech_within_the_budget():
    paragraph = "凝聚共识，" * 200  # 1,000 characters
    texts = ["\n".join([paragraph] * 8) for _ in range(20)]  # 20 x 8,007 characters > TEXT_BUDGET
    corpus = Corpus.from_records([{"doc_id": f"d{i}", "text": t} for i, t in enumerate(texts)])
    empty_devices = pd.DataFrame(columns=["doc_id", "kind", "label", "start", "end"])
    empty_outline = pd.DataFrame(columns=["doc_id", "level", "marker", "ordinal", "headline", "start", "end"])
    tables = {"documents": pd.DataFrame({"doc_id": corpus.doc_ids}), "devices": empty_devices, "outline": empty_outline,
              "emphasis": pd.DataFrame({"doc_id": ["d0"], "culture_brand": [1.0]}), "keyness": pd.DataFrame()}
    manifest = {"parameters": {"k": 2, "engine": "sklearn", "units": "speech", "n_units": 20}, "random_state": 0}
    page = render_report(corpus=corpus, tables=tables, figures={}, manifest=manifest, by="doc_id",
                         top_terms=pd.DataFrame(columns=["topic", "term"]), theme_labels={"culture_brand": "文化品牌"})
    share = TEXT_BUDGET // 20
    assert share == 7500
    assert page.count(f"First 7,007 of 8,007 characters shown") == 20  # seven whole paragraphs and their newlines
    assert page.count(paragraph) == 20 * 7
    assert page == render_report(corpus=corpus, tables=tables, figures={}, manifest=manifest, by="doc_id",
                                 top_terms=pd.DataFrame(columns=["topic", "term"]),
                                 theme_labels={"culture_brand": "文化品牌"})


def _distinct_cells(png: Path, n: int, cell: int) -> int:
    from PIL import Image

    image = Image.open(png).convert("L")
    return len({image.crop((i * cell, 0, (i + 1) * cell, cell)).tobytes() for i in range(n)})


def test_chromium_without_any_cjk_font_draws_the_embedded_subset(tmp_path):
    """Headless Chromium with a fontconfig holding no CJK font: 8 different characters give 8 different
    glyphs with the page's own font, and identical boxes (tofu) without it."""
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("chromium is not installed (apt-get install chromium): the screenshot check did not run")
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed: the screenshot check did not run")
    pytest.importorskip("PIL", reason="Pillow (a matplotlib dependency) is needed to read the screenshot")
    chars, cell = "凝聚共识政协委员", 100
    spans = "".join(f'<span style="display:inline-block;width:{cell}px;height:{cell}px">{c}</span>' for c in chars)
    style = (f"body{{margin:0;font-size:64px;line-height:{cell}px;white-space:nowrap;"
             'font-family:"consensus-nlp CJK",sans-serif}')
    shots = {}
    for name, font in (("embedded", font_face_css(subset_font(page_codepoints(chars)))), ("none", "")):
        page = tmp_path / f"{name}.html"
        page.write_text(f"<!DOCTYPE html><meta charset='utf-8'><style>{font}{style}</style><body>{spans}",
                        encoding="utf-8")
        shots[name] = tmp_path / f"{name}.png"
        run = subprocess.run([str(REPO / "scripts" / "screenshot-report.sh"), str(page), str(shots[name]),
                              f"{cell * len(chars)}x{cell * 3}"], capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
    assert _distinct_cells(shots["embedded"], len(chars), cell) == len(chars)
    assert _distinct_cells(shots["none"], len(chars), cell) == 1  # no CJK font at all: the same box for each
