"""Scores of consensus_nlp's devices on the annotated samples of this folder (README.md here).

    PYTHONPATH=src python tests/data/devices_dates/evaluate_dates.py ../shared/corpora/gov-work-reports-1954-2017

prints the tables of docs/devices.md ("Dates, senses, mixed lists, spaced numbers").
The annotations were made by reading the reports, not from the tagger's output.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
PATTERN = r"(?P<year>\d{4})政府工作报告_(?P<speaker>[^_.]+)"


def load(name: str) -> list[dict]:
    text = (HERE / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line]


@lru_cache(maxsize=2)
def _formulations(folder: str):
    import consensus_nlp as cn

    corpus = cn.Corpus.from_files(folder, meta_pattern=PATTERN)
    return cn.tag(corpus, kinds="formulation")


def dated(folder: str | Path) -> list[dict]:
    """Per dated formulation: the annotated first and last year and those of ``first_appearances(form="short")``."""
    import consensus_nlp as cn

    table = cn.first_appearances(_formulations(str(folder)), by="year", form="short").set_index("label")
    out = []
    for row in load("dated.jsonl"):
        got = table.loc[row["label"]] if row["label"] in table.index else None
        first = None if got is None else int(got["first"])
        last = None if got is None else int(got["last"])
        out.append({"label": row["label"], "first": row["first"], "last": row["last"], "got_first": first,
                    "got_last": last, "exact": (first, last) == (row["first"], row["last"])})
    return out


def senses(folder: str | Path) -> list[dict]:
    """Per annotated occurrence: the annotated sense (None: not the formulation) and what the tagger says."""
    from consensus_nlp.devices import find_formulations

    folder = Path(folder)
    cache: dict[str, list] = {}
    out = []
    for row in load("senses.jsonl"):
        if row["file"] not in cache:
            cache[row["file"]] = find_formulations((folder / row["file"]).read_text(encoding="utf-8"),
                                                   generic=False, year=row["year"])
        over = [d for d in cache[row["file"]] if d.start < row["end"] and row["start"] < d.end]
        if row["sense"] is None:  # a hard negative: no device of the entry (or of its senses) may cover it
            got = next((d.label for d in over if d.label == row["entry"] or row["entry"] in d.attrs.get("senses", ())
                        ), None)
            ok = got is None
        else:
            labels = [d.label for d in over]
            got = row["sense"] if row["sense"] in labels else (labels[0] if labels else None)
            ok = got == row["sense"]
        out.append({**row, "got": got, "correct": ok})
    return out


def mixed_lists(folder: str | Path, *, only_mixed: bool = False, misses: list | None = None
                ) -> dict[str, dict[str, int]]:
    """Item recall and precision of the annotated lists, per marker family and in all (``"all"``).

    A gold item is found when the outline has an item at its marker, in the same predicted list as
    the list's other found items, with the gold ordinal. Precision: of the predicted items of the
    predicted list that holds the gold items, those that are gold items of that list.
    """
    from consensus_nlp.devices import outline, outline_lists

    folder = Path(folder)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fn": 0, "fp": 0})
    cache: dict[str, list] = {}
    for gold in load("mixed_lists.json")["lists"]:
        if only_mixed and not gold["mixed"]:
            continue
        if gold["file"] not in cache:
            cache[gold["file"]] = outline_lists(outline((folder / gold["file"]).read_text(encoding="utf-8")))
        lists = cache[gold["file"]]
        starts = [it["start"] for it in gold["items"]]
        best = max(lists, key=lambda lst: sum(1 for it in lst if it.start in starts), default=[])
        if not any(it.start in starts for it in best):
            best = []  # no predicted list holds any of its items
        by_start = {it.start: (k + 1, it) for k, it in enumerate(best)}
        for k, it in enumerate(gold["items"]):
            fam = it["family"]
            hit = by_start.get(it["start"])
            key = "tp" if hit is not None and hit[0] == k + 1 else "fn"
            if key == "fn" and misses is not None:
                misses.append((gold["year"], it["start"], it["marker"]))
            counts[fam][key] += 1
            counts["all"][key] += 1
        for it in best:
            if it.start not in starts:
                counts[it.family]["fp"] += 1
                counts["all"]["fp"] += 1
                if misses is not None:
                    misses.append((gold["year"], it.start, it.marker, "false"))
    return dict(counts)


def scores(c: dict[str, int]) -> tuple[float, float]:
    """(precision, recall) of ``{"tp", "fp", "fn"}``."""
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return p, r


def spaced_statistics(folder: str | Path) -> tuple[int, int, int]:
    """(statistics with the exact value at the annotated start, annotated statistics, dates read as statistics)."""
    from consensus_nlp.devices import find_statistics

    folder = Path(folder)
    cache: dict[str, dict] = {}
    exact = total = false = 0
    for row in load("spaced_statistics.jsonl"):
        if row["file"] not in cache:
            cache[row["file"]] = {d.start: d for d in find_statistics((folder / row["file"]).read_text(encoding="utf-8"))}
        d = cache[row["file"]].get(row["start"])
        if row["statistic"]:
            total += 1
            exact += d is not None and abs(d.attrs["value"] - row["value"]) <= 1e-9 * max(1.0, abs(row["value"]))
        else:
            false += d is not None
    return exact, total, false


def report(folder: str | Path) -> str:
    lines = []
    rows = dated(folder)
    n = sum(r["exact"] for r in rows)
    lines.append(f"dated formulations: first and last year exact for {n} of {len(rows)} ({n / len(rows):.3f})")
    lines += [f"  wrong: {r['label']}: annotated {r['first']}-{r['last']}, got {r['got_first']}-{r['got_last']}"
              for r in rows if not r["exact"]]
    rows = senses(folder)
    n = sum(r["correct"] for r in rows)
    lines.append(f"senses: {n} of {len(rows)} correct ({n / len(rows):.3f})")
    lines += [f"  wrong: {r['year']} {r['start']} {r['form']}: annotated {r['sense']}, got {r['got']}"
              for r in rows if not r["correct"]]
    for only in (True, False):
        lines.append(f"lists: {'the mixed ones' if only else 'all'}")
        lines.append("| family | gold items | found | false items | precision | recall |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for fam, c in sorted(mixed_lists(folder, only_mixed=only).items(), key=lambda kv: (kv[0] == "all", kv[0])):
            p, r = scores(c)
            lines.append(f"| {fam} | {c['tp'] + c['fn']} | {c['tp']} | {c['fp']} | {p:.3f} | {r:.3f} |")
    exact, total, false = spaced_statistics(folder)
    lines.append(f"spaced statistics: value exact for {exact} of {total}; dates read as statistics: {false}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(sys.argv[1]))
