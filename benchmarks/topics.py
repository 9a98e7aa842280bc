"""Topic-model engines side by side on People's Daily paragraphs (January 1998, PKU gold segmentation).

Usage::

    .venv/bin/python benchmarks/topics.py --out benchmarks/results/topics.json

Data: the 19,484 lines of ``199801.txt`` (see benchmarks/_pku.py). Preprocessing,
the same for every engine: gold words with their PKU POS tags; keep content words
(tags starting with n, v, a, i, j, l — nouns incl. names, verbs, adjectives, idioms,
abbreviations, fixed expressions), drop words of one character and words made only
of digits/latin letters; keep paragraphs with at least 5 words left.

Every engine fits k=20 topics with random_state/seed 0 on one thread, and is timed
from its input (word lists) to fitted topics; coherence is computed afterwards
(gensim ``CoherenceModel``, ``c_npmi``, top 10 words, the same texts, one process)
and is not part of the time. The baseline is raw tomotopy at 200 iterations.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _pku import read_pku  # noqa: E402

KEEP_POS = ("n", "v", "a", "i", "j", "l")
K = 20


def paragraphs() -> list[list[str]]:
    docs = []
    ascii_or_digits = re.compile(r"^[0-9A-Za-z０-９Ａ-Ｚａ-ｚ.．%％·-]+$")
    for pairs in read_pku():
        words = [w for w, pos in pairs if pos[:1] in KEEP_POS and len(w) > 1 and not ascii_or_digits.match(w)]
        if len(words) >= 5:
            docs.append(words)
    return docs


def raw_tomotopy(texts, iterations):
    import tomotopy as tp

    model = tp.LDAModel(k=K, seed=0)
    for words in texts:
        model.add_doc(words)
    model.train(iterations, workers=1, parallel=tp.ParallelScheme.NONE)
    return [[w for w, _ in model.get_topic_words(t, top_n=10)] for t in range(K)]


def raw_gensim(texts, passes):
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    dictionary = Dictionary(texts)
    corpus = [dictionary.doc2bow(t) for t in texts]
    model = LdaModel(corpus=corpus, id2word=dictionary, num_topics=K, random_state=0, passes=passes)
    return [[w for w, _ in model.show_topic(t, topn=10)] for t in range(K)]


def ours(texts, engine, iterations=None):
    import consensus_nlp as cn

    matrix = cn.dtm(texts)
    model = cn.fit_topics(matrix, k=K, engine=engine, iterations=iterations, random_state=0)
    return list(model.top_words(10).values())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--quick", action="store_true", help="only the baseline and the default")
    args = parser.parse_args(argv)

    import gensim
    import numpy as np
    import sklearn
    import tomotopy

    from consensus_nlp.models.interpret import coherence_of

    t0 = time.perf_counter()
    texts = paragraphs()
    load_s = time.perf_counter() - t0
    n_tokens = sum(len(t) for t in texts)
    # baseline and default twice, interleaved; the faster of each pair counts (shared machine)
    runs = [
        ("tomotopy raw, 200 iterations (baseline)", lambda: raw_tomotopy(texts, 200)),
        ("fit_topics default (tomotopy, 200 iterations)", lambda: ours(texts, "tomotopy")),
        ("tomotopy raw, 200 iterations (baseline)", lambda: raw_tomotopy(texts, 200)),
        ("fit_topics default (tomotopy, 200 iterations)", lambda: ours(texts, "tomotopy")),
    ]
    if not args.quick:
        runs += [
            ("tomotopy raw, 100 iterations", lambda: raw_tomotopy(texts, 100)),
            ("tomotopy raw, 500 iterations", lambda: raw_tomotopy(texts, 500)),
            ("gensim LdaModel raw, 1 pass", lambda: raw_gensim(texts, 1)),
            ("fit_topics engine=gensim (10 passes)", lambda: ours(texts, "gensim")),
            ("fit_topics engine=sklearn (20 iterations)", lambda: ours(texts, "sklearn")),
        ]
    results = []
    done: dict[str, dict] = {}
    for name, run in runs:
        start = time.perf_counter()
        topics = run()
        seconds = time.perf_counter() - start
        if name in done:
            done[name]["seconds_all"].append(round(seconds, 2))
            done[name]["seconds"] = min(done[name]["seconds_all"])
            print(f"{name:48s} {seconds:8.2f} s   (repeat)", flush=True)
            continue
        npmi = coherence_of(topics, texts, measure="c_npmi")
        done[name] = {"run": name, "seconds": round(seconds, 2), "seconds_all": [round(seconds, 2)],
                      "c_npmi": round(npmi, 4), "top_words_topic_1": topics[0]}
        results.append(done[name])
        print(f"{name:48s} {seconds:8.2f} s   c_npmi {npmi:+.4f}", flush=True)
    base = results[0]["seconds"]
    for r in results:
        r["time_vs_baseline"] = round(r["seconds"] / base, 3)
    info = {
        "benchmark": "topics", "k": K, "documents": len(texts), "tokens": n_tokens, "vocabulary": len({w for t in texts for w in t}),
        "load_seconds": round(load_s, 2),
        "preprocessing": "PKU 199801 gold words; POS n*/v*/a*/i/j/l; len>1; no digit/latin-only words; paragraphs >= 5 words",
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "processor": platform.processor(),
                    "cpu_count": __import__("os").cpu_count(), "note": "2 cores shared with other jobs; expect +-10% noise"},
        "versions": {"tomotopy": tomotopy.__version__, "gensim": gensim.__version__, "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__, "tomotopy_isa": tomotopy.isa},
        "results": results,
    }
    print(f"{len(texts)} paragraphs, {n_tokens} tokens; default/baseline time ratio "
          f"{results[1]['seconds'] / base:.3f}; default c_npmi {results[1]['c_npmi']:+.4f}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
