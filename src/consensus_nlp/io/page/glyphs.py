"""Glyph aliases in PDF text layers: a code point named for the glyph of another character.

A PDF's text layer names one code point per glyph. Producers that shape text with a
font's ``locl`` or ``fwid`` feature (headless Chromium with Noto/Source Han fonts) can
draw a character with the glyph that is the font's own glyph of *another* code point,
and the text layer names that one: — is read as ― (U+2015), 户 as 戶 (U+6236) or as
the Kangxi radical ⼾ (U+2F3E, whose glyph Noto shares with 户), which
``lexicons/radicals.tsv`` maps to 戶.
``lexicons/glyph_aliases.tsv`` lists such pairs for the Simplified Chinese Noto and
Source Han fonts (made from the fonts' tables by ``scripts/glyph_aliases.py``; see
``lexicons/SOURCES.md``): each named code point is outside GB 2312, the character it
stands for inside.

:func:`alias_repairs` gives the ``str.translate`` table for a page only when the page
is otherwise simplified Chinese (``PageRules.simplified_share`` of its Han characters in
GB 2312): on a traditional-character page 戶 is what the writer wrote. Every entry maps
one code point to one, so offsets and line lengths are kept.
"""

from __future__ import annotations

from functools import lru_cache

from ..._zh import codepoint_table, is_han

__all__ = ["alias_repairs", "alias_table", "in_gb2312", "simplified_share"]


@lru_cache(maxsize=1)
def alias_table() -> dict[str, str]:
    """Named code point -> the character it stands for, from ``lexicons/glyph_aliases.tsv``.

    Examples:
        >>> alias_table()["戶"], alias_table()["―"]
        ('户', '—')
    """
    return codepoint_table("glyph-aliases")


def in_gb2312(char: str) -> bool:
    """True for a character of GB 2312 as GBK and GB 18030 map it (ASCII, or two bytes in A1–FE).

    Examples:
        >>> in_gb2312("户"), in_gb2312("戶"), in_gb2312("—")
        (True, False, True)
    """
    try:
        raw = char.encode("gbk")
    except UnicodeEncodeError:
        return False
    return len(raw) == 1 or (len(raw) == 2 and raw[0] >= 0xA1 and raw[1] >= 0xA1)


def simplified_share(text: str) -> float | None:
    """The share of ``text``'s Han characters (other than glyph aliases) in GB 2312; None without any.

    Examples:
        >>> simplified_share("户籍制度改革"), simplified_share("戶籍制度，這們")
        (1.0, 0.6)
    """
    aliases = alias_table()
    han = [c for c in text if is_han(c) and c not in aliases]
    return sum(map(in_gb2312, han)) / len(han) if han else None


def alias_repairs(text: str, minimum: float) -> dict[int, str]:
    """The ``str.translate`` table repairing the glyph aliases found in ``text``, when at least ``minimum``
    of its other Han characters are in GB 2312 (a simplified Chinese page); else an empty table.

    Examples:
        >>> "戶籍".translate(alias_repairs("戶籍制度改革", 0.95))
        '户籍'
        >>> alias_repairs("戶籍制度，這們", 0.95)
        {}
    """
    found = set(text) & alias_table().keys()
    share = simplified_share(text) if found else None
    if share is None or share < minimum:
        return {}
    return {ord(c): alias_table()[c] for c in sorted(found)}
