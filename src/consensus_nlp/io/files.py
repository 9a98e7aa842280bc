"""Paths in, files out: input paths, atomic writes, JSON Lines that survive any Python string.

:func:`write_atomic` writes to a temporary file next to the target and renames
it over the target (``os.replace``): a reader sees the old file or the new one,
never half of one, and a failure leaves the old file untouched. A symbolic link
at the target is replaced by the file, never followed.

:func:`jsonl_line` writes one JSON object per line and escapes the characters
that other tools (and Python's ``str.splitlines``) take for line breaks,
U+2028, U+2029 and U+0085, the other control characters JSON leaves raw (U+007F
to U+009F), and lone surrogates (which UTF-8 cannot encode) as
``\\uXXXX``: JSON reads them back as the same characters, so the round trip is
exact for any Python string, but one: a high surrogate followed by a low one, which
JSON reads back as the single character they encode in UTF-16; that is refused. :func:`~consensus_nlp.io.readers.iter_jsonl` splits only on ``\\n``.
"""

from __future__ import annotations

import glob as _glob
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputPathError, InputTypeError, InvalidArgumentError, NoFilesError, check_path, describe
from .encoding import check_input_file

__all__ = ["write_atomic", "jsonl_line", "expand_paths", "compile_meta_pattern", "repeated_passages", "duplicate_rows"]

