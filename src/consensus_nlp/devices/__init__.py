"""Framing devices: outlines, formulations, parallelism, citations, slogans, other quoted phrases, statistics.

``tag(data)`` runs every detector and returns a DataFrame (``tag_text(text)``: Device objects); each detector is also available on its own.
The rules are documented in ``docs/devices.md``; the vocabularies they use are
data files in ``devices/data`` (``formulations.json``, ``rules.json``) whose
sources are listed in ``devices/data/SOURCES.md``.
"""

from __future__ import annotations

from .base import KINDS, Device
from .citations import find_citations, find_quoted, find_slogans
from .formulations import Formulation, find_formulations, load_formulations
from .outline import OutlineItem, outline, outline_lists
from .parallelism import find_parallelism
from .statistics import find_statistics
from .spread import formulation_spread
from .tagger import tag, tag_text

__all__ = [
    "KINDS",
    "Device",
    "OutlineItem",
    "Formulation",
    "outline",
    "outline_lists",
    "tag",
    "tag_text",
    "formulation_spread",
    "find_formulations",
    "load_formulations",
    "find_parallelism",
    "find_citations",
    "find_slogans",
    "find_quoted",
    "find_statistics",
]
