"""Columnar Tokens benchmark (issue 9): tokenize speed, identical tokens, n_jobs, memory, dtm.

On People's Daily, January 1998 (``benchmarks/_pku.py``; one document per
paragraph, the gold words joined back into text), in one run:

* **speed**, in interleaved rounds (every system once per round, so load from
  other processes hits all alike): plain ``jieba.lcut`` (fresh ``jieba.Tokenizer``,
  no lexicon, the baseline), bare ``rjieba.cut`` (the engine, no offsets, no
  lexicon), ``cn.tokenize(corpus)`` (offsets, political lexicon, punctuation
  dropped, results kept) and the 0.1.0 implementation (commit 0feefd4, taken
  from git by ``_baseline.py``); ratios to ``jieba.lcut``;
* **identical tokens**: ``cn.tokenize`` against the old implementation on every
  paragraph (text, start, end), with default and with stopword/number settings;
* **n_jobs**: ``tokenize(n_jobs=2)`` against ``n_jobs=1``, interleaved;
* **memory**: bytes per token of the Tokens object (tracemalloc, growth while
  tokenizing with the results kept, the dictionary built beforehand);
* **dtm**: ``cn.dtm(tokens)`` against scikit-learn's
  ``CountVectorizer(analyzer=identity)`` on the same tokens, interleaved, and
  that both give the same matrix.

Usage::

    python benchmarks/tokens.py --out benchmarks/results/tokens.json [--rounds 3] [--limit-lines N]
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pku import pku_path, read_pku  # noqa: E402
from segmentation import machine  # noqa: E402


def identity(doc):
    return doc


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """Wall seconds and CPU seconds (this process and its finished children, e.g. n_jobs workers)."""
    import os

    start, cpu = time.perf_counter(), os.times()
    out = fn()
    after = os.times()
    used = sum(after[:4]) - sum(cpu[:4])  # user + system, self + children
    return time.perf_counter() - start, used, out


def loadavg() -> list[float]:
    import os

    return [round(x, 2) for x in os.getloadavg()]


CPU: dict[str, list[float]] = {}  # CPU seconds per system, filled by interleaved()


def interleaved(systems: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Wall seconds per system, every system once per round; CPU seconds go to ``CPU``."""
    times: dict[str, list[float]] = {name: [] for name in systems}
    for _ in range(rounds):
        for name, fn in systems.items():
            gc.collect()
            seconds, cpu, out = timed(fn)
            del out
            times[name].append(seconds)
            CPU.setdefault(name, []).append(cpu)
    return times


def summary(times: dict[str, list[float]], base: str, n_chars: int) -> dict[str, dict[str, float]]:
    out = {}
    for name, seconds in times.items():
        cpu = CPU[name]
        out[name] = {"seconds": [round(s, 4) for s in seconds], "cpu_seconds": [round(s, 4) for s in cpu],
                     "mchars_per_s_median": n_chars / statistics.median(seconds) / 1e6,
                     "ratio_to_jieba_median": statistics.median(times[base]) / statistics.median(seconds),
                     "ratio_to_jieba_best": min(times[base]) / min(seconds),
                     "cpu_ratio_to_jieba_median": statistics.median(CPU[base]) / statistics.median(cpu),
                     "cpu_ratio_to_jieba_best": min(CPU[base]) / min(cpu)}
    return out


