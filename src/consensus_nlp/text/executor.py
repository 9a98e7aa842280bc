"""How :func:`~consensus_nlp.tokenize` runs: batches of documents, a fork pool, a progress bar.

Documents are taken in batches of about :data:`BATCH_CHARS` characters: a batch is
normalized as one array of code points
(:func:`~consensus_nlp.text.normalization.normalize_joined`), its texts joined by
line breaks are cut in one engine call (neither jieba nor jieba-rs joins a line
break with anything, so the words are those of cutting each text by itself), and
the words become type ids through a cache keyed by their code points
(:class:`~consensus_nlp.text.columns.ShortWords`). With ``n_jobs > 1`` the texts are
cut into one batch per process (:func:`batches`) and forked workers send back columns.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from .columns import Columns
from .normalization import build_tables, normalize_joined
from .segmenter import MAX_CHUNK_CHARS, Segmenter, check_text, chunks

__all__ = ["BATCH_CHARS", "segment_texts", "segment_parallel", "batches", "progress_bar", "fork_context"]

log = logging.getLogger(__name__)

BATCH_CHARS = 1 << 15  # documents are normalized and cut in batches of about this many characters


def segment_texts(segmenter: Segmenter, texts: Iterable[str], rule: tuple[frozenset[str], bool, bool]) -> Columns:
    """The fast path: the engine's words straight into columns, no per-token objects.

    Documents are taken in batches of about ``BATCH_CHARS`` characters, normalized
    together (:func:`normalize_joined`) and, where normalization keeps every offset,
    cut together (:meth:`Columns.add_documents`): the words tile the texts, so
    their offsets are a cumulative sum, computed per chunk in numpy, and their type
    ids come from :class:`ShortWords` (numpy) or, for its misses, one dictionary
    lookup each (:meth:`Columns.word_ids`). A document whose normalization changes
    its length goes through :meth:`Segmenter.iter_tokens`, which maps offsets back
    through the expansion; one with line breaks or longer than ``MAX_CHUNK_CHARS``
    is cut by itself, line by line.
    """
    cols = Columns(*rule)
    batch: list[str] = []
    size = 0
    for text in texts:
        if type(text) is not str:
            check_text(text)
        batch.append(text)
        size += len(text) + 1  # + 1: the line break that joins it to the next (a batch of empty texts ends too)
        if size >= BATCH_CHARS:
            segment_batch_texts(segmenter, batch, cols)
            batch, size = [], 0
    if batch:
        segment_batch_texts(segmenter, batch, cols)
    return cols


def segment_batch_texts(segmenter: Segmenter, batch: list[str], cols: Columns) -> None:
    engine, hmm = segmenter._engine(), segmenter.hmm

    def cut(piece: str) -> list[str]:
        return engine.cut(piece, hmm)

    joined, changed = normalize_joined(batch, traditional=segmenter.traditional)
    lengths = list(map(len, batch))
    if not changed and max(lengths) <= MAX_CHUNK_CHARS and joined.count("\n") == len(batch) - 1 \
            and "\r" not in joined:  # the common case: the whole batch in one call
        cols.add_documents(joined, lengths, cut)
        return
    slow = set(changed)
    run: list[int] = []  # lengths of consecutive documents to cut together
    run_start = at = 0  # where the run starts in joined; where the next text starts
    for i, (text, size) in enumerate(zip(batch, lengths)):
        start, at = at, at + size + 1
        norm = None if i in slow else joined[start:start + size]
        if norm is not None and size <= MAX_CHUNK_CHARS and "\n" not in norm and "\r" not in norm:
            if not run:
                run_start = start
            run.append(size)
            continue
        if run:
            cols.add_documents(joined[run_start:start - 1], run, cut)
            run = []
        if norm is None:
            cols.add_tokens(segmenter.iter_tokens(text), size)
        else:
            for _, piece in chunks(norm, cut):
                cols.add_words(cut(piece), piece)
        cols.end_document(size)
    if run:
        cols.add_documents(joined[run_start:], run, cut)


def segment_batch(args: tuple[Segmenter, list[str], tuple[frozenset[str], bool, bool]]) -> Columns:
    segmenter, texts, rule = args
    return segment_texts(segmenter, texts, rule)


def fork_context() -> Any:
    """The "fork" start method where it exists and is safe (Linux), else ``None``.

    Forked workers inherit the loaded dictionary, and a script that calls
    ``tokenize(..., n_jobs=2)`` without an ``if __name__ == "__main__"`` guard runs
    (the "spawn" method would re-run the script in every worker).
    """
    import multiprocessing

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def batches(texts: Sequence[str], n: int) -> list[list[str]]:
    """``texts`` cut into at most ``n`` consecutive batches of similar numbers of characters."""
    total = sum(map(len, texts)) or 1
    out: list[list[str]] = [[]]
    size = 0
    for t in texts:
        if size >= total / n * len(out) and out[-1] and len(out) < n:
            out.append([])
        out[-1].append(t)
        size += len(t)
    return out


def segment_parallel(segmenter: Segmenter, texts: Sequence[str], rule: tuple[frozenset[str], bool, bool],
                      n_jobs: int, show: bool) -> Columns:
    from concurrent.futures import ProcessPoolExecutor

    context = fork_context()
    if context is None:
        log.info("tokenize: n_jobs=%s needs the 'fork' start method, not available on %s; running in one process",
                 n_jobs, sys.platform)
        return segment_texts(segmenter, progress_bar(texts, show, "doc"), rule)
    segmenter._engine()  # build the dictionary and the character tables once; the workers inherit them
    build_tables()
    work = batches(texts, n_jobs)  # one batch per process: each learns the vocabulary once
    if len(work) < 2:  # e.g. only empty texts
        return segment_texts(segmenter, texts, rule)
    with ProcessPoolExecutor(max_workers=min(n_jobs, len(work)) - 1, mp_context=context) as pool:
        # n_jobs - 1 workers take the later batches while this process segments the first
        parts = [pool.submit(segment_batch, (segmenter, b, rule)) for b in work[1:]]
        cols = segment_texts(segmenter, work[0], rule)
        for part in progress_bar(parts, show, "batch", total=len(parts)):
            cols.extend(part.result())
    return cols


def progress_bar(items: Iterable[Any], show: bool, unit: str, total: int | None = None) -> Iterable[Any]:
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc="tokenize", unit=unit, total=total)
