"""Feature co-occurrence matrices (quanteda's ``fcm(context = "window")``).

:func:`fcm` counts, for every pair of terms, how often they occur within
``window`` tokens of each other in the same document, straight from the type-id
arrays of :class:`~consensus_nlp.text.tokens.Tokens`. Tokens dropped by the
tokenizer (punctuation, stopwords) are not there, so the window spans them, as
in quanteda after ``tokens_remove``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InputTypeError, UnknownNameError, check_int, check_name, describe
from ..text.tokens import Tokens

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import scipy.sparse

__all__ = ["FCM", "fcm"]


class FCM:
    """A symmetric terms x terms matrix of co-occurrence counts.

    ``matrix[i, j]`` (= ``matrix[j, i]``) is the number of times terms ``i`` and ``j``
    occur within ``window`` tokens of each other; the diagonal counts a term near
    itself. quanteda's default (``tri = TRUE``) shows the upper triangle of the same
    counts.

    Attributes:
        matrix: ``scipy.sparse.csr_matrix`` (int64), symmetric.
        terms: row and column labels, sorted by code point.
        window: the window it was counted with.
    """

    __slots__ = ("matrix", "terms", "window")

    def __init__(self, matrix: scipy.sparse.csr_matrix, terms: Sequence[str], window: int) -> None:
        self.matrix = matrix.tocsr()
        self.terms: tuple[str, ...] = tuple(terms)
        self.window = window

    def __repr__(self) -> str:
        return f"FCM({len(self.terms)} x {len(self.terms)} terms, window={self.window}, {self.matrix.nnz} non-zero)"

    def neighbours(self, term: str, n: int = 10) -> pd.DataFrame:
        """The ``n`` terms that co-occur most often with ``term`` (itself left out).

        Returns:
            DataFrame with columns ``term`` and ``count``, count descending, then term.

        Raises:
            UnknownNameError: ``term`` is not in the matrix.
        """
        import numpy as np
        import pandas as pd

        check_int("n", n, minimum=1)
        check_name("term", term)
        try:
            row = self.terms.index(term)
        except ValueError:
            raise UnknownNameError(describe("term", term, "is not a term of this matrix",
                                            todo="Check the tokenization (stopwords, lexicon).")) from None
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        cols, counts = self.matrix.indices[start:end], self.matrix.data[start:end]
        keep = cols != row
        cols, counts = cols[keep], counts[keep]
        order = np.lexsort((cols, -counts))[:n]  # columns are in term order
        return pd.DataFrame({"term": [self.terms[j] for j in cols[order]], "count": counts[order].astype(np.int64)})

    def to_dataframe(self) -> pd.DataFrame:
        """Long format, upper triangle (quanteda's ``tri = TRUE``): ``first``, ``second``, ``count``."""
        import numpy as np
        import pandas as pd
        import scipy.sparse as sp

        upper = sp.triu(self.matrix).tocoo()
        order = np.lexsort((upper.col, upper.row))
        return pd.DataFrame({"first": [self.terms[i] for i in upper.row[order]],
                             "second": [self.terms[j] for j in upper.col[order]],
                             "count": upper.data[order].astype(np.int64)})


def fcm(tokens: Tokens, *, window: int = 5) -> FCM:
    """Count co-occurrences of terms within ``window`` tokens (quanteda's ``fcm(x, "window", window)``).

    Examples:
        >>> from consensus_nlp.text.tokens import Token
        >>> toks = Tokens(["a"], ["甲乙丙"], [{}], [[Token("甲", 0, 1), Token("乙", 1, 2), Token("丙", 2, 3)]])
        >>> fcm(toks, window=1).to_dataframe().values.tolist()
        [['丙', '乙', 1], ['乙', '甲', 1]]

    Args:
        tokens: :class:`~consensus_nlp.text.tokens.Tokens`.
        window: how many following tokens pair with each token (>= 1).

    Returns:
        :class:`FCM` over the terms that occur in ``tokens``.

    Raises:
        InputTypeError: ``tokens`` is not Tokens.
        InvalidArgumentError: ``window`` below 1.
    """
    import numpy as np
    import scipy.sparse as sp

    if not isinstance(tokens, Tokens):
        raise InputTypeError(describe("tokens", tokens, "is not Tokens", accepted="Tokens from consensus_nlp.tokenize"))
    check_int("window", window, minimum=1)
    used = np.unique(tokens.ids)
    order = sorted(used.tolist(), key=tokens.types.__getitem__)
    column = np.full(len(tokens.types), -1, dtype=np.int64)
    column[order] = np.arange(len(order))
    ids, doc = column[tokens.ids], tokens.doc_index()
    rows: list[Any] = []
    cols: list[Any] = []
    for k in range(1, min(window, len(ids)) + 1):  # no pair is farther apart than the tokens
        same = doc[:-k] == doc[k:] if k < len(ids) else np.zeros(0, dtype=bool)
        a, b = ids[:-k][same], ids[k:][same]
        rows += [a, b[a != b]]  # both directions; a pair of one term counts once on the diagonal
        cols += [b, a[a != b]]
    data = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    matrix = sp.csr_matrix((np.ones(len(data), dtype=np.int64), (data, np.concatenate(cols) if cols else data)),
                           shape=(len(order), len(order)))
    matrix.sum_duplicates()
    return FCM(matrix, [tokens.types[j] for j in order], window)
