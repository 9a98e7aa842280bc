"""Regular expressions written by users, run with a time limit.

A pattern such as ``((a+)+)+c`` backtracks exponentially: Python's ``re`` spends
minutes on 26 a's and cannot be interrupted. Users' patterns (``kwic(match="regex")``,
``re:`` entries of theme dictionaries, ``meta_pattern``) are therefore compiled with
the `regex <https://pypi.org/project/regex/>`_ package, which takes a ``timeout``.
Every call on one compiled pattern (one operation: a ``kwic``, the theme matching of
one process) shares one budget that grows with the work asked of it: :data:`SECONDS`
plus :data:`PER_CHAR` for every character searched. Only the time spent inside the
pattern's own searches counts (not the caller's work between them), and the allowance
per character is about a hundred times what an ordinary pattern needs, so a large
vocabulary or a loaded machine is not mistaken for backtracking. A pattern that runs
past its budget is refused with an :class:`InvalidArgumentError` naming it, so
matching stays linear in the input.

Most patterns in theme dictionaries hold a plain word every match must contain
(``文化`` in ``文化(?!大革命)``); :func:`required_literal` finds it, and a string
without it is answered without running the pattern.
"""

from __future__ import annotations

import time
from typing import Any

from ..errors import InvalidArgumentError, MissingDependencyError, describe

__all__ = ["SECONDS", "PER_CHAR", "UserPattern", "user_pattern", "required_literal"]

#: seconds one operation may spend inside a user's pattern's searches, besides :data:`PER_CHAR` per character
SECONDS = 2.0
#: seconds allowed per character searched (a search of an ordinary pattern takes about 1 µs per character)
PER_CHAR = 1e-4


_LOOKAROUND_OR_GROUP = ("(?<!", "(?<=", "(?!", "(?=", "(?:")


def required_literal(pattern: str) -> str:
    r"""The longest run of plain characters that every match of ``pattern`` contains, or ``""`` when unsure.

    Conservative: only characters outside any group, class, escape or quantifier count, and a
    pattern with an escape, a class, an alternation outside groups, or an inline flag or other
    ``(?…)`` construct besides lookarounds and non-capturing groups gives ``""``.

    Examples:
        >>> required_literal("(?<!公费)旅游"), required_literal("^乡镇(?!企业)"), required_literal("提案?")
        ('旅游', '乡镇', '提')
        >>> required_literal("(?i)abc"), required_literal("a|b"), required_literal(r"\d+年")
        ('', '', '')
    """
    rest = pattern
    for opener in _LOOKAROUND_OR_GROUP:
        rest = rest.replace(opener, "")
    if "\\" in pattern or "[" in pattern or "(?" in rest:
        return ""
    best, run, depth, i = "", "", 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch in "*+?{":  # a quantifier: the character before it may be absent or repeated
            run = run[:-1]
            if ch == "{":
                end = pattern.find("}", i)
                i = len(pattern) if end < 0 else end
        if ch == "|" and depth == 0:
            return ""
        if ch in "()*+?{}.^$|" or depth > 0:
            best = max(best, run, key=len)
            run = ""
            depth += (ch == "(") - (ch == ")")
        else:
            run += ch
        i += 1
    return max(best, run, key=len)


class UserPattern:
    """A compiled user pattern whose searches share one time budget (made by :func:`user_pattern`)."""

    def __init__(self, compiled: Any, argument: str, pattern: str, seconds: float, per_char: float = PER_CHAR) -> None:
        self._compiled, self.argument, self.pattern = compiled, argument, pattern
        self.seconds, self.per_char = seconds, per_char
        self._budget = seconds  # seconds this pattern's searches may have taken so far
        self._used = 0.0  # seconds they took
        self.literal = required_literal(pattern)  # a string without it cannot match

    def __getstate__(self) -> dict[str, Any]:  # a copy sent to another process starts its own budget
        return {**self.__dict__, "_budget": self.seconds, "_used": 0.0}

    def _call(self, method: str, text: str) -> Any:
        if self.literal not in text:
            return None
        self._budget += self.per_char * (len(text) + 1)
        left = self._budget - self._used
        started = time.perf_counter()
        try:
            if left <= 0:
                raise TimeoutError
            return getattr(self._compiled, method)(text, timeout=left)
        except TimeoutError:
            raise InvalidArgumentError(describe(
                self.argument, self.pattern,
                f"took more than {self.seconds:g} s (+ {self.per_char * 1e6:g} µs per character searched) to match "
                "(catastrophic backtracking)",
                accepted="a pattern without nested repetition such as (a+)+",
                todo="Simplify the pattern, e.g. (a+)+c -> a+c.")) from None
        finally:
            self._used += time.perf_counter() - started

    def fullmatch(self, text: str) -> Any:
        return self._call("fullmatch", text)

    def search(self, text: str) -> Any:
        return self._call("search", text)

    def match(self, text: str) -> Any:
        return self._call("match", text)


def user_pattern(argument: str, pattern: Any, *, seconds: float = SECONDS, per_char: float = PER_CHAR) -> UserPattern:
    """Compile ``pattern`` (a user's regular expression) to a :class:`UserPattern` with a CPU time budget of
    ``seconds`` plus ``per_char`` per character searched.

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
    return UserPattern(compiled, argument, pattern, seconds, per_char)
