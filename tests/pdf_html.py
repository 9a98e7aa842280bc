"""Newspaper pages as PDFs printed from HTML/CSS by headless Chromium (a second, independent producer).

The page is laid out by Chromium's CSS engine, not by us: ``column-count`` 2-5,
``text-align: justify``, a red banner with a subtitle spanning the columns,
bold ``一、`` headings inside bodies, bylines above or under the title (in 黑体) or
right-aligned after the body, a boxed 编者按, a floated photo with a caption,
articles with author lines and datelines, a contents list, a masthead line in
small print at the top of the first page (Chromium drew ``@page`` margin boxes and
``position: fixed`` headers over the body text of some pages). Fonts are the
Noto/SimHei files shipped by mplfonts, loaded with ``@font-face``.

:func:`chromium` is None when no Chromium is installed (tests then skip, saying so).
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

from page_content import Page, blocks

FONTS = None


def chromium() -> str | None:
    """The Chromium executable, or None."""
    return next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)


def _fonts() -> Path:
    from consensus_nlp.viz.fonts import bundled_font_path

    return bundled_font_path().parent


def _css(page: Page) -> str:
    fonts = _fonts()
    return f"""
@font-face {{ font-family: Body; src: url("file://{fonts / 'NotoSerifCJKsc-Regular.otf'}"); }}
@font-face {{ font-family: Hei; src: url("file://{fonts / 'SimHei.ttf'}"); }}
@page {{ size: 300mm 420mm; margin: 28mm 14mm 30mm 14mm; }}
.masthead {{ font-size: 8pt; margin: 0 0 12mm; }}
body {{ font-family: Body; font-size: 10.5pt; line-height: 1.65; margin: 0; }}
.banner {{ background: #c8161d; color: white; text-align: center; padding: 3mm 0 2mm; margin-bottom: 3mm; }}
.banner h1 {{ font-family: Hei; font-size: 22pt; margin: 0; line-height: 1.3; }}
.banner p {{ font-family: Hei; font-size: 13pt; margin: 1mm 0 0; }}
.cols {{ column-count: {page.columns}; column-gap: 1.4em; text-align: justify; }}
h2 {{ font-family: Hei; font-size: 15pt; line-height: 1.35; margin: 0.6em 0 0.3em; text-align: center; break-after: avoid; }}
h2 span {{ display: block; }}
p {{ margin: 0; text-indent: 2em; }}
p.head {{ text-indent: 0; font-family: Hei; }}
.byline {{ font-family: Hei; text-indent: 0; text-align: center; margin: 0.2em 0 0.4em; }}
.byline.after {{ text-align: right; margin: 0.2em 0 0.8em; }}
.note {{ border: 1.2pt solid #c8161d; padding: 2mm; margin-bottom: 3mm; break-inside: avoid; }}
.note p {{ font-family: Hei; font-size: 10pt; }}
figure {{ margin: 2mm 0; break-inside: avoid; }}
figure .photo {{ height: 38mm; background: #8a8a8a; }}
figcaption {{ font-size: 8pt; line-height: 1.3; margin-top: 1mm; }}
.author {{ font-family: Hei; text-indent: 0; text-align: center; margin-bottom: 0.4em; }}
.contents {{ border-top: 1pt solid black; border-bottom: 1pt solid black; margin-bottom: 3mm; }}
.contents p {{ text-indent: 0; white-space: pre; font-family: Hei; }}
section {{ margin-bottom: 0.8em; }}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=False)


HTML_BLOCKS = {"byline": '<p class="byline">{}</p>', "heading": '<p class="head">{}</p>', "para": "<p>{}</p>",
               "byline-after": '<p class="byline after">{}</p>', "author": '<p class="author">{}</p>'}


def page_html(page: Page) -> str:
    parts = [f'<div class="masthead">{_e(page.header)}</div>']
    if page.banner:
        sub = f"<p>{_e(page.subtitle)}</p>" if page.subtitle else ""
        parts.append(f'<div class="banner"><h1>{_e(page.banner)}</h1>{sub}</div>')
    if page.contents:
        parts.append('<div class="contents"><p>本版导读</p>' + "".join(f"<p>{_e(c)}</p>" for c in page.contents) + "</div>")
    parts.append('<div class="cols">')
    if page.note:
        parts.append('<div class="note">' + "".join(f"<p>{_e(n)}</p>" for n in page.note) + "</div>")
    for k, doc in enumerate(page.documents):
        title = "<h2>" + "".join(f"<span>{_e(t)}</span>" for t in doc.titles) + "</h2>"
        section = [title if kind == "title" else HTML_BLOCKS[kind].format(_e(text)) for kind, text in blocks(page, doc)]
        parts.append("<section>" + "".join(section) + "</section>")
        if page.caption and k == 0:
            parts.append(f'<figure><div class="photo"></div><figcaption>{_e(page.caption)}</figcaption></figure>')
    parts.append("</div>")
    return f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><style>{_css(page)}</style></head>' \
           f'<body>{"".join(parts)}</body></html>'


def make_pdf(path: Path, page: Page) -> Path:
    """Print ``page`` to ``path`` with headless Chromium."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "page.html"
        source.write_text(page_html(page), encoding="utf-8")
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={tmp}/profile", f"--print-to-pdf={path}", source.as_uri()],
                       check=True, capture_output=True, timeout=180)
    return path
