"""Lazy tokens and the exact reductions behind ``cn.dtm``, ``cn.emphasis`` and frequencies on them.

Each partition's task runs the eager code on its own documents and returns a
small payload of arrays (a partition vocabulary and a sparse count matrix; a
groups x themes count table); the driver combines the payloads in partition
order and applies the eager rules (pruning, rates, sorting) once, so the
results equal the eager ones exactly. The tokens themselves never travel to the driver.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..corpus import group_key
from ..errors import (
    EmptyInputError,
    EmptyVocabularyError,
    InvalidArgumentError,
    UnknownNameError,
    describe,
)
from .dask_workers import Partitioned, cached_themes, compute

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import scipy.sparse

    from ..models.dtm import DTM
    from ..models.emphasis import Emphasis
    from ..text.tokens import Tokens

__all__ = ["LazyTokens", "DTMPart", "dtm_part", "emphasis_part"]

log = logging.getLogger(__name__)


class DTMPart(NamedTuple):
    """One partition's share of a DTM: its documents, its sorted vocabulary, its counts (CSR, int64).

    ``terms`` is one newline-joined string (a token never holds whitespace), a list only
    for terms that do: one object per partition instead of one per term.
    """

    doc_ids: tuple[str, ...]
    metas: list[dict[str, Any]]
    terms: str | list[str]
    counts: scipy.sparse.csr_matrix

    def term_list(self) -> list[str]:
        if isinstance(self.terms, list):
            return self.terms
        return self.terms.split("\n") if self.counts.shape[1] else []


def dtm_part(tokens: Tokens) -> DTMPart:
    """The unpruned eager DTM of one partition, as arrays."""
    import scipy.sparse as sp

    from ..models.dtm import dtm

    metas = [dict(m) for m in tokens.metas]
    try:
        part = dtm(tokens)
    except EmptyVocabularyError:  # only empty documents in this partition
        return DTMPart(tokens.doc_ids, metas, "", sp.csr_matrix((len(tokens), 0), dtype="int64"))
    joined = "\n".join(part.terms)
    compact = joined.count("\n") == len(part.terms) - 1
    return DTMPart(tokens.doc_ids, metas, joined if compact else list(part.terms), part.counts)


def emphasis_part(tokens: Tokens, by: str, themes: Any, key: str) -> tuple[tuple[str, ...], list[Any], Any, Any, bool]:
    """Per document of this partition: its group value, theme hits and token count (eager ``theme_counts``)."""
    from ..models.emphasis import theme_counts

    has_field = by == "doc_id" or any(by in m for m in tokens.metas)
    values = list(tokens.doc_ids) if by == "doc_id" else [m.get(by) for m in tokens.metas]
    counts, totals = theme_counts(tokens, cached_themes(themes, key))
    return tokens.doc_ids, values, counts, totals, has_field


def frequencies_part(tokens: Tokens, by: str | None) -> tuple[list[Any], pd.DataFrame]:
    """The partition's groups in order of appearance (also those without tokens) and its frequency table."""
    groups = [group_key(v) for v in tokens.group_values(by)] if by is not None else [None]
    return list(dict.fromkeys(groups)), tokens.frequencies(by=by)


