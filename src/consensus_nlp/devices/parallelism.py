"""Parallelism (排比): three or more coordinated phrases or clauses built on one template.

Where runs are looked for (docs/devices.md has the full rule):

* phrases separated by 、 inside a clause (进机关、进学校、进军营…), and clauses
  separated by ，； inside a sentence;
* short sentences (at most ``max_sentence_chars``) of one paragraph, also when
  other sentences stand between them (在资政建言中汇聚共识。…在基层协商中达成共识。…);
* the lead clauses (before the first ，) of the longer sentences of one paragraph
  (加强调查研究增共识，… 深入协商议政聚共识，… 收集社情民意信息促共识，…), which must
  share a beginning or an ending of at least two characters;
* the headlines of one outline list (在方向的启发引领上用功 / …用情 / …用心 / …用力).

The template is the longest common subsequence of the items' characters; the
characters between template characters are the slots (``"在_中_共识"``). A run
is parallelism only if every item has at least ``min_item_chars`` characters
(弃水、弃风、弃光 is a noun list) and its template has a shared beginning, or a
shared part inside it plus a shared ending, made of at least one character that
is not a common head or prefix (界, 性, 各, 的 … from ``rules.json``). A shared
ending alone never counts for 、-phrases — noun lists with a common head
(教育界、医药卫生界; 政治认同、思想认同…; 敏感点、关切点) are not parallelism —
and counts for clauses, lead sentences and headlines only when every item has at
least ``suffix_only_min_item_chars`` characters, the longest is at most 1.6
times the shortest and the ending has two or more characters (注重思想引领增共识 /
坚持搭台引智聚共识 / …; not 黑龙江钢厂，吉林肥料厂，…). The first and last phrase of a 、-run are trimmed to the
template (要以道交友 -> 以道交友; 进乡村进行宣讲… -> 进乡村). A template with a
slot that holds a number in every item (炼铁产能4659万吨、炼钢产能3747万吨、水泥产能8700万吨
-> ``_产能_万吨``) is a list of figures, not parallelism.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .common import check_text, is_han, rules, sentence_spans
from .base import Device, make
from .outline import OutlineItem, outline, outline_lists

__all__ = ["find_parallelism"]

_MAX_RUN = 12


def _lcs(a: str, b: str) -> str:
    n, m = len(a), len(b)
    dp = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, nxt = dp[i], dp[i + 1]
        for j in range(m - 1, -1, -1):
            row[j] = nxt[j + 1] + 1 if a[i] == b[j] else max(nxt[j], row[j + 1])
    out = []
    i = j = 0
    while i < n and j < m:
        if a[i] == b[j]:
            out.append(a[i])
            i += 1
            j += 1
        elif dp[i + 1][j] >= dp[i][j + 1]:
            i += 1
        else:
            j += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def _gap_pattern(skeleton: str) -> re.Pattern[str]:
    return re.compile("(.*?)" + "".join(re.escape(c) + "(.*?)" for c in skeleton) + "$", re.S)


def _template(items: list[str]) -> tuple[str, list[list[str]], list[tuple[str, str]]] | None:
    """Template, slots per item, and the literal runs as (position, text) with position in prefix/interior/suffix."""
    skeleton = items[0]
    for it in items[1:]:
        skeleton = _lcs(skeleton, it)
        if not skeleton:
            return None
    pattern = _gap_pattern(skeleton)
    gaps_per_item = []
    for it in items:
        m = pattern.match(it)
        if m is None:
            return None
        gaps_per_item.append(m.groups())
    n_gaps = len(skeleton) + 1
    used = [any(g[k] for g in gaps_per_item) for k in range(n_gaps)]
    parts: list[str] = []
    literals: list[tuple[int, str]] = []  # (index of the gap before it, text)
    for k in range(n_gaps):
        if used[k]:
            parts.append("_")
        if k < len(skeleton):
            c = skeleton[k]
            if parts and parts[-1] != "_":
                parts[-1] += c
                literals[-1] = (literals[-1][0], literals[-1][1] + c)
            else:
                parts.append(c)
                literals.append((k, c))
    template = "".join(parts)
    slots = [[g[k] for k in range(n_gaps) if used[k]] for g in gaps_per_item]
    runs = []
    for k, lit in literals:
        before = any(used[x] for x in range(0, k + 1))
        after = any(used[x] for x in range(k + len(lit), n_gaps))
        where = "interior" if before and after else ("prefix" if not before else "suffix")
        runs.append((where, lit))
    return template, slots, runs


def _valid(items: list[str], runs: list[tuple[str, str]], cfg: dict[str, Any], source: str) -> bool:
    stop = set(cfg["stop_affixes"])

    def meaningful(lit: str) -> bool:
        return any(is_han(c) and c not in stop for c in lit)

    wheres = {where for where, _ in runs}
    if source == "leads":
        # lead clauses of separate sentences share a first character by chance (我…, 在…, 中国…):
        # they need a shared beginning or ending of two or more characters
        ends = [lit for where, lit in runs if where in ("prefix", "suffix")]
        if not any(sum(1 for c in lit if is_han(c)) >= 2 and meaningful(lit) for lit in ends):
            return False
    if any(where == "prefix" and meaningful(lit) for where, lit in runs):
        return True
    if "suffix" not in wheres:
        return False  # a shared middle alone is too often an accident (_提案_, _党_)
    if any(where == "interior" and meaningful(lit) for where, lit in runs):
        return True
    # a shared ending alone: a noun list with a common head when the items are phrases
    # (政治认同、思想认同…; 主体责任、管理责任…); epistrophe when they are clauses,
    # lead sentences or headlines of about the same length
    if source == "phrases":
        return False
    lengths = [len(i) for i in items]
    similar = max(lengths) * 5 <= min(lengths) * 8
    long_enough = min(lengths) >= cfg["suffix_only_min_item_chars"]
    # a one-character ending is mostly a noun head or a measure word (黑龙江钢厂，吉林肥料厂，…;
    # …达到１０．９亿吨，…１．３９亿吨): two or more shared characters are needed
    return similar and long_enough and any(
        where == "suffix" and meaningful(lit) and sum(1 for c in lit if is_han(c)) >= 2 for where, lit in runs)


def _check(items: list[str], cfg: dict[str, Any], max_chars: int, source: str) -> tuple[str, list[list[str]]] | None:
    if len(items) < cfg["min_items"] or len(set(items)) < len(items):
        return None
    if any(len(i) < cfg["min_item_chars"] or len(i) > max_chars for i in items):
        return None
    # a valid template begins or ends with a literal: all items share their first or their last character
    if len({i[0] for i in items}) > 1 and len({i[-1] for i in items}) > 1:
        return None
    t = _template(items)
    if t is None:
        return None
    template, slots, runs = t
    if "_" not in template or not _valid(items, runs, cfg, source) or _numeric_slot(slots):
        return None
    return template, slots


_NUMBER = re.compile(r"[0-9０-９.．·,，%％‰\s零〇一二两三四五六七八九十百千万亿多余几]+")


def _numeric_slot(slots: list[list[str]]) -> bool:
    """A slot filled by a number in every item: a list of figures (炼铁产能4659万吨、炼钢产能3747万吨…), not 排比."""
    return any(all(_NUMBER.fullmatch(item[k]) for item in slots) for k in range(len(slots[0])))


def _common_prefix(words: list[str]) -> str:
    p = words[0]
    for w in words[1:]:
        k = 0
        while k < min(len(p), len(w)) and p[k] == w[k]:
            k += 1
        p = p[:k]
    return p


def _trim(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Trim the first and the last phrase of a 、-run to the shape of their neighbours."""
    spans = list(spans)
    if len(spans) < 3:
        return spans
    s, e = spans[0]
    q = text.rfind("“", s, e)
    if q >= 0 and "”" not in text[q:e]:
        s = q + 1
    others = [text[a:b] for a, b in spans[1:3]]
    p = _common_prefix(others)
    if p and not text.startswith(p, s):
        k = text.rfind(p, s, e)
        if k > s:
            s = k
    longest = max(len(o) for o in others)
    if not p and e - s > longest * 3 // 2:
        s = e - longest
    spans[0] = (s, e)
    s, e = spans[-1]
    q = text.find("”", s, e)
    if q >= 0 and "“" not in text[s:q]:
        e = q
    others = [text[a:b] for a, b in spans[-3:-1]]
    longest = max(len(o) for o in others)
    p = _common_prefix(others)
    if p and text.startswith(p, s) and e - s > longest + 2:
        e = s + longest
    spans[-1] = (s, e)
    return spans


