"""Tokens: per-document token lists with character offsets and the documents' metadata.

This is the hand-off between segmentation and every later stage (document-term
matrices, emphasis, topics). Offsets (``Token.start``/``Token.end``) point into
the document text as the user gave it, so ``text[t.start:t.end] == t.text`` for
every token.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from .corpus import Corpus, _freeze
from .errors import InputTypeError, InvalidArgumentError, UnknownNameError, describe

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Token", "Tokens"]


class Token(NamedTuple):
    """One token: its text and its ``[start, end)`` character span in the source text."""

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
        self.metas: tuple[Mapping[str, Any], ...] = tuple(_freeze(dict(m)) for m in metas)
        self.tokens: tuple[tuple[Token, ...], ...] = tuple(tuple(t) for t in tokens)
        self.params: Mapping[str, Any] = _freeze(dict(params or {}))

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
        seen: dict[str, None] = {}
        for m in self.metas:
            seen.update(dict.fromkeys(m))
        return list(seen)

    def group_values(self, by: str) -> list[Any]:
        """The value of metadata field ``by`` for each document (``None`` where missing)."""
        if by == "doc_id":
            return list(self.doc_ids)
        if self.metas and not any(by in m for m in self.metas):
            raise UnknownNameError(describe("by", by, "is not a metadata field", accepted=["doc_id", *self.fields()]))
        return [m.get(by) for m in self.metas]

    def to_corpus(self) -> Corpus:
        from .corpus import Document

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
