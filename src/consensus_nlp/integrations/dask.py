"""Corpora larger than memory: :class:`LazyCorpus`, partitions computed by Dask.

A :class:`LazyCorpus` is a list of partitions, each a small :class:`~consensus_nlp.Corpus`
that a Dask task reads when it is needed (a few files, a Parquet file or row group,
a slice of an in-memory corpus). Nothing is read when it is made, except what the
file names or the Parquet columns say about the documents (:attr:`LazyCorpus.docvars`).

The stage functions accept it with their usual signatures: :func:`consensus_nlp.pipeline.run`
sends partitioned data here (:func:`run_by_partitions`), which runs the stage's own ``map``
on every partition as a Dask task and its ``combine`` as a tree of tasks; nothing is
computed until ``.compute()``:

* ``cn.tokenize(lazy)`` -> :class:`LazyTokens` (one :class:`~consensus_nlp.Tokens` per partition);
* ``cn.dtm(lazy_tokens, ...)``, ``cn.emphasis(...)``, ``cn.keyness(lazy_dtm, ...)`` -> a
  :class:`LazyResult`; its ``.compute()`` is the eager result, exactly;
* ``cn.tag(lazy)``, ``model.transform(lazy_tokens)`` -> a dask DataFrame; ``cn.units(lazy, ...)`` -> a LazyCorpus.

:func:`compute` computes several of them in one pass, so that the partitions are read and
segmented once for all of them.

Computations run on whatever Dask scheduler is active (``dask.config.set(scheduler=...)``
or a ``distributed.Client``); consensus-nlp never starts one. The segmenter's
dictionary and the theme dictionaries are built once per worker process
(:func:`worker_loads` counts them).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..corpus import Corpus, Document, frame_text
from ..errors import (ConsensusNLPError, InputTypeError, InvalidArgumentError, check_int,
                      check_path, describe)
from ..pipeline import Stage, execute
from .dask_reduce import LazyResult, LazyTokens, compute_all
from .dask_workers import (SCHEDULERS, Partitioned, active_client, compute as dask_compute, docvars_frame, is_lazy,
                           require_dask, use_scheduler, worker_loads)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["LazyCorpus", "LazyTokens", "LazyResult", "compute", "is_lazy", "worker_loads", "use_scheduler",
           "run_partitioned", "run_by_partitions", "SCHEDULERS"]

log = logging.getLogger(__name__)

# -- partition loaders (module level: they travel to the workers) ------------
def load_files(paths: Sequence[str], pattern: re.Pattern[str] | None, doc_id: str, partition: int,
               encoding: str | None = None) -> Corpus:
    """Read one partition of text files with the reader of :meth:`Corpus.from_files` (:mod:`consensus_nlp.io.readers`)."""
    from ..io.readers import text_file_record

    docs = []
    for path in paths:
        p = Path(path)
        try:
            record = text_file_record(p, pattern=pattern, doc_id=doc_id, encoding=encoding)
        except (OSError, ConsensusNLPError) as exc:
            raise InvalidArgumentError(
                describe("paths_or_glob", str(p), f"could not be read (partition {partition}): {exc}",
                         todo="Fix or remove that file; nothing of this computation was kept, so rerun it after.")
            ) from exc
        docs.append(Document(record.pop("doc_id"), record.pop("text"), record))
    return Corpus(docs)


def load_parquet(path: str, row_group: int | None, text: str, doc_id: str | None, first: int) -> Corpus:
    """Read one Parquet file (or one row group of it) with the reader and id rule of :meth:`Corpus.from_parquet`;
    the file's rows start at row ``first`` of the input (``doc-<row>`` ids count from it)."""
    from ..io.corpora import parquet_corpus
    from ..io.readers import iter_parquet

    rows = [row for batch in iter_parquet(path, row_groups=None if row_group is None else [row_group]) for row in batch.rows]
    return parquet_corpus(rows, text=text, doc_id=doc_id, first=first)


def parquet_file(path: str | os.PathLike[str]) -> Any:
    """``pyarrow.parquet.ParquetFile(path)``; a file that is not Parquet (or is damaged) is refused by name."""
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except (OSError, ValueError, TypeError) as exc:  # ArrowInvalid ("magic bytes not found") is a ValueError
        raise InvalidArgumentError(describe("path", os.fspath(path), f"is not a readable Parquet file ({exc})",
                                            todo="Check that the file was written as Parquet and is complete.")) from None


def slice_corpus(corpus: Corpus, start: int, stop: int) -> Corpus:
    return corpus[start:stop]


