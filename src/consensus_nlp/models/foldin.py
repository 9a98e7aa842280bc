"""Topic shares of new documents under a fitted model ("folding in"), the same for every engine.

With the topics' word distributions ``phi`` (k x V) held fixed, a document's topic
shares ``theta`` are estimated by the expectation-maximization of the mixture:

    r[w, t]  = theta[t] * phi[t, w] / sum_t' theta[t'] * phi[t', w]
    theta[t] = (sum_w n[w] * r[w, t] + alpha) / (n + k * alpha)

starting from the uniform shares; each document stops when none of its shares
moves by more than ``tol`` (or after ``iterations``), so a document's shares do
not depend on which other documents are computed with it. ``alpha`` is the model's document-topic prior, so a
document without known words gets the uniform shares. Every step is a sparse-matrix
product over all documents at once; the result depends only on the inputs (no
randomness), so it is the same in any process and for any partitioning of the
documents.

Words the model does not know are ignored. On the documents a model was trained on,
the shares are close to but not the same as ``doc_topic_``: the engines estimate
those with their own samplers or variational updates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ..corpus import thaw
from ..errors import InputTypeError, check_float, check_int, describe
from ..pipeline import Stage
from .dtm import DTM, dtm

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    import scipy.sparse

__all__ = ["fold_in", "transform", "FoldIn"]


def fold_in(topic_word: np.ndarray, counts: scipy.sparse.csr_matrix, *, alpha: float,
            iterations: int = 200, tol: float = 1e-6) -> np.ndarray:
    """Topic shares (n_docs x k) of the documents ``counts`` (n_docs x V, the model's vocabulary).

    Examples:
        >>> import numpy as np, scipy.sparse as sp
        >>> phi = np.array([[0.9, 0.1], [0.1, 0.9]])
        >>> fold_in(phi, sp.csr_matrix([[9, 1], [0, 0]]), alpha=0.01).round(3).tolist()
        [[0.988, 0.012], [0.5, 0.5]]
    """
    import numpy as np

    counts = counts.tocsr().astype(np.float64)
    counts.sum_duplicates()  # canonical: each row's words in column order, whatever the matrix was built from
    n_docs, k = counts.shape[0], topic_word.shape[0]
    phi_t = np.ascontiguousarray(topic_word.T, dtype=np.float64)  # V x k
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    theta = np.full((n_docs, k), 1.0 / k)
    active = np.arange(n_docs)  # documents still moving: each stops on its own, so batches do not matter
    for _ in range(iterations):
        if active.size == 0:
            break
        sub = counts[active]
        rows = np.repeat(np.arange(active.size), np.diff(sub.indptr))
        mix = np.einsum("ij,ij->i", theta[active][rows], phi_t[sub.indices])  # p(w | d) at each nonzero
        weight = np.divide(sub.data, mix, out=np.zeros_like(sub.data), where=mix > 0)
        expected = theta[active] * _scatter_rows(rows, sub.indices, weight, phi_t, active.size)
        new = (expected + alpha) / (lengths[active] + k * alpha)[:, None]
        moved = np.abs(new - theta[active]).max(axis=1, initial=0.0)
        theta[active] = new
        active = active[moved > tol]
    return theta / theta.sum(axis=1, keepdims=True)


def _scatter_rows(rows: Any, cols: Any, weight: Any, phi_t: Any, n_docs: int) -> Any:
    """``sum_w weight[d, w] * phi_t[w, :]`` per document ``d`` (a sparse-dense product)."""
    import scipy.sparse as sp

    matrix = sp.csr_matrix((weight, (rows, cols)), shape=(n_docs, phi_t.shape[0]))
    return matrix @ phi_t


def transform(model: Any, data: Any, *, iterations: int = 200, tol: float = 1e-6) -> pd.DataFrame:
    """:meth:`TopicModel.transform` (``model``) for a :class:`DTM` or :class:`~consensus_nlp.text.tokens.Tokens`."""
    import numpy as np
    import scipy.sparse as sp

    check_int("iterations", iterations, minimum=1, maximum=100_000)
    check_float("tol", tol, minimum=0)
    if not isinstance(data, DTM):
        if not hasattr(data, "ids"):
            raise InputTypeError(describe("data", data, "is not a DTM or Tokens",
                                          accepted="cn.dtm(...), cn.tokenize(...) or tokens of a LazyCorpus"))
        data = dtm(data)
    index = {t: j for j, t in enumerate(model.terms)}
    where = np.array([index.get(t, -1) for t in data.terms], dtype=np.int64)
    coo = data.counts.tocoo()
    known = where[coo.col] >= 0
    counts = sp.csr_matrix((coo.data[known], (coo.row[known], where[coo.col[known]])),
                           shape=(data.shape[0], len(model.terms)))
    alpha = model.params.get("alpha")
    alpha = float(alpha) if isinstance(alpha, (int, float)) and not isinstance(alpha, bool) else 1.0 / model.k
    theta = fold_in(model.topic_word_, counts, alpha=alpha, iterations=iterations, tol=tol)
    return shares_frame(data.doc_ids, data.metas, theta, model.names)


def shares_frame(doc_ids: Any, metas: Any, theta: np.ndarray, names: Any) -> pd.DataFrame:
    """``doc_id``, the documents' metadata columns, then one column of shares per topic."""
    import pandas as pd

    meta = pd.DataFrame([thaw(m) for m in metas], index=range(len(doc_ids)))
    meta = meta.drop(columns=[c for c in meta.columns if c in names or c == "doc_id"])
    shares = pd.DataFrame(theta, columns=list(names))
    return pd.concat([pd.DataFrame({"doc_id": list(doc_ids)}), meta, shares], axis=1)


@dataclasses.dataclass(frozen=True)
class FoldIn(Stage):
    """:meth:`TopicModel.transform` as a stage: ``map`` gives the topic shares of a partition's documents
    under ``model`` (the topics held fixed); on partitioned data the frames stay partitions."""

    output: ClassVar[str] = "frame"

    model: Any = None
    iterations: int = 200
    tol: float = 1e-6

    def __post_init__(self) -> None:
        check_int("iterations", self.iterations, minimum=1, maximum=100_000)
        check_float("tol", self.tol, minimum=0)

    def map(self, data: Any) -> pd.DataFrame:
        return transform(self.model, data, iterations=self.iterations, tol=self.tol)

    def combine(self, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        return pd.concat([a, b], ignore_index=True)

    def frame_meta(self, fields: Sequence[str] | None) -> pd.DataFrame:
        import scipy.sparse as sp

        probe = DTM(sp.csr_matrix([[1]]), self.model.terms[:1], ["probe"], [{f: "" for f in fields or ()}])
        return transform(self.model, probe, iterations=1).iloc[:0]
