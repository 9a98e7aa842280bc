"""Document-term matrices (counts or TF-IDF) and keyness.

A :class:`DTM` is a sparse documents x terms matrix that carries the documents'
ids and metadata, like quanteda's ``dfm``. Build one from :class:`~consensus_nlp.tokens.Tokens`
with :func:`dtm`; group rows by a metadata field with :meth:`DTM.group`; hand it
to scikit-learn (:meth:`DTM.to_sklearn`) or gensim (:meth:`DTM.to_gensim`).

:func:`keyness` compares a target group of documents with the rest, with the
same statistics as quanteda.textstats' ``textstat_keyness`` (signed chi-squared
with its Yates rule, or the signed likelihood ratio G2).
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import (
    EmptyVocabularyError,
    InputTypeError,
    InvalidArgumentError,
    UnknownNameError,
    describe,
)
from .corpus import metadata_fields, metadata_values
from .tokens import Tokens

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import scipy.sparse

__all__ = ["DTM", "dtm", "keyness", "as_word_lists"]

log = logging.getLogger(__name__)

WEIGHTINGS = ("count", "tfidf")
MEASURES = ("chi2", "g2")
CORRECTIONS = ("default", "yates", "williams", "none")
_EPSILON = 1e-9  # quanteda's constant inside the logarithms of G2


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
            order.setdefault(_hashable(v), len(order))
        rows = np.array([order[_hashable(v)] for v in values])
        indicator = sp.csr_matrix(
            (np.ones(len(values)), (rows, np.arange(len(values)))), shape=(len(order), len(values))
        )
        counts = (indicator @ self.counts).tocsr()
        metas, words = [], []
        for key in order:
            members = [i for i, v in enumerate(values) if _hashable(v) == key]
            first = self.metas[members[0]]
            meta = {k: first[k] for k in first if all(self.metas[i].get(k) == first[k] for i in members)}
            meta[by] = values[members[0]]
            metas.append(meta)
            if self.words is not None:
                words.append([w for i in members for w in self.words[i]])
        return DTM(counts, self.terms, [str(values[i]) for i in _first_positions(values)], metas,
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


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _first_positions(values: Sequence[Any]) -> list[int]:
    seen: dict[Any, int] = {}
    for i, v in enumerate(values):
        seen.setdefault(_hashable(v), i)
    return list(seen.values())


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


def _target_mask(matrix: DTM, target: Any) -> list[bool]:
    if callable(target):
        return [bool(target(m)) for m in matrix.metas]
    if isinstance(target, Mapping):
        fields = set(matrix.fields()) | {"doc_id"}
        for key in target:
            if key not in fields:
                raise UnknownNameError(describe("target", dict(target), f"names {key!r}, not a metadata field",
                                                accepted=sorted(fields)))

        def ok(doc_id: str, meta: Mapping[str, Any]) -> bool:
            for key, wanted in target.items():
                value = doc_id if key == "doc_id" else meta.get(key)
                if callable(wanted):
                    if not wanted(value):
                        return False
                elif isinstance(wanted, (list, tuple, set, frozenset, range)):
                    if value not in wanted:
                        return False
                elif value != wanted:
                    return False
            return True

        return [ok(d, m) for d, m in zip(matrix.doc_ids, matrix.metas)]
    if isinstance(target, str):
        target = [target]
    if isinstance(target, Iterable):
        wanted = set(target)
        known = set(matrix.doc_ids)
        unknown = sorted(str(t) for t in wanted - known)
        if unknown:
            raise UnknownNameError(describe("target", unknown[0], "is not a doc_id of this DTM",
                                            accepted=list(matrix.doc_ids[:10])))
        return [d in wanted for d in matrix.doc_ids]
    raise InputTypeError(describe("target", target, "cannot select documents",
                                  accepted="a dict of metadata conditions, a callable on metadata, or a list of doc_ids"))


def _yates(a, b, c, d):
    """Yates' delta per term: 0.5 where ``|ad - bc| >= N/2`` and some expected cell is below 5."""
    import numpy as np

    n = a + b + c + d
    smallest = np.minimum.reduce([(a + b) * (a + c), (a + b) * (b + d), (a + c) * (c + d), (c + d) * (b + d)])
    return np.where((np.abs(a * d - b * c) >= n / 2) & (smallest / n < 5), 0.5, 0.0)


def _williams(a, b, c, d):
    """Williams' q per term (1 where a cell is empty)."""
    import numpy as np

    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 1.0 + (n / (a + b) + n / (c + d) - 1.0) * (n / (a + c) + n / (b + d) - 1.0) / (6.0 * n)
    return np.where(a * b * c * d == 0, 1.0, q)


def _chi2(a, b, c, d, correction: str):
    """Signed chi-squared per term (arrays of the four cells)."""
    import numpy as np

    n = a + b + c + d
    expected = (a + b) * (a + c) / n
    delta = _yates(a, b, c, d) if correction in ("default", "yates") else 0.0
    q = _williams(a, b, c, d) if correction == "williams" else 1.0
    num = n * (np.abs(a * d - b * c) - n * delta) ** 2
    den = (a + b) * (c + d) * (a + c) * (b + d) * np.where(a > expected, 1.0, -1.0) / q
    return num / den


