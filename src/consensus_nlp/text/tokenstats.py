"""The analyses behind :class:`~consensus_nlp.text.tokens.Tokens`' methods, on its integer columns.

Each function takes a Tokens object (read through its documented columns
``types``, ``ids``, ``starts``, ``ends``, ``bounds``, ``docvars``) and works with
numpy on type ids: a test on strings (a regex, a length, a stopword) runs once
per vocabulary type, never once per token.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, NamedTuple

from ..docvars import factorize, frame_text, group_key
from ..errors import InputTypeError, UnknownNameError, check_choice, check_int, check_name, describe
from ..pipeline import Stage
from .patterns import user_pattern

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["MATCHES", "MEASURES", "token_frame", "kwic", "frequencies", "collocations", "ngram_columns", "gensim_bows", "type_ranks",
           "CountTokens", "TokenCounts"]

MATCHES = ("word", "substring", "phrase", "regex")
MEASURES = ("npmi", "pmi", "g2")


def type_ranks(types: tuple[str, ...]) -> np.ndarray:
    """Rank of each type in code-point order (``int64``), for sorting tokens by their text."""
    import numpy as np

    order = sorted(range(len(types)), key=types.__getitem__)
    ranks = np.empty(len(types), dtype=np.int64)
    ranks[order] = np.arange(len(types), dtype=np.int64)
    return ranks


def token_frame(tokens: Any) -> pd.DataFrame:
    """:meth:`Tokens.to_dataframe`: one row per token, ``doc_id``, ``position``, ``token``, ``start``, ``end``, ``pos``."""
    import numpy as np
    import pandas as pd

    ids = np.empty(len(tokens), dtype=object)
    ids[:] = tokens.doc_ids
    lengths = np.diff(tokens.bounds)
    if tokens.pos_ids is None:
        pos: Any = [None] * tokens.n_tokens
    else:
        tags = np.empty(len(tokens.pos_types) + 1, dtype=object)
        tags[:-1] = tokens.pos_types
        tags[-1] = None
        pos = tags[tokens.pos_ids]
    return pd.DataFrame({
        "doc_id": np.repeat(ids, lengths),
        "position": np.arange(tokens.n_tokens, dtype=np.int64) - np.repeat(tokens.bounds[:-1], lengths),
        "token": tokens.type_array()[tokens.ids],
        "start": tokens.starts.astype(np.int64),
        "end": tokens.ends.astype(np.int64),
        "pos": pos,
    }, columns=["doc_id", "position", "token", "start", "end", "pos"])


def _matching_types(types: tuple[str, ...], pattern: str, match: str) -> list[int]:
    if match == "word":
        return [i for i, t in enumerate(types) if t == pattern]
    if match == "substring":
        return [i for i, t in enumerate(types) if pattern in t]
    compiled = user_pattern("pattern", pattern)  # a time limit: ((a+)+)+c would backtrack for minutes
    return [i for i, t in enumerate(types) if compiled.fullmatch(t) is not None]


def _hits(tokens: Any, pattern: str, match: str) -> tuple[np.ndarray, int]:
    """Positions where a match starts, and how many tokens a match spans."""
    import numpy as np

    ids = tokens.ids
    if match != "phrase":
        wanted = _matching_types(tokens.types, pattern, match)
        return np.flatnonzero(np.isin(ids, np.asarray(wanted, dtype=np.int32))), 1
    words = pattern.split()
    index = {t: i for i, t in enumerate(tokens.types)}
    if not words or any(w not in index for w in words):
        return np.zeros(0, dtype=np.int64), max(1, len(words))
    span = len(words)
    doc = tokens.doc_index()
    hits = np.flatnonzero(ids[:len(ids) - span + 1] == index[words[0]]) if len(ids) >= span else np.zeros(0, np.int64)
    for k, w in enumerate(words[1:], 1):
        hits = hits[(ids[hits + k] == index[w]) & (doc[hits + k] == doc[hits])]
    return hits, span


def kwic(tokens: Any, pattern: str, *, window: int = 5, match: str = "word") -> pd.DataFrame:
    """Keywords in context; see :meth:`Tokens.kwic <consensus_nlp.text.tokens.Tokens.kwic>`."""
    import numpy as np
    import pandas as pd

    if not isinstance(pattern, str) or not pattern.strip():
        raise InputTypeError(describe("pattern", pattern, "is not a non-empty str", accepted="a token, phrase or regex"))
    window = min(check_int("window", window, minimum=0), len(tokens.ids))  # no wider than the tokens (nor than int64)
    match = check_choice("match", match, MATCHES, what="a way to match")
    hits, span = _hits(tokens, pattern, match)
    doc = np.searchsorted(tokens.bounds, hits, side="right") - 1
    last = hits + span - 1
    left = np.maximum(tokens.bounds[doc], hits - window)
    right = np.minimum(tokens.bounds[doc + 1] - 1, last + window)
    rows = []
    texts, doc_ids = tokens.texts, tokens.doc_ids
    for d, ks, ke, ls, re_ in zip(doc.tolist(), tokens.starts[hits].tolist(), tokens.ends[last].tolist(),
                                  tokens.starts[left].tolist(), tokens.ends[right].tolist()):
        text = texts[d]
        rows.append((doc_ids[d], ks, ke, *(frame_text(p) for p in (text[ls:ks], text[ks:ke], text[ke:re_]))))
    return pd.DataFrame(rows, columns=["doc_id", "start", "end", "left", "keyword", "right"])


def frequencies(tokens: Any, *, by: str | None = None) -> pd.DataFrame:
    """Token counts per group; see :meth:`Tokens.frequencies <consensus_nlp.text.tokens.Tokens.frequencies>`."""
    from ..pipeline import run

    return run(CountTokens(by=by), tokens)


class TokenCounts(NamedTuple):
    """What :class:`CountTokens` maps a partition to: per distinct (group, type), its count and documents."""

    labels: list[Any]  # the groups, in order of their first document
    fields: tuple[str, ...]  # the metadata fields of the documents (for the message on an unknown ``by``)
    n_docs: int
    types: tuple[str, ...]
    groups: np.ndarray  # per pair, the group's position in labels
    type_ids: np.ndarray
    counts: np.ndarray
    docs: np.ndarray


@dataclasses.dataclass(frozen=True)
class CountTokens(Stage):
    """:meth:`Tokens.frequencies` as a stage: ``map`` counts each (group, type) pair of a partition and the
    documents it occurs in; ``combine`` adds two such tables on the union of groups and types (a document
    lies in one partition, so document counts add up); ``finalize`` gives the shares and the sorted frame."""

    by: str | None = None

    def __post_init__(self) -> None:
        check_name("by", self.by, accepted="a metadata field name, 'doc_id', or None", allow_none=True)

    def for_partitions(self, fields: Any) -> CountTokens:
        if fields is not None and self.by not in (None, "doc_id") and self.by not in fields:  # before any task runs
            raise UnknownNameError(describe("by", self.by, "is not a metadata field", accepted=["doc_id", *fields]))
        return self

    def map(self, tokens: Any) -> TokenCounts:
        import numpy as np

        by = self.by
        values = ([None] * len(tokens) if by is None else list(tokens.doc_ids) if by == "doc_id"
                  else [m.get(by) for m in tokens.metas])  # a field absent from this partition may be in another
        codes, labels = factorize(values)
        group_of_doc = codes.astype(np.int64)  # (group, type) keys below pass int32
        n_types = max(1, len(tokens.types))
        doc = tokens.doc_index()
        ids = tokens.ids.astype(np.int64)
        keys, counts = np.unique(group_of_doc[doc] * n_types + ids, return_counts=True)
        pairs = np.unique(doc * n_types + ids)  # distinct (document, type)
        _, docs = np.unique(group_of_doc[pairs // n_types] * n_types + pairs % n_types, return_counts=True)
        return TokenCounts(labels, tuple(tokens.fields()), len(tokens), tuple(tokens.types), keys // n_types, keys % n_types, counts.astype(np.int64),
                           docs.astype(np.int64))  # the same distinct (group, type) pairs, in the same order

    def combine(self, a: TokenCounts, b: TokenCounts) -> TokenCounts:
        import numpy as np

        positions = {group_key(v): g for g, v in enumerate(a.labels)}
        labels = list(a.labels)
        for v in b.labels:
            if positions.setdefault(group_key(v), len(labels)) == len(labels):
                labels.append(v)
        group_map = np.array([positions[group_key(v)] for v in b.labels], dtype=np.int64)
        index = {t: k for k, t in enumerate(a.types)}
        type_map = np.fromiter((index.setdefault(t, len(index)) for t in b.types), dtype=np.int64, count=len(b.types))
        n_types = max(1, len(index))
        keys = np.concatenate([a.groups * n_types + a.type_ids,
                               group_map[b.groups] * n_types + type_map[b.type_ids] if len(b.groups) else b.groups])
        unique, where = np.unique(keys, return_inverse=True)
        counts = np.bincount(where, weights=np.concatenate([a.counts, b.counts]), minlength=len(unique))
        docs = np.bincount(where, weights=np.concatenate([a.docs, b.docs]), minlength=len(unique))
        fields = tuple(dict.fromkeys(a.fields + b.fields))
        return TokenCounts(labels, fields, a.n_docs + b.n_docs, tuple(index), unique // n_types, unique % n_types, counts.astype(np.int64),
                           docs.astype(np.int64))

    def finalize(self, acc: TokenCounts, source: Any) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        by = self.by
        if by not in (None, "doc_id") and acc.n_docs and by not in acc.fields:
            raise UnknownNameError(describe("by", by, "is not a metadata field", accepted=["doc_id", *acc.fields]))
        labels, groups, type_ids, counts = acc.labels, acc.groups, acc.type_ids, acc.counts
        totals = np.bincount(groups, weights=counts, minlength=len(labels))
        order = np.lexsort((type_ranks(acc.types)[type_ids] if len(type_ids) else type_ids, -counts, groups))
        label_array = np.empty(len(labels), dtype=object)
        label_array[:] = labels
        type_array = np.empty(len(acc.types), dtype=object)
        type_array[:] = acc.types
        frame = pd.DataFrame({
            "__group__": label_array[groups[order]] if len(labels) else np.zeros(0, dtype=object),
            "token": type_array[type_ids[order]] if len(acc.types) else np.zeros(0, dtype=object),
            "count": counts[order].astype(np.int64),
            "docs": acc.docs[order].astype(np.int64),
            "share": counts[order] / totals[groups[order]] if len(order) else np.zeros(0),
        })
        if self.by is None:
            return frame.drop(columns="__group__")
        return frame.rename(columns={"__group__": self.by})


def _association(measure: str, c: np.ndarray, c1: np.ndarray, c2: np.ndarray, n: int) -> np.ndarray:
    """Association of pairs seen ``c`` times, first word ``c1`` times, second ``c2``, among ``n`` pairs."""
    import numpy as np

    if measure in ("pmi", "npmi"):
        pmi = np.log2(c * n / (c1 * c2))
        if measure == "pmi":
            return pmi
        p = c / n
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(p == 1, 1.0, pmi / -np.log2(p))
    # Dunning's G2 over the 2x2 table of (first == a) x (second == b)
    observed = (c, c1 - c, c2 - c, n - c1 - c2 + c)
    expected = (c1 * c2 / n, c1 * (n - c2) / n, (n - c1) * c2 / n, (n - c1) * (n - c2) / n)
    total = np.zeros(len(c))
    with np.errstate(divide="ignore", invalid="ignore"):
        for o, e in zip(observed, expected):
            total += np.where(o > 0, o * np.log(o / e), 0.0)
    return 2.0 * total


def collocations(tokens: Any, *, min_count: int = 5, measure: str = "npmi", window: int = 1) -> pd.DataFrame:
    """Association of following pairs; see :meth:`Tokens.collocations <consensus_nlp.text.tokens.Tokens.collocations>`."""
    import numpy as np
    import pandas as pd

    measure = check_choice("measure", measure, MEASURES, what="a known association measure")
    check_int("min_count", min_count, minimum=1)
    window = min(check_int("window", window, minimum=1), max(1, len(tokens.ids)))  # no pair is farther apart
    n_types = max(1, len(tokens.types))
    ids = tokens.ids.astype(np.int64)
    doc = tokens.doc_index()
    parts = [ids[:-k][doc[:-k] == doc[k:]] * n_types + ids[k:][doc[:-k] == doc[k:]]
             for k in range(1, window + 1) if k < len(ids)]
    keys, counts = np.unique(np.concatenate(parts) if parts else np.zeros(0, np.int64), return_counts=True)
    first_ids, second_ids = keys // n_types, keys % n_types
    first = np.bincount(first_ids, weights=counts, minlength=n_types)
    second = np.bincount(second_ids, weights=counts, minlength=n_types)
    n = int(counts.sum())
    kept = counts >= min_count
    c, a, b = counts[kept].astype(np.float64), first_ids[kept], second_ids[kept]
    values = _association(measure, c, first[a], second[b], n)
    ranks = type_ranks(tokens.types)
    order = np.lexsort((ranks[b], ranks[a], -c, -np.round(values, 9)))  # rounding: ties stay ties
    words = tokens.type_array()
    return pd.DataFrame({"first": words[a[order]], "second": words[b[order]],
                         "count": counts[kept][order].astype(np.int64), measure: values[order]},
                        columns=["first", "second", "count", measure]).astype({"first": object, "second": object})


def ngram_columns(tokens: Any, n: int, sep: str) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(types, ids, starts, ends, bounds)`` of the n-grams of ``tokens``."""
    import numpy as np

    lengths = np.diff(tokens.bounds)
    counts = np.maximum(lengths - n + 1, 0)
    bounds = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    first = np.repeat(tokens.bounds[:-1] - bounds[:-1], counts) + np.arange(bounds[-1], dtype=np.int64)
    if not len(first):
        return (), np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32), bounds
    grid = np.stack([tokens.ids[first + k] for k in range(n)], axis=1)
    rows, inverse = np.unique(grid, axis=0, return_inverse=True)
    vocab: dict[str, int] = {}
    types = tokens.types
    remap = np.fromiter((vocab.setdefault(sep.join(types[k] for k in row), len(vocab)) for row in rows.tolist()),
                        dtype=np.int32, count=len(rows))
    ids = remap[np.asarray(inverse).ravel()]
    return tuple(vocab), ids, tokens.starts[first], tokens.ends[first + n - 1], bounds


