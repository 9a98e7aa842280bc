"""search_k on simulated LDA data with a known number of topics: how often does it pick the truth?

Run from the repository root (about 10 minutes on 2 busy cores):

    PYTHONPATH=src nice -n 10 python benchmarks/search_k.py [--sets 10] [--seed 0]

Each data set: k uniform in 3..7 topics over 400 terms (topic-word Dirichlet(0.05)),
300 documents of 120 tokens (document-topic Dirichlet(0.3)); ``search_k`` over
ks 2..9 with 3 seeds (tomotopy LDA). Writes ``benchmarks/results/search_k.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np


def lda_data(rng: np.random.Generator, k: int, *, n_docs: int = 300, length: int = 120, n_terms: int = 400):
    """A DTM drawn from LDA's generative model with ``k`` topics."""
    import scipy.sparse

    from consensus_nlp.models.dtm import DTM

    phi = rng.dirichlet(np.full(n_terms, 0.05), k)
    theta = rng.dirichlet(np.full(k, 0.3), n_docs)
    rows = []
    for d in range(n_docs):
        z = rng.choice(k, size=length, p=theta[d])
        words = np.concatenate([rng.choice(n_terms, size=int((z == t).sum()), p=phi[t]) for t in range(k)])
        rows.append(np.bincount(words, minlength=n_terms))
    return DTM(scipy.sparse.csr_matrix(np.array(rows)), [f"w{i:03d}" for i in range(n_terms)],
               doc_ids=[f"d{i}" for i in range(n_docs)])


def main() -> None:
    from consensus_nlp.models.searchk import search_k

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    rows = []
    start = time.perf_counter()
    for s in range(args.sets):
        k = int(rng.integers(3, 8))
        table = search_k(lda_data(rng, k), ks=range(2, 10), n_seeds=3, random_state=s)
        rows.append({"true_k": k, "best_k": table.attrs["best_k"],
                     "heldout": dict(zip(table["k"].tolist(), table["heldout"].round(4).tolist()))})
    right = sum(r["true_k"] == r["best_k"] for r in rows)
    result = {"sets": args.sets, "seed": args.seed, "right": right, "rows": rows,
              "seconds": round(time.perf_counter() - start), "load": [round(x, 1) for x in os.getloadavg()]}
    out = Path(__file__).resolve().parent / "results" / "search_k.json"
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