def _g2(a, b, c, d, correction: str):
    """Signed log-likelihood ratio per term (arrays of the four cells)."""
    import numpy as np

    n = a + b + c + d
    expected = (a + b) * (a + c) / n
    aa, bb, cc, dd = a, b, c, d
    if correction in ("default", "yates"):
        delta = _yates(a, b, c, d)
        shift = np.where(a * d - b * c > 0, -delta, delta)
        aa, bb, cc, dd = a + shift, b - shift, c - shift, d + shift

    def term(x, row, col):
        with np.errstate(divide="ignore", invalid="ignore"):
            value = x * np.log(x / (row * col / n) + _EPSILON)
        return np.where(x == 0, 0.0, value)

    g2 = 2 * (term(aa, aa + bb, aa + cc) + term(bb, aa + bb, bb + dd) + term(cc, aa + cc, cc + dd)
              + term(dd, bb + dd, cc + dd)) * np.where(a > expected, 1.0, -1.0)
    if correction == "williams":
        g2 = g2 / _williams(a, b, c, d)
    return g2


def keyness(
    matrix: DTM,
    *,
    target: Any,
    reference: Any = None,
    measure: str = "chi2",
    correction: str = "default",
) -> pd.DataFrame:
    """Terms over- and under-represented in a target group of documents, as quanteda computes them.

    For each term the 2x2 table is ``a`` = count in the target, ``b`` = count in the
    reference (all other documents, or those selected by ``reference``), ``c``/``d`` = the
    other tokens of target/reference. Terms absent from both are left out.
    The definitions follow quanteda.textstats' ``textstat_keyness`` (src/keyness.cpp):

    - ``chi2``: ``N (|ad - bc| - N delta)^2 / ((a+b)(c+d)(a+c)(b+d))``; with
      ``correction="default"`` or ``"yates"``, ``delta = 0.5`` when ``|ad - bc| >= N/2`` and
      some expected cell is below 5, else 0; ``"williams"`` multiplies by Williams' q.
    - ``g2``: ``2 sum O ln(O / E + 1e-9)`` over the four cells (an empty cell adds 0);
      ``"default"``/``"yates"`` first move each cell 0.5 toward independence under the same
      rule (quanteda's code does this for ``"default"``, although its manual names Williams);
      ``"williams"`` divides by q.

    Statistics are signed: negative when ``a`` is below its expected count. ``p`` is
    ``1 - F_chi2(|statistic|, df=1)``. Rows are sorted by statistic (descending), then term.

    Args:
        matrix: a :class:`DTM` (its counts are used, whatever its weighting).
        target: which documents form the target: a dict of metadata conditions
            (``{"decade": 2010}``; a value may be a list/set of accepted values or a predicate),
            a callable taking a document's metadata, or a list of doc_ids.
        reference: the documents to compare with, in the same forms; ``None`` (default) for
            every document outside the target. Documents in neither are ignored.
        measure: ``"chi2"`` (default) or ``"g2"`` (quanteda's ``"lr"``).
        correction: ``"default"``, ``"yates"``, ``"williams"`` or ``"none"``.

    Returns:
        DataFrame with columns ``term``, ``statistic``, ``p``, ``n_target``, ``n_reference``.

    Raises:
        UnknownNameError: unknown measure/correction, metadata field or doc_id.
        InvalidArgumentError: the target holds no document or every document, or target
            and reference overlap or the reference is empty.
    """
    import numpy as np
    import pandas as pd
    from scipy.stats import chi2 as chi2_dist

    if not isinstance(matrix, DTM):
        raise InputTypeError(describe("matrix", matrix, "is not a DTM", accepted="a DTM from consensus_nlp.dtm"))
    if measure not in MEASURES:
        raise UnknownNameError(describe("measure", measure, "is not a keyness measure", accepted=MEASURES))
    if correction not in CORRECTIONS:
        raise UnknownNameError(describe("correction", correction, "is not a known correction", accepted=CORRECTIONS))
    mask = np.array(_target_mask(matrix, target), dtype=bool)
    if not mask.any() or mask.all():
        raise InvalidArgumentError(
            describe("target", target, f"selects {int(mask.sum())} of {len(mask)} documents",
                     accepted="a condition that selects some but not all documents")
        )
    if reference is None:
        ref_mask = ~mask
    else:
        ref_mask = np.array(_target_mask(matrix, reference), dtype=bool)
        if not ref_mask.any() or (ref_mask & mask).any():
            raise InvalidArgumentError(
                describe("reference", reference, f"selects {int(ref_mask.sum())} documents, "
                         f"{int((ref_mask & mask).sum())} of them also in the target",
                         accepted="a condition that selects documents outside the target")
            )
    counts = matrix.counts
    in_target = np.asarray(counts[mask].sum(axis=0)).ravel().astype(float)
    in_reference = np.asarray(counts[ref_mask].sum(axis=0)).ravel().astype(float)
    present = (in_target + in_reference) > 0
    terms = [t for t, keep in zip(matrix.terms, present) if keep]
    in_target, in_reference = in_target[present], in_reference[present]
    total_target, total_reference = in_target.sum(), in_reference.sum()
    stat_fn = _chi2 if measure == "chi2" else _g2
    stats = np.asarray(stat_fn(in_target, in_reference, total_target - in_target, total_reference - in_reference,
                               correction), dtype=float)
    term_array = np.array(terms, dtype=object)
    order = np.lexsort((term_array, -stats))  # statistic descending, then term
    return pd.DataFrame({
        "term": term_array[order].tolist(),
        "statistic": stats[order],
        "p": chi2_dist.sf(np.abs(stats[order]), 1),
        "n_target": in_target[order].astype(np.int64),
        "n_reference": in_reference[order].astype(np.int64),
    })
