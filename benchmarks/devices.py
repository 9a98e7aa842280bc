"""Benchmark: consensus_nlp.tag over the 49 government work reports (about 1.07 M characters).

Run from the repository root::

    .venv/bin/python benchmarks/devices.py [path/to/gov-work-reports-1954-2017]

Prints the machine, the number of characters, the best of ``--repeat`` runs in
seconds and characters per second, the devices found per kind, and — as a
linear-time check — the time for the corpus concatenated with itself
(2x the characters should take about 2x the time).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = Path(os.environ.get("CONSENSUS_NLP_SHARED", REPO.parent / "shared")) / "corpora" / "gov-work-reports-1954-2017"


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    import consensus_nlp as cn
    from consensus_nlp.devices import outline

    corpus = cn.Corpus.from_files(args.folder, meta_pattern=r"(?P<year>\d{4})政府工作报告_(?P<speaker>[^_.]+)")
    chars = sum(len(d.text) for d in corpus)
    print(f"machine: {platform.machine()} {platform.processor() or ''} cpus={os.cpu_count()} "
          f"python={sys.version.split()[0]} {platform.platform()}")
    print(f"documents: {len(corpus)}, characters: {chars}")

    frame = cn.tag(corpus)  # warm-up: data files, regexes, pandas import
    t_tag = _best(lambda: cn.tag(corpus), args.repeat)
    print(f"tag(corpus): {t_tag:.2f} s, {chars / t_tag:,.0f} chars/s (best of {args.repeat})")
    counts = Counter(frame["kind"])
    print("devices per kind:", dict(sorted(counts.items())))

    t_outline = _best(lambda: [outline(d.text) for d in corpus], args.repeat)
    print(f"outline over all documents: {t_outline:.2f} s, {chars / t_outline:,.0f} chars/s")

    one = "\n".join(d.text for d in corpus)
    t1 = _best(lambda: cn.tag(one), 1)
    t2 = _best(lambda: cn.tag(one + "\n" + one), 1)
    print(f"linearity: tag(all reports as one text) {t1:.2f} s; doubled text {t2:.2f} s; ratio {t2 / t1:.2f}")

    # synthetic worst cases: dense markers, one endless 、-list, dense quotes, sentences without newlines
    rng = random.Random(0)
    synthetic = {
        "markers": "".join(rng.choice(["①", "（1）", "一是", "二是", "一、", "\n", "第一，", "首先，", "其次，", "（一）", "。", "甲"])
                           for _ in range(60000)),
        "one long list": "、".join("进" + rng.choice("机关学校军营企业乡村") * 3 for _ in range(40000)) + "。",
        "quotes": "".join(rng.choice(["“", "”", "四个认同", "政治认同、", "十四五", "“四个平台”", "12多万元", "习近平总书记指出",
                                      "按照", "部署", "，", "。"]) for _ in range(60000)),
        "sentences, no newline": "凝聚共识。推进发展，做好工作。" * 20000,
    }
    for name, text in synthetic.items():
        a = _best(lambda: cn.tag(text), 1)
        b = _best(lambda: cn.tag(text + text), 1)
        print(f"synthetic {name!r}: {len(text)} chars {a:.2f} s; doubled {b:.2f} s; ratio {b / a:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
