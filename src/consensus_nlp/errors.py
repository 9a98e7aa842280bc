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

import math
from collections.abc import Iterable
from typing import Any, TypeVar

T = TypeVar("T")
#: the largest float; a Python int beyond it cannot be converted (OverflowError)
FLOAT_MAX = 1.7976931348623157e308

__all__ = [
    "ConsensusNLPError",
    "InvalidArgumentError",
    "InputTypeError",
    "UnknownNameError",
    "EncodingDetectionError",
    "EmptyInputError",
    "NoFilesError",
    "missing_extra",
    "LayoutError",
    "EmptyVocabularyError",
    "ModelInputError",
    "MissingDependencyError",
    "InputPathError",
    "PositionError",
    "describe",
    "check_choice",
    "check_int",
    "check_float",
    "check_bool",
    "check_random_state",
    "check_position",
    "check_name",
    "check_path",
    "is_finite_number",
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


class InputPathError(ConsensusNLPError, FileNotFoundError):
    """An input path does not lead to a readable file: missing, a folder, a dangling link, a device."""


class NoFilesError(EmptyInputError, InputPathError):
    """A folder, a glob or a list of paths named no file (an :class:`EmptyInputError` and an :class:`InputPathError`)."""


def missing_extra(package: str, extra: str, *, needed_for: str) -> MissingDependencyError:
    """The error for an optional package that is not installed, saying which extra installs it.

    Examples:
        >>> str(missing_extra("dask", "dask", needed_for="processing by partitions"))
        'The optional package dask is not installed (processing by partitions needs it). Install it: pip install "consensus-nlp[dask]".'
    """
    return MissingDependencyError(f"The optional package {package} is not installed ({needed_for} needs it). "
                                  f'Install it: pip install "consensus-nlp[{extra}]".')
class PositionError(ConsensusNLPError, IndexError):
    """A position (of a document, a row) outside the collection: ``corpus[5]`` on 3 documents."""


def check_position(argument: str, position: Any, length: int, *, what: str = "documents") -> int:
    """``position`` as an index in ``[0, length)`` (negative counts from the end); else :class:`PositionError`."""
    if _is_numpy_real(position) and float(position).is_integer():  # numpy integers (and np.float64(2.0): no)
        position = int(position) if not isinstance(position, float) else position
    if not isinstance(position, int) or isinstance(position, bool):
        raise InputTypeError(describe(argument, position, "is not a position", accepted="an int"))
    if not -length <= position < length:
        raise PositionError(describe(argument, position, f"is out of range for {length} {what}",
                                     accepted=f"an int from {-length} to {length - 1}" if length else "no position (empty)"))
    return position % length


# -- shared argument checks ---------------------------------------------------
# One declaration of what a parameter accepts, checked once at the API boundary,
# with the same message shape everywhere (scikit-learn's validate_params, simplified).


def check_choice(argument: str, value: Any, choices: Iterable[T], *, what: str = "a known option",
                 todo: str | None = None) -> T:
    """Return ``value`` if it is one of ``choices``; else raise :class:`UnknownNameError` listing them.

    Examples:
        >>> check_choice("engine", "gensim", ("tomotopy", "gensim", "sklearn"))
        'gensim'
    """
    options = tuple(choices)
    try:
        ok = bool(value in options)
    except (TypeError, ValueError):  # unhashable values; arrays, whose == is elementwise
        ok = False
    if not ok:
        raise UnknownNameError(describe(argument, value, f"is not {what}", accepted=options, todo=todo))
    return value


def check_int(argument: str, value: Any, *, minimum: int | None = None, maximum: int | None = None,
              allow_none: bool = False, todo: str | None = None) -> Any:
    """Return ``value`` if it is an ``int`` (not a bool) within ``[minimum, maximum]``.

    numpy integers are accepted and returned as ``int``.

    Examples:
        >>> check_int("k", 5, minimum=2)
        5
    """
    if value is None and allow_none:
        return None
    try:
        import numpy as np  # numpy is a dependency; only its integer types are accepted here

        if isinstance(value, np.integer):
            value = int(value)
    except ImportError:  # pragma: no cover
        pass
    bounds = _bounds(minimum, maximum)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgumentError(describe(argument, value, "is not an integer",
                                            accepted=f"an int {bounds}" + (" or None" if allow_none else ""), todo=todo))
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise InvalidArgumentError(describe(argument, value, "is out of range", accepted=f"an int {bounds}", todo=todo))
    return value


def check_float(argument: str, value: Any, *, minimum: float | None = None, maximum: float | None = None,
                exclusive_minimum: bool = False, exclusive_maximum: bool = False, allow_none: bool = False,
                todo: str | None = None) -> Any:
    """Return ``float(value)`` if it is a finite real number within the bounds (NaN and infinities are refused).

    Examples:
        >>> check_float("level", 0.95, minimum=0, maximum=1, exclusive_minimum=True, exclusive_maximum=True)
        0.95
    """
    if value is None and allow_none:
        return None
    low = "" if minimum is None else ("> " if exclusive_minimum else ">= ") + f"{minimum:g}"
    high = "" if maximum is None else ("< " if exclusive_maximum else "<= ") + f"{maximum:g}"
    accepted = "a finite number" + (f" {low}" if low else "") + (" and" if low and high else "") + (f" {high}" if high else "")
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not _is_numpy_real(value):
        raise InvalidArgumentError(describe(argument, value, "is not a number", accepted=accepted, todo=todo))
    if isinstance(value, int) and not -FLOAT_MAX <= value <= FLOAT_MAX:  # compared as ints: float() would overflow
        raise InvalidArgumentError(describe(argument, value, "is out of range", accepted=accepted, todo=todo))
    number = float(value)
    if not math.isfinite(number):
        raise InvalidArgumentError(describe(argument, value, "is not finite", accepted=accepted, todo=todo))
    if minimum is not None and (number < minimum or (exclusive_minimum and number == minimum)):
        raise InvalidArgumentError(describe(argument, value, "is out of range", accepted=accepted, todo=todo))
    if maximum is not None and (number > maximum or (exclusive_maximum and number == maximum)):
        raise InvalidArgumentError(describe(argument, value, "is out of range", accepted=accepted, todo=todo))
    return number


def check_bool(argument: str, value: Any) -> bool:
    """Return ``value`` if it is a ``bool``; refuse truthy stand-ins such as ``"no"`` or ``1``."""
    if not isinstance(value, bool):
        raise InvalidArgumentError(describe(argument, value, "is not a bool", accepted="True or False"))
    return value


def check_random_state(value: Any, argument: str = "random_state") -> int:
    """Return a seed usable by every engine: an int in ``[0, 2**31 - 1]``.

    ``None`` is refused: results must be reproducible, so a seed is always named.
    """
    if value is None:
        raise InvalidArgumentError(describe(argument, value, "is not a seed", accepted="an int from 0 to 2147483647",
                                            todo="Pass a fixed seed such as random_state=0."))
    return check_int(argument, value, minimum=0, maximum=2**31 - 1)


def check_name(argument: str, value: Any, *, accepted: Iterable[object] | str | None = None,
               allow_none: bool = False) -> Any:
    """Return ``value`` if it is a ``str`` (a field, column or option name); else :class:`InputTypeError`."""
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise InputTypeError(describe(argument, value, "is not a name", accepted=accepted if accepted is not None else "a str"))
    return value


def check_path(argument: str, path: Any) -> Any:
    """Return ``path`` if it is a str or ``os.PathLike`` the file system can take (no NUL, no lone surrogate)."""
    import os

    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise InputTypeError(describe(argument, path, "is not a path", accepted="str or os.PathLike"))
    try:
        encoded = os.fsencode(path)
    except (UnicodeEncodeError, TypeError):
        encoded = b"\0"
    if b"\0" in encoded:
        raise InvalidArgumentError(describe(argument, path, "cannot name a file (a NUL character or a lone surrogate)",
                                            todo="Check how the path was built."))
    if any(len(part) > 255 for part in encoded.split(b"/")):  # NAME_MAX of Linux and macOS file systems
        raise InvalidArgumentError(describe(argument, path, "cannot name a file (a name longer than 255 bytes)",
                                            todo="Check how the path was built."))
    return path


def is_finite_number(value: Any) -> bool:
    """Whether ``value`` is a real number (not a bool) that is finite as a float, without converting huge ints."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not _is_numpy_real(value):
        return False
    if isinstance(value, int):
        return -FLOAT_MAX <= value <= FLOAT_MAX
    return math.isfinite(value)


def _bounds(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"from {minimum} to {maximum}"
    if minimum is not None:
        return f">= {minimum}"
    if maximum is not None:
        return f"<= {maximum}"
    return ""


def _is_numpy_real(value: Any) -> bool:
    try:
        import numpy as np

        return isinstance(value, (np.integer, np.floating))
    except ImportError:  # pragma: no cover
        return False