class LazyTokens(Partitioned):
    """Tokens of a :class:`~consensus_nlp.integrations.dask.LazyCorpus`, one :class:`Tokens` per partition.

    Made by ``cn.tokenize(lazy_corpus)``. ``cn.dtm`` and ``cn.emphasis`` accept it and
    return the eager results; :meth:`compute` gathers every token on the driver.
    """

    __cn_lazy__ = "tokens"

    def __init__(self, parts: Sequence[Any], *, docvars: pd.DataFrame | None = None,
                 fields: Sequence[str] | None = None, progress: bool = False) -> None:
        super().__init__(parts, docvars, fields)  # each part computes to a Tokens
        self._progress = progress

    def __repr__(self) -> str:
        return f"LazyTokens({self.npartitions} partitions)"

    def persist(self) -> LazyTokens:
        """Compute the partitions and keep them where the scheduler keeps results (worker memory with distributed)."""
        import dask

        return LazyTokens(dask.persist(*self._parts), docvars=self.docvars, fields=self._fields, progress=self._progress)

    def compute(self) -> Tokens:
        """Every partition's tokens as one in-memory :class:`Tokens` (documents in partition order)."""
        return concat_tokens(compute(*self._parts, progress=self._progress))

    def _map(self, fn: Any, *args: Any) -> list[Any]:
        import dask

        return list(compute(*[dask.delayed(fn, pure=True)(p, *args) for p in self._parts], progress=self._progress))

    def transform_topics(self, model: Any, *, iterations: int = 200, tol: float = 1e-6) -> Any:
        """``model.transform`` on every partition: a dask DataFrame of topic shares, one partition per partition."""
        import dask
        import dask.dataframe as dd

        from ..models.foldin import transform

        meta = transform(model, model_probe(model, self._fields or []), iterations=1).iloc[:0]
        parts = [dask.delayed(transform, pure=True)(model, p, iterations=iterations, tol=tol) for p in self._parts]
        return dd.from_delayed(parts, meta=meta, verify_meta=False)

    # -- reductions (called by cn.dtm, cn.emphasis) ---------------------------
    def dtm(self, *, weighting: str = "count", min_docs: int = 1, max_doc_share: float = 1.0,
            max_terms: int | None = None) -> DTM:
        """:func:`consensus_nlp.dtm` by partitions: equal to the eager DTM (``words`` is ``None``)."""
        from ..models.dtm import WEIGHTINGS

        if weighting not in WEIGHTINGS:
            raise UnknownNameError(describe("weighting", weighting, "is not a known weighting", accepted=WEIGHTINGS))
        if isinstance(min_docs, bool) or not isinstance(min_docs, int) or min_docs < 1:
            raise InvalidArgumentError(describe("min_docs", min_docs, "is not a document count", accepted="an int >= 1"))
        if isinstance(max_doc_share, bool) or not isinstance(max_doc_share, (int, float)) or not 0 < max_doc_share <= 1:
            raise InvalidArgumentError(
                describe("max_doc_share", max_doc_share, "is not a share of documents", accepted="a number in (0, 1]"))
        if max_terms is not None and (isinstance(max_terms, bool) or not isinstance(max_terms, int) or max_terms < 1):
            raise InvalidArgumentError(describe("max_terms", max_terms, "is not a number of terms", accepted="None or an int >= 1"))
        return reduce_dtm(self._map(dtm_part), weighting=weighting, min_docs=min_docs, max_doc_share=max_doc_share,
                          max_terms=max_terms)

    def emphasis(self, *, by: str = "organization", themes: Any = "cppcc", per: float = 1000) -> Emphasis:
        """:func:`consensus_nlp.emphasis` by partitions: per-document theme counts, then the eager :class:`Emphasis`."""
        import json

        from ..errors import check_float
        from ..models.dictionaries import load_themes

        per = check_float("per", per, minimum=0, exclusive_minimum=True, todo="Use e.g. per=1000.")
        theme_set = load_themes(themes)
        if self._fields is not None and by != "doc_id" and by not in self._fields:  # before any task runs
            raise UnknownNameError(describe("by", by, "is not a metadata field", accepted=["doc_id", *self._fields]))
        key = json.dumps([theme_set.name, {k: list(v) for k, v in theme_set.entries.items()}], ensure_ascii=False)
        return reduce_emphasis(self._map(emphasis_part, by, theme_set, key), by=by, theme_set=theme_set, per=per)

    def frequencies(self, *, by: str | None = None) -> pd.DataFrame:
        """:meth:`Tokens.frequencies` by partitions (same columns, order and values)."""
        return reduce_frequencies(self._map(frequencies_part, by), by=by)


