"""Newspaper pages as PDFs typeset by typst (a third, independent producer: its own layout engine and PDF writer).

The ``typst`` package on PyPI carries the compiler. The page uses ``columns(n)``
with justified paragraphs and first-line indents, a banner block with a
subtitle, titles and bylines in SimHei (above or under the title, or
right-aligned after the body), bold ``一、`` headings, a boxed 编者按, a photo
block with a caption, articles with author lines and datelines, and the page's
``header``/``footer`` (the running header and the 版次 line on every page).

:func:`typst_available` is False when the package is not installed (tests then skip, saying so).
"""

from __future__ import annotations

import json
from pathlib import Path

from page_content import Page, blocks


def typst_available() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        return False
    return True


def _s(text: str) -> str:
    """A typst string literal shown as content."""
    return "#" + json.dumps(text, ensure_ascii=False)


def _hei(text: str, size: str = "10.5pt", fill: str = "black") -> str:
    return f'#text(font: "SimHei", size: {size}, fill: {fill})[{_s(text)}]'


def page_source(page: Page) -> str:
    head = [
        f'#set page(width: 300mm, height: 420mm, margin: (x: 14mm, top: 28mm, bottom: 30mm), '
        f'header: text(size: 8pt)[{_s(page.header)}], footer: align(center, text(size: 8pt)[{_s(page.footer)}]))',
        '#set text(font: "Noto Serif CJK SC", size: 10.5pt, lang: "zh")',
        "#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 0.75em, spacing: 0.75em)",
    ]
    body = []
    if page.banner:
        sub = f" \\ {_hei(page.subtitle, '13pt', 'white')}" if page.subtitle else ""
        body.append(f'#block(fill: rgb("#c8161d"), width: 100%, inset: 3mm)[#align(center)[{_hei(page.banner, "22pt", "white")}{sub}]]')
    if page.contents:
        lines = " \\ ".join(_hei(c) for c in ["本版导读", *page.contents])
        body.append(f"#block(stroke: (top: 1pt, bottom: 1pt), width: 100%, inset: 2mm)[#par(first-line-indent: 0pt)[{lines}]]")
    cols = []
    if page.note:
        note = " \\ ".join(_hei(n, "10pt") for n in page.note)
        cols.append(f'#block(stroke: 1.2pt + rgb("#c8161d"), inset: 2mm, width: 100%)[#par(first-line-indent: 0pt)[{note}]]')
    for k, doc in enumerate(page.documents):
        title = "#align(center)[#block(above: 1em, below: 0.6em)[" + " \\ ".join(_hei(t, "15pt") for t in doc.titles) + "]]"
        for kind, text in blocks(page, doc):
            if kind == "title":
                cols.append(title)
            elif kind in ("byline", "author"):
                cols.append(f"#align(center)[{_hei(text)}]")
            elif kind == "byline-after":
                cols.append(f"#align(right)[{_hei(text)}]")
            elif kind == "heading":
                cols.append(f"#par(first-line-indent: 0pt)[{_hei(text)}]")
            else:
                cols.append(f"#par[{_s(text)}]")
        cols.append("#v(0.8em)")
        if page.caption and k == 0:
            cols.append(f'#block(fill: gray, width: 100%, height: 38mm) #text(size: 8pt)[{_s(page.caption)}]')
    body.append(f"#columns({page.columns}, gutter: 1.4em)[\n" + "\n\n".join(cols) + "\n]")
    return "\n".join(head) + "\n" + "\n\n".join(body) + "\n"


def make_pdf(path: Path, page: Page) -> Path:
    """Typeset ``page`` to ``path`` with typst."""
    import typst

    from consensus_nlp.viz.fonts import bundled_font_path

    source = path.with_suffix(".typ")
    source.write_text(page_source(page), encoding="utf-8")
    typst.compile(str(source), output=str(path), font_paths=[str(bundled_font_path().parent)], ignore_system_fonts=True)
    source.unlink()
    return path
