"""The record every device detector returns."""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["Device", "KINDS"]

KINDS = ("outline", "formulation", "parallelism", "citation", "slogan", "quoted", "statistic")


class Device(NamedTuple):
    """One framing device found in a text.

    Attributes:
        kind: one of ``outline``, ``formulation``, ``parallelism``, ``citation``, ``slogan``,
            ``quoted``, ``statistic``.
        label: what was found: the formulation's label (``"四个认同"``), the parallel
            template (``"进_"``), the citation type (``"leader"``, ``"directive"``,
            ``"doctrine"``), ``"motto"`` for a slogan, ``"name"`` or ``"quote"`` for another quoted phrase, the statistic's
            unit (``"万元"``), or, for an outline item, its marker as written (``"二是"``;
            the family is ``attrs["family"]``).
        start: offset of the first character in the text given.
        end: offset after the last character; ``text[start:end] == device.text``.
        text: the matched text.
        attrs: JSON-able details (members, slots, speaker, quote, value, ...).
    """

    kind: str
    label: str
    start: int
    end: int
    text: str
    attrs: dict[str, Any]


def make(kind: str, label: str, text: str, start: int, end: int, **attrs: Any) -> Device:
    return Device(kind, label, start, end, text[start:end], attrs)
