"""Tokens: per-document token lists with character offsets and the documents' metadata.

This is the hand-off between segmentation and every later stage (document-term
matrices, emphasis, topics). Offsets (``Token.start``/``Token.end``) point into
the document text as the user gave it. ``Token.text`` is the normalized form
(see :mod:`consensus_nlp.normalization`), so ``text[t.start:t.end] == t.text``
except where normalization changed characters (``２０２１`` -> ``2021``,
``⼀`` -> ``一``).

Besides holding tokens, :class:`Tokens` offers the first analyses a researcher
runs on them: keywords in context (:meth:`Tokens.kwic`), frequencies,
collocations, n-grams, and hand-offs to pandas and gensim.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..corpus import Corpus, freeze, metadata_fields, metadata_values
from ..errors import InputTypeError, InvalidArgumentError, UnknownNameError, describe

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from gensim.corpora import Dictionary

_MEASURES = ("npmi", "pmi", "g2")

__all__ = ["Token", "Tokens"]


class Token(NamedTuple):
    """One token: its (normalized) text, its ``[start, end)`` span in the source text, its POS tag if asked for."""

    text: str
    start: int
    end: int
    pos: str | None = None


class Tokens:
    """Tokens of every document of a corpus, with the documents' ids, texts and metadata.

    Attributes:
        doc_ids: document ids, in corpus order.
        texts: the source texts the offsets point into.
        metas: the documents' metadata (read-only mappings).
        tokens: per document, a tuple of :class:`Token`.
        params: how the tokens were made (segmenter, lexicon hash, stopwords), for the record.
    """

    __slots__ = ("doc_ids", "texts", "metas", "tokens", "params")

    def __init__(
        self,
        doc_ids: Sequence[str],
        texts: Sequence[str],
        metas: Sequence[Mapping[str, Any]],
        tokens: Sequence[Sequence[Token]],
        *,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        if not (len(doc_ids) == len(texts) == len(metas) == len(tokens)):
            raise InvalidArgumentError(
                describe("tokens", len(tokens), "does not match the number of documents",
                         accepted=f"{len(doc_ids)} token lists, one per document")
            )
        self.doc_ids: tuple[str, ...] = tuple(doc_ids)
        self.texts: tuple[str, ...] = tuple(texts)
        self.metas: tuple[Mapping[str, Any], ...] = tuple(freeze(dict(m)) for m in metas)
        self.tokens: tuple[tuple[Token, ...], ...] = tuple(tuple(t) for t in tokens)
        self.params: Mapping[str, Any] = freeze(dict(params or {}))

    def __len__(self) -> int:
        return len(self.doc_ids)

    def __iter__(self) -> Iterator[tuple[Token, ...]]:
        return iter(self.tokens)

    def __getitem__(self, key: int | str) -> tuple[Token, ...]:
        if isinstance(key, str):
            try:
                return self.tokens[self.doc_ids.index(key)]
            except ValueError:
                raise UnknownNameError(describe("doc_id", key, "is not in these tokens", accepted=list(self.doc_ids[:10]))) from None
        if isinstance(key, int):
            return self.tokens[key]
        raise InputTypeError(describe("key", key, "cannot index Tokens", accepted="int position or str doc_id"))

    def __repr__(self) -> str:
        n = sum(len(t) for t in self.tokens)
        return f"Tokens({len(self)} documents, {n} tokens)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tokens):
            return NotImplemented
        return (self.doc_ids, self.texts, self.tokens) == (other.doc_ids, other.texts, other.tokens) and [
            dict(m) for m in self.metas
        ] == [dict(m) for m in other.metas]

    __hash__ = None  # type: ignore[assignment]

    @property
    def n_tokens(self) -> int:
        return sum(len(t) for t in self.tokens)

    def words(self) -> list[list[str]]:
        """Per document, the token strings."""
        return [[t.text for t in doc] for doc in self.tokens]

    def fields(self) -> list[str]:
        """Metadata keys present in any document, in first-seen order."""
        return metadata_fields(self.metas)

    def group_values(self, by: str) -> list[Any]:
        """The value of metadata field ``by`` for each document (``None`` where missing)."""
        return metadata_values(self.doc_ids, self.metas, by)

    def to_corpus(self) -> Corpus:
        from ..corpus import Document

        return Corpus(Document(i, t, m) for i, t, m in zip(self.doc_ids, self.texts, self.metas))

    def to_dataframe(self) -> pd.DataFrame:
        """Long format: one row per token with ``doc_id``, ``position``, ``token``, ``start``, ``end``, ``pos``."""
        import pandas as pd

        rows = [
            (doc_id, i, t.text, t.start, t.end, t.pos)
            for doc_id, toks in zip(self.doc_ids, self.tokens)
            for i, t in enumerate(toks)
        ]
        return pd.DataFrame(rows, columns=["doc_id", "position", "token", "start", "end", "pos"])

    # -- analyses ------------------------------------------------------------
    def kwic(self, pattern: str, *, window: int = 5, regex: bool = False) -> pd.DataFrame:
        """Keywords in context: every token matching ``pattern`` with its neighbours.

        Args:
            pattern: a token (exact match on the normalized token text) or, with
                ``regex=True``, a regular expression that must match a whole token.
            window: how many tokens of context on each side.
            regex: treat ``pattern`` as a regular expression.

        Returns:
            DataFrame with columns ``doc_id``, ``start``, ``end`` (offsets of the
            keyword in the source text), ``left``, ``keyword``, ``right``. The three
            text columns are slices of the source text, so
            ``text[start:end] == keyword`` and ``left``/``right`` end and start
            at the keyword; context keeps punctuation that was dropped as tokens.

        Raises:
            InputTypeError: ``pattern`` is not a str.
            InvalidArgumentError: ``window`` is negative or the regex is invalid.
        """
        import pandas as pd

        if not isinstance(pattern, str) or not pattern:
            raise InputTypeError(describe("pattern", pattern, "is not a non-empty str", accepted="a token or a regex"))
        _check_int("window", window, minimum=0)
        if regex:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise InvalidArgumentError(describe("pattern", pattern, f"is not a valid regex ({exc})")) from None

            def match(word: str) -> bool:
                return compiled.fullmatch(word) is not None
        else:
            def match(word: str) -> bool:
                return word == pattern
        rows = []
        for doc_id, text, toks in zip(self.doc_ids, self.texts, self.tokens):
            for i, tok in enumerate(toks):
                if not match(tok.text):
                    continue
                left_start = toks[max(0, i - window)].start if window else tok.start
                right_end = toks[min(len(toks) - 1, i + window)].end if window else tok.end
                rows.append((doc_id, tok.start, tok.end, text[left_start:tok.start], text[tok.start:tok.end],
                             text[tok.end:right_end]))
        return pd.DataFrame(rows, columns=["doc_id", "start", "end", "left", "keyword", "right"])

    def frequencies(self, *, by: str | None = None) -> pd.DataFrame:
        """Token counts, overall or per group of documents.

        Args:
            by: a metadata field (or ``"doc_id"``) to count within; ``None`` for the whole corpus.

        Returns:
            DataFrame with columns ``[by,] token, count, docs, share``: ``docs`` is
            the number of documents the token occurs in, ``share`` its count over
            all tokens (of the group). Sorted by group, count descending, token.
        """
        import pandas as pd

        groups = self.group_values(by) if by is not None else [None] * len(self)
        counts: dict[Any, Counter[str]] = {}
        docs: dict[Any, Counter[str]] = {}
        order: list[Any] = []
        for g, toks in zip(groups, self.tokens):
            if g not in counts:
                counts[g], docs[g] = Counter(), Counter()
                order.append(g)
            words = [t.text for t in toks]
            counts[g].update(words)
            docs[g].update(set(words))
        rows = []
        for g in order:
            total = sum(counts[g].values())
            for word, n in sorted(counts[g].items(), key=lambda kv: (-kv[1], kv[0])):
                rows.append((g, word, n, docs[g][word], n / total))
        frame = pd.DataFrame(rows, columns=["__group__", "token", "count", "docs", "share"])
        if by is None:
            return frame.drop(columns="__group__")
        return frame.rename(columns={"__group__": by})

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
        import pandas as pd

        if measure not in _MEASURES:
            raise UnknownNameError(describe("measure", measure, "is not a known association measure", accepted=_MEASURES))
        _check_int("min_count", min_count, minimum=1)
        _check_int("window", window, minimum=1)
        pairs: Counter[tuple[str, str]] = Counter()
        for toks in self.tokens:
            words = [t.text for t in toks]
            for i, a in enumerate(words):
                for b in words[i + 1:i + 1 + window]:
                    pairs[(a, b)] += 1
        n = sum(pairs.values())
        first: Counter[str] = Counter()
        second: Counter[str] = Counter()
        for (a, b), c in pairs.items():
            first[a] += c
            second[b] += c
        rows = []
        for (a, b), c in pairs.items():
            if c < min_count:
                continue
            rows.append((a, b, c, _association(measure, c, first[a], second[b], n)))
        rows.sort(key=lambda r: (-round(r[3], 9), -r[2], r[0], r[1]))  # rounding: ties stay ties
        return pd.DataFrame(rows, columns=["first", "second", "count", measure])

    def ngrams(self, n: int, *, sep: str = "") -> Tokens:
        """Runs of ``n`` consecutive tokens as new tokens (joined with ``sep``).

        Each n-gram spans from the start of its first token to the end of its
        last one; documents shorter than ``n`` tokens get no n-grams.

        Returns:
            A new :class:`Tokens` with the same documents and metadata.
        """
        _check_int("n", n, minimum=1)
        grams = [
            [Token(sep.join(t.text for t in toks[i:i + n]), toks[i].start, toks[i + n - 1].end) for i in
             range(len(toks) - n + 1)]
            for toks in self.tokens
        ]
        return Tokens(self.doc_ids, self.texts, self.metas, grams, params={**self.params, "ngrams": n, "ngram_sep": sep})

    def select(self, doc_ids: Sequence[str]) -> Tokens:
        """A new :class:`Tokens` with only the documents ``doc_ids``, in that order."""
        if isinstance(doc_ids, str):
            raise InputTypeError(describe("doc_ids", doc_ids, "is a single string", accepted="a list of doc_ids",
                                          todo="Wrap it in a list."))
        positions = {d: i for i, d in enumerate(self.doc_ids)}
        missing = [d for d in doc_ids if d not in positions]
        if missing:
            raise UnknownNameError(describe("doc_ids", missing[0], "is not in these tokens", accepted=list(self.doc_ids[:10])))
        rows = [positions[d] for d in doc_ids]
        return Tokens([self.doc_ids[i] for i in rows], [self.texts[i] for i in rows], [self.metas[i] for i in rows],
                      [self.tokens[i] for i in rows], params=self.params)

    def filter(self, keep: Callable[[Token], bool] | None = None, *, min_chars: int = 1) -> Tokens:
        """A new :class:`Tokens` with only the tokens of at least ``min_chars`` characters that pass ``keep``.

        Examples:
            >>> toks = Tokens(["a"], ["在基层协商中"], [{}], [[Token("在", 0, 1), Token("基层协商", 1, 5), Token("中", 5, 6)]])
            >>> toks.filter(min_chars=2).words()
            [['基层协商']]

        Offsets and metadata are unchanged; ``params`` records ``min_chars`` (and
        that a custom predicate was applied).
        """
        _check_int("min_chars", min_chars, minimum=1)
        if keep is not None and not callable(keep):
            raise InputTypeError(describe("keep", keep, "is not callable", accepted="a function Token -> bool, or None"))
        kept = [
            [t for t in toks if len(t.text) >= min_chars and (keep is None or keep(t))]
            for toks in self.tokens
        ]
        params = {**self.params, "min_chars": min_chars}
        if keep is not None:
            params["filter"] = getattr(keep, "__qualname__", "custom predicate")
        return Tokens(self.doc_ids, self.texts, self.metas, kept, params=params)

    def to_gensim(self) -> tuple[Dictionary, list[list[tuple[int, int]]]]:
        """A gensim ``Dictionary`` and one bag of words per document.

        Token ids follow the sorted order of the token strings, so they do not
        depend on document order or on the Python process.

        Returns:
            ``(dictionary, bows)`` where ``bows[i]`` is a list of ``(token_id, count)``.
        """
        from gensim.corpora import Dictionary

        words = self.words()
        dictionary = Dictionary()
        dictionary.token2id = {w: i for i, w in enumerate(sorted({w for doc in words for w in doc}))}
        bows = [dictionary.doc2bow(doc, allow_update=True) for doc in words]
        return dictionary, bows


def _check_int(name: str, value: object, *, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise InvalidArgumentError(describe(name, value, "is not an integer in range", accepted=f"an int >= {minimum}"))


def _association(measure: str, c: int, c1: int, c2: int, n: int) -> float:
    """Association of a pair seen ``c`` times, first word ``c1`` times, second ``c2``, among ``n`` pairs."""
    if measure in ("pmi", "npmi"):
        pmi = math.log2(c * n / (c1 * c2))
        if measure == "pmi":
            return pmi
        p = c / n
        return 1.0 if p == 1 else pmi / -math.log2(p)
    # Dunning's G2 over the 2x2 table of (first == a) x (second == b)
    observed = (c, c1 - c, c2 - c, n - c1 - c2 + c)
    expected = (c1 * c2 / n, c1 * (n - c2) / n, (n - c1) * c2 / n, (n - c1) * (n - c2) / n)
    return 2.0 * sum(o * math.log(o / e) for o, e in zip(observed, expected) if o > 0)
