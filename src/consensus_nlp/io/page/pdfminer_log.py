"""pdfminer's warnings, collected while a PDF is read and reported as one warning of ours.

pdfminer (under pdfplumber) logs a warning each time it meets a font whose descriptor
has no usable bounding box: over a hundred ``Could not get FontBBox from font
descriptor…`` lines for a PDF printed by Chromium, on the user's terminal before any
result. :func:`pdfminer_warnings` keeps them while a file is read and then logs one
warning (logger ``consensus_nlp.io.page.pdf``) that says how many there were and what
they mean for the result.
"""

from __future__ import annotations

import contextlib
import logging
import os

__all__ = ["pdfminer_warnings"]

logger = logging.getLogger("consensus_nlp.io.page.pdf")


class _Collect(logging.Filter):
    """Keeps pdfminer's records instead of letting them reach the user's terminal."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            self.records.append(record)
            return False
        return True


@contextlib.contextmanager
def pdfminer_warnings(path: str | os.PathLike[str]):
    """While a PDF is read, pdfminer's warnings (e.g. a hundred ``Could not get FontBBox from font descriptor``
    lines for a PDF printed by Chromium) are collected; afterwards one warning of ours says what they mean."""
    import pdfplumber  # noqa: F401  (imports pdfminer, whose modules create their loggers)

    collect = _Collect()
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict) if name.split(".")[0] == "pdfminer"]
    for log in loggers:
        log.addFilter(collect)
    try:
        yield
    finally:
        for log in loggers:
            log.removeFilter(collect)
        if collect.records:
            messages = [r.getMessage() for r in collect.records]
            fonts = sum("FontBBox" in m or "font" in m.lower() for m in messages)
            meaning = ("its fonts lack data that pdfminer uses for the height of characters (a font bounding box); "
                       "the reader places characters by their size and position, which are still known, so the text "
                       "was read as usual" if fonts == len(messages) else
                       "parts of the file did not parse cleanly; what could be read was read")
            logger.warning("%s: pdfminer reported %d problem(s) with the PDF (first: %r): %s. If lines or columns look "
                           "wrong, cn.explain_page(path) shows every line.", os.fspath(path), len(messages),
                           messages[0][:120], meaning)
