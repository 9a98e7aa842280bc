"""Opening a PDF with limits, before pdfplumber reads it.

A PDF is a program for its reader as much as a document: a 51 KB file whose one
content stream inflates to 50 MB kept pdfminer busy for minutes, a page tree
5,000 levels deep exhausted its recursion, a page without a ``/MediaBox`` (or with
a box of strings) failed inside pdfplumber with a ``TypeError`` (issue 23).
:func:`open_pdf` therefore looks at the file with pdfminer's parser first, without
decoding any content:

- every stream's decompressed size (FlateDecode measured in chunks, never inflated
  whole): at most :data:`MAX_STREAM_BYTES` per stream and :data:`MAX_TOTAL_BYTES` in all;
- the page tree: at most :data:`MAX_TREE_DEPTH` levels, :data:`MAX_PAGES` pages, no cycle;
- every page's ``/MediaBox`` (its own or inherited): four finite numbers, a box of
  positive area;
- the time all this takes: at most :data:`MAX_SECONDS`.

Any failure, and any exception pdfminer or pdfplumber raises while opening, is an
:class:`InvalidArgumentError` naming the file and what is wrong with it.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import time
import zlib
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from ...errors import InputTypeError, InvalidArgumentError, check_path, describe, is_finite_number

__all__ = ["MAX_STREAM_BYTES", "MAX_TOTAL_BYTES", "MAX_TREE_DEPTH", "MAX_PAGES", "MAX_SECONDS", "open_pdf", "check_pdf"]

#: decompressed bytes one stream may hold (a dense newspaper page's content stream is < 2 MB)
MAX_STREAM_BYTES = 16 << 20
#: decompressed bytes all streams together may hold (fonts and images included)
MAX_TOTAL_BYTES = 256 << 20
#: levels of the page tree (writers use 1-4; pdfminer recurses once per level)
MAX_TREE_DEPTH = 64
#: pages in one file (a year of a daily's pages is a few thousand)
MAX_PAGES = 5000
#: seconds the checks and the opening may take
MAX_SECONDS = 30.0
_CHUNK = 1 << 20
log = logging.getLogger(__name__)
_TODO = "Check that the file is a complete, undamaged PDF (e.g. open and re-save it with a PDF viewer, or qpdf in.pdf out.pdf)."


class _Refusal(Exception):
    """What is wrong with the file (turned into an InvalidArgumentError naming it)."""


def _deadline_check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise _Refusal(f"takes more than {MAX_SECONDS:g} s to open")


def _flate_size(data: bytes, limit: int) -> int:
    """Bytes ``data`` inflates to, counted in chunks; stops past ``limit``."""
    inflater, total, pending = zlib.decompressobj(), 0, data
    while pending:
        total += len(inflater.decompress(pending, _CHUNK))
        if total > limit:
            return total
        pending = inflater.unconsumed_tail
    return total + len(inflater.flush())


def _stream_size(stream: Any) -> int:
    """An upper bound of the bytes a stream decodes to (exact for FlateDecode first)."""
    from pdfminer.psparser import LIT

    data = stream.rawdata if stream.rawdata is not None else stream.data or b""
    try:
        filters = stream.get_filters()
    except Exception:  # noqa: BLE001 - a malformed filter list: pdfminer will fail on it too; measure raw
        return len(data)
    if not filters:
        return len(data)
    if getattr(stream, "decipher", None) and stream.rawdata is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    first = filters[0][0]
    if first in (LIT("FlateDecode"), LIT("Fl")):
        try:
            return _flate_size(data, MAX_STREAM_BYTES)
        except zlib.error:
            return len(data)  # damaged: pdfminer recovers what it can, at most about this much
    return len(data)


def _check_streams(document: Any, deadline: float) -> None:
    from pdfminer.pdftypes import PDFStream

    total = 0
    for xref in document.xrefs:
        for objid in xref.get_objids():
            _deadline_check(deadline)
            obj = document.getobj(objid)
            if not isinstance(obj, PDFStream):
                continue
            size = _stream_size(obj)
            if size > MAX_STREAM_BYTES:
                raise _Refusal(f"has a stream (object {objid}) that decompresses to more than {MAX_STREAM_BYTES >> 20} MB")
            total += size
            if total > MAX_TOTAL_BYTES:
                raise _Refusal(f"decompresses to more than {MAX_TOTAL_BYTES >> 20} MB")


def _box(value: Any) -> tuple[float, ...] | None:
    from pdfminer.pdftypes import resolve1

    value = resolve1(value)
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        return None
    numbers = [resolve1(v) for v in value]
    if not all(is_finite_number(v) for v in numbers):
        return None
    x0, y0, x1, y1 = (float(v) for v in numbers)
    if not all(math.isfinite(v) and abs(v) < 1e7 for v in (x0, y0, x1, y1)) or x0 == x1 or y0 == y1:
        return None
    return x0, y0, x1, y1


def _check_page_tree(document: Any, deadline: float) -> int:
    """Walk the page tree without recursion; return the number of pages."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import LIT

    root = resolve1(document.catalog.get("Pages"))
    if not isinstance(root, dict):
        raise _Refusal("has no page tree (/Pages)")
    stack, seen, pages = [(root, 1, None)], set(), 0
    while stack:
        _deadline_check(deadline)
        node, depth, inherited = stack.pop()
        node = resolve1(node)  # kids are resolved when their turn comes, not all at once
        if not isinstance(node, dict):
            raise _Refusal(f"has a page-tree entry that is not a page ({node!r:.40})")
        if id(node) in seen:
            raise _Refusal("has a page tree that loops back on itself")
        seen.add(id(node))
        if depth > MAX_TREE_DEPTH:
            raise _Refusal(f"has a page tree more than {MAX_TREE_DEPTH} levels deep")
        box = node.get("MediaBox", inherited)
        kids = resolve1(node.get("Kids"))
        if resolve1(node.get("Type")) == LIT("Pages") or (kids is not None and resolve1(node.get("Type")) != LIT("Page")):
            if not isinstance(kids, list):
                raise _Refusal(f"has a page-tree node without a list of /Kids (level {depth})")
            if pages + len(stack) + len(kids) > MAX_PAGES * MAX_TREE_DEPTH or len(kids) > MAX_PAGES:
                raise _Refusal(f"has more than {MAX_PAGES} pages")
            stack.extend((kid, depth + 1, box) for kid in reversed(kids))
            continue
        pages += 1
        if pages > MAX_PAGES:
            raise _Refusal(f"has more than {MAX_PAGES} pages")
        if box is None:
            raise _Refusal(f"has a page (page {pages}) without a /MediaBox (its size)")
        if _box(box) is None:
            raise _Refusal(f"has a page (page {pages}) whose /MediaBox is not four finite numbers of a box with an area")
    return pages


