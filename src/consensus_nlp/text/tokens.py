"""Tokens: the words of every document as columns of integers, with offsets and document variables.

This is the hand-off between segmentation and every later stage (document-term
matrices, emphasis, topics). Offsets (``Token.start``/``Token.end``) point into
the document text as the user gave it. ``Token.text`` is the normalized form
(see :mod:`consensus_nlp.text.normalization`), so ``text[t.start:t.end] == t.text``
except where normalization changed characters (``２０２１`` -> ``2021``,
``⼀`` -> ``一``).

Besides holding tokens, :class:`Tokens` offers the first analyses a researcher
runs on them: keywords in context (:meth:`Tokens.kwic`), frequencies,
collocations, n-grams, and hand-offs to pandas and gensim. They all work on the
integer columns (:mod:`consensus_nlp.text.tokenstats`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..corpus import Corpus, DocVars, freeze, thaw
from ..errors import InputTypeError, InvalidArgumentError, check_bool, check_int, check_position, describe

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from gensim.corpora import Dictionary

__all__ = ["Token", "Tokens"]


class Token(NamedTuple):
    """One token: its (normalized) text, its ``[start, end)`` span in the source text, its POS tag if asked for."""

    text: str
    start: int
    end: int
    pos: str | None = None


class Tokens:
    """Tokens of every document of a corpus, held as columns of integers.

    **Memory model.** One vocabulary and a few numpy arrays over the tokens of
    all documents concatenated (in document order), the way quanteda's
    ``tokens`` and spaCy's ``Doc`` hold them:

    - ``types``: the vocabulary, a tuple of distinct token strings (order has no meaning);
    - ``ids``: ``int32``, the type id of each token (``types[ids[j]]`` is token ``j``'s text);
    - ``starts``, ``ends``: ``int32``, each token's ``[start, end)`` character offsets
      into *its own document's* text;
    - ``bounds``: ``int64`` of length ``n_docs + 1``; document ``i``'s tokens are
      ``ids[bounds[i]:bounds[i + 1]]`` (likewise for the other columns);
    - ``pos_ids`` (``int32``, ``-1`` for no tag) and ``pos_types``: parts of speech, or ``None``;
    - ``docvars``: the documents' ids and metadata (:class:`~consensus_nlp.corpus.DocVars`),
      *the same object* as the corpus's (``tokens.docvars is corpus.docvars``);
    - ``texts``: the source texts (the corpus's strings, not copies).

    A token costs 12 bytes (three ``int32``) plus its share of the vocabulary.
    :class:`Token` tuples and strings are made only when read (``tokens[i]``,
    ``tokens["doc_id"]``, iteration, :meth:`words`, :meth:`to_dataframe`). The arrays
    are read-only; every method returns a new :class:`Tokens` that shares what did
    not change (the vocabulary, the texts, the docvars).

    This layout is the contract for code that works on tokens in bulk (document-term
    matrices, emphasis, keyness, bridges): read ``types``, ``ids``, ``starts``,
    ``ends``, ``bounds`` and ``docvars`` directly, never the :class:`Token` objects.

    Build from Python objects with ``Tokens(doc_ids, texts, metas, token_lists)``, or from
    arrays with :meth:`from_arrays`.

    Attributes:
        doc_ids: document ids, in corpus order (from ``docvars``).
        metas: the documents' metadata (read-only mappings, from ``docvars``).
        params: how the tokens were made (segmenter, lexicon hash, stopwords), for the record.
    """

    __slots__ = ("docvars", "texts", "types", "ids", "starts", "ends", "bounds", "pos_ids", "pos_types", "params")

    def __init__(
        self,
        doc_ids: Sequence[str],
        texts: Sequence[str],
        metas: Sequence[Mapping[str, Any]],
        tokens: Sequence[Sequence[Token]],
        *,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        import numpy as np

        if not (len(doc_ids) == len(texts) == len(metas) == len(tokens)):
            raise InvalidArgumentError(
                describe("tokens", len(tokens), "does not match the number of documents",
                         accepted=f"{len(doc_ids)} token lists, one per document")
            )
        vocab: dict[str, int] = {}
        tags: dict[str, int] = {}
        ids, starts, ends, pos, bounds = [], [], [], [], [0]
        for doc in tokens:
            for t in doc:
                ids.append(vocab.setdefault(t[0], len(vocab)))
                starts.append(t[1])
                ends.append(t[2])
                tag = t[3] if len(t) > 3 else None
                pos.append(-1 if tag is None else tags.setdefault(tag, len(tags)))
            bounds.append(len(ids))
        self._set(DocVars(doc_ids, metas), texts, tuple(vocab), np.array(ids, dtype=np.int32),
                  np.array(starts, dtype=np.int32), np.array(ends, dtype=np.int32), np.array(bounds, dtype=np.int64),
                  np.array(pos, dtype=np.int32) if tags else None, tuple(tags) if tags else None, params)

    def _set(self, docvars: DocVars, texts: Sequence[str], types: tuple[str, ...], ids: np.ndarray, starts: np.ndarray,
             ends: np.ndarray, bounds: np.ndarray, pos_ids: np.ndarray | None, pos_types: tuple[str, ...] | None,
             params: Mapping[str, Any] | None) -> None:
        for arr in (ids, starts, ends, bounds, pos_ids):
            if arr is not None:
                arr.flags.writeable = False
        self.docvars = docvars
        self.texts: tuple[str, ...] = texts if isinstance(texts, tuple) else tuple(texts)
        self.types = types
        self.ids, self.starts, self.ends, self.bounds = ids, starts, ends, bounds
        self.pos_ids, self.pos_types = pos_ids, pos_types
        self.params: Mapping[str, Any] = freeze(dict(params or {}))

    @classmethod
    def from_arrays(
        cls,
        docvars: DocVars,
        texts: Sequence[str],
        types: Sequence[str],
        ids: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        bounds: np.ndarray,
        *,
        pos_ids: np.ndarray | None = None,
        pos_types: Sequence[str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Tokens:
        """Tokens from the columns described in the class documentation (no per-token objects).

        ``docvars`` is kept by reference; the arrays are converted to their dtypes
        (no copy when they already have them) and made read-only.

        Raises:
            InvalidArgumentError: the columns disagree in length, ``bounds`` does not fit
                ``docvars``/``ids``, or an id is outside the vocabulary.
        """
        import numpy as np

        if not isinstance(docvars, DocVars):
            raise InputTypeError(describe("docvars", docvars, "is not DocVars", accepted="corpus.docvars"))
        ids, starts, ends = (np.asarray(a, dtype=np.int32) for a in (ids, starts, ends))
        bounds = np.asarray(bounds, dtype=np.int64)
        n = len(ids)
        problem = None
        if len(texts) != len(docvars) or len(bounds) != len(docvars) + 1:
            problem = f"{len(texts)} texts and {len(bounds)} bounds for {len(docvars)} documents"
        elif len(starts) != n or len(ends) != n or (pos_ids is not None and len(pos_ids) != n):
            problem = "columns of different lengths"
        elif bounds[0] != 0 or bounds[-1] != n or (np.diff(bounds) < 0).any():
            problem = "bounds that do not run from 0 to the number of tokens"
        elif n and (int(ids.min()) < 0 or int(ids.max()) >= len(types)):
            problem = "type ids outside the vocabulary"
        if problem:
            raise InvalidArgumentError(describe("arrays", n, f"make {problem}", accepted="the layout of Tokens"))
        self = cls.__new__(cls)
        self._set(docvars, texts, tuple(types), ids, starts, ends, bounds,
                  None if pos_ids is None else np.asarray(pos_ids, dtype=np.int32),
                  None if pos_types is None else tuple(pos_types), params)
        return self

    def _derive(self, ids: np.ndarray, starts: np.ndarray, ends: np.ndarray, bounds: np.ndarray,
                pos_ids: np.ndarray | None, *, docvars: DocVars | None = None, texts: Sequence[str] | None = None,
                types: tuple[str, ...] | None = None, params: Mapping[str, Any] | None = None) -> Tokens:
        new = Tokens.__new__(Tokens)
        new._set(self.docvars if docvars is None else docvars, self.texts if texts is None else texts,
                 self.types if types is None else types, ids, starts, ends, bounds, pos_ids,
                 self.pos_types if pos_ids is not None else None, self.params if params is None else params)
        return new

    @classmethod
    def concat(cls, parts: Sequence[Tokens]) -> Tokens:
        """The documents of ``parts``, in order, as one :class:`Tokens` on a shared vocabulary (no token objects)."""
        from .store import concat_tokens

        return concat_tokens(cls, parts)

    def to_parquet(self, path: str | os.PathLike[str], *, npartitions: int | None = None) -> Path:
        """Write these tokens to a token store, a folder of Parquet files read back by :func:`~consensus_nlp.read_tokens`.

        The store holds the type ids, offsets, per-document token counts, the vocabulary, the
        document variables and texts; its row groups are partitions of consecutive documents
        (``npartitions``; default: about one per million tokens), each readable alone, so that
        an archive is segmented once and analysed many times (:mod:`consensus_nlp.text.store`).

        Returns:
            The folder.
        """
        from .store import write_tokens

        return write_tokens(self, path, npartitions=npartitions)

    # -- reading -------------------------------------------------------------
    @property
    def doc_ids(self) -> tuple[str, ...]:
        return self.docvars.doc_ids

    @property
    def metas(self) -> tuple[Mapping[str, Any], ...]:
        return self.docvars.metas

    @property
    def tokens(self) -> tuple[tuple[Token, ...], ...]:
        """Per document, a tuple of :class:`Token` (built on each access)."""
        return tuple(self._doc(i) for i in range(len(self)))

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    def lengths(self) -> np.ndarray:
        """Tokens per document (``int64`` array)."""
        import numpy as np

        return np.diff(self.bounds)

    def doc_index(self) -> np.ndarray:
        """For each token, the position of its document (``int64`` array)."""
        import numpy as np

        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.bounds))

    def type_array(self) -> np.ndarray:
        """The vocabulary as a numpy object array (``type_array()[ids]`` gives the token strings)."""
        import numpy as np

        arr = np.empty(len(self.types), dtype=object)
        arr[:] = self.types
        return arr

    def _doc(self, i: int) -> tuple[Token, ...]:
        a, b = int(self.bounds[i]), int(self.bounds[i + 1])
        types = self.types
        words = [types[k] for k in self.ids[a:b].tolist()]
        if self.pos_ids is None:
            return tuple(map(Token, words, self.starts[a:b].tolist(), self.ends[a:b].tolist()))
        tags = [None if k < 0 else self.pos_types[k] for k in self.pos_ids[a:b].tolist()]  # type: ignore[index]
        return tuple(map(Token, words, self.starts[a:b].tolist(), self.ends[a:b].tolist(), tags))

    def __len__(self) -> int:
        return len(self.docvars)

    def __iter__(self) -> Iterator[tuple[Token, ...]]:
        return (self._doc(i) for i in range(len(self)))

    def __getitem__(self, key: int | str) -> tuple[Token, ...]:
        if isinstance(key, str):
            return self._doc(self.docvars.position(key))
        if isinstance(key, int) and not isinstance(key, bool):
            return self._doc(check_position("key", key, len(self)))
        raise InputTypeError(describe("key", key, "cannot index Tokens", accepted="int position or str doc_id"))

    def __repr__(self) -> str:
        return f"Tokens({len(self)} documents, {self.n_tokens} tokens, {len(self.types)} types)"

    def __eq__(self, other: object) -> bool:
        import numpy as np

        if not isinstance(other, Tokens):
            return NotImplemented
        if self.docvars != other.docvars or self.texts != other.texts or not np.array_equal(self.bounds, other.bounds):
            return False
        if not (np.array_equal(self.starts, other.starts) and np.array_equal(self.ends, other.ends)):
            return False
        if self.types == other.types:
            same = np.array_equal(self.ids, other.ids)
        else:
            same = bool((self.type_array()[self.ids] == other.type_array()[other.ids]).all())
        return same and _tags(self) == _tags(other)

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> dict[str, Any]:
        # params is a mappingproxy, which plain pickle refuses: it travels as a dict and is frozen again
        return {**{name: getattr(self, name) for name in self.__slots__}, "params": thaw(self.params)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._set(*(state[name] for name in self.__slots__[:-1]), state["params"])

    def words(self) -> list[list[str]]:
        """Per document, the token strings."""
        flat = self.type_array()[self.ids].tolist()
        b = self.bounds.tolist()
        return [flat[b[i]:b[i + 1]] for i in range(len(self))]

    def fields(self) -> list[str]:
        """Metadata keys present in any document, in first-seen order."""
        return self.docvars.fields()

    def group_values(self, by: str) -> list[Any]:
        """The value of metadata field ``by`` for each document (``None`` where missing)."""
        return self.docvars.values(by)

    def to_corpus(self) -> Corpus:
        from ..corpus import Document

        return Corpus(Document(i, t, m) for i, t, m in zip(self.doc_ids, self.texts, self.metas))

    def to_dataframe(self) -> pd.DataFrame:
        """Long format: one row per token with ``doc_id``, ``position``, ``token``, ``start``, ``end``, ``pos``.

        Write it out with ``tokens.to_dataframe().to_csv(path, index=False)``.
        """
        from .tokenstats import token_frame

        return token_frame(self)

    # -- analyses (on the arrays; see tokenstats) ----------------------------------
    def kwic(self, pattern: str, *, window: int = 5, match: str = "word", regex: bool = False) -> pd.DataFrame:
        """Keywords in context: every token (or run of tokens) matching ``pattern`` with its neighbours.

        Examples:
            >>> toks = Tokens(["a"], ["坚持四个认同"], [{}], [[Token("坚持", 0, 2), Token("四个认同", 2, 6)]])
            >>> toks.kwic("认同", match="substring")[["left", "keyword"]].values.tolist()
            [['坚持', '四个认同']]

        Args:
            pattern: what to look for, read according to ``match``.
            window: how many tokens of context on each side.
            match: ``"word"`` (a token equal to ``pattern``), ``"substring"`` (a token that
                contains ``pattern``: ``"认同"`` finds ``四个认同``), ``"phrase"`` (consecutive
                tokens equal to the words of ``pattern`` written with spaces: ``"凝聚 共识"``),
                ``"regex"`` (a regular expression that must match a whole token).
            regex: the same as ``match="regex"`` (kept for older code).

        Returns:
            DataFrame with columns ``doc_id``, ``start``, ``end`` (offsets of the
            keyword in the source text), ``left``, ``keyword``, ``right``. The three
            text columns are slices of the source text, so
            ``text[start:end] == keyword`` and ``left``/``right`` end and start
            at the keyword; context keeps punctuation that was dropped as tokens.
            Export it with ``.to_csv(path, index=False)``.

        Raises:
            InputTypeError: ``pattern`` is not a non-empty str.
            UnknownNameError: unknown ``match``.
            InvalidArgumentError: ``window`` is negative or the regex is invalid.
        """
        from .tokenstats import kwic

        return kwic(self, pattern, window=window, match="regex" if check_bool("regex", regex) else match)

    def frequencies(self, *, by: str | None = None) -> pd.DataFrame:
        """Token counts, overall or per group of documents.

        Args:
            by: a metadata field (or ``"doc_id"``) to count within; ``None`` for the whole corpus.

        Returns:
            DataFrame with columns ``[by,] token, count, docs, share``: ``docs`` is
            the number of documents the token occurs in, ``share`` its count over
            all tokens (of the group). Sorted by group, count descending, token.
        """
        from .tokenstats import frequencies

        return frequencies(self, by=by)

    def collocations(self, *, min_count: int = 5, measure: str = "npmi", window: int = 1) -> pd.DataFrame:
        """Pairs of tokens that occur together more often than chance.

        A pair ``(first, second)`` is counted each time ``second`` follows
        ``first`` within ``window`` tokens in the same document (``window=1``:
        adjacent tokens). Tokens dropped by :func:`consensus_nlp.tokenize`
        (punctuation, stopwords) are not there, so pairs can span them.

        Args:
            min_count: keep pairs seen at least this many times.
            measure: ``"npmi"`` (normalized PMI, in [-1, 1]), ``"pmi"`` (log2) or
                ``"g2"`` (Dunning's log-likelihood ratio).
            window: how many following tokens pair with each token.

        Returns:
            DataFrame with columns ``first``, ``second``, ``count`` and the
            measure, sorted by the measure (descending), then count, first, second.

        Raises:
            UnknownNameError: unknown ``measure``.
            InvalidArgumentError: ``min_count`` or ``window`` below 1.
        """
        from .tokenstats import collocations

        return collocations(self, min_count=min_count, measure=measure, window=window)

    def ngrams(self, n: int, *, sep: str = "") -> Tokens:
        """Runs of ``n`` consecutive tokens as new tokens (joined with ``sep``).

        Each n-gram spans from the start of its first token to the end of its
        last one; documents shorter than ``n`` tokens get no n-grams.

        Returns:
            A new :class:`Tokens` with the same documents and the same ``docvars`` object.
        """
        from .tokenstats import ngram_columns

        check_int("n", n, minimum=1, maximum=2**31 - 1)
        if not isinstance(sep, str):
            raise InputTypeError(describe("sep", sep, "is not a str", accepted="a separator such as '' or '_'"))
        # no document has more tokens than all of them: a longer n gives no n-grams (and no huge windows)
        types, ids, starts, ends, bounds = ngram_columns(self, min(n, len(self.ids) + 1), sep)
        return self._derive(ids, starts, ends, bounds, None, types=types,
                            params={**self.params, "ngrams": n, "ngram_sep": sep})

    def select(self, doc_ids: Sequence[str]) -> Tokens:
        """A new :class:`Tokens` with only the documents ``doc_ids``, in that order.

        Its ``docvars`` is a new table over the same metadata objects (or this
        very object when the selection is every document in order).
        """
        import numpy as np

        if isinstance(doc_ids, str):
            raise InputTypeError(describe("doc_ids", doc_ids, "is a single string", accepted="a list of doc_ids",
                                          todo="Wrap it in a list."))
        if not isinstance(doc_ids, Iterable) or isinstance(doc_ids, bytes):
            raise InputTypeError(describe("doc_ids", doc_ids, "is not a list of doc_ids", accepted="a list of doc_ids"))
        rows = [self.docvars.position(d, argument="doc_ids") for d in doc_ids]
        if rows == list(range(len(self))):
            return self
        take = np.asarray(rows, dtype=np.int64)
        firsts = self.bounds[:-1][take] if len(take) else np.zeros(0, dtype=np.int64)
        lengths = (self.bounds[1:][take] - firsts) if len(take) else np.zeros(0, dtype=np.int64)
        bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        index = np.repeat(firsts - bounds[:-1], lengths) + np.arange(bounds[-1], dtype=np.int64)
        return self._derive(self.ids[index], self.starts[index], self.ends[index], bounds,
                            None if self.pos_ids is None else self.pos_ids[index],
                            docvars=self.docvars.take(rows), texts=[self.texts[i] for i in rows])

    def filter(self, keep: Callable[[Token], bool] | None = None, *, min_chars: int = 1) -> Tokens:
        """A new :class:`Tokens` with only the tokens of at least ``min_chars`` characters that pass ``keep``.

        Examples:
            >>> toks = Tokens(["a"], ["在基层协商中"], [{}], [[Token("在", 0, 1), Token("基层协商", 1, 5), Token("中", 5, 6)]])
            >>> toks.filter(min_chars=2).words()
            [['基层协商']]

        The length test runs once per vocabulary type; ``keep`` (optional) is called
        with a :class:`Token` for each token that passes it, so it is the slow part.
        Offsets, the vocabulary and the ``docvars`` object are shared; ``params``
        records ``min_chars`` (and that a custom predicate was applied).
        """
        import numpy as np

        check_int("min_chars", min_chars, minimum=1)
        if keep is not None and not callable(keep):
            raise InputTypeError(describe("keep", keep, "is not callable", accepted="a function Token -> bool, or None"))
        long_enough = np.fromiter(map(len, self.types), dtype=np.int64, count=len(self.types)) >= min_chars
        mask = long_enough[self.ids] if len(self.types) else np.zeros(0, dtype=bool)
        if keep is not None:
            for j in np.flatnonzero(mask).tolist():
                tag = None if self.pos_ids is None or self.pos_ids[j] < 0 else self.pos_types[self.pos_ids[j]]  # type: ignore[index]
                mask[j] = bool(keep(Token(self.types[self.ids[j]], int(self.starts[j]), int(self.ends[j]), tag)))
        params = {**self.params, "min_chars": min_chars}
        if keep is not None:
            params["filter"] = getattr(keep, "__qualname__", "custom predicate")
        bounds = np.concatenate([[0], np.cumsum(mask)]).astype(np.int64)[self.bounds]
        return self._derive(self.ids[mask], self.starts[mask], self.ends[mask], bounds,
                            None if self.pos_ids is None else self.pos_ids[mask], params=params)

    def to_gensim(self) -> tuple[Dictionary, list[list[tuple[int, int]]]]:
        """A gensim ``Dictionary`` and one bag of words per document.

        Token ids follow the sorted order of the token strings, so they do not
        depend on document order or on the Python process.

        Returns:
            ``(dictionary, bows)`` where ``bows[i]`` is a list of ``(token_id, count)``.
        """
        from .tokenstats import gensim_bows

        return gensim_bows(self)


def _tags(tokens: Tokens) -> list[str | None] | None:
    if tokens.pos_ids is None:
        return None
    tags = [None if k < 0 else tokens.pos_types[k] for k in tokens.pos_ids.tolist()]  # type: ignore[index]
    return tags if any(t is not None for t in tags) else None