def concat_tokens(parts: Sequence[Tokens]) -> Tokens:
    """The partitions' tokens as one :class:`Tokens` on a shared vocabulary (arrays concatenated, no token objects)."""
    import numpy as np

    from ..corpus import DocVars
    from ..text.tokens import Tokens

    vocab: dict[str, int] = {}
    tags: dict[str, int] = {}
    ids, pos, bounds, offset = [], [], [np.zeros(1, dtype=np.int64)], 0
    for p in parts:
        remap = np.array([vocab.setdefault(t, len(vocab)) for t in p.types], dtype=np.int32)
        ids.append(remap[p.ids])
        if p.pos_ids is not None:
            tag_map = np.array([tags.setdefault(t, len(tags)) for t in p.pos_types] + [-1], dtype=np.int32)
            pos.append(tag_map[p.pos_ids])  # -1 (no tag) indexes the trailing -1
        else:
            pos.append(np.full(len(p.ids), -1, dtype=np.int32))
        bounds.append(p.bounds[1:] + offset)
        offset += len(p.ids)
    docvars = DocVars([d for p in parts for d in p.doc_ids], [m for p in parts for m in p.metas])
    cat = np.concatenate
    return Tokens.from_arrays(docvars, [t for p in parts for t in p.texts], tuple(vocab),
                              cat(ids) if ids else np.zeros(0, np.int32),
                              cat([p.starts for p in parts]) if parts else np.zeros(0, np.int32),
                              cat([p.ends for p in parts]) if parts else np.zeros(0, np.int32), cat(bounds),
                              pos_ids=cat(pos) if tags else None, pos_types=tuple(tags) if tags else None,
                              params=parts[0].params if parts else None)


def reduce_dtm(parts: Sequence[DTMPart], *, weighting: str, min_docs: int, max_doc_share: float,
               max_terms: int | None) -> DTM:
    """Stack the partitions' counts on the union vocabulary and prune it as :func:`consensus_nlp.dtm` does."""
    import numpy as np
    import scipy.sparse as sp

    from ..models.dtm import DTM

    seen: set[str] = set()
    for p in parts:  # one partition's term list at a time
        seen.update(p.term_list())
    vocab = sorted(seen)
    del seen
    index = {t: i for i, t in enumerate(vocab)}
    doc_freq = np.zeros(len(vocab), dtype=np.int64)
    total = np.zeros(len(vocab), dtype=np.int64)
    columns = []
    for p in parts:
        terms = p.term_list()
        cols = np.fromiter((index[t] for t in terms), dtype=np.int64, count=len(terms))
        columns.append(cols)
        np.add.at(doc_freq, cols[p.counts.indices], 1)
        np.add.at(total, cols[p.counts.indices], p.counts.data)
    n_docs = sum(p.counts.shape[0] for p in parts)
    max_docs = math.floor(max_doc_share * n_docs + 1e-9)
    kept = np.flatnonzero((doc_freq >= min_docs) & (doc_freq <= max_docs))
    if max_terms is not None and len(kept) > max_terms:  # most frequent first, ties by term (= by vocabulary index)
        kept = np.sort(kept[np.lexsort((kept, -total[kept]))[:max_terms]])
    if not len(kept):
        raise EmptyVocabularyError(
            describe("min_docs, max_doc_share, max_terms", (min_docs, max_doc_share, max_terms),
                     f"left no terms out of {len(vocab)} in {n_docs} documents",
                     todo="Lower min_docs, raise max_doc_share or max_terms, "
                          "or check that the tokens are not all stopwords."))
    new_index = np.full(len(vocab), -1, dtype=np.int64)
    new_index[kept] = np.arange(len(kept))
    data, indices, row_sizes = [], [], []
    for p, cols in zip(parts, columns):
        mapped = new_index[cols[p.counts.indices]] if len(cols) else np.zeros(0, dtype=np.int64)
        keep = mapped >= 0
        rows = np.repeat(np.arange(p.counts.shape[0]), np.diff(p.counts.indptr))
        data.append(np.asarray(p.counts.data, dtype=np.int64)[keep])
        indices.append(mapped[keep])
        row_sizes.append(np.bincount(rows[keep], minlength=p.counts.shape[0]))
    indptr = np.concatenate([[0], np.cumsum(np.concatenate(row_sizes))]).astype(np.int64)
    counts = sp.csr_matrix((np.concatenate(data), np.concatenate(indices), indptr), shape=(n_docs, len(kept)))
    log.debug("dtm: %s documents x %s terms (of %s before pruning) from %s partitions",
              n_docs, len(kept), len(vocab), len(parts))
    from ..corpus import DocVars

    docvars = DocVars([d for p in parts for d in p.doc_ids], [m for p in parts for m in p.metas])
    return DTM(counts, [vocab[i] for i in kept], docvars=docvars, weighting=weighting, words=None)


