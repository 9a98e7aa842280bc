"""Statistics of achievement: a number, a unit or measure word, and what was counted.

Rule (docs/devices.md): Arabic digits (ASCII or full-width, with an optional
decimal part — point, full-width point or middle dot — and thousands commas), optional spaces, an optional approximator
(多/余), an optional multiplier (万/亿/千/百), another optional approximator and
a unit or measure word from ``rules.json`` (名, 次, 件, 万元 → 万 + 元, %, …).
``value`` is the number times the multiplier (1200多万元 -> 12000000.0,
``approx=True``). Not statistics: ordinals (第3次), dates and durations
(2016年, 10月, 连续23年: 年/月/日 are not units), Chinese-numeral counts
(七个, 五年来) and numbers without a unit (list markers, 1. 2.).

Spaced digits (the 1998 report writes ``5 0 0 0 万吨``, ``1 5 ．3 ％``): one space
(ASCII or ideographic) may stand between two digits of a number and around its
decimal point; the number is read without them (5000 万吨 -> 50000000.0) and the
span covers the spaced digits in the text as given. A range (``３—４％``,
``5到7元``) is one statistic: ``value`` is its low end, ``attrs["high"]`` its high end.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .common import FULLWIDTH_DIGITS, alternation, check_text, is_han, rules
from .base import Device, make

__all__ = ["find_statistics", "read_number"]

# characters that end the counted object (conjunctions, particles, common verbs after a count)
_OBJECT_STOP = "和及与的了在是为全共等"


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, Any]]:
    cfg = rules()["statistics"]
    after = alternation(cfg["approximators_after"])
    before = alternation(cfg["approximators_before"])
    mult = alternation(list(cfg["multipliers"]))
    sp = f"[{cfg['digit_spaces']}]"
    d = "[0-9０-９]"
    # a number: thousands commas, or digits with at most one space between two of them
    # (5 0 0 0); a decimal part after a point, a full-width point or a middle dot
    number = (rf"{d}{{1,3}}(?:[,，]{d}{{3}})+(?:[.．·]{d}+)?"
              rf"|{d}(?:{sp}?{d})*(?:{sp}?[.．·]{sp}?{d}(?:{sp}?{d})*)?")
    firsts = re.escape("".join(sorted({w[0] for w in cfg["approximators_before"]})))
    pat = re.compile(
        rf"(?=[{firsts}0-9０-９])"  # skip the other positions with one test
        rf"(?P<before>{before})?"
        # a number starts only where a run of digits starts (also a spaced run: not after
        # "digit space"); without the look-behind the pattern is tried again at every digit
        # of a long run without a unit (quadratic)
        rf"(?<![0-9０-９])(?<![0-9０-９]{sp})(?P<num>{number})"
        rf"(?:{sp}*(?:{alternation(cfg['range_separators'])}){sp}*(?P<num2>{number}))?"
        rf"[ \t\u3000]*(?P<a1>{after})?(?P<mult>{mult})?(?P<a2>{after})?[ \t\u3000]*"
        rf"(?P<unit>{alternation(cfg['units'])})"
    )
    return pat, cfg


def read_number(raw: str) -> float:
    """The value of a matched number: full-width digits, commas, spaces and a middle-dot point allowed.

    Examples:
        >>> read_number("5 0 0 0"), read_number("１５．３"), read_number("1 5 ．3"), read_number("4·3")
        (5000.0, 15.3, 15.3, 4.3)
    """
    cleaned = re.sub(r"[,，\s\u3000]", "", raw.translate(FULLWIDTH_DIGITS))
    return float(cleaned.replace("·", ".").replace("．", "."))


def find_statistics(text: str) -> list[Device]:
    """Find numbers with a unit (187名, 1200多万元, 22次, 100%, 75.9万元, 1900余件).

    Examples:
        >>> d = find_statistics("争取项目资金1200多万元。")[0]
        >>> d.text, d.label, d.attrs["value"], d.attrs["approx"]
        ('1200多万元', '万元', 12000000.0, True)

    Args:
        text: one document's text.

    Returns:
        Devices of kind ``statistic``; ``label`` is the multiplier and unit
        (``"万元"``, ``"次"``, ``"%"``); ``attrs`` holds ``value`` (float), ``unit``,
        ``multiplier``, ``approx`` and ``object`` (the characters after the unit up to
        the next punctuation or conjunction, at most 6; a rough guess, may be empty).

    Raises:
        InputTypeError: if ``text`` is not a str.
    """
    check_text(text)
    pat, cfg = _pattern()
    out = []
    for m in pat.finditer(text):
        s = m.start("num")
        if s > 0 and (text[s - 1] in cfg["excluded_before"] or text[s - 1] in ".．·" or text[s - 1].isdigit()):
            continue
        try:  # 4·3％: some reports write the decimal point as a middle dot
            number = read_number(m.group("num"))
            high = read_number(m.group("num2")) if m.group("num2") else None
        except ValueError:  # pragma: no cover - the pattern only admits digits
            continue
        mult = m.group("mult")
        factor = cfg["multipliers"][mult] if mult else 1
        unit = m.group("unit")
        e = m.end()
        # "12 %" style and trailing 左右/以上 make it approximate but stay outside the span
        tail = text[e:e + 2]
        approx = bool(m.group("before") or m.group("a1") or m.group("a2")) or tail in ("左右", "以上")
        obj_end = e
        while obj_end < len(text) and obj_end - e < 6 and is_han(text[obj_end]) and text[obj_end] not in _OBJECT_STOP:
            obj_end += 1
        extra = {} if high is None else {"high": high * factor}
        out.append(make("statistic", (mult or "") + unit, text, s, e, value=number * factor, number=number,
                        multiplier=factor, unit=unit, approx=approx, object=text[e:obj_end], **extra))
    return out