@lru_cache(maxsize=16)
def _piece_pattern(seps: str) -> re.Pattern[str]:
    body = re.escape(seps)
    return re.compile(rf"[^{body}\s](?:[^{body}]*[^{body}\s])?")


def _split(text: str, start: int, end: int, seps: str) -> list[tuple[int, int]]:
    """The pieces of ``text[start:end]`` between separators, without surrounding whitespace (one regex pass)."""
    return [m.span() for m in _piece_pattern(seps).finditer(text, start, end)]


def _runs(text: str, spans: list[tuple[int, int]], cfg: dict[str, Any], source: str, out: list[Device]) -> None:
    """Greedy left-to-right: at each position the longest valid run of at least min_items items."""
    i = 0
    n = len(spans)
    k_min = cfg["min_items"]
    max_chars = {"sentences": cfg["max_sentence_chars"], "headlines": cfg["max_headline_chars"]}.get(
        source, cfg["max_item_chars"])
    strs = [text[a:b] for a, b in spans]
    # run_first[k]: how many neighbouring pairs from k on share their first character (run_last: last)
    run_first = [0] * (n + 1)
    run_last = [0] * (n + 1)
    for k in range(n - 2, -1, -1):
        a, b = strs[k], strs[k + 1]
        run_first[k] = run_first[k + 1] + 1 if a and b and a[0] == b[0] else 0
        run_last[k] = run_last[k + 1] + 1 if a and b and a[-1] == b[-1] else 0
    while i + k_min <= n:
        best = None
        upper = min(n, i + _MAX_RUN)
        if source != "phrases":  # untrimmed items: all must share the first or the last character
            upper = min(upper, i + 1 + max(run_first[i], run_last[i]))
        for j in range(upper, i + k_min - 1, -1):
            # the inner items (not touched by trimming) must share a first or a last character
            pairs = j - i - 3
            if pairs > 0 and run_first[i + 1] < pairs and run_last[i + 1] < pairs:
                continue
            window = spans[i:j]
            if source == "phrases":
                window = _trim(window, text)
            checked = _check([text[a:b] for a, b in window], cfg, max_chars, source)
            if checked is not None:
                best = (j, window, checked)
                break
        if best is None:
            i += 1
            continue
        j, window, (template, slots) = best
        s, e = window[0][0], window[-1][1]
        out.append(make("parallelism", template, text, s, e, template=template, slots=slots,
                        items=[[a, b] for a, b in window], source=source))
        i = j


