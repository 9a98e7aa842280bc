"""Chinese character classes, numerals and sentence ends: the one copy every stage uses.

Two character tests with different meanings, named for what they test:

* :func:`is_han`: a Chinese ideograph (CJK Unified Ideographs and Extension A);
* :func:`is_cjk_text`: anything a Chinese page sets full width: ideographs, CJK
  radicals, CJK symbols and punctuation, kana, full-width forms and the curly
  quotes, dashes and ellipses of Chinese typesetting.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .registry import data_lines

__all__ = [
    "CN_DIGITS",
    "CN_NUMERAL_CHARS",
    "CIRCLED",
    "FULLWIDTH_DIGITS",
    "INLINE_SPACE",
    "SENTENCE_END",
    "STRONG_SENTENCE_END",
    "CLOSERS",
    "CJK_TEXT_CLASS",
    "is_han",
    "is_cjk_text",
    "cn_number",
    "codepoint_table",
    "map_radicals",
    "radical_table",
]

#: Values of the Chinese digits (两 is 2 as in 两个; 〇 and 零 are 0).
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
#: Characters that make up a Chinese numeral up to 九十九.
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十"
#: Circled numbers used as list markers (①…⑳).
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
#: ``str.translate`` table from full-width digits and separators to ASCII.
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
#: Horizontal white space of Chinese pages (ASCII space, tab, ideographic space, no-break space).
INLINE_SPACE = " \t\u3000\u00a0"
#: Characters that end a sentence or a clause that can end a paragraph.
SENTENCE_END = "。！？；…!?;"
#: Characters that end a sentence proper (no semicolon, no ellipsis).
STRONG_SENTENCE_END = "。！？!?"
#: Closing marks that may follow a sentence end ("……。”", "？）").
CLOSERS = "”’」』）)》〉】\"'"
#: A regex character class (without brackets) of :func:`is_cjk_text` characters.
CJK_TEXT_CLASS = "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef“”‘’—…·"
_CJK_TEXT_RE = re.compile(f"[{CJK_TEXT_CLASS}]")


def is_han(c: str) -> bool:
    """True for one Chinese ideograph (U+4E00–U+9FFF or U+3400–U+4DBF).

    Examples:
        >>> is_han("政"), is_han("，"), is_han("A")
        (True, False, False)
    """
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def is_cjk_text(c: str) -> bool:
    """True for a character a Chinese page sets full width: an ideograph or Chinese punctuation.

    Examples:
        >>> is_cjk_text("政"), is_cjk_text("，"), is_cjk_text("“"), is_cjk_text("A")
        (True, True, True, False)
    """
    return bool(_CJK_TEXT_RE.fullmatch(c))


def cn_number(s: str) -> int | None:
    """Value of a numeral from 一 to 九十九 (``"十二"`` -> 12) or of ASCII digits; ``None`` otherwise.

    Examples:
        >>> cn_number("十二"), cn_number("二十一"), cn_number("两"), cn_number("12"), cn_number("一十")
        (12, 21, 2, 12, None)
    """
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return int(s)
    if len(s) == 1:
        if s == "十":
            return 10
        return CN_DIGITS.get(s) or None
    if "十" not in s or s.count("十") > 1:
        return None
    tens, _, units = s.partition("十")
    t = 1 if tens == "" else CN_DIGITS.get(tens)
    u = 0 if units == "" else CN_DIGITS.get(units)
    if t is None or u is None or (tens and t < 2) or len(units) > 1:
        return None
    return t * 10 + u


@lru_cache(maxsize=1)
def radical_table() -> dict[str, str]:
    """Kangxi Radicals and CJK Radicals Supplement characters -> the unified ideographs they stand for.

    Read from ``lexicons/radicals.tsv`` (Unicode's EquivalentUnifiedIdeograph.txt; see its header).
    Every entry maps one code point to one code point, so offsets are kept.

    Examples:
        >>> radical_table()["\u2f00"], radical_table()["\u2ea0"]
        ('一', '民')
    """
    return codepoint_table("radicals")


def codepoint_table(name: str) -> dict[str, str]:
    """A one-code-point-to-one table of the registry's data entry ``name``: each row's first and third columns
    are hexadecimal code points (the first mapped to the third); lines opening with ``#`` are its header.

    Examples:
        >>> codepoint_table("radicals")["\u2f00"]
        '一'
    """
    table = {}
    for line in data_lines(name):  # the registry's data entry: the file the manifest hashes
        source, target = line.split("\t")[:4:2]
        table[chr(int(source, 16))] = chr(int(target, 16))
    return table


_RADICAL_RE = re.compile("[\u2e80-\u2fdf]")


def map_radicals(text: str) -> str:
    """``text`` with radical code points replaced by their unified ideographs (same length).

    Examples:
        >>> map_radicals("人\u2ea0政协\u2f00是")
        '人民政协一是'
    """
    if not _RADICAL_RE.search(text):
        return text
    table = radical_table()
    return _RADICAL_RE.sub(lambda m: table.get(m.group(), m.group()), text)
