"""Reading text files whose encoding is not declared.

Chinese material arrives as UTF-8, UTF-8 with a byte-order mark, or GB18030
(the superset of GBK and GB2312 that older Windows tools write). We try them in
that order. GB18030 decodes almost any byte string, Big5, Shift-JIS and EUC-KR
pages included, so a GB18030 result is accepted only when it is plausibly
Chinese: few control characters, and its characters mostly among the 2,000 most
frequent Chinese characters (``lexicons/common_chars.txt``). Anything else is
refused with the encodings tried; ``encoding=`` forces one.
"""

from __future__ import annotations

import codecs
import functools
import os
from pathlib import Path

from ..errors import EmptyInputError, EncodingDetectionError, InputPathError, InputTypeError, UnknownNameError, check_bool, check_path, describe
from ..registry import data_lines

__all__ = ["ENCODINGS", "decode", "read_text", "plausibly_chinese", "check_input_file"]

#: The encodings tried, in order.
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")
#: Encodings named in the error message when GB18030 gives no Chinese (checked, never chosen).
OTHER_ENCODINGS: tuple[str, ...] = ("big5", "shift_jis", "euc_kr", "utf-16")

_ALLOWED_CONTROLS = frozenset("\n\r\t\f\v")
#: A GB18030 reading is Chinese when this share of its non-ASCII letters is among the 2,000 commonest characters …
MIN_COMMON_SHARE = 0.7
#: … and, with at least ``MIN_LETTERS_FOR_TOP`` letters, this share among the first 500.
MIN_TOP_SHARE = 0.35
MIN_LETTERS_FOR_TOP = 30


@functools.lru_cache(maxsize=1)
def _common_chars() -> tuple[frozenset[str], frozenset[str]]:
    """(the 2,000 commonest Chinese characters, the first 500 of them)."""
    ranked = "".join(line.strip() for line in data_lines("common-chars"))  # the registry's entry: the file hashed
    return frozenset(ranked), frozenset(ranked[:500])


def _is_punctuation(ch: str) -> bool:
    return "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or "\u2010" <= ch <= "\u206f" or ch in "·«»¨°±×÷"


def plausibly_chinese(text: str) -> bool:
    """Whether ``text`` (a GB18030 reading) looks like Chinese rather than another encoding's bytes.

    The non-ASCII letters (not spaces, not CJK punctuation) must be mostly common
    Chinese characters: >= 70 % among the 2,000 commonest and, in a text with at least
    30 of them, >= 35 % among the 500 commonest. Text with no such letter passes.

    Examples:
        >>> plausibly_chinese("近年来，徽县政协持续做优委员讲堂。")
        True
        >>> plausibly_chinese("대한민국 정부".encode("euc-kr").decode("gb18030"))
        False
    """
    common, top = _common_chars()
    letters = [ch for ch in text if ord(ch) >= 0x80 and not ch.isspace() and not _is_punctuation(ch)]
    if not letters:
        return True
    share = sum(ch in common for ch in letters) / len(letters)
    if share < MIN_COMMON_SHARE:
        return False
    return len(letters) < MIN_LETTERS_FOR_TOP or sum(ch in top for ch in letters) / len(letters) >= MIN_TOP_SHARE


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS or ch == "\x7f")
    return "\x00" not in text and controls / len(text) < 0.01


def _check_encoding(encoding: str | None) -> str | None:
    if encoding is None:
        return None
    if not isinstance(encoding, str):
        raise InputTypeError(describe("encoding", encoding, "is not an encoding name", accepted="a str such as 'gb18030' or None"))
    accepted = "'utf-8', 'utf-8-sig', 'gb18030', 'big5', 'shift_jis', 'euc_kr', …"
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError):  # ValueError: a name with a NUL character
        raise UnknownNameError(describe("encoding", encoding, "is not an encoding Python knows", accepted=accepted,
                                        todo="Leave encoding=None to detect UTF-8/GB18030.")) from None
    if not getattr(info, "_is_text_encoding", True):  # hex, base64, rot13, zlib: bytes-to-bytes or str-to-str codecs
        raise UnknownNameError(describe("encoding", encoding, "is not a text encoding (a codec of bytes to bytes)",
                                        accepted=accepted, todo="Leave encoding=None to detect UTF-8/GB18030."))
    return info.name


def _decodes_as(data: bytes) -> list[str]:
    found = []
    for name in OTHER_ENCODINGS:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            found.append(name)
    return found


