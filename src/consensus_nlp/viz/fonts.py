"""Find a font that renders Chinese in matplotlib, on any machine.

:func:`cjk_font` looks for an installed CJK font known to matplotlib (Noto Sans
CJK, Source Han Sans, WenQuanYi, SimHei, Microsoft YaHei, PingFang…); if there
is none it registers the ``NotoSansCJKsc-Regular.otf`` shipped inside the
``mplfonts`` package (a declared dependency) with
``matplotlib.font_manager.fontManager.addfont`` — an additive registration that
changes no rcParams. mplfonts' own helpers are not called because they rewrite
matplotlib's global configuration.
"""

from __future__ import annotations

import importlib.util
import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.font_manager import FontProperties

__all__ = ["PREFERRED_FAMILIES", "bundled_font_path", "cjk_family", "cjk_font"]

log = logging.getLogger(__name__)

# Family names as matplotlib reports them, in order of preference.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "SimHei",
    "Noto Sans CJK JP",
    "Source Han Sans",
)
_BUNDLED = "NotoSansCJKsc-Regular.otf"


def bundled_font_path() -> Path | None:
    """Path of ``NotoSansCJKsc-Regular.otf`` inside the installed ``mplfonts`` package, if any."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "fonts" / _BUNDLED
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=1)
def cjk_family() -> str:
    """The family name of a CJK font matplotlib can use (registering mplfonts' Noto Sans CJK if needed).

    Raises:
        FileNotFoundError: no CJK font is installed and mplfonts' font file is missing.
    """
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in PREFERRED_FAMILIES:
        if family in installed:
            log.debug("using installed CJK font %s", family)
            return family
    path = bundled_font_path()
    if path is None:
        raise FileNotFoundError(
            "No CJK font found for matplotlib and mplfonts' NotoSansCJKsc-Regular.otf is missing; "
            "install a CJK font (e.g. fonts-noto-cjk) or the mplfonts package."
        )
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    log.debug("registered %s from %s", family, path)
    return family


def cjk_font(size: float | None = None) -> FontProperties:
    """``FontProperties`` for Chinese text: the CJK family first, DejaVu Sans as fallback."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=[cjk_family(), "DejaVu Sans"], size=size)
