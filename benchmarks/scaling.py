"""Scaling benchmark (issue 9): tokenize + dtm + fit_topics at 1x, 2x, 4x, 8x People's Daily.

The text is People's Daily, January 1998 (``benchmarks/_pku.py``; 19,484
paragraphs, 1.84 M characters) repeated ``m`` times as ``m x 19,484`` documents
with distinct ids. Each size runs in a fresh process (so peak RSS is that
size's own) doing what a user does: build the Corpus, ``cn.tokenize`` (political
lexicon, ``stopwords="default"``), ``cn.dtm(min_docs=5)``, ``cn.fit_topics(k=20,
iterations=--iterations)`` (tomotopy, one thread). Reported per size: seconds per
stage, peak RSS of the process (``ru_maxrss``), tokens; per doubling the time and
RSS ratios; and a projection to 1 billion characters: RSS grows linearly in the
characters (a least-squares line through the four sizes), so
``RSS(1e9) = intercept + slope * 1e9``.

Caveat, stated in docs/benchmarks.md: repeating the text keeps the vocabulary at
the 1x size; a real archive's vocabulary grows (Heaps' law), which adds the types
(tens of bytes each) and DTM columns, small next to the per-token arrays.

Usage::

    python benchmarks/scaling.py --out benchmarks/results/scaling.json [--sizes 1 2 4 8] [--iterations 20]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def rss() -> dict[str, int]:
    """Current and peak resident memory of this process, in bytes."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            fields[line.split(":")[0]] = int(line.split()[1]) * 1024
    return fields


def one_size(multiple: int, iterations: int) -> dict:
    from _pku import pku_path, read_pku

    import consensus_nlp as cn

    paragraphs = ["".join(w for w, _ in p) for p in read_pku(pku_path())]
    out: dict = {"multiple": multiple, "load_before": os.getloadavg()}
    start = time.perf_counter()
    # (t + " ")[:-1]: a distinct copy of the text, so the corpus's own memory grows with the size too
    corpus = cn.Corpus(cn.Document(f"{r}-{i}", (t + " ")[:-1]) for r in range(multiple) for i, t in enumerate(paragraphs))
    del paragraphs
    out["corpus_seconds"] = time.perf_counter() - start
    out["rss_after_corpus"] = rss()
    out["characters"] = sum(len(d.text) for d in corpus)
    seg = cn.Segmenter()
    seg.cut("预热")
    start = time.perf_counter()
    tokens = cn.tokenize(corpus, segmenter=seg, stopwords="default", progress=False)
    out["tokenize_seconds"] = time.perf_counter() - start
    out["tokens"] = tokens.n_tokens
    out["rss_after_tokenize"] = rss()
    start = time.perf_counter()
    matrix = cn.dtm(tokens, min_docs=5)
    out["dtm_seconds"] = time.perf_counter() - start
    out["terms"] = len(matrix.terms)
    out["rss_after_dtm"] = rss()
    start = time.perf_counter()
    model = cn.fit_topics(matrix, k=20, iterations=iterations, random_state=0)
    out["fit_topics_seconds"] = time.perf_counter() - start
    out["topics_terms"] = len(model.terms)
    out["rss_after_fit_topics"] = rss()
    out["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out["load_after"] = os.getloadavg()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(one_size(args.child, args.iterations)))
        return 0
    import numpy as np
    from segmentation import machine

    runs = []
    for m in args.sizes:
        done = subprocess.run([sys.executable, __file__, "--child", str(m), "--iterations", str(args.iterations)],
                              capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = runs[-1]
        print(f"{m}x: {r['characters']:,} chars, {r['tokens']:,} tokens, tokenize {r['tokenize_seconds']:.1f} s, "
              f"dtm {r['dtm_seconds']:.2f} s, fit_topics {r['fit_topics_seconds']:.1f} s, "
              f"peak RSS {r['peak_rss_bytes'] / 2**20:.0f} MiB, load {r['load_before'][0]:.1f}; RSS/HWM MiB after "
              + ", ".join(f"{k[10:]} {v['VmRSS'] / 2**20:.0f}/{v['VmHWM'] / 2**20:.0f}" for k, v in r.items()
                          if k.startswith("rss_after")), flush=True)
    chars = np.array([r["characters"] for r in runs], dtype=float)
    rss = np.array([r["peak_rss_bytes"] for r in runs], dtype=float)
    slope, intercept = np.polyfit(chars, rss, 1)
    total = [r["tokenize_seconds"] + r["dtm_seconds"] + r["fit_topics_seconds"] for r in runs]
    doublings = [{"from": a["multiple"], "to": b["multiple"],
                  "time_ratio": (tb / ta), "tokenize_ratio": b["tokenize_seconds"] / a["tokenize_seconds"],
                  "rss_ratio": b["peak_rss_bytes"] / a["peak_rss_bytes"]}
                 for a, b, ta, tb in zip(runs, runs[1:], total, total[1:])]
    seconds_per_char = np.polyfit(chars, np.array(total), 1)[0]
    projection = {"characters": 1e9, "peak_rss_gib": (intercept + slope * 1e9) / 2**30,
                  "bytes_per_character": slope, "fits_24_gib": bool(intercept + slope * 1e9 < 24 * 2**30),
                  "hours_one_process": seconds_per_char * 1e9 / 3600}
    result = {"machine": machine(), "iterations": args.iterations, "runs": runs, "doublings": doublings,
              "projection_1e9": projection}
    print(json.dumps({"doublings": doublings, "projection_1e9": projection}, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
