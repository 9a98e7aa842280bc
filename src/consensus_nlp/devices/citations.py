"""Citations of leaders, directives and doctrines, and slogans (quoted political phrases).

Citations (label, rule):

* ``leader``: a leader's name (optionally with a title) or a bare speaker such as
  总书记/党中央, an optional setting (在…上/中/时), a verb of saying
  (指出, 强调, 要求 …) and what was said: the quotation in “…” right after the
  verb, or else the rest of the sentence. ``attrs``: speaker, verb, quote,
  quote_start, quote_end (offsets of the quote without its quotation marks).
* ``directive``: an opener (按照, 根据, 贯彻, 落实, 学习 …), the cited object
  (at most 40 characters, no ，。；：or quotation marks), and a head noun
  (精神, 部署, 要求, 决定 …): 认真落实省、市关于…的安排部署. Not citations: an
  object that is only a demonstrative (根据这个要求, 按照上述要求: the speech points
  back at itself) and nouns that begin with an opener (预算执行数, 执行情况).
* ``doctrine``: an opener (学习贯彻, 坚持, 以 …) right before a named doctrine
  (习近平新时代中国特色社会主义思想, 邓小平理论 …).

Slogans and other quoted phrases: every “…” of at most 40 characters that is not
the quote of a citation and not a formulation is one device, of kind ``slogan``
(label ``motto``) or of kind ``quoted`` (labels ``quote`` and ``name``):

* ``slogan``/``motto``: a known slogan from ``rules.json`` (punctuation-insensitive),
  or a phrase of at least ``motto_min_chars`` characters, not a sentence and not
  ending in a name head (条约, 政策, 计划 …), of two or more parts (split at ，、；)
  most of which begin with a verb from the data list, or containing a connective
  (是, 由, 而, 好, 把, 让, 不 … — not 要/为/以, which sit inside common nouns such as
  重要): “有事好商量，众人的事情由众人商量”, “小而精、小而专”,
  “举旗帜、聚民心、育新人、兴文化、展形象”, “以人民为中心”.
* ``quoted``/``quote``: a quoted sentence (it holds 。！？): reported speech whose
  speaker the citation rules did not find.
* ``quoted``/``name``: every other quoted phrase — brands, names of programmes and
  institutions, terms in scare quotes: “委员讲堂”, “书香政协”, “星火”计划, “自由”.

Known slogans are also found without quotation marks (kind ``slogan``).
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Any

from .common import alternation, check_text, rules
from .base import Device, make

__all__ = ["find_citations", "find_slogans", "find_quoted"]

_PUNCT = re.compile(r"[，,、；;：:。！？!?\s—“”]")
_SENTENCE_END = re.compile(r"[。！？!?]")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    r = rules()
    names = alternation(r["leaders"]["names"])
    titles = alternation(r["leaders"]["titles"])
    bare = alternation(r["leaders"]["bare_speakers"])
    verbs = alternation(r["citation_verbs"]["verbs"])
    leader = re.compile(
        rf"(?P<speaker>(?:{names})(?:{titles})?|{bare})"
        rf"(?:在[^。；;！？!?“”\n]{{1,40}}?(?:上|中|时|期间)[，,]?)?"
        rf"(?P<verb>{verbs})[：:，,]?\s*"
        rf"(?:“(?P<quote>[^“”\n]{{1,600}})”|(?P<rest>[^。！？!?\n“”]{{2,300}}[。！？!?]?))"
    )
    openers = alternation(r["directive_openers"]["verbs"])
    heads = alternation(r["directive_heads"]["heads"])
    directive = re.compile(rf"(?P<opener>{openers})(?P<object>[^。；;！？!?，,：:“”\n]{{1,40}}?)(?P<head>{heads})")
    doctrine = re.compile(
        rf"(?P<opener>{alternation(r['doctrines']['openers'])})(?P<name>{alternation(r['doctrines']['names'])})"
    )
    s = r["slogans"]
    known = {_PUNCT.sub("", k): k for k in s["known"]}
    return {
        "leader": leader, "directive": directive, "doctrine": doctrine, "head_re": re.compile(heads),
        "not_words": tuple(r["directive_heads"]["not_words"]),
        "anaphoric": frozenset(r["directive_heads"]["anaphoric_objects"]),
        "not_openings": tuple(r["directive_heads"]["not_openings"]),
        "known": known, "known_re": re.compile(alternation(s["known"])),
        "connectors": tuple(s["connectors"]), "part_verbs": set(s["part_verbs"]),
        "name_heads": tuple(s["name_heads"]), "motto_min_chars": int(s["motto_min_chars"]),
        "quoted": re.compile(r"“([^“”\n]{1,40})”"),
    }


def find_citations(text: str) -> list[Device]:
    """Find citations of leaders (习近平总书记指出“…”), directives (按照…部署) and doctrines.

    Examples:
        >>> d = find_citations("习近平总书记指出“要广泛凝聚共识。”")[0]
        >>> d.label, d.attrs["speaker"], d.attrs["quote"]
        ('leader', '习近平总书记', '要广泛凝聚共识。')

    Args:
        text: one document's text.

    Returns:
        Devices of kind ``citation`` with label ``leader``, ``directive`` or ``doctrine``,
        sorted by start; overlapping matches keep the one found first in that order.

    Raises:
        InputTypeError: if ``text`` is not a str.
    """
    check_text(text)
    p = _patterns()
    found: list[Device] = []
    for m in p["leader"].finditer(text):
        if m.group("quote") is not None:
            qs, qe = m.start("quote"), m.end("quote")
        else:
            qs, qe = m.start("rest"), m.end("rest")
        found.append(make("citation", "leader", text, m.start(), m.end(), speaker=m.group("speaker"),
                          verb=m.group("verb"), quote=text[qs:qe], quote_start=qs, quote_end=qe,
                          quoted=m.group("quote") is not None))
    for m in p["directive"].finditer(text):
        end, head = m.end(), m.group("head")
        # 重要讲话 + 精神: the lazy match stops at the first head; take the heads that follow too
        more = p["head_re"].match(text, end)
        while more is not None and more.end() > end:
            end, head = more.end(), head + more.group(0)
            more = p["head_re"].match(text, end)
        # 认真落实《国务院关于…的若干意见》: the title's closing mark belongs to the citation
        if text[m.start():end].count("《") > text[m.start():end].count("》") and text.startswith("》", end):
            end += 1
        if (text.startswith(p["not_words"], m.start("head")) or m.group("object") in p["anaphoric"]
                or text.startswith(p["not_openings"], m.start())):
            continue
        found.append(make("citation", "directive", text, m.start(), end, opener=m.group("opener"),
                          source=m.group("object"), head=head))
    for m in p["doctrine"].finditer(text):
        found.append(make("citation", "doctrine", text, m.start(), m.end(), opener=m.group("opener"),
                          source=m.group("name")))
    rank = {"leader": 0, "directive": 1, "doctrine": 2}
    kept: list[Device] = []
    spans: list[tuple[int, int]] = []  # kept spans, sorted and pairwise disjoint
    for d in sorted(found, key=lambda d: (rank[d.label], d.start)):
        k = bisect.bisect_left(spans, (d.start, d.end))
        if (k > 0 and spans[k - 1][1] > d.start) or (k < len(spans) and spans[k][0] < d.end):
            continue
        spans.insert(k, (d.start, d.end))
        kept.append(d)
    kept.sort(key=lambda d: (d.start, d.end))
    return kept


def _quoted_label(phrase: str, p: dict[str, Any]) -> tuple[str, str]:
    """``(kind, label)`` of a quoted phrase that is not a known slogan."""
    if _SENTENCE_END.search(phrase):
        return "quoted", "quote"
    key = _PUNCT.sub("", phrase)
    if len(key) < p["motto_min_chars"] or key.endswith(p["name_heads"]):
        return "quoted", "name"
    parts = [x for x in re.split(r"[，,、；;]", phrase) if x]
    if len(parts) >= 2:
        verbal = sum(1 for x in parts if x[0] in p["part_verbs"])
        if verbal * 2 > len(parts):
            return "slogan", "motto"
    if any(c in phrase for c in p["connectors"]):
        return "slogan", "motto"
    return "quoted", "name"


def explained_spans(citations: list[Device], formulations: list[Device]) -> list[tuple[int, int]]:
    """Spans a quoted phrase must not overlap: the quotes of leader citations, other citations, formulations."""
    spans = [(d.attrs["quote_start"], d.attrs["quote_end"]) if d.label == "leader" else (d.start, d.end)
             for d in citations]
    return spans + [(d.start, d.end) for d in formulations]


def _default_exclude(text: str) -> list[tuple[int, int]]:
    from .formulations import find_formulations

    return explained_spans(find_citations(text), find_formulations(text))


def quoted_phrases(text: str, exclude: list[tuple[int, int]]) -> list[Device]:
    """Slogans and other quoted phrases of ``text`` (kinds ``slogan`` and ``quoted``), sorted by start."""
    p = _patterns()
    spans = sorted(exclude)

    def blocked(s: int, e: int) -> bool:
        k = bisect.bisect_left(spans, (e, e))
        # spans are short and few; look back over the ones that start before e
        for a, b in reversed(spans[max(0, k - 64):k]):
            if a < e and s < b:
                return True
        return False

    out: list[Device] = []
    taken: list[tuple[int, int]] = []
    for m in p["quoted"].finditer(text):
        s, e = m.start(1), m.end(1)
        if blocked(s, e):
            continue
        phrase = m.group(1)
        if _PUNCT.sub("", phrase) in p["known"]:
            out.append(make("slogan", "motto", text, s, e, known=True, quoted=True))
        else:
            kind, label = _quoted_label(phrase, p)
            out.append(make(kind, label, text, s, e, known=False, quoted=True))
        taken.append((s, e))
    for m in p["known_re"].finditer(text):
        s, e = m.start(), m.end()
        if any(a <= s and e <= b for a, b in taken) or blocked(s, e):
            continue
        out.append(make("slogan", "motto", text, s, e, known=True, quoted=False))
    out.sort(key=lambda d: (d.start, d.end))
    return out


def find_slogans(
    text: str, *, exclude: list[tuple[int, int]] | None = None
) -> list[Device]:
    """Find slogans: known slogans, quoted or not, and quoted phrases that read as mottos.

    Examples:
        >>> [(d.label, d.text) for d in find_slogans("按照“有事好商量，众人的事情由众人商量”的理念，做优“委员讲堂”。")]
        [('motto', '有事好商量，众人的事情由众人商量')]

    Args:
        text: one document's text.
        exclude: spans already explained by other devices (quotes of citations,
            formulations); a quoted phrase overlapping one of them is skipped. If
            ``None``, citations and formulations are found here for that purpose.

    Returns:
        Devices of kind ``slogan`` (label ``motto``), sorted by start; the span excludes
        the quotation marks. ``attrs``: ``known`` (listed in ``rules.json``), ``quoted``.

    Raises:
        InputTypeError: if ``text`` is not a str.
    """
    check_text(text)
    exclude = _default_exclude(text) if exclude is None else exclude
    return [d for d in quoted_phrases(text, exclude) if d.kind == "slogan"]


def find_quoted(
    text: str, *, exclude: list[tuple[int, int]] | None = None
) -> list[Device]:
    """Find the quoted phrases that are not slogans: names and terms (``name``), quoted sentences (``quote``).

    Examples:
        >>> [(d.label, d.text) for d in find_quoted("做优“委员讲堂”，所谓“自由”，他说“现在，以安定为好。”")]
        [('name', '委员讲堂'), ('name', '自由'), ('quote', '现在，以安定为好。')]

    Args:
        text: one document's text.
        exclude: spans already explained by other devices, as for :func:`find_slogans`.

    Returns:
        Devices of kind ``quoted`` sorted by start; the span excludes the quotation marks.

    Raises:
        InputTypeError: if ``text`` is not a str.
    """
    check_text(text)
    exclude = _default_exclude(text) if exclude is None else exclude
    return [d for d in quoted_phrases(text, exclude) if d.kind == "quoted"]
