"""Reading text files whose encoding is not declared.

Chinese material arrives as UTF-8, UTF-8 with a byte-order mark, or GB18030
(the superset of GBK and GB2312 that older Windows tools write). We try them in
that order; GB18030 decodes almost any byte string, so a result is accepted only
when it looks like text (few control characters).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import EmptyInputError, EncodingDetectionError, InputTypeError, describe

__all__ = ["ENCODINGS", "decode", "read_text"]

#: The encodings tried, in order.
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")

_ALLOWED_CONTROLS = frozenset("\n\r\t\f\v")


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS or ch == "\x7f")
    return "\x00" not in text and controls / len(text) < 0.01


def decode(data: bytes, *, source: str = "data") -> tuple[str, str]:
    """Decode ``data`` with the first of :data:`ENCODINGS` that gives text.

    Returns ``(text, encoding)`` where encoding is ``"utf-8"``, ``"utf-8-sig"``
    (a byte-order mark was present) or ``"gb18030"``.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InputTypeError(describe("data", data, "is not bytes", accepted="bytes read from a file"))
    data = bytes(data)
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
                encoding = "utf-8"
            return text, encoding
    raise EncodingDetectionError(
        describe(
            "source",
            source,
            "could not be decoded as text",
            accepted="UTF-8, UTF-8 with BOM, GB18030 (tried in that order)",
            todo="Convert the file to UTF-8 (e.g. `iconv -f BIG5 -t UTF-8`) or check that it is a text file.",
        )
    )


def read_text(path: str | os.PathLike[str], *, allow_empty: bool = False) -> tuple[str, str]:
    """Read a text file, detecting its encoding. Returns ``(text, encoding)``.

    Raises :class:`~consensus_nlp.errors.EmptyInputError` for a file with no
    visible text unless ``allow_empty`` is true.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(describe("path", path, "is not a path", accepted="str or os.PathLike"))
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"path={str(p)!r} does not exist or is not a file.")
    text, encoding = decode(p.read_bytes(), source=str(p))
    if not allow_empty and not text.strip():
        raise EmptyInputError(
            describe("path", str(p), "holds no text", todo="Check that the file is the one you meant to read.")
        )
    return text, encoding