def reduce_emphasis(parts: Sequence[tuple[tuple[str, ...], list[Any], Any, Any, bool]], *, by: str, theme_set: Any,
                    per: float) -> Emphasis:
    """The partitions' per-document counts, in document order, grouped as :func:`consensus_nlp.emphasis` groups them."""
    import numpy as np

    from ..models.emphasis import Emphasis

    if not parts or not sum(len(p[0]) for p in parts):
        raise EmptyInputError(describe("tokens", "LazyTokens", "holds no documents", todo="Pass a non-empty corpus."))
    if not any(p[4] for p in parts):
        raise UnknownNameError(describe("by", by, "is not a metadata field", accepted=["doc_id"]))
    values = [v for p in parts for v in p[1]]
    position: dict[Any, int] = {}
    labels: list[Any] = []
    for value in values:
        key = group_key(value)
        if key not in position:
            position[key] = len(labels)
            labels.append(value)
    doc_groups = np.array([position[group_key(v)] for v in values], dtype=np.int64)
    counts = np.concatenate([p[2] for p in parts]).astype(np.int64)
    totals = np.concatenate([p[3] for p in parts])
    sizes = np.bincount(doc_groups, weights=totals, minlength=len(labels))
    empty = [labels[g] for g in np.flatnonzero(sizes == 0)]
    if empty:
        raise EmptyInputError(
            describe("by", by, f"gives groups without tokens: {empty[:5]}",
                     todo="Drop empty documents first, or check the tokenizer's stopword settings."))
    return Emphasis(theme_set=theme_set.name, by=by, per=per, categories=theme_set.names, groups=labels,
                    doc_ids=[d for p in parts for d in p[0]], doc_groups=doc_groups, doc_counts=counts, doc_totals=totals)


def reduce_frequencies(parts: Sequence[tuple[list[Any], pd.DataFrame]], *, by: str | None) -> pd.DataFrame:
    """Sum the partitions' frequency tables per group and token; shares and order as :meth:`Tokens.frequencies`."""
    import numpy as np
    import pandas as pd

    column = by if by is not None else "__group__"
    frame = pd.concat([p if by is not None else p.assign(__group__=None) for _, p in parts], ignore_index=True)
    rank: dict[Any, int] = {}
    for groups, _ in parts:  # groups in order of their first document, as the eager table orders them
        for k in groups:
            rank.setdefault(k, len(rank))
    frame["__rank__"] = [rank[group_key(v)] for v in frame[column]]
    summed = frame.groupby(["__rank__", "token"], sort=False)[["count", "docs"]].sum().reset_index()
    first_value = frame.drop_duplicates("__rank__").set_index("__rank__")[column]
    totals = summed.groupby("__rank__")["count"].transform("sum")
    summed["share"] = summed["count"] / totals
    order = np.lexsort((summed["token"].to_numpy(dtype=object), -summed["count"].to_numpy(), summed["__rank__"].to_numpy()))
    out = summed.iloc[order].reset_index(drop=True)
    labels = np.empty(len(out), dtype=object)
    labels[:] = [first_value[r] for r in out["__rank__"]]
    tokens = np.empty(len(out), dtype=object)
    tokens[:] = out["token"].tolist()
    result = pd.DataFrame({  # built as the eager table is built, so that the dtypes agree
        column: labels, "token": tokens, "count": out["count"].to_numpy(dtype=np.int64),
        "docs": out["docs"].to_numpy(dtype=np.int64), "share": out["share"].to_numpy(dtype=float)})
    return result.drop(columns="__group__") if by is None else result


def model_probe(model: Any, fields: Sequence[str]) -> Any:
    """A one-document DTM over the model's first term with the metadata ``fields``, for the columns of
    ``transform``'s frame."""
    import scipy.sparse as sp

    from ..models.dtm import DTM

    return DTM(sp.csr_matrix([[1]]), model.terms[:1], ["probe"], [{f: "" for f in fields}])