def same_tokens(new, old_segment_one, seg, texts, stop, drop_punct, drop_numbers) -> dict[str, int]:
    differing = 0
    for i, text in enumerate(texts):
        old = [(t.text, t.start, t.end) for t in old_segment_one(seg, text, stop, drop_punct, drop_numbers)]
        if old != [(t.text, t.start, t.end) for t in new[i]]:
            differing += 1
    return {"paragraphs": len(texts), "differing": differing}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit-lines", type=int, default=None)
    args = parser.parse_args(argv)

    import jieba
    import numpy as np
    import rjieba
    from sklearn.feature_extraction.text import CountVectorizer

    from _baseline import import_baseline
    import consensus_nlp as cn
    from consensus_nlp.text.jieba_engines import cache_dir

    old = import_baseline("text.segmentation")  # the 0.1.0 implementation, from git
    old_corpus_class = import_baseline("corpus").Corpus
    from consensus_nlp.text.stopwords import load_stopwords

    jieba.setLogLevel(logging.WARNING)
    paragraphs = read_pku(pku_path())
    texts = ["".join(w for w, _ in pairs) for pairs in paragraphs][: args.limit_lines]
    corpus = cn.Corpus.from_records([{"doc_id": f"p{i}", "text": t} for i, t in enumerate(texts)])
    old_corpus = old_corpus_class.from_records([{"doc_id": f"p{i}", "text": t} for i, t in enumerate(texts)])
    n_chars = sum(map(len, texts))
    results: dict = {"machine": machine(), "corpus": {"paragraphs": len(texts), "characters": n_chars}, "rounds": args.rounds}

    baseline = jieba.Tokenizer()
    baseline.tmp_dir = str(cache_dir())
    baseline.initialize()
    engine = rjieba.Jieba()
    seg = cn.Segmenter()  # rjieba + political lexicon
    seg.cut("预热")
    old_seg = old.Segmenter()
    old_seg.cut("预热")

    # 1. speed, interleaved. The 0.1.0 implementation is timed apart, after the rounds and after
    # the n_jobs rounds: the millions of objects it makes slow down whatever runs after it in
    # the same process (by 1.5x in a trial run), which would bias the interleaved ratios.
    systems = {
        "jieba.lcut": lambda: [baseline.lcut(t) for t in texts],
        "rjieba.cut (bare)": lambda: [engine.cut(t, True) for t in texts],
        "cn.tokenize": lambda: cn.tokenize(corpus, segmenter=seg, progress=False),
    }
    results["load_before_speed"] = loadavg()
    times = interleaved(systems, args.rounds)
    results["load_after_speed"] = loadavg()
    results["speed"] = summary(times, "jieba.lcut", n_chars)
    new_med, bare_med = (statistics.median(times[k]) for k in ("cn.tokenize", "rjieba.cut (bare)"))
    results["speed"]["cn.tokenize"]["share_of_bare_engine_speed"] = bare_med / new_med
    results["speed"]["cn.tokenize"]["cpu_share_of_bare_engine_speed"] = (
        statistics.median(CPU["rjieba.cut (bare)"]) / statistics.median(CPU["cn.tokenize"]))
    tokens = cn.tokenize(corpus, segmenter=seg, progress=False)

    # 2. n_jobs=2 vs 1, interleaved
    jobs = {f"n_jobs={n}": (lambda n=n: cn.tokenize(corpus, segmenter=seg, n_jobs=n, progress=False)) for n in (1, 2)}
    results["load_before_jobs"] = loadavg()
    job_times = interleaved(jobs, args.rounds)
    results["n_jobs"] = {k: [round(s, 3) for s in v] for k, v in job_times.items()}
    results["n_jobs"].update({f"{k} cpu": [round(s, 3) for s in CPU[k]] for k in job_times})
    results["n_jobs"]["speedup_median"] = statistics.median(job_times["n_jobs=1"]) / statistics.median(job_times["n_jobs=2"])
    results["n_jobs"]["same_output"] = cn.tokenize(corpus, segmenter=seg, n_jobs=2, progress=False) == tokens

    # 3. the 0.1.0 implementation, timed apart (see 1.), and identical tokens on every paragraph
    old_times = interleaved({"0.1.0 tokenize": lambda: old.tokenize(old_corpus, segmenter=old_seg, progress=False)},
                            args.rounds)
    results["speed"].update(summary({**old_times, "jieba.lcut": times["jieba.lcut"]}, "jieba.lcut", n_chars))
    results["speed"]["jieba.lcut"] = summary(times, "jieba.lcut", n_chars)["jieba.lcut"]
    results["speed"]["cn.tokenize"]["speedup_over_0.1.0"] = statistics.median(old_times["0.1.0 tokenize"]) / new_med
    stop = load_stopwords("default")
    variant = cn.tokenize(corpus, segmenter=seg, stopwords="default", drop_numbers=True, drop_punct=False, progress=False)
    results["identical"] = {
        "default": same_tokens(tokens, old._segment_one, old_seg, texts, frozenset(), True, False),
        "stopwords=default, drop_numbers, punctuation kept": same_tokens(variant, old._segment_one, old_seg, texts, stop,
                                                                          False, True),
    }

    # 4. bytes per token (the corpus exists already; the dictionary is built)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    kept = cn.tokenize(corpus, segmenter=seg, progress=False)
    after = tracemalloc.take_snapshot()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    results["memory"] = {"tokens": kept.n_tokens, "types": len(kept.types), "bytes_retained": grown,
                         "bytes_per_token": grown / kept.n_tokens, "peak_bytes_during": peak,
                         "peak_bytes_per_token": peak / kept.n_tokens}
    del kept

    # 5. dtm vs CountVectorizer on the same tokens
    words = tokens.words()
    cv = CountVectorizer(analyzer=identity)
    dtms = {"cn.dtm": lambda: cn.dtm(tokens), "CountVectorizer(analyzer=identity)": lambda: cv.fit_transform(words)}
    dtm_times = interleaved(dtms, args.rounds)
    ours, theirs = cn.dtm(tokens), cv.fit_transform(words)
    theirs_terms = list(cv.get_feature_names_out())
    same = ours.terms == tuple(sorted(theirs_terms)) and (
        ours.counts != theirs[:, np.argsort(np.array(theirs_terms, dtype=object))]).nnz == 0
    results["dtm"] = {k: [round(s, 4) for s in v] for k, v in dtm_times.items()}
    results["dtm"]["ratio_countvectorizer_over_dtm_median"] = (
        statistics.median(dtm_times["CountVectorizer(analyzer=identity)"]) / statistics.median(dtm_times["cn.dtm"]))
    results["dtm"]["same_matrix"] = bool(same)
    results["load_after"] = loadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps({k: results[k] for k in ("speed", "identical", "n_jobs", "memory", "dtm")}, ensure_ascii=False,
                     indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