def check_pdf(path: Path, *, deadline: float | None = None) -> int:
    """Check the limits of the module docstring; return the number of pages.

    Raises:
        InvalidArgumentError: the file is not a PDF, is damaged, or passes a limit.
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    deadline = time.monotonic() + MAX_SECONDS if deadline is None else deadline
    try:
        with open(path, "rb") as handle:
            document = PDFDocument(PDFParser(handle))
            pages = _check_page_tree(document, deadline)  # first: it stops at MAX_PAGES
            _check_streams(document, deadline)
            return pages
    except _Refusal as refusal:
        raise InvalidArgumentError(describe("path", str(path), f"is not a PDF this reader opens: it {refusal}",
                                            todo=_TODO)) from None
    except RecursionError:
        raise InvalidArgumentError(describe("path", str(path), "is not a readable PDF (objects nested too deeply)",
                                            todo=_TODO)) from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises its own classes, TypeError, KeyError, ValueError…
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: BaseException) -> InvalidArgumentError:
    try:
        said = str(exc)
    except Exception:  # noqa: BLE001 - pdfminer builds some messages with % on bytes, which can itself fail
        said = repr(getattr(exc, "args", ()))
    reason = f"{type(exc).__name__}: {said[:100]}"
    if "Password" in reason or "Encrypt" in reason or "password" in reason:
        return InvalidArgumentError(describe("path", str(path), "is an encrypted PDF: its text cannot be read without the password",
                                             todo="Decrypt it first (e.g. qpdf --decrypt --password=… in.pdf out.pdf)."))
    return InvalidArgumentError(describe("path", str(path), f"is not a readable PDF ({reason})", todo=_TODO))


@contextlib.contextmanager
def open_pdf(path: str | os.PathLike[str]) -> Iterator[Any]:
    """``with open_pdf(path) as pdf``: ``pdfplumber.open(path)`` after :func:`check_pdf`, with its pages
    listed; every failure while opening is an InvalidArgumentError, and closing never raises.
    """
    import pdfplumber

    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(describe("path", path, "is not a path", accepted="str or os.PathLike"))
    p = Path(check_path("path", path))
    try:
        is_file = p.is_file()
    except OSError:  # a name the file system refuses (too long)
        is_file = False
    if not is_file:
        raise InvalidArgumentError(describe("path", str(p), "does not exist or is not a file"))
    check_pdf(p)
    pdf, error = None, None
    try:
        pdf = pdfplumber.open(p)
        pdf.pages  # noqa: B018 - builds the page objects now, inside this try
    except RecursionError:
        error = InvalidArgumentError(describe("path", str(p), "is not a readable PDF (objects nested too deeply)", todo=_TODO))
    except Exception as exc:  # noqa: BLE001 - pdfminer/pdfplumber's own errors, TypeError on odd values…
        error = _unreadable(p, exc)
    try:
        if error is not None:
            raise error
        yield pdf
    finally:
        if pdf is not None:
            try:
                pdf.close()
            except Exception:  # noqa: BLE001 - closing a damaged file can fail in pdfminer; nothing is left to read
                log.debug("closing %s failed", p, exc_info=True)
