"""Figures for the page and for papers: PNG (raster) and SVG (vector, text kept as text).

The SVG keeps its text as ``<text>`` elements (``svg.fonttype = "none"``): smaller than
glyph outlines, selectable, and drawn on the page with the embedded font subset, which
holds the SVG's characters because they are part of the page. Element ids are hashes of
their content with a fixed salt and the date is left out, so the bytes are the same on
every run.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["save_svg", "theme_labels"]

_SALT = "consensus-nlp"


def save_svg(fig, path: str | Path) -> Path:
    """Write ``fig`` (a matplotlib Figure) as a deterministic SVG with text as text."""
    import matplotlib

    path = Path(path)
    # rc_context restores the previous values on exit: nothing global is left changed
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": _SALT}):
        fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return path


def theme_labels(theme_set, themes=None) -> dict[str, str]:
    """Theme name -> label (e.g. ``culture_brand`` -> 文化品牌) of a theme set, ``{}`` when it has none.

    Takes the ``labels`` of the :class:`~consensus_nlp.models.dictionaries.Themes` when it has
    them, else the ``label`` of each theme in the file ``themes`` names (a bundled name or a
    YAML/TOML path).
    """
    import os

    labels = getattr(theme_set, "labels", None)
    if labels:
        return {str(k): str(v) for k, v in labels.items() if v}
    if not isinstance(themes, (str, os.PathLike)):
        return {}
    data = _theme_file(themes)
    spec = data.get("themes") if isinstance(data, dict) else None
    if not isinstance(spec, dict):
        return {}
    return {str(name): str(value["label"]) for name, value in spec.items()
            if isinstance(value, dict) and value.get("label")}


def _theme_file(themes) -> object:
    from ..models.dictionaries import list_themes, theme_file

    path = Path(themes)
    if isinstance(themes, str) and themes in list_themes():  # the rule of load_themes: a bundled name first
        path = theme_file(themes)
    if not isinstance(path, Path) or not path.is_file():
        return None
    text, suffix = path.read_text(encoding="utf-8"), path.suffix.lower()
    if suffix == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # pragma: no cover - Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        return tomllib.loads(text)
    import yaml

    return yaml.safe_load(text)
