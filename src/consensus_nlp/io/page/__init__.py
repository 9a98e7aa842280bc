"""Newspaper pages -> speeches: the page reader (text pages as PDF extractors give them, and PDFs)."""

from .explain import explain_page
from .pdf import read_pdf
from .reader import parse_page, read_page, source_span
from .rules import PageRules

__all__ = ["PageRules", "explain_page", "parse_page", "read_page", "read_pdf", "source_span"]
