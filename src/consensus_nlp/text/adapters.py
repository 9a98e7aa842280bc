"""A user's tokenizer (a callable ``text -> [(word, start, end), ...]``) plugged into :func:`~consensus_nlp.tokenize`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..errors import InvalidArgumentError, describe
from .columns import Columns
from .tokens import Token

__all__ = ["segment_with_callable", "callable_name"]


def callable_name(tokenizer: Callable[..., Any]) -> str:
    """The name a tokenizer is recorded under (its qualified name, or its class's)."""
    return getattr(tokenizer, "__qualname__", type(tokenizer).__qualname__)


def segment_with_callable(tokenizer: Callable[[str], Iterable[tuple[str, int, int]]], texts: Iterable[str],
                           rule: tuple[frozenset[str], bool, bool]) -> Columns:
    """Columns from a user's tokenizer, checking that its spans lie in the text, in order, without overlap."""
    cols = Columns(*rule)
    name = callable_name(tokenizer)
    for text in texts:
        tokens, at = [], 0
        items = tokenizer(text)
        if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):  # None, an int, a bare string
            raise InvalidArgumentError(describe("segmenter", name, f"returned {items!r:.80}, not an iterable of tuples",
                                                accepted="a callable text -> [(word, start, end), ...]"))
        for item in items:
            if (not isinstance(item, tuple) or len(item) != 3 or not isinstance(item[0], str)
                    or not all(isinstance(x, int) and not isinstance(x, bool) for x in item[1:])):
                raise InvalidArgumentError(describe("segmenter", name, f"returned {item!r}, not a (word, start, end) tuple",
                                                    accepted="tuples (str, int, int) with text[start:end] the word's span"))
            word, start, end = item
            if not at <= start < end <= len(text) or not word or word.isspace():
                raise InvalidArgumentError(describe(
                    "segmenter", name, f"returned the span ({start}, {end}) for {word!r} in a text of {len(text)} "
                    f"characters after a token ending at {at}",
                    accepted="non-empty words with spans in order, inside the text, not overlapping"))
            tokens.append(Token(word, start, end))
            at = end
        cols.add_tokens(tokens, len(text))
        cols.end_document(len(text))
    return cols
