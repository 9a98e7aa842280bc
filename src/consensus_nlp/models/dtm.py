"""Document-term matrices (counts or TF-IDF).

A :class:`DTM` is a sparse documents x terms matrix that carries the documents'
ids and metadata, like quanteda's ``dfm``. Build one from :class:`~consensus_nlp.tokens.Tokens`
with :func:`dtm`; group rows by a metadata field with :meth:`DTM.group`; hand it
to scikit-learn (:meth:`DTM.to_sklearn`) or gensim (:meth:`DTM.to_gensim`).
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import (
    EmptyVocabularyError,
    InputTypeError,
    InvalidArgumentError,
    UnknownNameError,
    describe,
)
from ..corpus import first_positions, group_key, metadata_fields, metadata_values
from ..text.tokens import Tokens

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import scipy.sparse

__all__ = ["DTM", "dtm", "as_word_lists"]

log = logging.getLogger(__name__)

WEIGHTINGS = ("count", "tfidf")


def as_word_lists(tokens: Tokens | Sequence[Sequence[str]], *, argument: str = "tokens") -> list[list[str]]:
    """Per document, the token strings; refuses a bare ``str`` and other non-documents."""
    if isinstance(tokens, Tokens):
        return tokens.words()
    if isinstance(tokens, (str, bytes)) or not isinstance(tokens, Iterable):
        raise InputTypeError(
            describe(argument, tokens, "is not a collection of tokenized documents",
                     accepted="Tokens from consensus_nlp.tokenize, or a list of lists of str",
                     todo="Tokenize the text first: cn.tokenize(corpus).")
        )
    words = []
    for i, doc in enumerate(tokens):
        if isinstance(doc, (str, bytes)) or not isinstance(doc, Iterable):
            raise InputTypeError(
                describe(f"{argument}[{i}]", doc, "is not a list of tokens",
                         accepted="a list of str tokens per document",
                         todo="Iterating a str yields characters; split or tokenize it first.")
            )
        words.append([str(w) for w in doc])
    return words


class DTM:
    """A documents x terms matrix with the documents' ids and metadata.

    Attributes:
        matrix: ``scipy.sparse.csr_matrix`` of shape (documents, terms): counts or TF-IDF weights.
        counts: the raw counts (same shape; equal to ``matrix`` when ``weighting == "count"``).
        terms: the column labels, sorted by code point.
        doc_ids: the row labels.
        metas: per row, the document's metadata.
        weighting: ``"count"`` or ``"tfidf"``.
        words: per row, the token strings the counts came from (all tokens, also pruned ones;
            used for coherence). ``None`` when unknown.
    """

    __slots__ = ("matrix", "counts", "terms", "doc_ids", "metas", "weighting", "words")

    def __init__(
        self,
        counts: scipy.sparse.csr_matrix,
        terms: Sequence[str],
        doc_ids: Sequence[str],
        metas: Sequence[Mapping[str, Any]],
        *,
        weighting: str = "count",
        words: Sequence[Sequence[str]] | None = None,
    ) -> None:
        if weighting not in WEIGHTINGS:
            raise UnknownNameError(describe("weighting", weighting, "is not a known weighting", accepted=WEIGHTINGS))
        self.counts = counts.tocsr()
        self.terms: tuple[str, ...] = tuple(terms)
        self.doc_ids: tuple[str, ...] = tuple(doc_ids)
        self.metas: tuple[Mapping[str, Any], ...] = tuple(metas)
        self.weighting = weighting
        self.words = None if words is None else tuple(tuple(w) for w in words)
        self.matrix = self.counts if weighting == "count" else _tfidf(self.counts)

    def __repr__(self) -> str:
        return f"DTM({len(self.doc_ids)} documents x {len(self.terms)} terms, weighting={self.weighting!r})"

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Term -> column index, as scikit-learn's vectorizers name it."""
        return {t: i for i, t in enumerate(self.terms)}

    def fields(self) -> list[str]:
        """Metadata keys present in any row, in first-seen order."""
        return metadata_fields(self.metas)

    def group_values(self, by: str) -> list[Any]:
        """The value of metadata field ``by`` per row (``doc_id`` is accepted too)."""
        return metadata_values(self.doc_ids, self.metas, by)

    def group(self, by: str) -> DTM:
        """Sum the counts of the rows that share a value of metadata field ``by``.

        Groups come in order of first appearance; their ids are ``str(value)``; their
        metadata keeps ``by`` and every field whose value is the same in all members.
        A TF-IDF matrix is re-weighted after summing the counts.

        Args:
            by: metadata field (or ``"doc_id"``).

        Returns:
            A new DTM with one row per group.
        """
        import numpy as np
        import scipy.sparse as sp

        values = self.group_values(by)
        order: dict[Any, int] = {}
        for v in values:
            order.setdefault(group_key(v), len(order))
        rows = np.array([order[group_key(v)] for v in values])
        indicator = sp.csr_matrix(
            (np.ones(len(values)), (rows, np.arange(len(values)))), shape=(len(order), len(values))
        )
        counts = (indicator @ self.counts).tocsr()
        metas, words = [], []
        for key in order:
            members = [i for i, v in enumerate(values) if group_key(v) == key]
            first = self.metas[members[0]]
            meta = {k: first[k] for k in first if all(self.metas[i].get(k) == first[k] for i in members)}
            meta[by] = values[members[0]]
            metas.append(meta)
            if self.words is not None:
                words.append([w for i in members for w in self.words[i]])
        return DTM(counts, self.terms, [str(values[i]) for i in first_positions(values)], metas,
                   weighting=self.weighting, words=words if self.words is not None else None)

    def to_dataframe(self, *, wide: bool = False) -> pd.DataFrame:
        """The weights as a DataFrame.

        Args:
            wide: ``False`` (default) for long format, one row per non-zero cell with columns
                ``doc_id``, ``term``, ``value`` (rows by document, then term); ``True`` for a dense
                documents x terms table indexed by ``doc_id``.
        """
        import pandas as pd

        if wide:
            return pd.DataFrame(self.matrix.toarray(), index=pd.Index(self.doc_ids, name="doc_id"), columns=list(self.terms))
        coo = self.matrix.tocoo()
        order = sorted(range(coo.nnz), key=lambda i: (coo.row[i], coo.col[i]))
        return pd.DataFrame({
            "doc_id": [self.doc_ids[coo.row[i]] for i in order],
            "term": [self.terms[coo.col[i]] for i in order],
            "value": [coo.data[i].item() for i in order],
        })

    def to_sklearn(self) -> tuple[scipy.sparse.csr_matrix, dict[str, int]]:
        """``(matrix, vocabulary_)`` as a fitted scikit-learn vectorizer would give them."""
        return self.matrix, self.vocabulary_

    def to_gensim(self) -> tuple[list[list[tuple[int, int]]], Any]:
        """A gensim bag-of-words corpus of the counts and its ``gensim.corpora.Dictionary``.

        Term ids are the column indices of this DTM.
        """
        from gensim.corpora import Dictionary

        counts = self.counts.tocsr()
        corpus = []
        for r in range(counts.shape[0]):
            start, end = counts.indptr[r], counts.indptr[r + 1]
            pairs = sorted(zip(counts.indices[start:end].tolist(), counts.data[start:end].tolist()))
            corpus.append([(int(i), int(c)) for i, c in pairs])
        dictionary = Dictionary()
        dictionary.token2id = {t: i for i, t in enumerate(self.terms)}
        doc_freq = (counts > 0).sum(axis=0).A1
        dictionary.dfs = {i: int(doc_freq[i]) for i in range(len(self.terms))}
        dictionary.cfs = {i: int(c) for i, c in enumerate(counts.sum(axis=0).A1)}
        dictionary.num_docs = counts.shape[0]
        dictionary.num_pos = int(counts.sum())
        dictionary.num_nnz = int(counts.nnz)
        return corpus, dictionary