_UNSAFE = re.compile("[\u007f-\u009f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _plain(value: Any) -> Any:
    """numpy scalars and arrays as Python values; anything else is refused by ``json``."""
    if hasattr(value, "tolist") and type(value).__module__ == "numpy":
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def jsonl_line(record: dict[str, Any]) -> str:
    """One JSON object on one line (no newline at the end), safe for any string inside.

    Raises:
        ValueError: a string holds a high surrogate followed by a low one (a UTF-16 pair
            left as two code points): JSON would read them back as one character.
    """
    line = json.dumps(record, ensure_ascii=False, default=_plain)
    pair = _PAIR.search(line)
    if pair:
        raise ValueError(f"a string holds the surrogate pair {pair.group()!r} as two code points, which JSON reads back "
                         "as one character; join it first: s.encode('utf-16', 'surrogatepass').decode('utf-16')")
    return _UNSAFE.sub(_escape, line)


def write_atomic(path: str | os.PathLike[str], chunks: Iterable[str], *, argument: str = "path") -> Path:
    """Write the strings of ``chunks`` (UTF-8) to ``path`` through a temporary file and a rename.

    Raises:
        InputPathError: ``path`` is a folder, or its folder does not exist.
    """
    target = Path(check_path(argument, path))
    if target.is_dir() and not target.is_symlink():
        raise InputPathError(describe(argument, str(target), "is a folder", todo="Name a file inside it."))
    folder = target.parent
    if not folder.is_dir():
        raise InputPathError(describe(argument, str(target), f"is in a folder that does not exist ({str(folder)!r})",
                                      todo="Create the folder first."))
    try:
        mode = target.lstat().st_mode & 0o777 if target.is_file() and not target.is_symlink() else 0o644
    except OSError:
        mode = 0o644
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputPathError(describe(argument, str(target), f"cannot be written ({exc.strerror or exc})",
                                      todo="Choose a folder you can write to.")) from None
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def compile_meta_pattern(meta_pattern: str | re.Pattern[str] | None) -> re.Pattern[str] | None:
    """Compile a file-name metadata pattern, refusing one that is not a valid regular expression."""
    if meta_pattern is None or isinstance(meta_pattern, re.Pattern):
        return meta_pattern
    if not isinstance(meta_pattern, str):
        raise InputTypeError(describe("meta_pattern", meta_pattern, "is not a regular expression",
                                      accepted="a str such as '(?P<year>\\d{4})', a compiled pattern or None"))
    try:
        return re.compile(meta_pattern)
    except (re.error, OverflowError, RecursionError, ValueError) as exc:  # OverflowError: a{99999999999}
        raise InvalidArgumentError(
            describe("meta_pattern", meta_pattern, f"is not a valid regular expression ({exc})",
                     accepted="a regular expression with named groups, e.g. '(?P<year>\\d{4})'")
        ) from None


def expand_paths(paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    if isinstance(paths_or_glob, str) and not paths_or_glob:
        raise InputPathError(describe("paths_or_glob", paths_or_glob, "is empty", todo="Name a folder of .txt files."))
    if paths_or_glob is None or isinstance(paths_or_glob, (bytes, bytearray)) or (
            not isinstance(paths_or_glob, (str, os.PathLike)) and not hasattr(paths_or_glob, "__iter__")):
        raise InputTypeError(describe("paths_or_glob", paths_or_glob, "is not a path, a glob or a list of paths",
                                      accepted="str, PathLike or a list of them", todo="Name a folder of .txt files."))
    if isinstance(paths_or_glob, (str, os.PathLike)):
        p = Path(check_path("paths_or_glob", paths_or_glob))
        if p.is_dir():
            found = sorted(p.glob("*.txt"))
            what = f"folder {str(p)!r} (looked for *.txt)"
        elif p.is_file():
            found = [p]
            what = str(p)
        elif p.is_symlink():
            found = [p]  # a dangling link: check_input_file below says so
            what = str(p)
        else:
            found = sorted(Path(x) for x in _glob.glob(str(paths_or_glob)))
            what = f"pattern {str(paths_or_glob)!r}"
        if not found:
            raise NoFilesError(describe("paths_or_glob", str(paths_or_glob), f"matched no files in the {what}",
                                           todo="Check the path and the working directory."))
    else:
        found = [Path(check_input_file(x, "paths_or_glob[...]")) for x in paths_or_glob]
        if not found:
            raise NoFilesError(describe("paths_or_glob", [], "is empty", accepted="at least one path"))
    for p in found:
        try:
            check_input_file(p, "file")
        except InputPathError as exc:
            raise InputPathError(f"{exc} Leave it out: pass a glob or a list of the text files.") from None
    return found


def repeated_passages(text: str, *, min_chars: int = 200, min_paragraph: int = 30) -> list[tuple[int, int, int, int]]:
    """``(first_start, start, end, chars)`` of each run of paragraphs of ``text`` that repeats earlier paragraphs.

    Paragraphs are lines (split on ``\n``, compared without surrounding whitespace)
    of at least ``min_paragraph`` characters; consecutive repeated paragraphs form one
    run (blank and short lines between them do not break it), kept when its
    paragraphs hold ``min_chars`` characters or more. Linear in the length of the text.
    """
    first: dict[str, int] = {}
    runs: list[list[int]] = []  # [first_start, start, end, chars]
    current: list[int] | None = None
    offset = 0
    for line in text.split("\n"):
        body = line.strip()
        start = offset + (line.index(body) if body else 0)
        offset += len(line) + 1
        if len(body) < min_paragraph:
            continue
        if body in first:
            if current is None:
                current = [first[body], start, start + len(body), 0]
                runs.append(current)
            current[2] = start + len(body)
            current[3] += len(body)
        else:
            first[body] = start
            current = None
    return [(a, b, c, d) for a, b, c, d in runs if d >= min_chars]


def duplicate_rows(doc_ids: Sequence[str], texts: Sequence[str], *, min_chars: int) -> list[dict[str, Any]]:
    """The rows of :meth:`Corpus.duplicates <consensus_nlp.corpus.Corpus.duplicates>`."""
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, (doc_id, text) in enumerate(zip(doc_ids, texts)):
        body = text.strip()
        if body and body in seen:
            start, j = text.index(body), seen[body]
            rows.append({"doc_id": doc_id, "kind": "same_text", "duplicate_of": doc_ids[j], "start": start,
                         "end": start + len(body), "first_start": texts[j].index(body), "chars": len(body)})
            continue
        seen.setdefault(body, i)
        for first, start, end, chars in repeated_passages(text, min_chars=min_chars):
            rows.append({"doc_id": doc_id, "kind": "repeated_passage", "duplicate_of": doc_id, "start": start,
                         "end": end, "first_start": first, "chars": chars})
    return rows
