"""Emphasis counting: one pass over token ids (themes compiled to id sets) against the per-theme scan of 0.1.0.

Run from the repository root (the 49 government work reports in ../shared):

    PYTHONPATH=src python benchmarks/emphasis.py

Prints the token count, whether both give identical counts, and the best of 3 interleaved
rounds of each with the load average (docs/emphasis.md quotes the result).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

import consensus_nlp as cn
from consensus_nlp.models.dictionaries import count_theme, load_themes
from consensus_nlp.models.emphasis import theme_counts

REPORTS = Path(os.environ.get("CONSENSUS_NLP_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "corpora" / \
    "gov-work-reports-1954-2017"


def per_theme_scan(tokens, themes):
    """0.1.0's rule: every document's words walked once per theme (with a word cache per theme)."""
    matchers = themes.matchers()
    caches = {t: {} for t in matchers}
    out = np.zeros((len(tokens), len(matchers)), dtype=np.int64)
    for d, words in enumerate(tokens.words()):
        for j, (theme, (singles, runs)) in enumerate(matchers.items()):
            out[d, j] = count_theme(words, singles, runs, caches[theme])
    return out


def main() -> None:
    reports = cn.Corpus.from_files(REPORTS, meta_pattern=r"(?P<year>\d{4})政府工作报告_(?P<speaker>[^_.]+)")
    tokens = cn.tokenize(reports)
    themes = load_themes("cppcc")
    same = np.array_equal(per_theme_scan(tokens, themes), theme_counts(tokens, themes)[0])
    old, new = [], []
    for _ in range(3):
        t = time.perf_counter(); per_theme_scan(tokens, themes); old.append(time.perf_counter() - t)
        t = time.perf_counter(); theme_counts(tokens, themes); new.append(time.perf_counter() - t)
    print(f"{tokens.n_tokens} tokens, identical counts: {same}")
    print(f"per-theme scan best {min(old):.2f} s, one pass over ids best {min(new):.2f} s: "
          f"{min(old) / min(new):.1f}x (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
