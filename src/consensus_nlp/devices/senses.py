"""Senses of an ambiguous short form (四化, 总路线): which formulation a mention means, or that the text does not say.

A formulation entry of ``devices/data/formulations.json`` may list ``senses``; each
sense has a label (the formulation it stands for: 四个现代化, 干部四化, 新四化), a
gloss, members, an era (``[first_year, last_year]``, ``null`` for open), cue words,
its own ``first_year`` and a source. A mention of the short form is resolved, in
this order (docs/devices.md, "Senses"):

1. **era**: when the document's year is known, the senses whose era does not cover
   it are dropped (if none is left, all are kept); one sense left decides;
2. **evidence**: distinct members of a sense listed nearby (at least two of them
   within ``member_window_chars``, same paragraph) count two each, distinct cue
   words in the mention's clause (``cue_window_chars`` before and after, not across
   。！？； or a newline) count one each; the sense with the strictly highest
   positive score decides; on a tie, the sense whose cue stands nearest to the
   mention (社会主义建设总路线和对外政策总路线: each 总路线 goes with its own cue);
3. **discourse**: the nearest earlier mention of the same entry in the same text,
   within ``discourse_window_chars``, that was decided by era or evidence lends
   its sense (one sense per discourse), if that sense is still a candidate;
4. otherwise the mention is **undecided**: ``attrs["sense"]`` is None and
   ``attrs["senses"]`` lists the candidates. Nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Sense", "Resolution", "resolve_senses"]


@dataclass(frozen=True)
class Sense:
    """One sense of a formulation entry (``senses`` in ``formulations.json``)."""

    label: str
    gloss: str
    members: tuple[str, ...]
    era: tuple[int | None, int | None]
    cues: tuple[str, ...]
    first_year: int
    source: str

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Sense:
        era = rec.get("era") or [None, None]
        return cls(label=rec["label"], gloss=rec["gloss"], members=tuple(rec.get("members", [])),
                   era=(era[0], era[1]), cues=tuple(rec.get("cues", [])), first_year=int(rec["first_year"]),
                   source=rec["source"])

    def covers(self, year: int) -> bool:
        first, last = self.era
        return (first is None or year >= first) and (last is None or year <= last)


@dataclass(frozen=True)
class Resolution:
    """How one mention was resolved: ``sense`` (None when undecided), the candidates and the evidence used."""

    sense: Sense | None
    candidates: tuple[Sense, ...]
    evidence: str  # "era", "members", "cues", "discourse", "only sense" or "undecided"


_CLAUSE_ENDS = "。！？!?；;\n"


def _clause(text: str, start: int, end: int, window: int) -> tuple[int, str]:
    """The text around ``text[start:end]`` up to ``window`` characters each side, not across a sentence end,
    and where it starts."""
    a = max(0, start - window)
    a = max(a, max(text.rfind(c, a, start) for c in _CLAUSE_ENDS) + 1)
    b = min(len(text), end + window)
    stops = [k for k in (text.find(c, end, b) for c in _CLAUSE_ENDS) if k >= 0]
    return a, text[a:min(stops, default=b)]


def _paragraph_window(text: str, start: int, end: int, window: int) -> str:
    a = max(0, start - window)
    a = max(a, text.rfind("\n", a, start) + 1)
    b = min(len(text), end + window)
    nl = text.find("\n", end, b)
    return text[a:start] + text[end:(b if nl < 0 else nl)]


def _cue_distance(clause: str, at: int, width: int, cues: tuple[str, ...], form: str) -> int | None:
    """Characters between the mention (at ``clause[at:at + width]``) and its nearest cue in the clause."""
    best = None
    for c in cues:
        if c in form:
            continue
        k = clause.find(c)
        while k >= 0:
            gap = at - (k + len(c)) if k < at else k - (at + width)
            best = gap if best is None else min(best, max(gap, 0))
            k = clause.find(c, k + 1)
    return best


def _evidence(text: str, start: int, end: int, candidates: tuple[Sense, ...], cfg: dict[str, Any]
              ) -> tuple[Sense | None, str]:
    near = _paragraph_window(text, start, end, cfg["member_window_chars"])
    a, clause = _clause(text, start, end, cfg["cue_window_chars"])
    form = text[start:end]
    scored = []
    for s in candidates:
        members = sum(1 for m in s.members if m in near)
        members = members if members >= 2 else 0  # one member alone is no listing (军队的革命化 is not 干部四化)
        cues = sum(1 for c in s.cues if c in clause and c not in form)  # 为四化 holds the mention: fine
        scored.append((2 * members + cues, members, s))
    best = max(score for score, _, _ in scored)
    top = [(m, s) for score, m, s in scored if score == best]
    if best <= 0:
        return None, "undecided"
    if len(top) > 1:
        # 社会主义建设总路线和对外政策总路线: each mention goes with the cue nearest to it
        dist = [(_cue_distance(clause, start - a, end - start, s.cues, form), m, s) for m, s in top]
        dist = sorted((d, m, s) for d, m, s in dist if d is not None)  # type: ignore[misc]
        if len(dist) < 2 or dist[0][0] == dist[1][0]:
            return None, "undecided"
        top = [(dist[0][1], dist[0][2])]
    members, sense = top[0]
    return sense, "members" if members else "cues"


def resolve_senses(text: str, mentions: list[tuple[int, int, tuple[Sense, ...]]], *, year: int | None,
                   cfg: dict[str, Any]) -> list[Resolution]:
    """Resolve the mentions ``(start, end, senses)`` of one entry in ``text`` (sorted by start).

    Args:
        text: the document's text.
        mentions: each mention's span and the senses of its entry.
        year: the document's year, or None when unknown.
        cfg: ``rules.json: formulation_senses`` (window sizes).

    Returns:
        One :class:`Resolution` per mention, in order.
    """
    out: list[Resolution] = []
    decided: list[tuple[int, Sense]] = []  # (start, sense) of mentions decided by era or evidence
    for start, end, senses in mentions:
        candidates = senses
        if year is not None:
            in_era = tuple(s for s in senses if s.covers(year))
            candidates = in_era or senses
        if len(candidates) == 1:
            out.append(Resolution(candidates[0], candidates, "era" if len(senses) > 1 else "only sense"))
            decided.append((start, candidates[0]))
            continue
        sense, how = _evidence(text, start, end, candidates, cfg)
        if sense is None:
            prior = next((s for a, s in reversed(decided) if start - a <= cfg["discourse_window_chars"]), None)
            if prior is not None and prior in candidates:
                out.append(Resolution(prior, candidates, "discourse"))
                continue
            out.append(Resolution(None, candidates, "undecided"))
            continue
        out.append(Resolution(sense, candidates, how))
        decided.append((start, sense))
    return out