class LazyCorpus(Partitioned):
    """A corpus read partition by partition by Dask tasks.

    Build one with :meth:`from_files`, :meth:`from_parquet` or :meth:`from_corpus`.

    Examples:
        >>> import consensus_nlp as cn
        >>> corpus = cn.Corpus.from_records([{"text": "凝聚共识", "year": 2020}, {"text": "团结奋斗", "year": 2021}])
        >>> lazy = cn.LazyCorpus.from_corpus(corpus, npartitions=2)
        >>> lazy, lazy.docvars["partition"].tolist()
        (LazyCorpus(2 partitions, 2 documents; lazy), [0, 1])
        >>> matrix = cn.dtm(cn.tokenize(lazy, segmenter=cn.Segmenter(backend="jieba")))
        >>> matrix
        LazyResult(CountTerms over 2 partitions; not computed: call .compute())
        >>> matrix.compute().terms
        ('凝聚共识', '团结奋斗')

    Attributes:
        docvars: ``None`` or a DataFrame with ``doc_id``, ``partition`` and the metadata
            known without reading the texts (file-name groups and ``path``; Parquet columns).
    """

    def __init__(self, parts: Sequence[Any], *, docvars: pd.DataFrame | None = None,
                 fields: Sequence[str] | None = None, meta: Any = None) -> None:
        super().__init__(parts, docvars, fields, meta)  # each part computes to a Corpus

    def __repr__(self) -> str:
        docs = "unknown" if self.docvars is None else str(len(self.docvars))
        return f"LazyCorpus({self.npartitions} partitions, {docs} documents; lazy)"

    def plan(self) -> Any:
        return list(self._parts), lambda parts: Corpus((d for part in parts for d in part), meta=self._meta)

    def to_bag(self) -> Any:
        """A ``dask.bag.Bag`` of the :class:`Document` objects, one bag partition per partition."""
        import dask.bag as db

        return db.from_delayed(self._parts)

    def compute(self) -> Corpus:
        """Read every partition and return one in-memory :class:`Corpus` (documents in partition order)."""
        return compute_all(self)[0]

    # -- constructors ---------------------------------------------------------
    @classmethod
    def from_files(cls, paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
                   meta_pattern: str | re.Pattern[str] | None = None, npartitions: int | None = None,
                   doc_id: str = "stem", encoding: str | None = None) -> LazyCorpus:
        """Text files (a folder, a glob or a list of paths), like :meth:`Corpus.from_files`, read lazily.

        Args:
            paths_or_glob: a folder (every ``*.txt`` in it), a glob pattern, or paths; sorted as the eager reader sorts.
            meta_pattern: regular expression with named groups searched in each file name.
            npartitions: how many partitions (default: one per 16 files), contiguous in file order.
            doc_id: ``"stem"`` or ``"name"``.
            encoding: force an encoding for every file instead of detecting it (as :meth:`Corpus.from_files`).

        Raises:
            EmptyInputError: nothing matches. InvalidArgumentError: the pattern misses a file name.
        """
        dask = require_dask()
        from ..io.files import compile_meta_pattern, expand_paths
        from ..io.readers import check_naming, file_name_meta

        pattern = compile_meta_pattern(meta_pattern)
        check_naming(doc_id)
        paths = expand_paths(paths_or_glob)
        n = _n_partitions(npartitions, len(paths), per=16)
        bounds = _bounds(len(paths), n)
        located = [(i, p) for i, (a, b) in enumerate(bounds) for p in paths[a:b]]
        token = dask.base.tokenize([str(p) for p in paths], None if pattern is None else pattern.pattern, doc_id, n, encoding)
        parts = [dask.delayed(load_files, pure=True)([str(p) for p in paths[a:b]], pattern, doc_id, i, encoding,
                                                     dask_key_name=f"cn-files-{token}-{i}")
                 for i, (a, b) in enumerate(bounds)]
        docvars = docvars_frame([p.stem if doc_id == "stem" else p.name for _, p in located], [i for i, _ in located],
                                [{**file_name_meta(p, pattern), "path": str(p)} for _, p in located])
        fields = [c for c in docvars.columns if c not in ("doc_id", "partition")] + ["encoding"]
        return cls(parts, docvars=docvars, fields=fields)

    @classmethod
    def from_parquet(cls, path: str | os.PathLike[str], *, text: str = "text", doc_id: str | None = "doc_id") -> LazyCorpus:
        """A Parquet file (one partition per row group) or a folder of them (one partition per file).

        Every column besides ``text`` and ``doc_id`` is metadata; metadata columns are read
        up front (:attr:`docvars`), the texts only by the tasks.

        Raises:
            EmptyInputError: no Parquet file. UnknownNameError: the text (or doc_id) column is missing.
        """
        dask = require_dask()
        from ..io.corpora import check_parquet_columns, parquet_files, parquet_ids
        from ..io.readers import iter_parquet

        root = Path(check_path("path", path))
        files = parquet_files(root)
        pieces: list[tuple[str, int | None, int]] = []
        ids: list[str] = []
        metas: list[dict[str, Any]] = []
        partitions: list[int] = []
        for f in files:
            pf = parquet_file(f)
            columns = pf.schema_arrow.names
            check_parquet_columns(f, columns, text=text, doc_id=doc_id)
            # the metadata by the reader of Corpus.from_parquet (nulls left out, ints kept, nested values as lists),
            # the file read once: a partition per file in a folder, per row group in a single file
            batches = [b.rows for b in iter_parquet(f, columns=[c for c in columns if c != text])][:pf.num_row_groups]
            for g, rows in [(None, [r for b in batches for r in b])] if root.is_dir() else enumerate(batches):
                ids += parquet_ids(rows, doc_id=doc_id, first=len(ids))
                metas += [{k: v for k, v in row.items() if k != doc_id} for row in rows]
                partitions += [len(pieces)] * len(rows)
                pieces.append((str(f), g, len(ids) - len(rows)))
        token = dask.base.tokenize([(p, os.path.getmtime(p)) for p, _, _ in pieces], text, doc_id)
        parts = [dask.delayed(load_parquet, pure=True)(p, g, text, doc_id, a, dask_key_name=f"cn-parquet-{token}-{i}")
                 for i, (p, g, a) in enumerate(pieces)]
        docvars = docvars_frame(ids, partitions, metas)
        return cls(parts, docvars=docvars, fields=[c for c in docvars.columns if c not in ("doc_id", "partition")])

    @classmethod
    def from_corpus(cls, corpus: Corpus, *, npartitions: int) -> LazyCorpus:
        """Split an in-memory corpus into ``npartitions`` contiguous partitions."""
        dask = require_dask()
        if not isinstance(corpus, Corpus):
            raise InputTypeError(describe("corpus", corpus, "is not a Corpus", accepted="consensus_nlp.Corpus"))
        n = _n_partitions(npartitions, len(corpus), per=1)
        bounds = _bounds(len(corpus), n)
        parts = [dask.delayed(corpus[a:b]) for a, b in bounds]
        partitions = [i for i, (a, b) in enumerate(bounds) for _ in range(a, b)]
        docvars = docvars_frame(corpus.doc_ids, partitions, corpus.docvars.metas)
        return cls(parts, docvars=docvars, fields=corpus.fields(), meta=corpus.meta)

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write one Parquet file per partition (``part-00000.parquet`` …) into the folder ``path``.

        Columns: ``doc_id``, ``text`` and the metadata fields. Read back with :meth:`from_parquet`.
        """
        import dask

        out = Path(check_path("path", path))
        try:
            str(out).encode("utf-8")  # pyarrow takes UTF-8 paths only (no undecodable bytes)
            out.mkdir(parents=True, exist_ok=True)
        except UnicodeEncodeError:
            raise InvalidArgumentError(describe("path", path, "is not a UTF-8 path, which Parquet writing needs",
                                                todo="Name a folder in UTF-8.")) from None
        except OSError as exc:
            raise InvalidArgumentError(describe("path", str(out), f"cannot be made a folder ({exc.strerror or exc})",
                                                todo="Name a folder you can write to.")) from None
        tasks = [dask.delayed(write_parquet)(part, out / f"part-{i:05d}.parquet") for i, part in enumerate(self._parts)]
        dask_compute(*tasks)
        return out


def write_parquet(corpus: Corpus, path: Path) -> str:
    import pandas as pd

    import pyarrow as pa

    frame = pd.DataFrame([{frame_text(k): frame_text(v) for k, v in d.to_record().items()} for d in corpus])
    for column in frame.columns:  # a column Parquet cannot hold (mixed types, ints past 64 bits) is named
        try:
            pa.array(frame[column])
        except (pa.ArrowException, ValueError, TypeError, OverflowError) as exc:
            raise InvalidArgumentError(describe(
                "metadata field", column, f"cannot be written to Parquet ({type(exc).__name__}: {str(exc)[:80]})",
                accepted="one type per field (all str, all numbers within 64 bits, …)",
                todo="Make the field's values one type, or write JSONL with Corpus.to_jsonl.")) from None
    tmp = path.with_name(path.name + ".tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return str(path)


def _n_partitions(npartitions: int | None, n_items: int, *, per: int) -> int:
    if npartitions is None:
        return max(1, -(-n_items // per))
    check_int("npartitions", npartitions, minimum=1)
    return max(1, min(npartitions, n_items))


def _bounds(n_items: int, n: int) -> list[tuple[int, int]]:
    return [(i * n_items // n, (i + 1) * n_items // n) for i in range(n)]


def run_partitioned(stage: Any, corpus: Corpus, scheduler: str | None, workers: int | None = None, **kwargs: Any) -> Any:
    """``stage(corpus, **kwargs)``; with a ``scheduler``, run by partitions on it and gathered (same result).

    For the command line's ``--scheduler``: the stage (``cn.tokenize``, ``cn.tag``) runs on a
    :class:`LazyCorpus` of ``corpus`` and its result is computed back into the eager object.
    ``workers`` without a ``scheduler`` runs that many processes (on the active ``distributed``
    client, if there is one): threads would not segment in parallel.
    """
    if scheduler is None and workers is None:
        return stage(corpus, **kwargs)
    if scheduler is None and active_client() is None:  # --workers alone: processes (segmenting holds the GIL)
        scheduler = "processes"
    with use_scheduler(scheduler, workers):
        lazy = LazyCorpus.from_corpus(corpus, npartitions=4 * (workers or os.cpu_count() or 1))
        result = stage(lazy, **kwargs).compute()
    return result.reset_index(drop=True) if hasattr(result, "reset_index") else result


def compute(*values: Any, progress: bool = False) -> Any:
    """Compute lazy results, tokens and corpora together: the partitions they share are read and segmented once.

    Examples:
        >>> import consensus_nlp as cn
        >>> lazy = cn.LazyCorpus.from_corpus(cn.Corpus.from_records([{"text": "凝聚共识"}, {"text": "团结奋斗"}]),
        ...                                  npartitions=2)
        >>> tokens = cn.tokenize(lazy, segmenter=cn.Segmenter(backend="jieba"))
        >>> matrix, table = cn.compute(cn.dtm(tokens), cn.emphasis(tokens, by="doc_id"))
        >>> matrix.terms, table.counts.shape
        (('凝聚共识', '团结奋斗'), (2, 10))

    Returns:
        One value: its result; several: a tuple of results, in order. Values that are not lazy come back as they are.
    """
    results = compute_all(*values, progress=progress)
    return results[0] if len(values) == 1 else results


def map_partition(stage: Stage, part: Any) -> Any:
    return stage.map(part)


@execute.register
def run_by_partitions(data: Partitioned, stage: Stage) -> Any:
    """``stage`` on every partition of ``data`` as Dask tasks; the result stays lazy.

    Stages that keep their partitions (``output`` ``"tokens"``, ``"corpus"``, ``"frame"``) give a
    :class:`LazyTokens`, a :class:`LazyCorpus` or a dask DataFrame; the others a :class:`LazyResult`:
    when it is computed, the partitions' maps (small: counts, not tokens) come to this process, which
    combines them as a balanced tree and finalizes, so that a worker's memory is set by its
    partition and not by the corpus (the driver holds the result, as it must).
    """
    import dask

    fields = data.fields()
    if stage.output == "frame" and fields is None:  # the frame's columns are needed before any task runs
        fields = data.compute().fields()
    per_part = stage.for_partitions(fields)
    progress = sys.stderr.isatty() if stage.progress is None else bool(stage.progress)
    stage_task = dask.delayed(per_part, pure=True)  # one copy of the stage (and its model or dictionaries) per worker
    parts = [dask.delayed(map_partition, pure=True)(stage_task, p) for p in data.partitions]
    if stage.output == "tokens":
        return LazyTokens(parts, docvars=data.docvars, fields=fields, progress=progress)
    if stage.output == "corpus":
        return LazyCorpus(parts, meta=data._meta)
    if stage.output == "frame":
        import dask.dataframe as dd

        with dask.config.set({"dataframe.convert-string": False}):  # the eager frame's dtypes, not pyarrow strings
            return dd.from_delayed(parts, meta=per_part.frame_meta(fields), verify_meta=False)
    return LazyResult(per_part, parts, source=data, npartitions=data.npartitions)


@execute.register
def run_after(data: LazyResult, stage: Stage) -> LazyResult:
    """``stage`` on a lazy result (``cn.keyness(cn.dtm(lazy_tokens), ...)``): lazy too, run once that is computed."""
    return LazyResult(stage, data, source=data, npartitions=data.npartitions)