def _tfidf(counts: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
    """scikit-learn's default TF-IDF: ``tf * (ln((1 + n) / (1 + df)) + 1)``, rows L2-normalised."""
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True).fit_transform(counts).tocsr()


def dtm(
    tokens: Tokens | Sequence[Sequence[str]],
    *,
    weighting: str = "count",
    min_docs: int = 1,
    max_doc_share: float = 1.0,
    max_terms: int | None = None,
) -> DTM:
    """Build a document-term matrix from tokens.

    Terms are the token strings as they are (no lower-casing, no further filtering:
    stopwords and punctuation are the tokenizer's business). Columns are sorted by
    code point, so the same tokens always give the same matrix.

    Args:
        tokens: :class:`~consensus_nlp.tokens.Tokens`, or a list of token lists (doc ids
            ``doc-1``, ``doc-2``… and empty metadata are then made up).
        weighting: ``"count"`` (default) or ``"tfidf"`` (scikit-learn's default smooth idf,
            ``tf * (ln((1+n)/(1+df)) + 1)``, each row L2-normalised).
        min_docs: keep terms found in at least this many documents.
        max_doc_share: keep terms found in at most this share of the documents (0 < share <= 1).
        max_terms: keep only the most frequent terms (total count; ties by term), after the
            document-frequency pruning.

    Returns:
        A :class:`DTM`.

    Raises:
        InputTypeError: ``tokens`` is a bare ``str`` or not a collection of token lists.
        InvalidArgumentError: a pruning option is out of range.
        EmptyVocabularyError: no term is left after pruning.
    """
    import numpy as np
    import scipy.sparse as sp

    words = as_word_lists(tokens)
    if isinstance(tokens, Tokens):
        doc_ids, metas = list(tokens.doc_ids), [dict(m) for m in tokens.metas]
    else:
        doc_ids, metas = [f"doc-{i + 1}" for i in range(len(words))], [{} for _ in words]
    if weighting not in WEIGHTINGS:
        raise UnknownNameError(describe("weighting", weighting, "is not a known weighting", accepted=WEIGHTINGS))
    if isinstance(min_docs, bool) or not isinstance(min_docs, int) or min_docs < 1:
        raise InvalidArgumentError(describe("min_docs", min_docs, "is not a document count", accepted="an int >= 1"))
    if isinstance(max_doc_share, bool) or not isinstance(max_doc_share, (int, float)) or not 0 < max_doc_share <= 1:
        raise InvalidArgumentError(
            describe("max_doc_share", max_doc_share, "is not a share of documents", accepted="a number in (0, 1]")
        )
    if max_terms is not None and (isinstance(max_terms, bool) or not isinstance(max_terms, int) or max_terms < 1):
        raise InvalidArgumentError(
            describe("max_terms", max_terms, "is not a number of terms", accepted="None or an int >= 1")
        )

    per_doc = [Counter(doc) for doc in words]
    doc_freq: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for c in per_doc:
        doc_freq.update(c.keys())
        total.update(c)
    n_docs = len(words)
    max_docs = math.floor(max_doc_share * n_docs + 1e-9)
    kept = [t for t in doc_freq if min_docs <= doc_freq[t] <= max_docs]
    if max_terms is not None and len(kept) > max_terms:
        kept = sorted(kept, key=lambda t: (-total[t], t))[:max_terms]
    if not kept:
        raise EmptyVocabularyError(
            describe("min_docs, max_doc_share, max_terms", (min_docs, max_doc_share, max_terms),
                     f"left no terms out of {len(doc_freq)} in {n_docs} documents",
                     todo="Lower min_docs, raise max_doc_share or max_terms, "
                          "or check that the tokens are not all stopwords.")
        )
    terms = sorted(kept)
    index = {t: i for i, t in enumerate(terms)}
    indptr, indices, data = [0], [], []
    for c in per_doc:
        cols = sorted(index[t] for t in c if t in index)
        indices.extend(cols)
        data.extend(c[terms[j]] for j in cols)
        indptr.append(len(indices))
    counts = sp.csr_matrix(
        (np.asarray(data, dtype=np.int64), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(n_docs, len(terms)),
    )
    log.debug("dtm: %s documents x %s terms (of %s before pruning)", n_docs, len(terms), len(doc_freq))
    return DTM(counts, terms, doc_ids, metas, weighting=weighting, words=words)


