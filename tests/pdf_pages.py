"""Newspaper pages as PDFs, typeset by the tests with reportlab (no network, pip-installable tools only).

Body text in reportlab's built-in CID font STSong-Light (pdfplumber reads real
Unicode from it), bylines in SimHei (shipped by mplfonts, a dependency) so that
they differ in weight/font from the body, titles larger. Lines are filled by
measured width; the first line of every paragraph is indented two characters.

The radical-code-point PDF uses a copy of SimHei whose character map also sends
radical code points (⼀ U+2F00, ⺠ U+2EA0…) to the glyphs of the ideographs they
look like, so the page looks the same but its text layer holds the radicals,
as the text layers of many Chinese newspaper PDFs do.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

BODY, TITLE, SMALL = 10.5, 14.0, 8.0
LEADING = 1.5


@dataclass
class Article:
    titles: list[str]
    paragraphs: list[str]
    byline: str | None = None  # before the body (after the titles)
    byline_after: str | None = None  # right-aligned after the body
    credit: str | None = None  # a line after the body, e.g. （记者 张三 李四）


@dataclass
class Design:
    articles: list[Article]
    columns: int = 3
    width: float = 900.0
    height: float = 1100.0
    header: str = "甘肃日报  2021年12月10日  星期五  第7版  政协周刊"
    footer: str = "第7版"
    banner: str | None = None
    marker: str | None = None
    box: list[str] = field(default_factory=list)  # 编者按 lines, in a drawn box at the top of column 1
    caption: str | None = None  # a photo (grey block) with a caption in small print, at the top of the last column
    radicals: dict[str, str] | None = None  # ideograph -> radical code point drawn instead


@functools.lru_cache(maxsize=None)
def _fonts(radicals: tuple[tuple[str, str], ...] = ()) -> tuple[str, str]:
    """(body font, byline font) names registered with reportlab."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    from consensus_nlp.viz.fonts import bundled_font_path

    simhei = bundled_font_path().parent / "SimHei.ttf"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    if "SimHei" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("SimHei", str(simhei)))
    if not radicals:
        return "STSong-Light", "SimHei"
    from fontTools.ttLib import TTFont as FontFile

    font = FontFile(str(simhei))
    for record in font["name"].names:  # its own name: reportlab shares faces between fonts of one name
        if record.nameID in (1, 3, 4, 6):
            record.string = "SimHeiRadicals"
    for table in font["cmap"].tables:
        if table.isUnicode():
            for ideograph, radical in radicals:
                table.cmap[ord(radical)] = table.cmap[ord(ideograph)]
    import hashlib
    import tempfile

    digest = hashlib.sha256(repr(("v2", radicals)).encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"consensus-nlp-radical-simhei-{digest}.ttf"
    if not path.exists():
        font.save(str(path) + ".part")
        Path(str(path) + ".part").replace(path)
    pdfmetrics.registerFont(TTFont("SimHeiRadicals", str(path)))
    return "SimHeiRadicals", "SimHeiRadicals"


class _Flow:
    """A cursor that fills columns top to bottom, left to right, page after page."""

    def __init__(self, canvas, design: Design, body_font: str, byline_font: str):
        self.c, self.d = canvas, design
        self.body_font, self.byline_font = body_font, byline_font
        self.margin, self.gutter = 40.0, 1.5 * BODY
        self.col_width = (design.width - 2 * self.margin - (design.columns - 1) * self.gutter) / design.columns
        self.column, self.y = 0, 110.0  # from the top of the page

    def x(self) -> float:
        return self.margin + self.column * (self.col_width + self.gutter)

    def need(self, height: float) -> None:
        bottom = 260 if self.d.caption else 80
        if self.y + height > self.d.height - bottom:
            self.column += 1
            self.y = 100.0
            if self.column == self.d.columns:
                self.new_page()

    def new_page(self) -> None:
        self.c.showPage()
        self.furniture(page=2)
        self.column, self.y = 0, 100.0

    def draw(self, text: str, font: str, size: float, dx: float = 0.0) -> None:
        """Draw one line at ``dx`` from the left edge of the current column (moving on first when it is full)."""
        self.need(size * LEADING)
        self.y += size * LEADING
        self.c.setFont(font, size)
        self.c.drawString(self.x() + dx, self.d.height - self.y, self._radicals(text))

    def _radicals(self, text: str) -> str:
        table = self.d.radicals or {}
        return "".join(table.get(ch, ch) for ch in text)

    def paragraph(self, text: str, font: str) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        first, line = True, ""
        for ch in text:
            room = self.col_width - (2 * BODY if first else 0)
            if stringWidth(line + ch, font, BODY) > room:
                self.draw(line, font, BODY, 2 * BODY if first else 0)
                first, line = False, ""
            line += ch
        if line:
            self.draw(line, font, BODY, 2 * BODY if first else 0)

    def right(self, text: str, font: str) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self.draw(text, font, BODY, self.col_width - stringWidth(text, font, BODY))

    def furniture(self, page: int) -> None:
        c, d = self.c, self.d
        c.setFont(self.body_font, SMALL + 1)
        c.drawString(self.margin, d.height - 30, self._radicals(d.header))
        c.drawString(d.width / 2, d.height - d.height + 30, self._radicals(f"{d.footer}（第{page}页）"))


def make_pdf(path: Path, design: Design) -> Path:
    from reportlab.pdfgen import canvas as pdfcanvas

    body_font, byline_font = _fonts(tuple(sorted((design.radicals or {}).items())))
    c = pdfcanvas.Canvas(str(path), pagesize=(design.width, design.height), invariant=1)
    flow = _Flow(c, design, body_font, byline_font)
    flow.furniture(page=1)
    if design.banner:
        c.setFont(body_font, 16)
        c.drawCentredString(design.width / 2, design.height - 80, flow._radicals(design.banner))
    if design.marker:
        c.setFont(body_font, BODY)
        c.drawCentredString(design.width / 2, design.height - 100, flow._radicals(design.marker))
    if design.box:
        top = flow.y
        for line in design.box:
            flow.draw(line, body_font, BODY, BODY)
        c.rect(flow.x(), design.height - flow.y - BODY, flow.col_width, flow.y - top + BODY * 1.2)
        flow.y += BODY
    for article in design.articles:
        for title in article.titles:
            flow.draw(title, body_font, TITLE)
        if article.byline:
            flow.draw(article.byline, byline_font, BODY)
        for paragraph in article.paragraphs:
            flow.paragraph(paragraph, body_font)
        if article.byline_after:
            flow.right(article.byline_after, byline_font)
        if article.credit:
            flow.right(article.credit, body_font)
        flow.y += BODY
    if design.caption:
        x = flow.margin + (design.columns - 1) * (flow.col_width + flow.gutter)
        c.setFillGray(0.6)
        c.rect(x, 150, flow.col_width, 80, stroke=0, fill=1)
        c.setFillGray(0)
        c.setFont(body_font, SMALL)
        c.drawString(x, 138, flow._radicals(design.caption))
    c.save()
    return path


def make_page_pdf(path: Path, page) -> Path:
    """A random page of tests/page_content.py typeset with reportlab (the benchmark's reportlab producer)."""
    from page_content import Speech

    articles = []
    for doc in page.documents:
        if isinstance(doc, Speech):
            byline = f"{doc.speaker} {doc.position}"
            place = {"after": {"byline_after": byline}}.get(page.byline, {"byline": byline})
            articles.append(Article(list(doc.titles), list(doc.paragraphs), **place))
        else:
            first = (doc.dateline or "") + doc.paragraphs[0]
            articles.append(Article(list(doc.titles), [first, *doc.paragraphs[1:]], byline=doc.author_line))
    width = 300.0 * page.columns + 100
    return make_pdf(path, Design(articles, columns=page.columns, width=width, height=1100.0, header=page.header,
                                 footer=page.footer, banner=page.banner, marker=page.subtitle, box=list(page.note),
                                 caption=page.caption))
