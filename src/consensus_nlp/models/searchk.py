"""Choosing the number of topics as stm's ``searchK`` does: held-out likelihood, exclusivity, coherence.

:func:`search_k` fits one model per k and seed and tabulates, per k:

* ``heldout``: the held-out log-likelihood per token by *document completion*
  (Wallach et al. 2009; stm's ``make.heldout``/``eval.heldout``): for a share
  of the documents, half of their tokens are removed before fitting; the
  model's shares for those documents (estimated from the half it saw) and its
  topic-word probabilities then score the removed half,
  ``sum_w h_dw log(sum_t theta_dt phi_tw)`` over all removed tokens, divided
  by their number. Higher is better; unlike training perplexity it does not
  improve by adding topics that only fit noise.
* ``exclusivity``: per topic, the mean over its top words of
  ``phi_tw / sum_j phi_jw`` (Bischof & Airoldi 2012), averaged over topics.
* ``coherence``: semantic coherence (Mimno et al. 2011) of each topic's top
  words, ``sum_{m<l} log((D(w_m, w_l) + 1) / D(w_m))`` with ``D`` document
  (co-)frequencies in the full matrix, averaged over topics.

Every number is the mean over seeds (each seed draws its own held-out set and
fit), with the standard error of the held-out likelihood across seeds.
``attrs["best_k"]`` is the smallest k whose held-out likelihood is within one
standard error of the best (the one-standard-error rule); read it beside the
figure (:func:`consensus_nlp.plot.search_k_curve`), not instead of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..errors import InputTypeError, InvalidArgumentError, check_float, check_int, check_random_state, describe

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    import scipy.sparse

__all__ = ["search_k", "heldout_split", "exclusivity", "semantic_coherence"]


def heldout_split(counts: scipy.sparse.csr_matrix, *, doc_share: float, token_share: float,
                  rng: np.random.Generator) -> tuple[scipy.sparse.csr_matrix, scipy.sparse.csr_matrix, np.ndarray]:
    """Training counts, held-out counts and the rows that lost tokens (document completion)."""
    import numpy as np
    import scipy.sparse

    counts = counts.tocsr()
    n_docs = counts.shape[0]
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    eligible = np.flatnonzero(lengths >= 2)
    rows = np.sort(rng.choice(eligible, size=max(1, int(round(doc_share * len(eligible)))), replace=False))
    heldout = scipy.sparse.lil_matrix(counts.shape, dtype=np.int64)
    train = counts.tolil(copy=True)
    for r in rows:
        start, end = counts.indptr[r], counts.indptr[r + 1]
        tokens = np.repeat(counts.indices[start:end], counts.data[start:end].astype(np.int64))
        removed = rng.choice(len(tokens), size=max(1, int(token_share * len(tokens))), replace=False)
        cols, taken = np.unique(tokens[removed], return_counts=True)
        for c, t in zip(cols.tolist(), taken.tolist()):
            heldout[r, c] = t
            train[r, c] = train[r, c] - t
    train = train.tocsr()
    train.eliminate_zeros()
    assert n_docs == train.shape[0]
    return train, heldout.tocsr(), rows


def heldout_likelihood(model: Any, heldout: scipy.sparse.csr_matrix, rows: np.ndarray, terms: Any) -> float:
    """Log-likelihood per held-out token under the model's shares for those rows and its topic-word table.

    Held-out tokens of terms the fit never saw (every occurrence held out) are left out;
    the split is the same for every k, so the comparison across k stays fair.
    """
    import numpy as np

    index = {t: j for j, t in enumerate(model.terms)}
    column = np.array([index.get(t, -1) for t in terms])
    coo = heldout[rows].tocoo()
    known = column[coo.col] >= 0
    probs = model.doc_topic_[rows] @ model.topic_word_  # rows x model terms
    p = np.maximum(probs[coo.row[known], column[coo.col[known]]], 1e-300)
    return float((coo.data[known] * np.log(p)).sum() / coo.data[known].sum())


def model_counts(matrix: Any, model: Any) -> scipy.sparse.csr_matrix:
    """The full matrix's columns in the order of the model's terms."""
    index = {t: j for j, t in enumerate(matrix.terms)}
    return matrix.counts[:, [index[t] for t in model.terms]]


def exclusivity(topic_word: np.ndarray, *, top_n: int = 10) -> float:
    """Mean over topics and their top words of ``phi_tw / sum_j phi_jw``."""
    import numpy as np

    share = topic_word / np.maximum(topic_word.sum(axis=0, keepdims=True), 1e-300)
    top = np.argsort(-topic_word, axis=1)[:, :top_n]
    return float(np.take_along_axis(share, top, axis=1).mean())


def semantic_coherence(topic_word: np.ndarray, counts: scipy.sparse.csr_matrix, *, top_n: int = 10) -> float:
    """Mimno et al.'s semantic coherence of each topic's top words, averaged over topics."""
    import numpy as np

    present = (counts > 0).astype(np.float64).tocsc()
    scores = []
    for t in range(topic_word.shape[0]):
        top = np.argsort(-topic_word[t])[:top_n]
        sub = present[:, top]
        co = (sub.T @ sub).toarray()  # co[m, l]: documents with both; diagonal: document frequency
        score = 0.0
        for m in range(1, len(top)):
            for l in range(m):
                score += np.log((co[m, l] + 1) / max(co[l, l], 1))
        scores.append(score)
    return float(np.mean(scores))


def search_k(data: Any, *, ks: Iterable[int] = range(2, 11), n_seeds: int = 3, engine: str = "tomotopy",
             doc_share: float = 0.1, token_share: float = 0.5, top_n: int = 10, iterations: int | None = None,
             random_state: int = 0) -> pd.DataFrame:
    """Fit models over k and seeds; tabulate held-out likelihood, exclusivity and semantic coherence.

    Args:
        data: a :class:`~consensus_nlp.DTM` or :class:`~consensus_nlp.Tokens`.
        ks: numbers of topics to try (each >= 2).
        n_seeds: fits per k (each with its own held-out set), >= 1.
        engine: topic-model engine (as :func:`~consensus_nlp.fit_topics`).
        doc_share: share of documents that lose tokens (0 < share < 1).
        token_share: share of those documents' tokens held out (0 < share < 1).
        top_n: top words per topic for exclusivity and coherence.
        iterations: the engine's iterations (its default when ``None``).
        random_state: seed of the held-out draws; the fits use ``random_state + seed``.

    Returns:
        DataFrame with ``k``, ``heldout``, ``heldout_se``, ``exclusivity``, ``coherence``,
        ``n_seeds``; ``attrs["best_k"]`` (one-standard-error rule on ``heldout``).

    Raises:
        InvalidArgumentError: fewer than two k, a k below 2, bad shares or seeds.
    """
    import numpy as np
    import pandas as pd

    from ..models.dtm import DTM
    from .topic_inputs import as_dtm
    from .topics import fit_topics

    if isinstance(ks, (str, bytes)) or not isinstance(ks, Iterable):
        raise InputTypeError(describe("ks", ks, "is not a list of numbers of topics", accepted="e.g. range(2, 11)"))
    ks = sorted({check_int("ks", k, minimum=2, maximum=10_000) for k in ks})
    top_n = check_int("top_n", top_n, minimum=2, maximum=1000)
    if len(ks) < 2:
        raise InvalidArgumentError(describe("ks", ks, "holds fewer than two values", todo="Try e.g. ks=range(2, 11)."))
    n_seeds = check_int("n_seeds", n_seeds, minimum=1, maximum=100)
    doc_share = check_float("doc_share", doc_share, minimum=0, maximum=1, exclusive_minimum=True, exclusive_maximum=True)
    token_share = check_float("token_share", token_share, minimum=0, maximum=1, exclusive_minimum=True,
                              exclusive_maximum=True)
    seed0 = check_random_state(random_state)
    matrix = as_dtm(data)
    splits = []
    for s in range(n_seeds):
        train, heldout, rows = heldout_split(matrix.counts, doc_share=doc_share, token_share=token_share,
                                             rng=np.random.default_rng(seed0 + s))
        splits.append((DTM(train, matrix.terms, docvars=matrix.docvars), heldout, rows))
    records = []
    for k in ks:
        for s, (train, heldout, rows) in enumerate(splits):
            model = fit_topics(train, k=k, engine=engine, random_state=seed0 + s, iterations=iterations)
            records.append((k, heldout_likelihood(model, heldout, rows, matrix.terms),
                            exclusivity(model.topic_word_, top_n=top_n),
                            semantic_coherence(model.topic_word_, model_counts(matrix, model), top_n=top_n)))
    raw = pd.DataFrame(records, columns=["k", "heldout", "exclusivity", "coherence"])
    table = raw.groupby("k", sort=True).agg(heldout=("heldout", "mean"), heldout_se=("heldout", "sem"),
                                            exclusivity=("exclusivity", "mean"), coherence=("coherence", "mean"),
                                            n_seeds=("heldout", "size")).reset_index()
    table["heldout_se"] = table["heldout_se"].fillna(0.0)
    best = table["heldout"].idxmax()
    within = table[table["heldout"] >= table.loc[best, "heldout"] - table.loc[best, "heldout_se"]]
    table.attrs.update(best_k=int(within["k"].min()), rule="smallest k within one standard error of the best held-out "
                       "likelihood", engine=engine, doc_share=doc_share, token_share=token_share)
    return table
