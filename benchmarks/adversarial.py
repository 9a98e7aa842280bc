"""Benchmark: time growth on adversarial inputs, at n, 2n, 4n and 8n.

Run from the repository root::

    .venv/bin/python benchmarks/adversarial.py [--repeat 3] [--cap 20] [--only tag-digits ...]

Each shape (a string that drove a quadratic scan in 0.1.0, or one a search found
close to it) is timed at four sizes, interleaved (size 1, 2, 4, 8, then again) and
the best of ``--repeat`` runs kept, so that a busy machine disturbs the sizes alike.
Times are this process's CPU time (``--clock cpu``, the default: on a machine shared with
other jobs, wall time measures their load too) or elapsed time (``--clock wall``).
Prints the time per size and the ratio per doubling (linear: about 2; target <= 2.3;
quadratic: 4) and writes ``benchmarks/results/adversarial.json`` with the load average.
A shape whose run exceeds ``--cap`` seconds stops growing (marked ``capped``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 2.3


def _shapes() -> dict[str, tuple[str, int, Callable[[str], object], Callable[[int], str]]]:
    """name -> (what it runs, base n, function, input of size n)."""
    import consensus_nlp as cn
    from consensus_nlp.corpus import Corpus
    from consensus_nlp.io.encoding import decode

    jieba, rjieba = cn.Segmenter(backend="jieba"), cn.Segmenter(backend="rjieba")
    page_line = "近年来，徽县政协持续做优“委员讲堂”，凝聚共识。\n"
    return {
        "tag-digits": ('tag("1" * n)', 2000, cn.tag, lambda n: "1" * n),
        "tag-formulation": ('tag("三大工程：" * n)', 400, cn.tag, lambda n: "三大工程：" * n),
        "parse_page-parens": ('parse_page("（" * n)', 50000, cn.parse_page, lambda n: "（" * n),
        "cut-combining": ('Segmenter("jieba").cut("a" + "\\u0301" * n)', 50000, jieba.cut, lambda n: "a" + "\u0301" * n),
        "cut-combining-rjieba": ('Segmenter("rjieba").cut("a" + "\\u0301" * n)', 50000, rjieba.cut,
                                 lambda n: "a" + "\u0301" * n),
        "tokenize-combining": ('tokenize(["a" + "\\u0301" * n])', 20000,
                               lambda t: cn.tokenize([t], segmenter=jieba, progress=False), lambda n: "a" + "\u0301" * n),
        "tokenize-many-documents": ('tokenize(["", "㈠", "政协\\n委员"] * n)', 20000,
                                    lambda t: cn.tokenize(t.split("|"), segmenter=rjieba, progress=False),
                                    lambda n: "|㈠|政协\n委员" * n),
        "normalize-combining": ('normalize("a" + "\\u0301" * n)', 200000, cn.normalize, lambda n: "a" + "\u0301" * n),
        "tag-quotes": ('tag("“" * n)', 20000, cn.tag, lambda n: "“" * n),
        "tag-percent": ('tag("12.5%" * n)', 4000, cn.tag, lambda n: "12.5%" * n),
        "outline-markers": ('outline("(一)" * n)', 2000, cn.outline, lambda n: "(一)" * n),
        "cut-percent": ('Segmenter("jieba").cut("12.5%" * n)', 2000, jieba.cut, lambda n: "12.5%" * n),
        "decode-gb18030": ('decode(("凝聚共识" * n).encode("gb18030"))', 20000, decode, lambda n: ("凝聚共识" * n).encode("gb18030")),
        "parse_page-blocks": ("parse_page on n title/byline/body blocks", 256, cn.parse_page, _blocks),
        "duplicates-lines": ("Corpus.duplicates() on n repeated paragraphs", 20000,
                             lambda t: Corpus.from_records([{"text": t}]).duplicates(),
                             lambda n: "".join(f"{i % (n // 2)}{page_line}" for i in range(n))),
    }


SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def _blocks(n: int) -> str:
    """n blocks of a title, a byline (name and position) and a body line: bylines left without a body,
    which the reader tries to attribute by searching the speeches for openings (issue 23: 50 s at 2,048)."""
    lines = []
    for i in range(n):
        name = SURNAMES[i % len(SURNAMES)] + SURNAMES[(i // len(SURNAMES)) % len(SURNAMES)] + "明"
        lines += [f"以协商凝聚共识{i}", f"{name} 县政协主席",
                  f"近年来，县政协围绕中心工作开展协商议政，凝聚共识，推动发展。第{i}次会议提出建议。"]
    return "\n".join(lines)


#: the clock: "cpu" (this process's CPU time: other processes on a shared machine do not count) or "wall"
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock = CLOCKS["cpu"]


def _run(fn: Callable[[str], object], value: object) -> float:
    from consensus_nlp.errors import ConsensusNLPError

    started = clock()
    try:
        fn(value)
    except ConsensusNLPError:  # parse_page("（" * n) is not a page: the time until it says so counts
        pass
    return clock() - started


def measure(fn: Callable[[str], object], make: Callable[[int], str], base: int, repeat: int, cap: float) -> dict:
    sizes = [base, 2 * base, 4 * base, 8 * base]
    inputs = [make(n) for n in sizes]
    best = [float("inf")] * 4
    capped = 4
    _run(fn, inputs[0])  # warm caches (dictionaries, compiled patterns)
    for _ in range(repeat):
        for i in range(capped):
            best[i] = min(best[i], _run(fn, inputs[i]))
            if best[i] > cap:
                capped = i + 1
                break
    times = best[:capped]
    ratios = [round(times[i + 1] / times[i], 2) for i in range(len(times) - 1)]
    return {"sizes": sizes[:capped], "seconds": [round(t, 4) for t in times], "ratios": ratios,
            "max_ratio": max(ratios) if ratios else None, "fitted_ratio": _fitted(sizes[:capped], times),
            "capped": capped < 4}


def _fitted(sizes: list[int], times: list[float]) -> float | None:
    """2 ** (slope of log time on log size), least squares over the sizes: the growth per doubling, less noisy."""
    import math

    if len(times) < 2 or min(times) <= 0:
        return None
    xs, ys = [math.log2(n) for n in sizes], [math.log2(t) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return round(2 ** slope, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cap", type=float, default=20.0, help="stop growing a shape once a run takes this long")
    parser.add_argument("--only", nargs="*", help="names of the shapes to run")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                        help="cpu: this process's CPU time (default; robust to a busy machine); wall: elapsed time")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "adversarial.json"))
    args = parser.parse_args(argv)
    global clock
    clock = CLOCKS[args.clock]
    shapes = _shapes()
    chosen = args.only or list(shapes)
    load_start = os.getloadavg()
    print(f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}; "
          f"load average {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}")
    results, worst = {}, 0.0
    for name in chosen:
        call, base, fn, make = shapes[name]
        result = measure(fn, make, base, args.repeat, args.cap)
        results[name] = {"call": call, **result}
        worst = max(worst, max(result["ratios"] or [0.0]) if not result["capped"] else float("inf"))
        flag = "capped" if result["capped"] else ("ok" if (result["max_ratio"] or 0) <= TARGET_RATIO else "OVER")
        print(f"{name:22s} n={base:<6d} " + " ".join(f"{t:8.4f}" for t in result["seconds"])
              + "  ratios " + " ".join(f"{r:.2f}" for r in result["ratios"])
              + f"  fitted {result['fitted_ratio']}  {flag}", flush=True)
    load_end = os.getloadavg()
    summary = {"python": platform.python_version(), "repeat": args.repeat, "clock": args.clock, "cap_seconds": args.cap,
               "target_ratio": TARGET_RATIO, "loadavg_start": load_start, "loadavg_end": load_end,
               "worst_ratio": None if worst == float("inf") else worst, "shapes": results}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"load average at the end {load_end[0]:.2f}; worst ratio per doubling: "
          f"{'capped (quadratic)' if worst == float('inf') else f'{worst:.2f}'}; written to {out}")
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
