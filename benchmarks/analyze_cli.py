"""`consensus-nlp analyze` on the 49 government work reports, an old source tree against this one.

Usage:
    git archive 0feefd4 src | tar -x -C /tmp/analyze-old      # the tree before the stage split
    python benchmarks/analyze_cli.py --old /tmp/analyze-old/src --rounds 2 [--units paragraph]

Runs the console script with ``PYTHONPATH`` pointing at each source tree, old and new
interleaved in every round, and prints per run the wall time, the CPU time of the
child (user + sys) and the load average; then compares the output folders of the last
round file by file (identical bytes or not).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPORTS = Path(os.environ.get("CONSENSUS_NLP_SHARED", REPO.parent / "shared")) / "corpora" / "gov-work-reports-1954-2017"


def run(src: Path, out: Path, units: str) -> tuple[float, float]:
    script = Path(sys.executable).parent / "consensus-nlp"
    env = {**os.environ, "PYTHONPATH": str(src), "MPLBACKEND": "Agg"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([str(script), "analyze", str(REPORTS), "--units", units, "--out", str(out), "--no-progress"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", type=Path, required=True, help="src folder of the old tree")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--units", default="paragraph")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-analyze-"))
    results: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
    for r in range(args.rounds):
        for name, src in (("old", args.old), ("new", REPO / "src")):
            out = work / name
            shutil.rmtree(out, ignore_errors=True)
            load = os.getloadavg()[0]
            wall, cpu = run(src, out, args.units)
            results[name].append((wall, cpu))
            print(f"round {r + 1} {name}: wall {wall:7.1f} s  cpu {cpu:7.1f} s  (load before {load:.2f}, after {os.getloadavg()[0]:.2f})")
    for i, (old, new) in enumerate(zip(results["old"], results["new"])):
        print(f"round {i + 1}: wall {old[0] / new[0]:.1f}x, cpu {old[1] / new[1]:.1f}x faster")
    names = sorted({p.name for p in (work / "old").iterdir()} | {p.name for p in (work / "new").iterdir()})
    for name in names:
        a, b = work / "old" / name, work / "new" / name
        state = "only old" if not b.exists() else "only new" if not a.exists() else \
            "identical" if filecmp.cmp(a, b, shallow=False) else "differs"
        print(f"{name:40s} {state}")


if __name__ == "__main__":
    main()
