"""Corpora bundled with consensus-nlp.

A bundled corpus is a folder ``corpora/<name>/`` in the repository (shipped in
the wheel as ``consensus_nlp/_corpora/<name>/``) that holds:

- ``speeches.jsonl``: the documents, one JSON object per line (``doc_id``,
  ``text`` and the metadata), curated output of :func:`consensus_nlp.read_page`
  checked by hand against the page;
- ``corpus.json``: metadata of the collection (meeting, year, province…);
- ``page.txt``: the source page, so the corpus can be rebuilt with
  ``load_corpus(name, reparse=True)``;
- ``README.md``: provenance.

Examples:
    >>> corpus = load_corpus("gansu-cppcc-2021")   # doctest: +SKIP
    >>> corpus.filter(level="county").doc_ids      # doctest: +SKIP
    ('gansu-cppcc-2021-01', 'gansu-cppcc-2021-07')
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..errors import InputTypeError, UnknownNameError, check_bool, describe

__all__ = ["list_corpora", "load_corpus"]

_DOCUMENTS = "speeches.jsonl"


def _roots() -> list[Path]:
    """Folders that may hold bundled corpora: the installed package first, then the source checkout."""
    roots = []
    try:
        installed = resources.files("consensus_nlp") / "_corpora"
        if installed.is_dir():
            roots.append(Path(str(installed)))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):  # pragma: no cover
        pass
    checkout = Path(__file__).resolve().parents[3] / "corpora"
    if checkout.is_dir():
        roots.append(checkout)
    return roots


def _folders() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in _roots():
        for folder in sorted(root.iterdir()):
            if folder.is_dir() and (folder / _DOCUMENTS).is_file():
                found.setdefault(folder.name, folder)
    return found


def list_corpora() -> list[str]:
    """Names of the bundled corpora, sorted.

    Examples:
        >>> "gansu-cppcc-2021" in list_corpora()
        True
    """
    return sorted(_folders())


def load_corpus(name: str, *, reparse: bool = False) -> Corpus:
    """Load a bundled corpus by name.

    Args:
        name: one of :func:`list_corpora`, e.g. ``"gansu-cppcc-2021"``.
        reparse: rebuild the documents by running :func:`consensus_nlp.read_page`
            on the bundled ``page.txt`` instead of reading the curated
            ``speeches.jsonl`` (the two agree; a test checks it).

    Returns:
        A :class:`~consensus_nlp.corpus.Corpus` with ids ``f"{name}-01"``… and the
        metadata of :func:`consensus_nlp.parse_page`; the corpus metadata
        (``corpus.meta``) holds ``name`` and the contents of ``corpus.json``.

    Raises:
        InputTypeError: ``name`` is not a str.
        UnknownNameError: no bundled corpus has that name.
    """
    if not isinstance(name, str):
        raise InputTypeError(describe("name", name, "is not a str", accepted=list_corpora()))
    folders = _folders()
    if name not in folders:
        raise UnknownNameError(
            describe("name", name, "is not a bundled corpus", accepted=sorted(folders),
                     todo="Use list_corpora() to see the names, or read your own files with "
                          "read_page(path) or Corpus.from_files(folder).")
        )
    folder = folders[name]
    meta: dict[str, Any] = {"name": name}
    info = folder / "corpus.json"
    if info.is_file():
        meta.update(json.loads(info.read_text(encoding="utf-8")))
    if check_bool("reparse", reparse):
        from .page import read_page

        documents = read_page(folder / "page.txt", doc_prefix=name)
    else:
        documents = Corpus.from_jsonl(folder / _DOCUMENTS)
    return Corpus(documents, meta=meta)