def decode(data: bytes, *, source: str = "data", encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data`` with the first of :data:`ENCODINGS` that gives plausible text, or with ``encoding``.

    Returns ``(text, encoding)`` where encoding is ``"utf-8"``, ``"utf-8-sig"``
    (a byte-order mark was present), ``"gb18030"``, or the normalized name of
    the forced ``encoding`` (``"big5"``, ``"shift_jis"``…).

    Raises:
        EncodingDetectionError: no encoding gives text (the message names the
            encodings tried and the ones the bytes decode as), or the forced
            encoding fails (the message gives the byte position).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InputTypeError(describe("data", data, "is not bytes", accepted="bytes read from a file"))
    data = bytes(data)
    forced = _check_encoding(encoding)
    if forced is not None:
        try:
            return data.decode(forced), forced
        except UnicodeDecodeError as exc:
            raise EncodingDetectionError(
                describe("source", source, f"is not valid {forced} ({exc.reason} at byte {exc.start}: "
                         f"{data[exc.start:exc.start + 4]!r})", todo="Check the encoding, or leave encoding=None to detect it.")
            ) from None
    gb_reading = None
    for name in ENCODINGS:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if not _looks_like_text(text):
            continue
        if name == "gb18030" and not plausibly_chinese(text):
            gb_reading = text
            continue
        if name == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
            name = "utf-8"
        return text, name
    others = _decodes_as(data)
    problem = "could not be decoded as text"
    if gb_reading is not None:
        problem = ("decodes as GB18030 but not into Chinese (too few common Chinese characters: "
                   "Big5, Shift-JIS or EUC-KR bytes give such text)")
    hint = f" It decodes without errors as {', '.join(others)}." if others else ""
    raise EncodingDetectionError(
        describe("source", source, problem,
                 accepted="UTF-8, UTF-8 with BOM, GB18030 (tried in that order)",
                 todo=f"{hint.strip()} If you know the encoding, pass it: encoding='big5' (or 'shift_jis', 'euc_kr'…); "
                      "or convert the file to UTF-8 (e.g. `iconv -f BIG5 -t UTF-8`).".strip())
    )


def check_input_file(path: object, argument: str = "path") -> Path:
    """``path`` as a :class:`~pathlib.Path` if it names a readable regular file; else say what it is.

    A symbolic link to a file is read (its target); a dangling link, a folder,
    a device or a missing path raise :class:`~consensus_nlp.errors.InputPathError`
    (also a ``FileNotFoundError``) that says which.
    """
    check_path(argument, path)
    if not os.fspath(path):
        raise InputPathError(describe(argument, path, "is empty", todo="Pass the path of a text file."))
    p = Path(path)
    try:
        if p.is_file():
            return p
    except OSError as exc:  # a name the file system refuses (too long, …)
        raise InputPathError(describe(argument, str(p), f"cannot be looked up ({exc.strerror or exc})",
                                      todo="Pass the path of a text file.")) from None
    if p.is_symlink():
        problem = f"is a symbolic link to {os.readlink(p)!r}, which does not exist"
    elif p.is_dir():
        problem = "is a folder, not a file"
    elif p.exists():
        problem = "is not a regular file (a device, socket or pipe)"
    else:
        parent = p.parent
        problem = "does not exist" + ("" if parent.is_dir() else f" (nor does its folder {str(parent)!r})")
    raise InputPathError(describe(argument, str(p), problem, todo="Pass the path of a text file."))


def read_text(path: str | os.PathLike[str], *, allow_empty: bool = False, encoding: str | None = None) -> tuple[str, str]:
    """Read a text file, detecting its encoding (see :func:`decode`). Returns ``(text, encoding)``.

    Args:
        path: the file.
        allow_empty: accept a file with no visible text.
        encoding: force an encoding (``"big5"``, ``"shift_jis"``…) instead of detecting one.

    Raises:
        InputPathError: the path is missing, a folder, a dangling link.
        EncodingDetectionError: see :func:`decode`.
        EmptyInputError: the file holds no visible text and ``allow_empty`` is false.
    """
    p = check_input_file(path)
    try:
        data = p.read_bytes()
    except OSError as exc:  # permissions, a file that vanished, a device that fails
        raise InputPathError(describe("path", str(p), f"cannot be read ({exc.strerror or exc})")) from None
    text, found = decode(data, source=str(p), encoding=encoding)
    if not check_bool("allow_empty", allow_empty) and not text.strip():
        raise EmptyInputError(
            describe("path", str(p), "holds no text", todo="Check that the file is the one you meant to read.")
        )
    return text, found
