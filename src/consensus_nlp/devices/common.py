"""Shared pieces of the device detectors: data files, numerals, paragraphs and sentences.

Every detector works on the text exactly as given and reports offsets into it.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .._zh import CIRCLED, FULLWIDTH_DIGITS, INLINE_SPACE, cn_number, is_han
from ..errors import InputTypeError, InvalidArgumentError, describe
from ..registry import data_text

__all__ = ["CIRCLED", "FULLWIDTH_DIGITS", "INLINE_SPACE", "cn_number", "is_han", "load_data", "rules", "check_text",
           "quote_aware_find", "StopFinder", "Layout", "sentence_spans", "strip_span", "alternation",
           "guarded_alternation"]


_SURROGATE = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=None)
def load_data(name: str) -> dict[str, Any]:
    """A JSON data file of ``consensus_nlp/devices/data`` by its name in the registry's :data:`~consensus_nlp.registry.data`
    (``"device-rules"``, ``"formulations"``): the file the manifest hashes; parsed once per process."""
    return json.loads(data_text(name))


def rules() -> dict[str, Any]:
    return load_data("device-rules")


def check_text(text: object, argument: str = "text") -> str:
    """``text`` if it is a str of valid Unicode; a lone surrogate is refused (it cannot be written or shown)."""
    if not isinstance(text, str):
        raise InputTypeError(
            describe(argument, text, "is not a str", accepted="str",
                     todo="Pass the text of one document; use consensus_nlp.tag(corpus) for many.")
        )
    bad = _SURROGATE.search(text)
    if bad is not None:
        raise InvalidArgumentError(
            describe(argument, text, f"holds a lone surrogate (U+{ord(bad.group()):04X}) at position {bad.start()}",
                     accepted="valid Unicode text",
                     todo="Decode the source with errors='replace', or repair the text: "
                          "text.encode('utf-8', 'surrogatepass').decode('utf-8', 'replace').")
        )
    return text


def quote_aware_find(text: str, start: int, end: int, stops: str) -> int:
    """First position in ``text[start:end]`` of a stop character outside “…” / 《…》, else ``end``."""
    depth = 0
    for i in range(start, end):
        c = text[i]
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and c in stops:
            return i
        elif c == "\n":
            return i
    return end


_OPEN, _CLOSE = "“《「『", "”》」』"


class StopFinder:
    """:func:`quote_aware_find` for many ranges of one text, in logarithmic time per query.

    The positions of the stop characters, the newlines and the quotation marks are
    collected once (one regular-expression pass); a query jumps to the next stop with
    a binary search and walks quotation marks only when one opens before that stop,
    at most ``max_quote_chars`` characters (a longer quotation is not treated as one).
    """

    def __init__(self, text: str, stops: str, max_quote_chars: int = 1000) -> None:
        self.text = text
        self.max_quote_chars = max_quote_chars
        cls = re.escape(stops) + "\n"
        self.stops = [m.start() for m in re.finditer(f"[{cls}]", text)]
        self.opens = [m.start() for m in re.finditer(f"[{re.escape(_OPEN)}]", text)]
        self.stop_chars = stops

    def find(self, start: int, end: int) -> int:
        while True:
            k = bisect.bisect_left(self.stops, start)
            stop = self.stops[k] if k < len(self.stops) else len(self.text)
            q = bisect.bisect_left(self.opens, start)
            if q == len(self.opens) or self.opens[q] >= min(stop, end):
                return min(stop, end)
            limit = min(end, self.opens[q] + self.max_quote_chars)
            found = quote_aware_find(self.text, start, limit, self.stop_chars)
            if found < limit or limit == end:
                return found
            start = limit


@dataclass(frozen=True)
class Layout:
    """Paragraph and sentence boundaries of one text, computed once in linear time."""

    text: str
    para_starts: tuple[int, ...]  # first non-space character of each paragraph
    para_ends: tuple[int, ...]  # end of each paragraph (before the newline, trailing spaces removed)

    @classmethod
    def of(cls, text: str) -> Layout:
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        n = len(text)
        while pos <= n:
            nl = text.find("\n", pos)
            line_end = n if nl < 0 else nl
            s = pos
            while s < line_end and text[s] in INLINE_SPACE + "\r":
                s += 1
            e = line_end
            while e > s and text[e - 1] in INLINE_SPACE + "\r":
                e -= 1
            if s < e:
                starts.append(s)
                ends.append(e)
            if nl < 0:
                break
            pos = nl + 1
        return cls(text, tuple(starts), tuple(ends))

    def para_index(self, pos: int) -> int:
        """Index of the paragraph containing ``pos`` (or the last one starting before it)."""
        return max(0, bisect.bisect_right(self.para_starts, pos) - 1)

    def is_para_start(self, pos: int) -> bool:
        i = self.para_index(pos)
        return bool(self.para_starts) and self.para_starts[i] == pos

    def para_end(self, pos: int) -> int:
        if not self.para_starts:
            return len(self.text)
        return self.para_ends[self.para_index(pos)]


@lru_cache(maxsize=4)
def _sentence_end_pattern(enders: str) -> re.Pattern[str]:
    # one sentence-final mark, with the closing quotes right after it, or a newline
    return re.compile(f"[{re.escape(enders)}][”’」』）)]*|\n")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence in ``text[start:end]``: split after 。！？；!?; and at newlines.

    Spans exclude surrounding whitespace; the end includes the sentence-final mark (and
    the closing quotes right after it). One regular-expression pass.
    """
    end = len(text) if end is None else end
    spans = []
    s = start
    for m in _sentence_end_pattern(rules()["sentence_end_chars"]["chars"]).finditer(text, start, end):
        spans.append((s, m.start() if m.group() == "\n" else m.end()))
        s = m.end()
    if s < end:
        spans.append((s, end))
    out = []
    for a, b in spans:
        a, b = strip_span(text, a, b)
        if a < b:
            out.append((a, b))
    return out


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so that it neither starts nor ends with whitespace."""
    piece = text[start:end]
    stripped = piece.lstrip()
    if not stripped:
        return end, end
    return start + len(piece) - len(stripped), end - (len(stripped) - len(stripped.rstrip()))


def alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first (so the longest match wins)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def guarded_alternation(words: list[str]) -> str:
    """:func:`alternation` behind a look-ahead on the words' first characters.

    Python's regex engine tries every branch at every position; the look-ahead rejects
    most positions with one character-class test (the alternation itself is unchanged).
    """
    firsts = "".join(sorted({w[0] for w in words if w}))
    return f"(?=[{re.escape(firsts)}])(?:{alternation(words)})"
