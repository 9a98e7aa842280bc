"""Newspaper pages -> speeches: the page reader (text pages as PDF extractors give them)."""

from .reader import parse_page, read_page

__all__ = ["parse_page", "read_page"]
