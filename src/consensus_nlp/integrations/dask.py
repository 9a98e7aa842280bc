"""Corpora larger than memory: :class:`LazyCorpus`, partitions computed by Dask.

A :class:`LazyCorpus` is a list of partitions, each a small :class:`~consensus_nlp.Corpus`
that a Dask task reads when it is needed (a few files, a Parquet file or row group,
a slice of an in-memory corpus). Nothing is read when it is made, except what the
file names or the Parquet columns say about the documents (:attr:`LazyCorpus.docvars`).

The stage functions accept it with their usual signatures and run the eager code
on each partition, then reduce exactly on the driver (:mod:`.dask_reduce`):

* ``cn.tokenize(lazy)`` -> :class:`LazyTokens` (one :class:`~consensus_nlp.Tokens` per partition);
* ``cn.dtm(lazy_tokens, ...)`` -> the in-memory :class:`~consensus_nlp.DTM` of the eager path;
* ``cn.emphasis(lazy_tokens, ...)``, ``lazy_tokens.frequencies(...)`` -> the eager tables;
* ``cn.tag(lazy)`` -> a dask DataFrame of devices; ``cn.units(lazy, ...)`` -> a LazyCorpus.

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

from ..corpus import Corpus, Document, compile_meta_pattern, frame_text, thaw
from ..errors import ConsensusNLPError, InputTypeError, InvalidArgumentError, UnknownNameError, check_int, check_name, check_path, describe
from .dask_reduce import LazyTokens
from .dask_workers import (SCHEDULERS, Partitioned, cached_segmenter, compute, is_lazy, require_dask, use_scheduler,
                           worker_loads)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["LazyCorpus", "LazyTokens", "is_lazy", "worker_loads", "use_scheduler", "run_partitioned", "SCHEDULERS"]

log = logging.getLogger(__name__)

# -- partition loaders (module level: they travel to the workers) ------------
def load_files(paths: Sequence[str], pattern: re.Pattern[str] | None, doc_id: str, partition: int) -> Corpus:
    """Read one partition of text files, as :meth:`Corpus.from_files` reads them."""
    from ..io.encoding import read_text

    docs = []
    for path in paths:
        p = Path(path)
        try:
            body, encoding = read_text(p)
        except (OSError, ConsensusNLPError) as exc:
            raise InvalidArgumentError(
                describe("paths_or_glob", str(p), f"could not be read (partition {partition}): {exc}",
                         todo="Fix or remove that file; nothing of this computation was kept, so rerun it after.")
            ) from exc
        meta: dict[str, Any] = file_meta(p, pattern)
        meta.update(path=str(p), encoding=encoding)
        docs.append(Document(p.stem if doc_id == "stem" else p.name, body, meta))
    return Corpus(docs)


def file_meta(p: Path, pattern: re.Pattern[str] | None) -> dict[str, Any]:
    if pattern is None:
        return {}
    match = pattern.search(p.name)
    if match is None:
        raise InvalidArgumentError(describe("meta_pattern", pattern.pattern, f"does not match the file name {p.name!r}",
                                            todo="Adjust the pattern or leave that file out."))
    return {k: v for k, v in match.groupdict().items() if v is not None}


def load_parquet(path: str, row_group: int | None, text: str, doc_id: str | None, first: int) -> Corpus:
    """Read one Parquet file (or one row group of it) into a corpus; ids ``doc-<n>`` count from ``first``."""

    pf = parquet_file(path)
    try:
        table = pf.read() if row_group is None else pf.read_row_group(row_group)
        df = table.to_pandas()
    except (OSError, ValueError, TypeError, ArithmeticError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InvalidArgumentError(describe("path", path, f"could not be read as Parquet: {exc}")) from None
    if doc_id is None:
        df.insert(0, "__row_id__", [f"doc-{first + i}" for i in range(len(df))])
    return Corpus.from_dataframe(df, text=text, doc_id=doc_id or "__row_id__")


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


def _tokenize_part(corpus: Corpus, kwargs: dict[str, Any]) -> Any:
    from ..text.segmentation import tokenize

    return tokenize(corpus, **{**kwargs, "segmenter": cached_segmenter(kwargs["segmenter"])})


def _tag_part(corpus: Corpus, kinds: Any, columns: list[str]) -> pd.DataFrame:
    from ..devices import tag

    return tag(corpus, kinds=kinds).reindex(columns=columns).astype({"start": "int64", "end": "int64"})


def _units_part(corpus: Corpus, unit: str, min_chars: int) -> Corpus:
    from ..unitize import units

    return units(corpus, unit=unit, min_chars=min_chars)


class LazyCorpus(Partitioned):
    """A corpus read partition by partition by Dask tasks.

    Build one with :meth:`from_files`, :meth:`from_parquet` or :meth:`from_corpus`.

    Examples:
        >>> import consensus_nlp as cn
        >>> corpus = cn.Corpus.from_records([{"text": "凝聚共识", "year": 2020}, {"text": "团结奋斗", "year": 2021}])
        >>> lazy = cn.LazyCorpus.from_corpus(corpus, npartitions=2)
        >>> lazy, lazy.docvars["partition"].tolist()
        (LazyCorpus(2 partitions, 2 documents), [0, 1])
        >>> cn.dtm(cn.tokenize(lazy, segmenter=cn.Segmenter(backend="jieba"))).terms
        ('凝聚共识', '团结奋斗')

    Attributes:
        docvars: ``None`` or a DataFrame with ``doc_id``, ``partition`` and the metadata
            known without reading the texts (file-name groups and ``path``; Parquet columns).
    """

    __cn_lazy__ = "corpus"

    def __init__(self, parts: Sequence[Any], *, docvars: pd.DataFrame | None = None,
                 fields: Sequence[str] | None = None, meta: Any = None) -> None:
        super().__init__(parts, docvars, fields)  # each part computes to a Corpus
        self._meta = meta  # the collection's own metadata (Corpus.meta)

    def __repr__(self) -> str:
        docs = "unknown" if self.docvars is None else str(len(self.docvars))
        return f"LazyCorpus({self.npartitions} partitions, {docs} documents)"

    def to_bag(self) -> Any:
        """A ``dask.bag.Bag`` of the :class:`Document` objects, one bag partition per partition."""
        import dask.bag as db

        return db.from_delayed(self._parts)

    def compute(self) -> Corpus:
        """Read every partition and return one in-memory :class:`Corpus` (documents in partition order)."""
        parts = compute(*self._parts)
        return Corpus((d for part in parts for d in part), meta=self._meta)

    # -- constructors ---------------------------------------------------------
    @classmethod
    def from_files(cls, paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
                   meta_pattern: str | re.Pattern[str] | None = None, npartitions: int | None = None,
                   doc_id: str = "stem") -> LazyCorpus:
        """Text files (a folder, a glob or a list of paths), like :meth:`Corpus.from_files`, read lazily.

        Args:
            paths_or_glob: a folder (every ``*.txt`` in it), a glob pattern, or paths; sorted as the eager reader sorts.
            meta_pattern: regular expression with named groups searched in each file name.
            npartitions: how many partitions (default: one per 16 files), contiguous in file order.
            doc_id: ``"stem"`` or ``"name"``.

        Raises:
            EmptyInputError: nothing matches. InvalidArgumentError: the pattern misses a file name.
        """
        dask = require_dask()
        import pandas as pd

        from ..io.files import expand_paths

        pattern = compile_meta_pattern(meta_pattern)
        if not isinstance(doc_id, str) or doc_id not in ("stem", "name"):
            raise UnknownNameError(describe("doc_id", doc_id, "is not a naming scheme", accepted=["stem", "name"]))
        paths = expand_paths(paths_or_glob)
        n = _n_partitions(npartitions, len(paths), per=16)
        bounds = _bounds(len(paths), n)
        rows = [{"doc_id": p.stem if doc_id == "stem" else p.name, "partition": i, **file_meta(p, pattern), "path": str(p)}
                for i, (a, b) in enumerate(bounds) for p in paths[a:b]]
        token = dask.base.tokenize([str(p) for p in paths], None if pattern is None else pattern.pattern, doc_id, n)
        parts = [dask.delayed(load_files, pure=True)([str(p) for p in paths[a:b]], pattern, doc_id, i,
                                                     dask_key_name=f"cn-files-{token}-{i}")
                 for i, (a, b) in enumerate(bounds)]
        docvars = pd.DataFrame(rows)
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
        import pandas as pd

        from ..errors import EmptyInputError

        root = Path(check_path("path", path))
        files = sorted(root.glob("*.parquet")) if root.is_dir() else [root]
        if not files or not files[0].is_file():
            raise EmptyInputError(describe("path", str(path), "holds no Parquet file", todo="Check the path."))
        pieces, frames, first = [], [], 0
        for f in files:
            pf = parquet_file(f)
            columns = pf.schema_arrow.names
            if doc_id is None and "doc_id" in columns:
                raise InvalidArgumentError(describe("doc_id", None, f"numbers the rows, but {str(f)!r} has a doc_id column",
                                                    todo="Pass doc_id='doc_id' to use it."))
            for name, argument in ((text, "text"), (doc_id, "doc_id")):
                check_name(argument, name, accepted=columns, allow_none=argument == "doc_id")
                if name is not None and name not in columns:
                    raise UnknownNameError(describe(argument, name, f"is not a column of {str(f)!r}", accepted=columns,
                                                    todo="Name the column with text=... / doc_id=... (doc_id=None numbers the rows)."))
            groups = [None] if root.is_dir() else list(range(pf.num_row_groups))
            for g in groups:
                meta = (pf.read if g is None else lambda columns, g=g: pf.read_row_group(g, columns=columns))(
                    columns=[c for c in columns if c != text]).to_pandas()
                if doc_id is None:
                    meta.insert(0, "doc_id", [f"doc-{first + i}" for i in range(len(meta))])
                else:
                    meta = meta.rename(columns={doc_id: "doc_id"})
                    meta["doc_id"] = meta["doc_id"].astype(str)
                meta.insert(1, "partition", len(pieces))
                pieces.append((str(f), g, first))
                frames.append(meta)
                first += len(meta)
        token = dask.base.tokenize([(p, os.path.getmtime(p)) for p, _, _ in pieces], text, doc_id)
        parts = [dask.delayed(load_parquet, pure=True)(p, g, text, doc_id, a, dask_key_name=f"cn-parquet-{token}-{i}")
                 for i, (p, g, a) in enumerate(pieces)]
        docvars = pd.concat(frames, ignore_index=True)
        return cls(parts, docvars=docvars, fields=[c for c in docvars.columns if c not in ("doc_id", "partition")])

    @classmethod
    def from_corpus(cls, corpus: Corpus, *, npartitions: int) -> LazyCorpus:
        """Split an in-memory corpus into ``npartitions`` contiguous partitions."""
        dask = require_dask()
        import pandas as pd

        if not isinstance(corpus, Corpus):
            raise InputTypeError(describe("corpus", corpus, "is not a Corpus", accepted="consensus_nlp.Corpus"))
        n = _n_partitions(npartitions, len(corpus), per=1)
        bounds = _bounds(len(corpus), n)
        parts = [dask.delayed(corpus[a:b]) for a, b in bounds]
        rows = [{"doc_id": d.doc_id, "partition": i, **thaw(d.meta)} for i, (a, b) in enumerate(bounds) for d in corpus[a:b]]
        return cls(parts, docvars=pd.DataFrame(rows), fields=corpus.fields(), meta=corpus.meta)

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
        compute(*tasks)
        return out

    # -- stages (called by cn.tokenize, cn.tag, cn.units) ---------------------
    def tokenize(self, **kwargs: Any) -> LazyTokens:
        """:func:`consensus_nlp.tokenize` on every partition (same keyword arguments; ``n_jobs`` is ignored)."""
        import dask

        from ..text.segmentation import Segmenter

        kwargs.pop("n_jobs", None)
        progress = kwargs.get("progress")
        progress = sys.stderr.isatty() if progress is None else bool(progress)
        kwargs["progress"] = False  # no bar per partition: one for the whole computation
        if kwargs.get("segmenter") is None:
            kwargs["segmenter"] = Segmenter()
        if not isinstance(kwargs["segmenter"], Segmenter):
            raise InputTypeError(describe("segmenter", kwargs["segmenter"], "is not a Segmenter", accepted="Segmenter or None"))
        stopwords = kwargs.get("stopwords")
        if stopwords is not None and not isinstance(stopwords, (set, frozenset)):
            from ..text.stopwords import load_stopwords

            load_stopwords(stopwords)  # an unknown list name fails here, not in every task
        parts = [dask.delayed(_tokenize_part, pure=True)(p, kwargs) for p in self._parts]
        return LazyTokens(parts, docvars=self.docvars, fields=self._fields, progress=progress)

    def tag(self, *, kinds: Any = None) -> Any:
        """:func:`consensus_nlp.tag` on every partition: a dask DataFrame with the eager columns."""
        import dask.dataframe as dd
        import pandas as pd

        from ..devices.tagger import COLUMNS, check_kinds

        check_kinds(kinds)
        fields = self._fields if self._fields is not None else list(self.compute().fields())
        columns = COLUMNS + [f"meta_{k}" if k in COLUMNS else k for k in fields]
        meta = pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "end") else object) for c in columns})
        import dask

        parts = [dask.delayed(_tag_part, pure=True)(p, kinds, columns) for p in self._parts]
        with dask.config.set({"dataframe.convert-string": False}):  # the eager frame's dtypes, not pyarrow strings
            return dd.from_delayed(parts, meta=meta, verify_meta=False)

    def units(self, unit: str = "speech", *, min_chars: int = 0) -> LazyCorpus:
        """:func:`consensus_nlp.units` on every partition; the units' metadata is known once computed."""
        import dask

        from ..errors import check_choice

        check_choice("unit", unit, ("speech", "paragraph", "outline_item"), what="a unit of analysis")
        check_int("min_chars", min_chars, minimum=0)
        return LazyCorpus([dask.delayed(_units_part, pure=True)(p, unit, min_chars) for p in self._parts],
                          meta=self._meta)


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
    """
    if scheduler is None and workers is None:
        return stage(corpus, **kwargs)
    with use_scheduler(scheduler, workers):
        lazy = LazyCorpus.from_corpus(corpus, npartitions=4 * (workers or os.cpu_count() or 1))
        result = stage(lazy, **kwargs).compute()
    return result.reset_index(drop=True) if hasattr(result, "reset_index") else result
