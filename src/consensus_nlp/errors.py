"""Errors raised by consensus-nlp.

Every error is a :class:`ConsensusNLPError` and also an instance of the builtin
exception a caller would expect (``ValueError``, ``TypeError``, ``LookupError``,
``UnicodeError``), so ``except ValueError`` keeps working in user code.

Messages follow one pattern, built by :func:`describe`: they name the argument,
show the value, list what is accepted and say what to do::

    UnknownNameError: lexicon='polit' is not a known lexicon; accepted: 'political', 'none'.
    Pass one of those names or a path to a jieba user-dict file.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "ConsensusNLPError",
    "InvalidArgumentError",
    "InputTypeError",
    "UnknownNameError",
    "EncodingDetectionError",
    "EmptyInputError",
    "LayoutError",
    "EmptyVocabularyError",
    "ModelInputError",
    "MissingDependencyError",
    "describe",
]


def _short(value: object, limit: int = 120) -> str:
    """``repr(value)``, shortened in the middle so that the end of a long path stays visible."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit // 3] + "…" + text[-(2 * limit // 3) :]


def describe(
    argument: str,
    value: object,
    problem: str,
    *,
    accepted: str | Iterable[object] | None = None,
    todo: str | None = None,
) -> str:
    """Build an error message that names the argument, the value, what is accepted and what to do.

    Examples:
        >>> describe("k", 1, "is too small", accepted="an integer >= 2", todo="Ask for at least two topics.")
        'k=1 is too small; accepted: an integer >= 2. Ask for at least two topics.'
    """
    message = f"{argument}={_short(value)} {problem}"
    if accepted is not None:
        if not isinstance(accepted, str):
            accepted = ", ".join(repr(a) for a in accepted)
        message += f"; accepted: {accepted}"
    message += "."
    if todo:
        message += f" {todo}"
    return message


class ConsensusNLPError(Exception):
    """Base class of every error raised on purpose by consensus-nlp."""


class InvalidArgumentError(ConsensusNLPError, ValueError):
    """An argument has the right type but a value outside what is accepted."""


class InputTypeError(ConsensusNLPError, TypeError):
    """An argument has the wrong type (for example a bare ``str`` where documents are expected)."""


class UnknownNameError(ConsensusNLPError, LookupError):
    """A name (corpus, lexicon, stopword list, theme set, engine, document id) is not known."""


class EncodingDetectionError(ConsensusNLPError, UnicodeError):
    """Bytes could not be decoded with any of the encodings that were tried."""


class EmptyInputError(ConsensusNLPError, ValueError):
    """The input holds no text to work on (an empty file, a page with only blank lines)."""


class LayoutError(ConsensusNLPError, ValueError):
    """A newspaper page could not be split into speeches."""


class EmptyVocabularyError(ConsensusNLPError, ValueError):
    """Pruning or stopword removal left no terms."""


class ModelInputError(ConsensusNLPError, ValueError):
    """A model was given data it cannot fit (too few documents, TF-IDF weights to LDA, k too large)."""


class MissingDependencyError(ConsensusNLPError, ImportError):
    """An optional package that the requested feature needs is not installed (OpenCC, pyLDAvis)."""
