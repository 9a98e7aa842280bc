"""Corpora from the readers, and corpora to files: the bodies of ``Corpus.from_*`` and ``Corpus.to_jsonl``.

:mod:`consensus_nlp.corpus` holds data only and imports nothing from ``io/``; its
constructors that read files (``from_files``, ``from_jsonl``, ``from_parquet``,
``from_dataframe``) and its writer (``to_jsonl``) look the functions of this module up
by name when called (see docs/architecture.md). Every function here collects the record
batches of one parser of :mod:`.readers`, so ``Corpus.from_jsonl`` and
``consensus-nlp analyze`` read a JSONL file with the same rules.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..corpus import Corpus, Document
from ..docvars import is_missing
from ..errors import EmptyInputError, InvalidArgumentError, UnknownNameError, check_int, check_name, check_path, describe
from .files import duplicate_rows, jsonl_line, write_atomic
from .readers import iter_dataframe, iter_jsonl, iter_parquet, iter_text_files

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["corpus_from_files", "corpus_from_jsonl", "corpus_from_parquet", "corpus_from_dataframe",
           "write_jsonl", "duplicates_frame", "parquet_files", "check_parquet_columns", "parquet_ids", "parquet_corpus"]


def corpus_from_files(paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
                      meta_pattern: str | re.Pattern[str] | None = None, doc_id: str = "stem",
                      encoding: str | None = None) -> Corpus:
    """The body of :meth:`Corpus.from_files <consensus_nlp.corpus.Corpus.from_files>`."""
    docs = [Document(r.pop("doc_id"), r.pop("text"), r)
            for batch in iter_text_files(paths_or_glob, meta_pattern=meta_pattern, doc_id=doc_id, encoding=encoding)
            for r in batch.rows]
    return Corpus(docs)


def corpus_from_jsonl(path: str | os.PathLike[str], *, text: str = "text", doc_id: str = "doc_id",
                      encoding: str | None = None) -> Corpus:
    """The body of :meth:`Corpus.from_jsonl <consensus_nlp.corpus.Corpus.from_jsonl>`."""
    return Corpus.from_records([row for batch in iter_jsonl(path, encoding=encoding) for row in batch.rows],
                               text=text, doc_id=doc_id)


def parquet_files(path: str | os.PathLike[str]) -> list[Path]:
    """A Parquet file, or the ``*.parquet`` files of a folder (sorted); :class:`EmptyInputError` when there is none."""
    root = Path(path)
    files = sorted(root.glob("*.parquet")) if root.is_dir() else [root]
    if not files or not files[0].is_file():
        raise EmptyInputError(describe("path", str(path), "holds no Parquet file", todo="Check the path."))
    return files


def check_parquet_columns(path: str | os.PathLike[str], columns: Iterable[str], *, text: str,
                          doc_id: str | None) -> None:
    """Refuse a Parquet file that lacks the ``text`` or ``doc_id`` column, or whose rows ``doc_id=None`` would number
    although it has a ``doc_id`` column (:meth:`Corpus.from_parquet` and ``LazyCorpus.from_parquet`` alike)."""
    columns = list(columns)
    if doc_id is None and "doc_id" in columns:
        raise InvalidArgumentError(describe("doc_id", None, f"numbers the rows, but {str(path)!r} has a doc_id column",
                                            todo="Pass doc_id='doc_id' to use it."))
    for name, argument in ((text, "text"), (doc_id, "doc_id")):
        check_name(argument, name, accepted=columns, allow_none=argument == "doc_id")
        if name is not None and name not in columns:
            raise UnknownNameError(describe(argument, name, f"is not a column of {str(path)!r}", accepted=columns,
                                            todo="Name the column with text=... / doc_id=... (doc_id=None numbers the rows)."))


def parquet_ids(rows: Iterable[dict[str, Any]], *, doc_id: str | None, first: int = 0) -> list[str]:
    """The documents' ids of Parquet rows that start at row ``first`` of the input: the ``doc_id`` cell as text,
    ``doc-<row>`` where it is null or empty or ``doc_id`` is ``None`` (the rule of :meth:`Corpus.from_records`)."""
    ids = []
    for i, row in enumerate(rows, first):
        value = None if doc_id is None else row.get(doc_id)
        ids.append(f"doc-{i}" if is_missing(value) or value == "" else str(value))
    return ids


def parquet_corpus(rows: list[dict[str, Any]], *, text: str, doc_id: str | None, first: int = 0) -> Corpus:
    """Parquet rows (of :func:`~.readers.iter_parquet`) that start at row ``first`` of the input, as a corpus."""
    key = "__row__" if doc_id is None else doc_id
    ids = parquet_ids(rows, doc_id=doc_id, first=first)
    return Corpus.from_records([{**row, key: i} for row, i in zip(rows, ids)], text=text, doc_id=key)


def corpus_from_parquet(path: str | os.PathLike[str], *, text: str = "text", doc_id: str | None = "doc_id") -> Corpus:
    """The body of :meth:`Corpus.from_parquet <consensus_nlp.corpus.Corpus.from_parquet>`."""
    rows: list[dict[str, Any]] = []
    for f in parquet_files(check_path("path", path)):
        for batch in iter_parquet(f):
            check_parquet_columns(f, batch.columns, text=text, doc_id=doc_id)
            rows += batch.rows
    return parquet_corpus(rows, text=text, doc_id=doc_id)


def corpus_from_dataframe(df: pd.DataFrame, *, text: str = "text", doc_id: str | None = None) -> Corpus:
    """The body of :meth:`Corpus.from_dataframe <consensus_nlp.corpus.Corpus.from_dataframe>`."""
    batches = iter_dataframe(df)
    first = next(batches)
    columns = list(first.columns)
    check_name("text", text, accepted=columns)
    check_name("doc_id", doc_id, accepted=columns, allow_none=True)
    if text not in columns:
        raise UnknownNameError(describe("text", text, "is not a column of df", accepted=columns))
    if doc_id is None:
        doc_id = next((c for c in ("doc_id", "id") if c in columns and c != text), None)
    elif doc_id not in columns:
        raise UnknownNameError(
            describe("doc_id", doc_id, "is not a column of df", accepted=columns,
                     todo="Pass doc_id=None to use a 'doc_id' or 'id' column or number the rows.")
        )
    for reserved, used in (("text", text), ("doc_id", doc_id)):
        if used != reserved and reserved in columns:
            raise InvalidArgumentError(
                describe("df", f"columns {columns}", f"has a column {reserved!r} besides the {reserved} column {used!r}",
                         todo=f"Drop or rename the {reserved!r} column (df.rename(columns={{{reserved!r}: '{reserved}_2'}})).")
            )
    records = []
    for batch in (first, *batches):
        for row in batch.rows:
            i = len(records)
            key = row.pop(doc_id, None) if doc_id is not None else None
            row["doc_id"] = f"doc-{i}" if key is None else str(key)
            if text not in row:
                raise InvalidArgumentError(describe(f"df[{text!r}]", None, f"is missing in row {i}", accepted="a str in every row"))
            records.append(row)
    return Corpus.from_records(records, text=text)


def write_jsonl(corpus: Corpus, path: str | os.PathLike[str]) -> Path:
    """The body of :meth:`Corpus.to_jsonl <consensus_nlp.corpus.Corpus.to_jsonl>`."""
    def lines() -> Iterator[str]:
        for doc in corpus:
            try:
                yield jsonl_line(doc.to_record()) + "\n"
            except (TypeError, ValueError) as exc:
                raise InvalidArgumentError(
                    describe("document", doc.doc_id, f"cannot be written as JSON ({exc})",
                             accepted="texts and metadata of str, numbers, bool, None, lists and dicts of them",
                             todo="Convert such a value first (e.g. str(date)).")
                ) from None

    return write_atomic(path, lines())


def duplicates_frame(corpus: Corpus, *, min_chars: int = 200) -> pd.DataFrame:
    """The body of :meth:`Corpus.duplicates <consensus_nlp.corpus.Corpus.duplicates>`."""
    import pandas as pd

    min_chars = check_int("min_chars", min_chars, minimum=1)
    rows = duplicate_rows(corpus.doc_ids, corpus.texts, min_chars=min_chars)
    columns = ["doc_id", "kind", "duplicate_of", "start", "end", "first_start", "chars"]
    return pd.DataFrame(rows, columns=columns)
