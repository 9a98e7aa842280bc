"""Regular expressions written by users, run with a time limit.

A pattern such as ``((a+)+)+c`` backtracks exponentially: Python's ``re`` spends
minutes on 26 a's and cannot be interrupted. Users' patterns (``kwic(match="regex")``,
``re:`` entries of theme dictionaries, ``meta_pattern``) are therefore compiled with
the `regex <https://pypi.org/project/regex/>`_ package, which takes a ``timeout``;
every call shares one budget (:data:`SECONDS` per operation, e.g. one ``kwic``), and
a pattern that runs past it is refused with an :class:`InvalidArgumentError` naming it.
"""

from __future__ import annotations

import time
from typing import Any

from ..errors import InvalidArgumentError, MissingDependencyError, describe

__all__ = ["SECONDS", "UserPattern", "user_pattern"]

#: seconds one operation may spend matching a user's pattern, over all the strings it tries
SECONDS = 2.0


class UserPattern:
    """A compiled user pattern whose matches share a deadline (made by :func:`user_pattern`)."""

    def __init__(self, compiled: Any, argument: str, pattern: str, seconds: float) -> None:
        self._compiled, self.argument, self.pattern = compiled, argument, pattern
        self.seconds = seconds
        self._deadline = time.monotonic() + seconds

    def _call(self, method: str, text: str) -> Any:
        left = self._deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            return getattr(self._compiled, method)(text, timeout=left)
        except TimeoutError:
            raise InvalidArgumentError(describe(
                self.argument, self.pattern, f"took more than {self.seconds:g} s to match (catastrophic backtracking)",
                accepted="a pattern without nested repetition such as (a+)+",
                todo="Simplify the pattern, e.g. (a+)+c -> a+c.")) from None

    def fullmatch(self, text: str) -> Any:
        return self._call("fullmatch", text)

    def search(self, text: str) -> Any:
        return self._call("search", text)

    def match(self, text: str) -> Any:
        return self._call("match", text)


def user_pattern(argument: str, pattern: Any, *, seconds: float = SECONDS) -> UserPattern:
    """Compile ``pattern`` (a user's regular expression) to a :class:`UserPattern` with a time budget.

    Raises:
        InvalidArgumentError: ``pattern`` is not a str or not a valid regular expression.
    """
    try:
        import regex
    except ImportError:  # pragma: no cover - a dependency
        raise MissingDependencyError('The regex package is missing: pip install "regex>=2023.0"') from None
    if not isinstance(pattern, str):
        raise InvalidArgumentError(describe(argument, pattern, "is not a str", accepted="a regular expression"))
    try:
        compiled = regex.compile(pattern, flags=regex.VERSION0)
    except (regex.error, ValueError, OverflowError, RecursionError, MemoryError) as exc:
        raise InvalidArgumentError(describe(argument, pattern, f"is not a valid regex ({exc})")) from None
    return UserPattern(compiled, argument, pattern, seconds)
