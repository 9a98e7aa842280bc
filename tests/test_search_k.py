"""search_k: document completion, exclusivity and semantic coherence computed exactly; a small known-k run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse

from consensus_nlp.errors import InvalidArgumentError
from consensus_nlp.models.searchk import exclusivity, heldout_split, search_k, semantic_coherence

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_heldout_split_removes_half_of_the_tokens_of_a_share_of_documents():
    counts = scipy.sparse.csr_matrix(np.array([[4, 0, 2], [1, 1, 0], [0, 6, 0], [3, 3, 3], [2, 0, 0]]))
    train, heldout, rows = heldout_split(counts, doc_share=0.4, token_share=0.5, rng=np.random.default_rng(0))
    assert len(rows) == 2
    assert (train + heldout - counts).nnz == 0  # nothing lost, nothing added
    assert np.asarray(heldout.sum(axis=1)).ravel()[rows].tolist() == [int(0.5 * counts[r].sum()) for r in rows]
    assert np.asarray(heldout.sum(axis=1)).ravel().sum() == sum(int(0.5 * counts[r].sum()) for r in rows)
    assert (train.data > 0).all()


def test_exclusivity_and_semantic_coherence_by_hand():
    phi = np.array([[0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    # top 2 words: topic 0 -> w0 (0.6/0.7), w1 (0.3/0.4); topic 1 -> w2 (0.8/0.9), w0 or w1 (0.1/0.7 or 0.1/0.4)
    top1 = np.argsort(-phi[1])[:2]
    share1 = [phi[1, j] / phi[:, j].sum() for j in top1]
    assert exclusivity(phi, top_n=2) == pytest.approx(np.mean([0.6 / 0.7, 0.3 / 0.4, *share1]))
    docs = scipy.sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 1], [0, 0, 2], [1, 1, 1]]))
    # topic 0: top words w0 (df 3), w1 (df 2), together in 2 documents: log((2 + 1) / 3)
    # topic 1: top words w2 (df 3), then top1[1] with its co-document count
    second = top1[1]
    df = {0: 3, 1: 2, 2: 3}
    co = {(2, 0): 2, (2, 1): 1}[(2, second)]
    expected = np.mean([np.log((2 + 1) / 3), np.log((co + 1) / df[2])])
    assert semantic_coherence(phi, docs, top_n=2) == pytest.approx(expected)


def test_search_k_table_and_errors():
    spec = importlib.util.spec_from_file_location("search_k_bench", BENCHMARKS / "search_k.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("search_k_bench", module)
    spec.loader.exec_module(module)
    matrix = module.lda_data(np.random.default_rng(1), 3, n_docs=120, length=80, n_terms=150)
    table = search_k(matrix, ks=[2, 3, 5], n_seeds=2, iterations=60)
    assert table.columns.tolist() == ["k", "heldout", "heldout_se", "exclusivity", "coherence", "n_seeds"]
    assert table["k"].tolist() == [2, 3, 5] and table["n_seeds"].tolist() == [2, 2, 2]
    assert table.attrs["best_k"] == 3  # three well-separated topics (benchmarks/search_k.py: 10 data sets)
    assert (table["heldout"] < 0).all() and table["exclusivity"].between(0, 1).all()
    assert table.equals(search_k(matrix, ks=[2, 3, 5], n_seeds=2, iterations=60))
    with pytest.raises(InvalidArgumentError, match="fewer than two"):
        search_k(matrix, ks=[3])
    with pytest.raises(InvalidArgumentError, match="ks"):
        search_k(matrix, ks=[1, 3])
    with pytest.raises(InvalidArgumentError, match="token_share"):
        search_k(matrix, ks=[2, 3], token_share=1.0)
