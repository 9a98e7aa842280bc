"""Undoing what PDF-to-text extraction does to a Chinese newspaper column.

Pure ``str -> str`` helpers used by :mod:`consensus_nlp.io.page.reader`:

- :func:`display_width` measures a line the way the column was typeset
  (Chinese characters and full-width punctuation 1, ASCII 0.5);
- :func:`clean_spacing` removes the spaces that extraction puts between
  Chinese characters ("其 中 民 生 类 提 案" -> "其中民生类提案") and around
  numbers ("等 5 次" -> "等5次") while keeping the spaces inside Latin text
  ("World Health Organization");
- :func:`close_spaced_digits` closes up digits that extraction spaced apart
  ("增加5 0 0 0 万吨" -> "增加5000 万吨", "1 9 7 个" -> "197 个");
- :func:`join_lines` rejoins the wrapped lines of one paragraph (no space at a
  line break between Chinese characters or digits, so "1900" / "余件" gives
  "1900余件") and cleans the result.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..._zh import CJK_TEXT_CLASS, CLOSERS, SENTENCE_END

__all__ = [
    "clean_spacing",
    "close_spaced_digits",
    "display_width",
    "ends_sentence",
    "join_lines",
]

_CJK_CLASS = CJK_TEXT_CLASS
# a space run between two "Chinese" characters, or between Chinese and an ASCII letter/digit
_SPACE_CJK_CJK = re.compile(f"(?<=[{_CJK_CLASS}])[ \t\u3000\u00a0]+(?=[{_CJK_CLASS}])")
_SPACE_CJK_ASCII = re.compile(f"(?<=[{_CJK_CLASS}])[ \t\u3000\u00a0]+(?=[0-9A-Za-z%+\\-.])")
_SPACE_ASCII_CJK = re.compile(f"(?<=[0-9A-Za-z%.])[ \t\u3000\u00a0]+(?=[{_CJK_CLASS}])")
_SPACES = re.compile("[ \t\u3000\u00a0]+")
# a space run between two digits where the digit group on either side is a single digit
# (5 0 0 0, 1 9 7), or a group of three closing a number (5 000: a thousands space)
_SPACED_DIGITS = re.compile(r"(?<=(?<!\d)\d)[ \t\u3000\u00a0]+(?=\d)|(?<=\d)[ \t\u3000\u00a0]+(?=\d(?!\d))"
                            r"|(?<=\d)[ \t\u3000\u00a0]+(?=\d{3}(?!\d))")


def display_width(line: str) -> float:
    """Width of ``line`` in Chinese character cells: wide characters 1, others 0.5.

    Examples:
        >>> display_width("等 5 次")
        3.5
    """
    width = 0.0
    for ch in line:
        if unicodedata.east_asian_width(ch) in ("W", "F") or ch in "“”‘’—…":
            width += 1.0
        else:
            width += 0.5
    return width


def ends_sentence(line: str) -> bool:
    """True when ``line`` ends in sentence punctuation, possibly followed by closing quotes or brackets.

    Examples:
        >>> ends_sentence("节。”"), ends_sentence("政治基")
        (True, False)
    """
    stripped = line.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def close_spaced_digits(text: str) -> str:
    """Remove the spaces inside a number that extraction spaced apart, one digit at a time.

    A space between two digits goes when the digits on either side of it are a single
    digit (``5 0 0 0``, ``1 9 7``) or when a group of three digits follows (a thousands
    space, ``5 000``). Two numbers of several digits each stay apart (``2020 2021``).
    Only spaces are removed, so every other character keeps its order.

    Examples:
        >>> close_spaced_digits("去年粮食产量增加5 0 0 0 万吨，带动1 9 7 个村")
        '去年粮食产量增加5000 万吨，带动197 个村'
        >>> close_spaced_digits("2020 2021 年")
        '2020 2021 年'
    """
    while True:  # until nothing changes: closing one space can make a group of three (00 00 0 -> 00 000)
        closed = _SPACED_DIGITS.sub("", text)
        if closed == text:
            return text
        text = closed


def clean_spacing(text: str) -> str:
    """Remove extraction spaces between Chinese characters and around numbers; keep spaces in Latin text.

    Examples:
        >>> clean_spacing("先后成功举办了“陇蜀古道青泥道”等 5 次学术研讨会")
        '先后成功举办了“陇蜀古道青泥道”等5次学术研讨会'
        >>> clean_spacing("其 中 民 生 类 提 案 办 复 率 达 到")
        '其中民生类提案办复率达到'
        >>> clean_spacing("世界卫生组织 (World Health Organization) 的报告")
        '世界卫生组织 (World Health Organization) 的报告'
        >>> clean_spacing("增加5 0 0 0 万吨")
        '增加5000万吨'
    """
    text = close_spaced_digits(text.strip())
    text = _SPACE_CJK_CJK.sub("", text)
    text = _SPACE_CJK_ASCII.sub("", text)
    text = _SPACE_ASCII_CJK.sub("", text)
    return _SPACES.sub(" ", text)


def join_lines(lines: Sequence[str]) -> str:
    """Rejoin the wrapped lines of one paragraph and clean the spacing.

    Lines are joined without a separator, except between two Latin letters
    (an English word wrapped at a space), where one space is kept.

    Examples:
        >>> join_lines(["延伸工作，协商落实具体问题 1900", "余件。"])
        '延伸工作，协商落实具体问题1900余件。'
    """
    if isinstance(lines, str):
        lines = [lines]
    parts: list[str] = []  # joined once at the end: += on a growing str can cost its length per line
    for line in lines:
        piece = line.strip()
        if not piece:
            continue
        if parts and parts[-1][-1].isascii() and parts[-1][-1].isalpha() and piece[0].isascii() and piece[0].isalpha():
            parts.append(" ")
        parts.append(piece)
    return clean_spacing("".join(parts))
