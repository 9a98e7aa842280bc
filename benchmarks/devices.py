"""Benchmark: consensus_nlp.tag over the 49 government work reports (about 1.07 M characters).

Run from the repository root::

    PYTHONPATH=src .venv/bin/python benchmarks/devices.py [folder] [--old /tmp/devices-old/src] [--rounds 3]

Prints the machine and load, then

* ``tag(corpus)`` throughput; with ``--old`` (a copy of an earlier ``src``, e.g.
  ``git archive 0feefd4 src | tar -x -C /tmp/devices-old``) the old and the new
  package are timed in interleaved rounds, each in a fresh subprocess, and the
  table gives the best time of each and the ratio old/new;
* devices per kind;
* linear time: adversarial shapes (issue 15: ``"1"*n``, ``"三大工程："*n`` …) at
  n, 2n, 4n, 8n characters with the time ratio per doubling (linear: about 2).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = Path(os.environ.get("CONSENSUS_NLP_SHARED", REPO.parent / "shared")) / "corpora" / "gov-work-reports-1954-2017"
PATTERN = r"(?P<year>\d{4})政府工作报告_(?P<speaker>[^_.]+)"


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as fh:
        return fh.read().split()[0]


def _worker(folder: str) -> None:
    """Time one tag(corpus) after a warm-up, in this process (PYTHONPATH chooses the package)."""
    import consensus_nlp as cn

    corpus = cn.Corpus.from_files(folder, meta_pattern=PATTERN)
    frame = cn.tag(corpus)  # warm-up: data files, regexes, pandas import
    t0 = time.perf_counter()
    cn.tag(corpus)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "chars": sum(len(d.text) for d in corpus),
                      "kinds": dict(sorted(Counter(frame["kind"]).items()))}))


def _run(src: str, folder: str) -> dict:
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run([sys.executable, __file__, folder, "--worker"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def adversarial(n0: int) -> None:
    from consensus_nlp.devices import tag_text

    rng = random.Random(0)
    shapes = {
        "digits '1'*n": lambda n: "1" * n,
        "'三大工程：'*n": lambda n: "三大工程：" * (n // 5),
        "'三个方面：'*n": lambda n: "三个方面：" * (n // 5),
        "quoted terms": lambda n: "“三讲”" * (n // 4),
        "'一要，二要，'*n": lambda n: "一要，二要，" * (n // 6),
        "one paragraph of markers": lambda n: "".join(
            rng.choice(["①", "（1）", "一是", "二是", "一、", "第一，", "首先，", "其次，", "一方面", "另一方面", "。", "甲", "“"])
            for _ in range(n // 2)),
        "one long 、-list": lambda n: "、".join("进" + rng.choice("机关学校军营企业乡村") * 3 for _ in range(n // 5)) + "。",
    }
    for name, make in shapes.items():
        times = []
        for k in (1, 2, 4, 8):
            text = make(n0 * k)
            t0 = time.perf_counter()
            tag_text(text)
            times.append(time.perf_counter() - t0)
        ratios = " ".join(f"{b / a:.2f}" for a, b in zip(times, times[1:]))
        print(f"| {name} | {n0} | {' | '.join(f'{t:.3f}' for t in times)} | {ratios} | {_load()} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT))
    parser.add_argument("--old", help="the src folder of an earlier version, timed against this one")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=20000, help="smallest size of the adversarial shapes")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.folder)
        return 0
    print(f"machine: {platform.machine()} cpus={os.cpu_count()} python={sys.version.split()[0]} "
          f"{platform.platform()}; load average {_load()}")
    new_src = str(REPO / "src")
    runs: dict[str, list[float]] = {"old": [], "new": []}
    last = None
    for _ in range(args.rounds):
        for which, src in (("old", args.old), ("new", new_src)):
            if src is None:
                continue
            last = _run(src, args.folder) if which == "new" else last
            result = last if which == "new" else _run(src, args.folder)
            runs[which].append(result["seconds"])
            print(f"round: {which} {result['seconds']:.2f} s (load {_load()})")
    assert last is not None
    best_new = min(runs["new"])
    print(f"\ntag(corpus), {last['chars']:,} characters: new {best_new:.2f} s = {last['chars'] / best_new:,.0f} chars/s")
    if runs["old"]:
        best_old = min(runs["old"])
        print(f"old {best_old:.2f} s = {last['chars'] / best_old:,.0f} chars/s; old/new time ratio {best_old / best_new:.2f}")
    print("devices per kind (new):", last["kinds"])
    print("\n| shape | n | t(n) s | t(2n) s | t(4n) s | t(8n) s | ratio per doubling | load |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    adversarial(args.n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