def find_parallelism(text: str, *, outline_items: list[OutlineItem] | None = None) -> list[Device]:
    """Find runs of three or more coordinated phrases, clauses or lead sentences sharing a template.

    Examples:
        >>> [(d.label, d.text) for d in find_parallelism("进机关、进学校、进军营、进企业、进乡村进行宣讲。")]
        [('进_', '进机关、进学校、进军营、进企业、进乡村')]

    Args:
        text: one document's text.
        outline_items: the text's outline if already computed (its headlines are compared too).

    Returns:
        Devices of kind ``parallelism``; ``label`` and ``attrs["template"]`` hold the
        template (``_`` marks a slot), ``attrs["slots"]`` the slot fillers per item,
        ``attrs["items"]`` the ``[start, end]`` of each item and ``attrs["source"]``
        one of ``"phrases"``, ``"clauses"``, ``"sentences"``, ``"leads"``, ``"headlines"``.

    Raises:
        InputTypeError: if ``text`` is not a str.
    """
    check_text(text)
    cfg = rules()["parallelism"]
    out: list[Device] = []
    para_sentences: list[tuple[int, int]] = []
    para_leads: list[tuple[int, int]] = []
    last_para = -1
    para = 0
    next_nl = text.find("\n")
    for s, e in sentence_spans(text):
        body_end = e
        while body_end > s and text[body_end - 1] in "。！？!?；;":
            body_end -= 1
        clauses = _split(text, s, body_end, "，,；;：:")
        for cs, ce in clauses:
            phrases = _split(text, cs, ce, "、")
            if len(phrases) >= cfg["min_items"]:
                _runs(text, phrases, cfg, "phrases", out)
        if len(clauses) >= cfg["min_items"]:
            _runs(text, clauses, cfg, "clauses", out)
        while next_nl != -1 and next_nl < s:  # count paragraphs as we go (no backward search)
            para += 1
            next_nl = text.find("\n", next_nl + 1)
        if para != last_para:
            if len(para_sentences) >= cfg["min_items"]:
                _runs(text, para_sentences, cfg, "sentences", out)
            if len(para_leads) >= cfg["min_items"]:
                _runs(text, para_leads, cfg, "leads", out)
            para_sentences = []
            para_leads = []
            last_para = para
        if body_end - s <= cfg["max_sentence_chars"]:
            para_sentences.append((s, body_end))
        elif len(clauses) >= 2:
            para_leads.append(clauses[0])
    if len(para_sentences) >= cfg["min_items"]:
        _runs(text, para_sentences, cfg, "sentences", out)
    if len(para_leads) >= cfg["min_items"]:
        _runs(text, para_leads, cfg, "leads", out)
    items = outline(text) if outline_items is None else outline_items
    for lst in outline_lists(items):
        spans = []
        for it in lst:
            h = text.find(it.headline, it.start, it.end) if it.headline else -1
            if h >= 0:
                spans.append((h, h + len(it.headline)))
        if len(spans) == len(lst) >= cfg["min_items"]:
            _runs(text, spans, cfg, "headlines", out)
    out.sort(key=lambda d: (d.start, d.end))
    return out
