"""A subset of a CJK font holding only the characters a page uses, as WOFF2 for ``@font-face``.

The report must render Chinese on a machine without any CJK font, so it carries its own:
the ``NotoSansCJKsc-Regular.otf`` that the ``mplfonts`` dependency ships (SIL Open Font
License), cut down with fontTools' subsetter to the characters of the page and compressed
as WOFF2 (Brotli). The bytes are deterministic: the font's ``head.modified`` is kept (no
timestamp of the run), glyphs keep the source font's order, and Brotli is deterministic.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable
from pathlib import Path

from ..errors import MissingDependencyError, describe

__all__ = ["FONT_FAMILY", "subset_font", "font_face_css", "font_codepoints", "page_codepoints"]

#: The family name the report's CSS gives the embedded font (distinct from installed fonts).
FONT_FAMILY = "consensus-nlp CJK"


def page_codepoints(text: str) -> list[int]:
    """The sorted code points of ``text`` that a font should draw (no control characters or spaces)."""
    return sorted({ord(c) for c in text if ord(c) > 0x20 and not 0x7F <= ord(c) <= 0x9F})


def _source_font() -> Path:
    from ..viz.fonts import bundled_font_path

    path = bundled_font_path()
    if path is None:
        raise MissingDependencyError(describe("font", "NotoSansCJKsc-Regular.otf", "is missing from the mplfonts package",
                                         accepted="an installed mplfonts package (a dependency of consensus-nlp)",
                                         todo="Reinstall it: pip install --force-reinstall mplfonts."))
    return path


def subset_font(codepoints: Iterable[int], *, source: str | Path | None = None) -> bytes:
    """WOFF2 bytes of ``source`` (default: mplfonts' Noto Sans CJK SC) cut to ``codepoints``.

    Code points the font does not cover are left out (the browser falls back for them).
    Hinting, OpenType layout features other than the basic ones and most of the ``name``
    table are dropped; CFF subroutines are inlined, which compresses better under WOFF2.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern", "vert", "vrt2"]  # kerning; vertical forms if a reader sets vertical text
    options.name_IDs = [0, 1, 2, 13]  # copyright, family, style, license notice (OFL)
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    font = TTFont(str(source or _source_font()), lazy=True, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(set(codepoints)))
    subsetter.subset(font)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def font_codepoints(woff2: bytes) -> set[int]:
    """The code points mapped by a font's ``cmap`` (reads WOFF2, OTF or TTF bytes)."""
    from fontTools.ttLib import TTFont

    return set(TTFont(io.BytesIO(woff2)).getBestCmap())


def font_face_css(woff2: bytes, *, family: str = FONT_FAMILY) -> str:
    """An ``@font-face`` rule with the font as a ``data:`` URI."""
    data = base64.b64encode(woff2).decode("ascii")
    return (f'@font-face{{font-family:"{family}";font-style:normal;font-weight:400;font-display:block;'
            f'src:url(data:font/woff2;base64,{data}) format("woff2")}}')
