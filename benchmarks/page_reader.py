"""Benchmark: the page reader on adversarial shapes at n, 2n, 4n, 8n characters (linear time).

Run from the repository root::

    .venv/bin/python benchmarks/page_reader.py [--n 20000] [--repeat 3]

For each shape, prints the best of ``--repeat`` runs at n, 2n, 4n and 8n and the
ratio of each time to the one before (linear: about 2; quadratic: about 4).
Sizes are interleaved (n, 2n, 4n, 8n, n, 2n, …) so that a change in the
machine's load hits every size alike. Shapes: a run of opening brackets (the
byline regex ``(.+?)[（(](.+)[）)]`` was quadratic on it), ``name（`` repeated, a
statement opening followed by a long body line, a long credit, a long author
note, and a long line of a shared-byline page.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import consensus_nlp as cn  # noqa: E402
from consensus_nlp.errors import ConsensusNLPError  # noqa: E402

SHAPES = {
    "（ * n": lambda n: "（" * n,
    "张三（ * n/3 + ）": lambda n: "张三（" * (n // 3) + "）",
    "statement + long line": lambda n: "全国政协委员杨戌标：" + "协商，" * (n // 3),
    "credit with n/3 names": lambda n: "（记者 " + "张三 " * (n // 3) + "）",
    "author note + brackets": lambda n: "（作者系" + "政协（" * (n // 3) + "）",
    "byline line + body": lambda n: "张剑蓉 徽县政协党组书记、主席\n" + "近年来，徽县政协持续做优。\n" * (n // 14),
}


def _once(text: str) -> float:
    start = time.perf_counter()
    try:
        cn.parse_page(text)
    except ConsensusNLPError:
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [args.n * k for k in (1, 2, 4, 8)]
    print(f"load average before: {os.getloadavg()}")
    for name, make in SHAPES.items():
        texts = [make(n) for n in sizes]
        best = [float("inf")] * len(sizes)
        for _ in range(args.repeat):
            for k, text in enumerate(texts):
                best[k] = min(best[k], _once(text))
        ratios = [best[k] / best[k - 1] for k in range(1, len(best))]
        print(f"{name:28s} " + "  ".join(f"{len(t):>7d} ch {b * 1000:8.1f} ms" for t, b in zip(texts, best))
              + "  ratios " + " ".join(f"{r:.2f}" for r in ratios))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