def gensim_bows(tokens: Any) -> tuple[Any, list[list[tuple[int, int]]]]:
    """A gensim ``Dictionary`` (ids in sorted token order) and one bag of words per document."""
    import numpy as np
    from gensim.corpora import Dictionary

    used = np.unique(tokens.ids)
    names = [tokens.types[k] for k in used.tolist()]
    order = sorted(range(len(names)), key=names.__getitem__)
    new_id = np.full(len(tokens.types), -1, dtype=np.int64)
    new_id[used[order]] = np.arange(len(order))
    dictionary = Dictionary()
    dictionary.token2id = {names[k]: i for i, k in enumerate(order)}
    n_terms = len(order)
    keys, counts = np.unique(tokens.doc_index() * max(1, n_terms) + new_id[tokens.ids], return_counts=True)
    docs, terms = keys // max(1, n_terms), keys % max(1, n_terms)
    cuts = np.searchsorted(docs, np.arange(len(tokens) + 1))
    t, c = terms.tolist(), counts.tolist()
    bows = [list(zip(t[a:b], c[a:b])) for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist())]
    dictionary.dfs = dict(zip(*np.unique(terms, return_counts=True))) if n_terms else {}
    dictionary.dfs = {int(k): int(v) for k, v in dictionary.dfs.items()}
    cfs = np.bincount(terms, weights=counts, minlength=n_terms)
    dictionary.cfs = {i: int(v) for i, v in enumerate(cfs.tolist())}
    dictionary.num_docs = len(tokens)
    dictionary.num_pos = int(counts.sum())
    dictionary.num_nnz = int(len(keys))
    return dictionary, bows
