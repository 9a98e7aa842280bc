"""Document-term matrices (counts or TF-IDF).

A :class:`DTM` is a sparse documents x terms matrix that carries the documents'
ids and metadata, like quanteda's ``dfm``. Build one from :class:`~consensus_nlp.tokens.Tokens`
with :func:`dtm`; group rows by a metadata field with :meth:`DTM.group`; hand it
to scikit-learn (:meth:`DTM.to_sklearn`) or gensim (:meth:`DTM.to_gensim`).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import (
    EmptyVocabularyError,
    InputTypeError,
    InvalidArgumentError,
    UnknownNameError,
    check_bool,
    check_choice,
    check_int,
    check_position,
    describe,
)
from ..corpus import DocVars, first_positions, metadata_fields, metadata_values
from ..docvars import factorize
from ..pipeline import Deferred, Stage, run
from ..text.tokens import Tokens

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import scipy.sparse

__all__ = ["DTM", "WordLists", "dtm", "as_word_lists", "CountTerms", "TermCounts"]

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


class WordLists(Sequence[tuple[str, ...]]):
    """Per row of a DTM, the token strings in text order, made from the tokens' arrays when read.

    A view, not a copy: it holds the :class:`~consensus_nlp.text.tokens.Tokens` (and, for a
    grouped DTM, which documents make each row) and builds a row's tuple on access.
    """

    __slots__ = ("_tokens", "_rows")

    def __init__(self, tokens: Tokens, rows: Sequence[Sequence[int]] | None = None) -> None:
        self._tokens = tokens
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows) if self._rows is not None else len(self._tokens)

    def _doc(self, i: int) -> tuple[str, ...]:
        t = self._tokens
        types = t.types
        return tuple([types[k] for k in t.ids[t.bounds[i]:t.bounds[i + 1]].tolist()])

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        if not isinstance(i, int) or isinstance(i, bool):
            raise InputTypeError(describe("i", i, "cannot index the word lists", accepted="an int position or a slice"))
        i = check_position("i", i, len(self), what="rows")
        if self._rows is None:
            return self._doc(i)
        return tuple(w for d in self._rows[i] for w in self._doc(d))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == tuple(b) for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"WordLists({len(self)} rows)"


class DTM:
    """A documents x terms matrix with the documents' ids and metadata.

    Attributes:
        matrix: ``scipy.sparse.csr_matrix`` of shape (documents, terms): counts or TF-IDF weights.
        counts: the raw counts (same shape; equal to ``matrix`` when ``weighting == "count"``).
        terms: the column labels, sorted by code point.
        docvars: the rows' ids and metadata (:class:`~consensus_nlp.corpus.DocVars`): the
            very object of the :class:`~consensus_nlp.text.tokens.Tokens` it was built from.
        doc_ids: the row labels (from ``docvars``).
        metas: per row, the document's metadata (from ``docvars``).
        weighting: ``"count"`` or ``"tfidf"``.
        words: per row, the token strings the counts came from (all tokens, also pruned ones;
            used for coherence and by the topic engines that need word order), built from the
            tokens' arrays when read (not stored twice); for tokens of a ``LazyCorpus`` or a token
            store, those tokens are gathered the first time ``words`` is read. ``None`` when unknown.
    """

    __slots__ = ("matrix", "counts", "terms", "docvars", "weighting", "_words", "_word_rows")

    def __init__(
        self,
        counts: scipy.sparse.csr_matrix,
        terms: Sequence[str],
        doc_ids: Sequence[str] | None = None,
        metas: Sequence[Mapping[str, Any]] | None = None,
        *,
        docvars: DocVars | None = None,
        weighting: str = "count",
        words: Tokens | Sequence[Sequence[str]] | None = None,
        word_rows: Sequence[Sequence[int]] | None = None,
    ) -> None:
        if weighting not in WEIGHTINGS:
            raise UnknownNameError(describe("weighting", weighting, "is not a known weighting", accepted=WEIGHTINGS))
        if docvars is None:
            if doc_ids is None:
                raise InputTypeError(describe("docvars", None, "is missing", accepted="docvars= or doc_ids and metas"))
            docvars = DocVars(doc_ids, metas if metas is not None else [{} for _ in doc_ids])
        self.counts = counts.tocsr()
        self.terms: tuple[str, ...] = tuple(terms)
        self.docvars = docvars
        self.weighting = weighting
        keep = words is None or isinstance(words, (Tokens, Deferred))  # Deferred: lazy or stored tokens, read when asked
        self._words = words if keep else tuple(tuple(w) for w in words)
        self._word_rows = None if word_rows is None else tuple(tuple(r) for r in word_rows)
        self.matrix = self.counts if weighting == "count" else _tfidf(self.counts)

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return self.docvars.doc_ids

    @property
    def metas(self) -> tuple[Mapping[str, Any], ...]:
        return self.docvars.metas

    @property
    def words(self) -> Sequence[tuple[str, ...]] | None:
        if self._words is None:
            return None
        if isinstance(self._words, Deferred):  # tokens of a LazyCorpus or a token store: gathered once, when read
            self._words = self._words.compute()
        if isinstance(self._words, Tokens):
            return WordLists(self._words, self._word_rows)
        if self._word_rows is None:
            return self._words
        return tuple(tuple(w for i in rows for w in self._words[i]) for rows in self._word_rows)

    def select_terms(self, columns: Sequence[int]) -> DTM:
        """A new DTM with only the given columns (same rows, same ``docvars`` object, same word source)."""
        if isinstance(columns, (str, bytes)) or not isinstance(columns, Iterable):
            raise InputTypeError(describe("columns", columns, "is not a list of column positions", accepted="a list of ints"))
        columns = [check_position("columns", j, len(self.terms), what="terms") for j in columns]  # scipy aborts on some
        return DTM(self.counts[:, columns], [self.terms[j] for j in columns], docvars=self.docvars,
                   weighting=self.weighting, words=self._words, word_rows=self._word_rows)

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
        rows, levels = factorize(values)
        indicator = sp.csr_matrix(
            (np.ones(len(values)), (rows, np.arange(len(values)))), shape=(len(levels), len(values))
        )
        counts = (indicator @ self.counts).tocsr()
        metas, word_rows = [], []
        members_of: list[list[int]] = [[] for _ in levels]
        for i, g in enumerate(rows.tolist()):
            members_of[g].append(i)
        for members in members_of:
            first = self.metas[members[0]]
            meta = {k: first[k] for k in first if all(self.metas[i].get(k) == first[k] for i in members)}
            meta[by] = values[members[0]]
            metas.append(meta)
            word_rows.append([j for i in members for j in (self._word_rows[i] if self._word_rows else (i,))])
        return DTM(counts, self.terms, [str(values[i]) for i in first_positions(values)], metas,
                   weighting=self.weighting, words=self._words, word_rows=word_rows if self._words is not None else None)

    def to_dataframe(self, *, wide: bool = False) -> pd.DataFrame:
        """The weights as a DataFrame.

        Args:
            wide: ``False`` (default) for long format, one row per non-zero cell with columns
                ``doc_id``, ``term``, ``value`` (rows by document, then term); ``True`` for a dense
                documents x terms table indexed by ``doc_id``.
        """
        import pandas as pd

        if check_bool("wide", wide):
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
    return run(CountTerms(weighting=weighting, min_docs=min_docs, max_doc_share=max_doc_share, max_terms=max_terms),
               tokens)


class TermCounts(NamedTuple):
    """What :class:`CountTerms` maps a partition to: its documents, a vocabulary and unpruned counts.

    ``counts`` is a CSR matrix (documents x ``types``, ``int64``; duplicates summed);
    ``words`` the word lists when the input was word lists (else ``None``: the tokens are the source).
    """

    docvars: DocVars
    types: tuple[str, ...]
    counts: scipy.sparse.csr_matrix
    words: list[list[str]] | None


@dataclasses.dataclass(frozen=True)
class CountTerms(Stage):
    """:func:`dtm` as a stage (:mod:`consensus_nlp.pipeline`).

    ``map``: one pass over a partition's token ids, a documents x types count matrix on the
    partition's vocabulary; ``combine``: the union of two vocabularies, the second matrix's
    columns renumbered, the rows stacked; ``finalize``: the pruning (``min_docs``,
    ``max_doc_share``, ``max_terms``), columns sorted by term, the :class:`DTM`.
    """

    weighting: str = "count"
    min_docs: int = 1
    max_doc_share: float = 1.0
    max_terms: int | None = None

    def __post_init__(self) -> None:
        check_choice("weighting", self.weighting, WEIGHTINGS, what="a known weighting")
        check_int("min_docs", self.min_docs, minimum=1)
        share = self.max_doc_share
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
            raise InvalidArgumentError(
                describe("max_doc_share", share, "is not a share of documents", accepted="a number in (0, 1]")
            )
        check_int("max_terms", self.max_terms, minimum=1, allow_none=True)

    def map(self, tokens: Tokens | Sequence[Sequence[str]]) -> TermCounts:
        if isinstance(tokens, Tokens):
            return TermCounts(tokens.docvars, tokens.types, _count_rows(tokens.ids, tokens.bounds, len(tokens.types)),
                              None)
        words = as_word_lists(tokens)
        types, ids, bounds = _columns(words)
        docvars = DocVars([f"doc-{i + 1}" for i in range(len(words))], [{} for _ in words])
        return TermCounts(docvars, types, _count_rows(ids, bounds, len(types)), words)

    def combine(self, a: TermCounts, b: TermCounts) -> TermCounts:
        return self.combine_many([a, b])

    def combine_many(self, parts: list[TermCounts]) -> TermCounts:
        """All partitions in one pass: one union vocabulary (first appearance, in partition order, as
        :meth:`combine` two by two gives it) and one stacked matrix, with no intermediate copies."""
        import numpy as np
        import scipy.sparse as sp

        from ..text.store import stack_docvars

        if len(parts) == 1:
            return parts[0]
        index: dict[str, int] = {}
        remaps: dict[int, np.ndarray] = {}  # partitions of one store share their vocabulary object
        for p in parts:
            if id(p.types) not in remaps:
                remaps[id(p.types)] = np.fromiter((index.setdefault(t, len(index)) for t in p.types), dtype=np.int32,
                                                  count=len(p.types))
        rows = np.cumsum([0] + [p.counts.shape[0] for p in parts])
        nnz = np.cumsum([0] + [p.counts.nnz for p in parts])
        indptr = np.concatenate([[0]] + [p.counts.indptr[1:].astype(np.int64) + nnz[k] for k, p in enumerate(parts)])
        counts = sp.csr_matrix((np.concatenate([p.counts.data for p in parts]),
                                np.concatenate([remaps[id(p.types)][p.counts.indices] for p in parts]), indptr),
                               shape=(int(rows[-1]), len(index)))
        words = None if any(p.words is None for p in parts) else [w for p in parts for w in p.words]
        return TermCounts(stack_docvars([p.docvars for p in parts]), tuple(index), counts, words)

    def finalize(self, acc: TermCounts, source: Any) -> DTM:
        import numpy as np
        import scipy.sparse as sp

        min_docs, max_doc_share, max_terms = self.min_docs, self.max_doc_share, self.max_terms
        types, raw, docvars = acc.types, acc.counts, acc.docvars
        n_docs, n_types = raw.shape
        doc_freq = np.bincount(raw.indices, minlength=n_types)
        max_docs = math.floor(max_doc_share * n_docs + 1e-9)
        kept = np.flatnonzero((doc_freq >= min_docs) & (doc_freq <= max_docs))
        if max_terms is not None and len(kept) > max_terms:
            total = np.bincount(raw.indices, weights=raw.data, minlength=n_types)
            kept = np.asarray(sorted(kept.tolist(), key=lambda j: (-total[j], types[j]))[:max_terms], dtype=np.int64)
        if not len(kept):
            raise EmptyVocabularyError(
                describe("min_docs, max_doc_share, max_terms", (min_docs, max_doc_share, max_terms),
                         f"left no terms out of {int((doc_freq > 0).sum())} in {n_docs} documents",
                         todo="Lower min_docs, raise max_doc_share or max_terms, "
                              "or check that the tokens are not all stopwords.")
            )
        order = sorted(kept.tolist(), key=types.__getitem__)
        terms = [types[j] for j in order]
        column = np.full(n_types, -1, dtype=np.int32)
        column[order] = np.arange(len(order), dtype=np.int32)
        cols = column[raw.indices]
        if len(order) == n_types or (cols >= 0).all():
            counts = sp.csr_matrix((raw.data, cols, raw.indptr), shape=(n_docs, len(terms)))
        else:
            keep = cols >= 0
            indptr = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])[raw.indptr]
            counts = sp.csr_matrix((raw.data[keep], cols[keep], indptr), shape=(n_docs, len(terms)))
        del raw, cols
        counts.has_sorted_indices = False
        counts.sort_indices()
        log.debug("dtm: %s documents x %s terms (of %s before pruning)", n_docs, len(terms), int((doc_freq > 0).sum()))
        return DTM(counts, terms, docvars=docvars, weighting=self.weighting,
                   words=acc.words if acc.words is not None else source)


def _count_rows(ids: Any, bounds: Any, n_types: int, block: int = 1 << 20) -> Any:
    """Documents x types counts from the id column, built in blocks of about ``block`` tokens.

    Each block becomes a CSR matrix with duplicates summed (scipy, in C), so the
    memory beyond the result is one block's worth, not a copy of every token.
    """
    import numpy as np
    import scipy.sparse as sp

    n_docs = len(bounds) - 1
    data, indices, indptr = [], [], [np.zeros(1, dtype=np.int64)]
    first = 0
    while first < n_docs or not data:
        last = int(np.searchsorted(bounds, bounds[first] + block, side="right")) - 1
        last = min(n_docs, max(last, first + 1)) if n_docs else 0
        a, b = int(bounds[first]), int(bounds[last])
        part = sp.csr_matrix((np.ones(b - a, dtype=np.int64), np.array(ids[a:b], dtype=np.int32),
                              np.asarray(bounds[first:last + 1], dtype=np.int64) - a), shape=(last - first, n_types))
        part.sum_duplicates()
        data.append(part.data)
        indices.append(part.indices.astype(np.int32, copy=False))
        indptr.append(part.indptr[1:].astype(np.int64) + indptr[-1][-1])
        first = last
        if first >= n_docs:
            break
    return sp.csr_matrix((np.concatenate(data), np.concatenate(indices), np.concatenate(indptr)), shape=(n_docs, n_types))


def _columns(words: Sequence[Sequence[str]]) -> tuple[tuple[str, ...], Any, Any]:
    """``(types, ids, bounds)`` of word lists (the layout of Tokens)."""
    import numpy as np

    vocab: dict[str, int] = {}
    ids = np.fromiter((vocab.setdefault(w, len(vocab)) for doc in words for w in doc), dtype=np.int32)
    bounds = np.concatenate([[0], np.cumsum([len(doc) for doc in words], dtype=np.int64)]).astype(np.int64)
    return tuple(vocab), ids, bounds


