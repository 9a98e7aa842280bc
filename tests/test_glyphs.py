"""Glyph aliases in PDF text layers (io/page/glyphs.py): repaired on simplified Chinese pages only.

Chromium shapes 户 and — with Noto CJK's ``locl``/``fwid`` features and its text layer then
names 戶 (U+6236) and ― (U+2015); test_producers reads such a page. Here a PDF whose text
layer holds the aliases is written with reportlab, so the rule is tested without Chromium.
"""

from __future__ import annotations

import pytest

import consensus_nlp as cn
from consensus_nlp.errors import InvalidArgumentError
from consensus_nlp.io.page.glyphs import (
    alias_repairs,
    alias_table,
    in_gb2312,
    simplified_share,
)
from consensus_nlp.io.page.pdf import pdf_lines

SIMPLIFIED = ["各地推进戶籍制度改革，", "让进城落戶的农民享有同等待遇―这是承诺。"]
TRADITIONAL = ["各地推進戶籍制度改革，", "讓進城落戶的農民享有同等待遇―這是承諾。"]


def _pdf(path, lines: list[str]):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), pagesize=(400, 300))
    page.setFont("STSong-Light", 12)
    for k, line in enumerate(lines):
        page.drawString(40, 200 - 20 * k, line)
    page.save()
    return path


def test_the_table_maps_one_code_point_to_one_outside_gb2312_to_inside():
    table = alias_table()
    assert table["戶"] == "户" and table["戸"] == "户" and table["―"] == "—" and table["\uf967"] == "不"
    assert len(table) == 151
    assert all(len(k) == 1 and len(v) == 1 and not in_gb2312(k) and in_gb2312(v) and not v.isascii()
               for k, v in table.items())


def test_a_simplified_page_is_repaired_and_a_traditional_one_is_not():
    assert simplified_share("".join(SIMPLIFIED)) == 1.0
    assert simplified_share("".join(TRADITIONAL)) == pytest.approx(20 / 26)  # 進 讓 進 農 這 諾 are not in GB 2312
    assert alias_repairs("".join(SIMPLIFIED), 0.95) == {ord("戶"): "户", ord("―"): "—"}
    assert alias_repairs("".join(TRADITIONAL), 0.95) == {}
    assert alias_repairs("没有别名的一页", 0.95) == {} and alias_repairs("", 0.95) == {}


def test_pdf_lines_repair_the_aliases_of_a_simplified_pdf(tmp_path):
    lines = pdf_lines(_pdf(tmp_path / "s.pdf", SIMPLIFIED))
    assert [line.text for line in lines] == ["各地推进户籍制度改革，", "让进城落户的农民享有同等待遇—这是承诺。"]
    assert [line.repaired for line in lines] == [["戶→户"], ["戶→户", "―→—"]]
    assert lines[1].evidence.endswith("glyph aliases of a simplified Chinese page repaired: 戶→户, ―→—")
    assert cn.explain_page(tmp_path / "s.pdf").attrs["glyph_aliases"] == {"―→—": 1, "戶→户": 2}


def test_pdf_lines_keep_the_code_points_of_a_traditional_pdf(tmp_path):
    lines = pdf_lines(_pdf(tmp_path / "t.pdf", TRADITIONAL))
    assert [line.text for line in lines] == TRADITIONAL and not any(line.repaired for line in lines)


def test_the_repair_can_be_turned_off_and_a_bad_share_is_refused(tmp_path):
    lines = pdf_lines(_pdf(tmp_path / "s.pdf", SIMPLIFIED), rules=cn.PageRules(simplified_share=1.5))
    assert [line.text for line in lines] == SIMPLIFIED
    with pytest.raises(InvalidArgumentError, match=r"rules.simplified_share=3 is out of range.*above 1 turns the repair"):
        cn.PageRules(simplified_share=3)
