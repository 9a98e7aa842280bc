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

The names are those of ``consensus_nlp.registry.corpora`` (``registry.toml``, with the sha256
of each file); another package adds a corpus through the entry-point group
``consensus_nlp.corpora``: an :class:`~consensus_nlp.registry.Entry` whose first file is a
``speeches.jsonl`` (its folder may hold ``corpus.json``), or a function returning a Corpus.

Examples:
    >>> corpus = load_corpus("gansu-cppcc-2021")   # doctest: +SKIP
    >>> corpus.filter(level="county").doc_ids      # doctest: +SKIP
    ('gansu-cppcc-2021-01', 'gansu-cppcc-2021-07')
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import registry
from ..corpus import Corpus
from ..errors import InputTypeError, check_bool, describe

__all__ = ["list_corpora", "load_corpus"]


def list_corpora() -> list[str]:
    """Names of the bundled corpora (and of those other packages registered), sorted.

    Examples:
        >>> "gansu-cppcc-2021" in list_corpora()
        True
    """
    return sorted(registry.corpora.names())


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
    loaded = registry.corpora.load(name)
    if callable(loaded):  # another package's corpus: a function that returns it (or its documents)
        made = loaded()
        return made if isinstance(made, Corpus) else Corpus(made, meta={"name": name})
    folder = Path(loaded).parent
    meta: dict[str, Any] = {"name": name}
    info = folder / "corpus.json"
    if info.is_file():
        meta.update(json.loads(info.read_text(encoding="utf-8")))
    if check_bool("reparse", reparse):
        from .page import read_page

        documents = read_page(folder / "page.txt", doc_prefix=name)
    else:
        documents = Corpus.from_jsonl(Path(loaded))
    return Corpus(documents, meta=meta)
