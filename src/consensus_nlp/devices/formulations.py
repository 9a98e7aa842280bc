"""Formulations (提法): canonical political phrases, in short form, in expanded form, and unknown numeric summaries.

Three ways a formulation shows up (docs/devices.md has the rules):

* ``short``: the label or one of its variants, literally (quoted or not; a quoted
  one has ``attrs["quoted"]``): 四个认同, “十四五”, 第十个五年计划, and the named
  formulations without numbers (总路线, 科学发展观, 中国梦 …). A short form inside a
  longer word (创新发展理念: 创新 + 发展理念) is not the formulation unless the entry
  says so (``inside_ok``); ``not_within`` lists such longer phrases per entry and
  ``rules.json: formulation_boundaries`` the characters that glue a form to the word
  before it. An entry with ``senses`` (四化, 总路线) resolves each mention to one
  sense, or says it cannot (``devices/senses.py``). Five-year plans up to 十五 are ambiguous
  when bare (十五个, 三十四五岁), so they are only accepted in their listed
  variants (“十五”, 十五计划, 十五期间, …). A short form is not counted when a
  numeral stands right before it, or, if it ends in a numeral, when a measure
  word follows (十四五个).
* ``expanded``: the members listed together: distinct members with at most
  ``max_gap_chars`` characters (and no sentence end) between neighbours, at
  least ``min_members`` of them (all if fewer than four, else all but one);
  also the compressed coordination 政治、思想、理论、情感认同 when the members
  share a suffix of two or more characters.
* ``generic``: numeric shorthands the data file does not know, told apart from
  plain counts by cues: the whole phrase quoted (“四个平台”), a quoted short term
  that starts with a numeral (“三讲”, 『六个一百』, “两山一湖”), numeral + 大
  (四大文化品牌), numeral + 项/条 + a named set (五项正义要求), or that many members
  enumerated next to it: a list right before it (政治、经济、思想和组织这四个方面),
  after a colon, or as the next outline list. Generic counts (方面, 问题, 任务 …)
  need the enumeration; Arabic numbers (15个乡镇), a quoted name after the measure
  word (七个“委员之家”) and unquoted counts without a cue (三个孩子, 一个月, 两个人)
  are plain counts.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import InputTypeError, check_choice, describe
from .common import alternation, check_text, guarded_alternation, cn_number, is_han, load_data, rules
from .base import Device, make
from .outline import OutlineItem, outline, outline_lists
from .senses import Sense, resolve_senses

__all__ = ["Formulation", "load_formulations", "find_formulations", "FORMS", "check_form", "has_form"]

_NUMERALS = "零〇一二两三四五六七八九十百千"

# what first_appearances, formulation_spread and device_rates may select (``form=``)
FORMS = ("any", "short", "expanded", "quoted", "generic")


def check_form(form: Any) -> str:
    """``form`` if it is one of :data:`FORMS`, else :class:`~consensus_nlp.errors.UnknownNameError`."""
    return check_choice("form", form, FORMS, what="a form of formulation",
                        todo="short: the term itself (quoted or not); quoted: the term in quotation marks; "
                             "expanded: its members listed; generic: unknown numeric shorthands; any: all.")


def has_form(attrs: Any, form: str) -> bool:
    """Whether a formulation device (its ``attrs``) has the form ``form`` (a quoted term is also ``short``)."""
    if form == "any":
        return True
    if not isinstance(attrs, dict):
        return False
    if form == "quoted":
        return attrs.get("form") == "short" and bool(attrs.get("quoted"))
    return attrs.get("form") == form
_MEASURE_AFTER = "个岁年天日月号人名位次届"
_ENDERS = "。！？!?；;\n"


@dataclass(frozen=True)
class Formulation:
    """One entry of ``devices/data/formulations.json``."""

    label: str
    category: str
    gloss: str
    variants: tuple[str, ...]
    members: tuple[tuple[str, ...], ...]
    min_members: int
    max_gap_chars: int
    context_only: bool
    source: str
    first_year: int
    introduced: str
    senses: tuple[Sense, ...] = ()
    expansions: tuple[str, ...] = ()
    not_within: tuple[str, ...] = ()
    inside_ok: bool = False

    @property
    def short_forms(self) -> tuple[str, ...]:
        forms = self.variants if self.context_only else (self.label, *self.variants)
        return tuple(dict.fromkeys(forms))


@lru_cache(maxsize=1)
def load_formulations() -> tuple[Formulation, ...]:
    """The formulations shipped with the package (``devices/data/formulations.json``)."""
    out = []
    for e in load_data("formulations")["entries"]:
        members = tuple((m,) if isinstance(m, str) else tuple(m) for m in e.get("members", []))
        n = len(members)
        default_min = n if n < 4 else n - 1
        out.append(Formulation(
            label=e["label"], category=e["category"], gloss=e["gloss"], variants=tuple(e.get("variants", [])),
            members=members, min_members=int(e.get("min_members", default_min)),
            max_gap_chars=int(e.get("max_gap_chars", 4)), context_only=bool(e.get("context_only", False)),
            source=e["source"], first_year=int(e["first_year"]), introduced=e["introduced"],
            senses=tuple(Sense.from_record(r) for r in e.get("senses", [])),
            expansions=tuple(e.get("expansions", [])),
            not_within=tuple(e.get("not_within", [])), inside_ok=bool(e.get("inside_ok", False)),
        ))
    return tuple(out)


@lru_cache(maxsize=1)
def _compiled() -> dict[str, Any]:
    entries = load_formulations()
    short: dict[str, int] = {}
    member: dict[str, list[tuple[int, int]]] = {}
    compressed: list[tuple[int, re.Pattern[str], dict[str, int]]] = []
    expansion: set[str] = set()
    for i, f in enumerate(entries):
        for form in f.short_forms:
            short.setdefault(form, i)
        for phrase in f.expansions:  # 百花齐放、百家争鸣: matched like a short form, reported as expanded
            short.setdefault(phrase, i)
            expansion.add(phrase)
        for j, alts in enumerate(f.members):
            for a in alts:
                member.setdefault(a, []).append((i, j))
        singles = [alts[0] for alts in f.members if len(alts) == 1]
        if len(singles) == len(f.members) >= 3:
            suffix = _common_suffix(singles)
            if len(suffix) >= 2 and all(len(s) > len(suffix) for s in singles):
                stems = {s[: -len(suffix)]: j for j, s in enumerate(singles)}
                alt = alternation(list(stems))
                pat = re.compile(f"(?:{alt})(?:(?:、|，|和|与|及|以及)(?:{alt}))+{re.escape(suffix)}")
                compressed.append((i, pat, stems))
    return {
        "short": short,
        "expansion": expansion,
        "short_re": re.compile(guarded_alternation(list(short))),
        "member": member,
        "member_re": re.compile(guarded_alternation(list(member))) if member else None,
        "compressed": compressed,
    }


def _common_suffix(words: list[str]) -> str:
    s = words[0]
    for w in words[1:]:
        k = 0
        while k < min(len(s), len(w)) and s[-1 - k] == w[-1 - k]:
            k += 1
        s = s[len(s) - k:] if k else ""
    return s


def _inside_longer_word(text: str, s: int, e: int, f: Formulation) -> bool:
    """创新发展理念: the short form ``text[s:e]`` is glued to the word before it, or inside a ``not_within`` phrase."""
    if f.inside_ok:
        return False
    glue = rules()["formulation_boundaries"]["not_after"].get(text[s], "")
    if s > 0 and text[s - 1] in glue:
        return True
    for phrase in f.not_within:
        k = phrase.find(text[s:e])
        while k >= 0:
            if text.startswith(phrase, s - k):
                return True
            k = phrase.find(text[s:e], k + 1)
    return False


def _short_forms(text: str, entries: tuple[Formulation, ...], comp: dict[str, Any], year: int | None
                 ) -> list[Device]:
    """The short forms (and the literal expansions) of the known formulations in ``text``."""
    found: list[tuple[int, int, int, bool]] = []  # (start, end, entry, quoted)
    out: list[Device] = []
    for m in comp["short_re"].finditer(text):
        form = m.group(0)
        s, e = m.start(), m.end()
        if form[0] in _NUMERALS and s > 0 and text[s - 1] in _NUMERALS + "第再":
            continue  # 十三五 inside 二十三五, 三讲 inside 第三讲 / 再三讲
        if form[-1] in _NUMERALS and e < len(text) and text[e] in _MEASURE_AFTER:
            continue
        if form.startswith("“") and form.endswith("”"):
            s, e = s + 1, e - 1
        i = comp["short"][form]
        f = entries[i]
        if form in comp["expansion"]:  # 百花齐放、百家争鸣: the members spelled out
            out.append(make("formulation", f.label, text, s, e, form="expanded", members=[form],
                            category=f.category, gloss=f.gloss, quoted=False, first_year=f.first_year))
        elif not _inside_longer_word(text, s, e, f):
            found.append((s, e, i, text[s - 1:s] == "“" and text[e:e + 1] == "”"))
    return out + _with_senses(text, found, entries, year)


def _with_senses(text: str, found: list[tuple[int, int, int, bool]], entries: tuple[Formulation, ...],
                 year: int | None) -> list[Device]:
    """Devices of the short forms ``found``; the mentions of an entry with senses are resolved together."""
    resolved: dict[int, Any] = {}
    for i in {i for _, _, i, _ in found if entries[i].senses}:
        mine = [(s, e, entries[i].senses) for s, e, j, _ in found if j == i]
        for (s, _, _), r in zip(mine, resolve_senses(text, mine, year=year, cfg=rules()["formulation_senses"])):
            resolved[s] = r
    out = []
    for s, e, i, quoted in found:
        f = entries[i]
        if not f.senses:
            out.append(make("formulation", f.label, text, s, e, form="short", members=[], category=f.category,
                            gloss=f.gloss, quoted=quoted, first_year=f.first_year))
            continue
        r = resolved[s]
        sense = r.sense
        out.append(make("formulation", f.label if sense is None else sense.label, text, s, e, form="short",
                        members=[], category=f.category, gloss=f.gloss if sense is None else sense.gloss,
                        quoted=quoted, first_year=f.first_year if sense is None else sense.first_year,
                        sense=None if sense is None else sense.label, senses=[c.label for c in r.candidates],
                        sense_evidence=r.evidence))
    return out


def _expanded(text: str, entries: tuple[Formulation, ...], comp: dict[str, Any]) -> list[Device]:
    out: list[Device] = []
    if comp["member_re"] is None:
        return out
    hits: dict[int, list[tuple[int, int, int]]] = {}
    for m in comp["member_re"].finditer(text):
        for i, j in comp["member"][m.group(0)]:
            hits.setdefault(i, []).append((m.start(), m.end(), j))

    def emit(i: int, cluster: list[tuple[int, int, int]]) -> None:
        f = entries[i]
        found = {j for _, _, j in cluster}
        if len(found) >= f.min_members:
            s, e = cluster[0][0], cluster[-1][1]
            members = [text[a:b] for a, b, _ in cluster]
            out.append(make("formulation", f.label, text, s, e, form="expanded", members=members,
                            category=f.category, gloss=f.gloss, quoted=False, first_year=f.first_year))

    for i, hs in hits.items():
        gap = entries[i].max_gap_chars
        cluster: list[tuple[int, int, int]] = []
        for h in hs:
            if cluster:
                prev_end = cluster[-1][1]
                between = text[prev_end:h[0]]
                if h[0] < prev_end or h[0] - prev_end > gap or any(c in _ENDERS for c in between):
                    emit(i, cluster)
                    cluster = []
            cluster.append(h)
        if cluster:
            emit(i, cluster)
    for i, pat, stems in comp["compressed"]:
        f = entries[i]
        for m in pat.finditer(text):
            found = {j for stem, j in stems.items() if stem in m.group(0)}
            if len(found) >= f.min_members:
                out.append(make("formulation", f.label, text, m.start(), m.end(), form="expanded",
                                members=[m.group(0)], category=f.category, gloss=f.gloss, quoted=False,
                                compressed=True, first_year=f.first_year))
    return out


def _split_items(s: str) -> list[str]:
    return [p for p in re.split(r"[、，,；;]", s) if p]


def _sentence_ends(text: str) -> list[int]:
    return [m.start() for m in re.finditer(r"[。！？!?\n]", text)]


def _enumeration(text: str, s: int, e: int, n: int, ctx: dict[str, Any]) -> tuple[str, list[str]] | None:
    """How ``n`` members are enumerated next to the summary ``text[s:e]``, if they are."""
    # before: “甲、乙、丙、丁”四大… or 甲、乙、丙四个…
    before = text[max(0, s - 120):s]
    if before.endswith("”"):
        q = before.rfind("“")
        if q >= 0 and len(_split_items(before[q + 1:-1])) == n:
            return "preceding list", _split_items(before[q + 1:-1])
    found = _preceding_list(text, s, n, ctx)
    if found is not None:
        return "preceding list", found
    # after: a colon, then n items in the sentence (looked for within a bounded window)
    c = next((k for k in range(e, min(e + 3, len(text))) if text[k] in "：:"), -1)
    if c >= 0 and (c == e or c == e + 1):
        ends = ctx["ends"]
        k = bisect.bisect_left(ends, c)
        stop = ends[k] if k < len(ends) else len(text)
        if stop - c <= ctx["max_colon"]:
            parts = _split_items(text[c + 1:stop])
            if len(parts) == n:
                return "colon", parts
    # the next outline list, starting soon after, with n items
    lists, starts = ctx["lists"], ctx["list_starts"]
    k = bisect.bisect_left(starts, e)
    if k < len(starts) and starts[k] - e <= ctx["window"] and len(lists[starts[k]]) == n:
        return "outline", [it.headline for it in lists[starts[k]]]
    return None


def _preceding_list(text: str, s: int, n: int, ctx: dict[str, Any]) -> list[str] | None:
    """政治、经济、思想和组织这四个方面: ``n`` members listed right before the count, in its clause."""
    a = max(0, s - ctx["preceding_chars"])
    cut = max(text.rfind(c, a, s) for c in "，,。；;：:！？!?\n")
    before = text[max(a, cut + 1):s]
    for w in ("这些", "这", "那", "等", "共", "的"):
        if before.endswith(w):
            before = before[: -len(w)]
            break
    if before.endswith(("”", "」", "』")):  # “不接触、不谈判、不妥协”的“三不政策”: the quoted list
        q = max(before.rfind("“"), before.rfind("「"), before.rfind("『"))
        before = before[q + 1:-1] if q >= 0 else before
    parts = ctx["separators"].split(before)
    if len(parts) == n and all(p.strip() for p in parts):
        return [p.strip() for p in parts]
    return None


def _generic(text: str, items: list[OutlineItem], taken: list[tuple[int, int]]) -> list[Device]:
    cfg = rules()["generic_summaries"]
    nums, cls_, maxlen = cfg["numerals"], cfg["classifiers"], cfg["max_term_chars"]
    not_terms = tuple(cfg["not_terms"])
    counts_only = tuple(cfg["enumerated_only_terms"])
    term_stop = cfg["term_stop_chars"]
    term_heads = tuple(cfg["term_heads"])
    out: list[Device] = []
    quoted_whole = re.compile(rf"[“『「]([{nums}]{{1,2}})([{cls_}])([^“”『』「」\s，。、；：,;:]{{1,{maxlen}}})[”』」]")
    qnums = cfg["quoted_term_numerals"]
    quoted_term = re.compile(rf"[“『「]([{qnums}][^“”『』「」\s，。、；：,;:]{{1,{cfg['quoted_term_max_chars'] - 1}}})[”』」]")
    bare = re.compile(rf"([{nums}]{{1,2}})([{cls_}])([\u4e00-\u9fff]{{2,{maxlen}}})")
    lists = {lst[0].start: lst for lst in outline_lists(items) if len(lst) >= 2}
    ctx = {"ends": _sentence_ends(text), "max_colon": cfg["max_colon_list_chars"], "lists": lists,
           "preceding_chars": cfg["preceding_list_chars"],
           "separators": re.compile(alternation(cfg["preceding_list_separators"])),
           "list_starts": sorted(lists), "window": cfg["enumeration_window_chars"]}
    taken = sorted(taken)

    def overlaps(s: int, e: int) -> bool:
        k = bisect.bisect_left(taken, (e, e))
        return any(a < e and s < b for a, b in taken[max(0, k - 32):k])

    def add(s: int, e: int, n: int | None, cue: str, members: list[str]) -> None:
        if overlaps(s, e):
            return
        out.append(make("formulation", text[s:e], text, s, e, form="generic", members=members, cue=cue,
                        count=n, quoted=s > 0 and text[s - 1] in "“『「"))
        bisect.insort(taken, (s, e))

    for m in quoted_whole.finditer(text):
        n = cn_number(m.group(1).replace("两", "二"))
        if n is None or m.group(3).startswith(not_terms):
            continue
        found = _enumeration(text, m.start(), m.end(), n, ctx)
        if found is None and m.group(3).startswith(counts_only):
            continue
        add(m.start() + 1, m.end() - 1, n, "quoted" if found is None else f"quoted+{found[0]}",
            [] if found is None else found[1])
    for m in quoted_term.finditer(text):
        _quoted_term(text, m, cfg, ctx, add)
    for m in bare.finditer(text):
        _bare(text, m, cfg, ctx, add, (not_terms, counts_only, term_stop, term_heads))
    return out


def _quoted_term(text: str, m: re.Match[str], cfg: dict[str, Any], ctx: dict[str, Any], add: Any) -> None:
    """“三讲”, 『六个一百』, “两山一湖”: a quoted short term that starts with a numeral."""
    body = m.group(1)
    numerals = [c for c in body if c in "一二两三四五六七八九十百千双"]
    if (len(numerals) == len(body) or not all(is_han(c) for c in body) or body in cfg["not_quoted_terms"]
            or (body[0] == "一" and len(numerals) < 2)):
        return  # “七一”, “八七” are dates and plan numbers; “一切向钱看” is not a summary
    n = 2 if body[0] == "双" else cn_number(body[0].replace("两", "二"))
    cue = "quoted term" if len(numerals) == 1 else "quoted compound"
    found = _enumeration(text, m.start(), m.end(), n, ctx) if n else None
    add(m.start() + 1, m.end() - 1, n if len(numerals) == 1 else None,
        cue if found is None else f"{cue}+{found[0]}", [] if found is None else found[1])


def _bare(text: str, m: re.Match[str], cfg: dict[str, Any], ctx: dict[str, Any], add: Any,
          terms: tuple[Any, ...]) -> None:
    """四大文化品牌, 三个方面：…: a numeral, a classifier and a term, kept with a cue (大 or an enumeration)."""
    not_terms, counts_only, term_stop, term_heads = terms
    s = m.start()
    if s > 0 and (text[s - 1] in _NUMERALS or text[s - 1] in "第“" or text[s - 1].isdigit()):
        return
    numeral, classifier, term = m.groups()
    if len(numeral) > 1 and classifier == "大":
        return
    n = cn_number(numeral.replace("两", "二"))
    if n is None or n < 2 or term.startswith(not_terms):
        return
    e = m.end()
    stop = next((k for k in range(m.start(3), e) if text[k] in term_stop), e)
    cut = min(stop, m.start(3) + cfg["max_bare_term_chars"])
    # 十大重点节能工程: a longer term is kept when it ends in a head noun
    cut = next((k for k in range(stop, cut, -1) if text[m.start(3):k].endswith(term_heads)), cut)
    generic_word = next((w for w in counts_only if term.startswith(w)), None)
    if generic_word is not None:  # 四个方面进行…: the count ends with its generic noun
        cut = m.start(3) + len(generic_word)
    if cut - m.start(3) < 2:
        return
    found = _enumeration(text, s, cut, n, ctx)
    if found is not None:
        add(s, cut, n, found[0], found[1])
    elif classifier == "大" and not term.startswith(counts_only):
        add(s, cut, n, "大", [])
    elif classifier in "项条" and text[m.start(3):cut].endswith(tuple(cfg["named_set_heads"])):
        add(s, cut, n, "named set", [])


def find_formulations(
    text: str, *, generic: bool = True, outline_items: list[OutlineItem] | None = None, year: int | None = None
) -> list[Device]:
    """Find known formulations (short and expanded forms) and, optionally, unknown numeric summaries.

    Examples:
        >>> [(d.label, d.attrs["form"]) for d in find_formulations("不断增进“四个认同”。")]
        [('四个认同', 'short')]

    Args:
        text: one document's text.
        generic: also report numeric summaries that are not in the data file.
        outline_items: the text's outline if already computed (used by the generic
            detector to count the items that follow a summary).
        year: the document's year, if known: it resolves the senses of an ambiguous
            short form by era (四化 in 1985 cannot be 新四化).

    Returns:
        Devices of kind ``formulation`` sorted by start; ``attrs`` holds ``form``
        (``"short"``, ``"expanded"``, ``"generic"``) and ``members`` (the members found);
        a short form of an entry with senses also has ``sense`` (the label of the
        sense, None when the text does not decide), ``senses`` (the candidates) and
        ``sense_evidence`` (``"era"``, ``"members"``, ``"cues"``, ``"discourse"``,
        ``"only sense"`` or ``"undecided"``); ``label`` is the sense's label when decided.

    Raises:
        InputTypeError: if ``text`` is not a str.
    """
    check_text(text)
    year = _check_year(year)
    entries = load_formulations()
    comp = _compiled()
    found = _short_forms(text, entries, comp, year) + _expanded(text, entries, comp)
    if generic:
        items = outline(text) if outline_items is None else outline_items
        taken = [(d.start, d.end) for d in found]
        found += _generic(text, items, taken)
    # an expanded hit inside another of the same label (compressed and listed forms) is dropped
    found.sort(key=lambda d: (d.start, -d.end, d.label))
    out: list[Device] = []
    for d in found:
        if out and d.label == out[-1].label and d.end <= out[-1].end and d.start >= out[-1].start:
            continue
        out.append(d)
    return out


def _check_year(year: Any) -> int | None:
    if year is None:
        return None
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputTypeError(describe("year", year, "is not an int", accepted="a year such as 1985, or None",
                                      todo="Pass the document's year as an int, or None when unknown."))
    return year
