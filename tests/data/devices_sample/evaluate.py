"""Precision and recall of consensus_nlp's formulation and outline tagging on the annotated sample.

    PYTHONPATH=src python tests/data/devices_sample/evaluate.py ../shared/corpora/gov-work-reports-1954-2017

prints a Markdown table per kind and decade (docs/devices.md). How the sample was
drawn and annotated: README.md next to this file.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = ("formulation", "outline")
# the sample annotates numeric shorthands only (README); the named formulations without a numeral
# that the data file holds since issue 22 (总路线, 科学发展观, 中国梦 …) are outside its scope
_NUMERALS = set("一二两三四五六七八九十百千双0123456789０１２３４５６７８９")


def in_scope(device) -> bool:
    return device.kind != "formulation" or any(c in _NUMERALS for c in device.text)


def load_sample(name: str = "sample.jsonl") -> list[dict]:
    """``sample.jsonl`` (the tuning sample) or ``heldout.jsonl`` (drawn after the tuning, seed 14)."""
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line]


def _predicted(devices: list, kind: str, start: int, end: int) -> bool:
    if kind == "outline":  # the item starts at the marker
        return any(d.start == start for d in devices if d.kind == "outline")
    return any(d.start < end and start < d.end for d in devices if d.kind == "formulation")


def counts(folder: str | Path, name: str = "sample.jsonl") -> dict[tuple[str, int | None], dict[str, int]]:
    """``{(kind, decade): {"tp", "fp", "fn"}}`` plus ``(kind, None)`` for all decades."""
    from consensus_nlp.devices import tag_text

    folder = Path(folder)
    cache: dict[str, list] = {}
    out: dict[tuple[str, int | None], dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})

    def add(kind: str, decade: int, key: str) -> None:
        out[(kind, decade)][key] += 1
        out[(kind, None)][key] += 1

    for row in load_sample(name):
        if row["file"] not in cache:
            cache[row["file"]] = [d for d in tag_text((folder / row["file"]).read_text(encoding="utf-8"),
                                                      kinds=["outline", "formulation"]) if in_scope(d)]
        devices = cache[row["file"]]
        decade = row["year"] // 10 * 10
        if row["source"] == "pattern":
            pred = _predicted(devices, row["kind"], row["start"], row["end"])
            if row["gold"] or pred:
                add(row["kind"], decade, "tp" if row["gold"] and pred else ("fn" if row["gold"] else "fp"))
            continue
        for kind in KINDS:  # a random window: every mention read, every device inside it judged
            gold = [tuple(m[:2]) for m in row["mentions"][kind]]
            inside = [d for d in devices if d.kind == kind and row["start"] <= d.start and d.end <= row["end"]]
            for s, e in gold:
                add(kind, decade, "tp" if _predicted(inside, kind, s, e) else "fn")
            for d in inside:
                hit = any(d.start == s for s, _ in gold) if kind == "outline" else \
                    any(d.start < e and s < d.end for s, e in gold)
                if not hit:
                    add(kind, decade, "fp")
    return dict(out)


def scores(c: dict[str, int]) -> tuple[float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return p, r


def table(folder: str | Path, name: str = "sample.jsonl") -> str:
    res = counts(folder, name)
    lines = ["| kind | decade | gold mentions | found | false alarms | precision | recall |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for kind in KINDS:
        for decade in sorted(d for k, d in res if k == kind and d is not None) + [None]:
            c = res[(kind, decade)]
            p, r = scores(c)
            label = "all" if decade is None else f"{decade}s"
            lines.append(f"| {kind} | {label} | {c['tp'] + c['fn']} | {c['tp']} | {c['fp']} | {p:.3f} | {r:.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    for name in ("sample.jsonl", "heldout.jsonl"):
        print(f"\n{name}\n")
        print(table(sys.argv[1], name))
