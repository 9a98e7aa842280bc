"""Readers: one parser per input format, each yielding batches of records.

``iter_records(source, format=..., **options)`` is the one way the package reads
documents: :class:`~consensus_nlp.corpus.Corpus` (``from_files``, ``from_jsonl``,
``from_parquet``, ``from_dataframe``), :class:`~consensus_nlp.integrations.dask.LazyCorpus`
(its partition loaders) and ``consensus-nlp analyze`` (:mod:`consensus_nlp.report.inputs`)
all call the parsers below, so a file gives the same documents and metadata whichever
entry point reads it.

A batch is a :class:`RecordBatch`: the column names seen so far, in order, and the rows,
one dict per document. The rules for missing values, per format:

- **text files** (:func:`iter_text_files`): ``doc_id`` (the file's stem or name),
  ``text``, the named groups of ``meta_pattern`` found in the file name (groups that did
  not take part in the match are left out), ``path`` and ``encoding``.
- **JSONL** (:func:`iter_jsonl`): one object per line, lines split on ``\\n`` only
  (U+2028 inside a text is text). A line of whitespace only is skipped. JSON ``null`` is
  the value ``None`` and is kept (``Corpus.to_jsonl`` writes a ``None`` as ``null``); a
  key that is absent is a missing value.
- **CSV/TSV** (:func:`iter_delimited`): every cell is text; an empty cell is a missing
  value (left out of the row).
- **Parquet** (:func:`iter_parquet`): one batch per row group; a null cell is a missing
  value; dates and other values JSON cannot hold become text.
- **DataFrame** (:func:`iter_dataframe`): NaN, ``None``, ``pd.NA`` and ``NaT`` are missing values.
- **pages and PDFs** (:func:`iter_page`, :func:`iter_pdf`): the speeches of
  :func:`~consensus_nlp.read_page` / :func:`~consensus_nlp.read_pdf` as records.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..docvars import is_missing
from ..errors import InputTypeError, InvalidArgumentError, MissingDependencyError, UnknownNameError, describe
from .encoding import read_text
from .files import compile_meta_pattern, expand_paths

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["RecordBatch", "iter_records", "FORMATS", "iter_text_files", "text_file_record", "file_name_meta",
           "iter_jsonl", "jsonl_objects", "iter_delimited", "iter_parquet", "iter_dataframe", "iter_page", "iter_pdf",
           "read_rows", "is_missing", "plain_value", "BATCH_ROWS"]

#: rows per batch for the formats read row by row (text files, JSONL, DataFrames)
BATCH_ROWS = 10_000


@dataclass(frozen=True)
class RecordBatch:
    """Some documents of an input, as records.

    Attributes:
        columns: the column names seen up to and including this batch, in first-seen order
            (for a CSV, TSV or Parquet file: its header, also when a batch has no rows).
        rows: one dict per document; missing values are left out (see the module's rules).
    """

    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


def plain_value(value: Any) -> Any:
    """Dates and other non-JSON values of a Parquet cell as text; numbers, text and booleans as they are."""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    return str(value)


def _batched(rows: Iterable[dict[str, Any]], batch_size: int, columns: dict[str, None] | None = None
             ) -> Iterator[RecordBatch]:
    """Rows in batches of ``batch_size``; the columns are collected from the rows' keys unless given."""
    collect = columns is None
    seen: dict[str, None] = {} if columns is None else columns
    batch: list[dict[str, Any]] = []
    yielded = False
    for row in rows:
        if collect:
            seen.update(dict.fromkeys(row))
        batch.append(row)
        if len(batch) >= batch_size:
            yield RecordBatch(tuple(seen), batch)
            batch, yielded = [], True
    if batch or not yielded:  # at least one batch: it names the columns of an input without rows
        yield RecordBatch(tuple(seen), batch)


# -- text files ------------------------------------------------------------------------------------------
def file_name_meta(path: Path, pattern: re.Pattern[str] | None) -> dict[str, Any]:
    """The named groups of ``pattern`` found in the file name (groups that did not match left out)."""
    if pattern is None:
        return {}
    match = pattern.search(path.name)
    if match is None:
        raise InvalidArgumentError(describe("meta_pattern", pattern.pattern, f"does not match the file name {path.name!r}",
                                            todo="Adjust the pattern or leave that file out."))
    return {k: v for k, v in match.groupdict().items() if v is not None}


def text_file_record(path: Path, *, pattern: re.Pattern[str] | None = None, doc_id: str = "stem",
                     encoding: str | None = None) -> dict[str, Any]:
    """One text file as a record: ``doc_id``, ``text``, the file name's metadata, ``path``, ``encoding``."""
    body, found = read_text(path, encoding=encoding)
    return {"doc_id": path.stem if doc_id == "stem" else path.name, "text": body, **file_name_meta(path, pattern),
            "path": str(path), "encoding": found}


def check_naming(doc_id: str) -> str:
    if not isinstance(doc_id, str) or doc_id not in ("stem", "name"):
        raise UnknownNameError(describe("doc_id", doc_id, "is not a naming scheme", accepted=["stem", "name"]))
    return doc_id


def iter_text_files(paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
                    meta_pattern: str | re.Pattern[str] | None = None, doc_id: str = "stem",
                    encoding: str | None = None, batch_size: int = BATCH_ROWS) -> Iterator[RecordBatch]:
    """Text files (a folder's ``*.txt``, a glob, or paths; sorted) as records, ``batch_size`` files a batch.

    Raises:
        EmptyInputError: nothing matches. InputPathError: a folder or a dangling link among the paths.
        InvalidArgumentError: the pattern misses a file name. UnknownNameError: ``doc_id`` is not ``"stem"``/``"name"``.
    """
    pattern = compile_meta_pattern(meta_pattern)
    paths = expand_paths(paths_or_glob)
    check_naming(doc_id)
    records = (text_file_record(p, pattern=pattern, doc_id=doc_id, encoding=encoding) for p in paths)
    yield from _batched(records, batch_size)


# -- JSONL -----------------------------------------------------------------------------------------------
def jsonl_objects(content: str, *, source: str, argument: str = "path") -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each line of ``content`` that is not whitespace only, split on ``\\n`` only."""
    for lineno, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidArgumentError(
                describe(argument, source, f"line {lineno} is not valid JSON ({exc.msg} at column {exc.colno})",
                         accepted="one JSON object per line")
            ) from None
        except RecursionError:
            raise InvalidArgumentError(
                describe(argument, source, f"line {lineno} nests JSON too deeply", accepted="objects nested a few levels",
                         todo="Flatten the metadata of that record.")
            ) from None
        if not isinstance(record, dict):
            raise InvalidArgumentError(
                describe(argument, source, f"line {lineno} holds a JSON {type(record).__name__}, not an object",
                         accepted='one object per line, such as {"doc_id": "a", "text": "…"}')
            )
        yield lineno, record


def iter_jsonl(path: str | os.PathLike[str], *, encoding: str | None = None, batch_size: int = BATCH_ROWS,
               argument: str = "path") -> Iterator[RecordBatch]:
    """A JSONL file (UTF-8, UTF-8 with BOM or GB18030; an empty file is no records) as records."""
    content, _ = read_text(path, encoding=encoding, allow_empty=True)
    rows = (record for _, record in jsonl_objects(content, source=str(path), argument=argument))
    yield from _batched(rows, batch_size)


# -- CSV / TSV -------------------------------------------------------------------------------------------
def iter_delimited(path: str | os.PathLike[str], *, sep: str = ",", encoding: str | None = None,
                   argument: str = "path") -> Iterator[RecordBatch]:
    """A CSV (``sep=","``) or TSV (``sep="\\t"``) file with a header row; every cell is text, an empty cell is missing."""
    import io

    import pandas as pd

    content, _ = read_text(path, encoding=encoding)
    kind = "TSV" if sep == "\t" else "CSV"
    try:
        df = pd.read_csv(io.StringIO(content), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidArgumentError(
            describe(argument, str(path), f"is not a readable {kind} file ({str(exc).strip()})",
                     accepted="a header row with a text column, then one document per row")
        ) from None
    columns = [str(c) for c in df.columns]
    rows = [{c: v for c, v in zip(columns, values) if v != ""} for values in df.itertuples(index=False, name=None)]
    yield RecordBatch(tuple(columns), rows)


# -- Parquet ---------------------------------------------------------------------------------------------
def iter_parquet(path: str | os.PathLike[str], *, row_groups: Iterable[int] | None = None,
                 columns: Iterable[str] | None = None, argument: str = "path") -> Iterator[RecordBatch]:
    """A Parquet file, one batch per row group (``row_groups``: only those); a null cell is a missing value."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError(describe(argument, str(path), "is a Parquet file and pyarrow is not installed",
                                              todo="Install it: pip install 'consensus-nlp[parquet]'.")) from None
    try:
        pf = pq.ParquetFile(path)
        names = tuple(str(c) for c in pf.schema_arrow.names)
        wanted = None if columns is None else [c for c in columns if c in names]
        groups = range(pf.num_row_groups) if row_groups is None else row_groups
        for g in groups:
            table = pf.read_row_group(g, columns=wanted)
            rows = [{str(k): plain_value(v) for k, v in record.items() if v is not None} for record in table.to_pylist()]
            yield RecordBatch(names if wanted is None else tuple(wanted), rows)
        if pf.num_row_groups == 0 and row_groups is None:
            yield RecordBatch(names, [])
    except (OSError, ValueError, TypeError, ArithmeticError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InvalidArgumentError(describe(argument, str(path), f"is not a readable Parquet file ({exc})",
                                            accepted="a Parquet table with a text column")) from None


# -- DataFrames ------------------------------------------------------------------------------------------
def iter_dataframe(df: pd.DataFrame, *, batch_size: int = BATCH_ROWS) -> Iterator[RecordBatch]:
    """A DataFrame's rows as records (column names as str); NaN, None, pd.NA and NaT are missing values."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise InputTypeError(describe("df", df, "is not a pandas DataFrame", accepted="pandas.DataFrame"))
    columns = {str(c): None for c in df.columns}
    rows = ({str(k): v for k, v in row.items() if not is_missing(v)} for row in df.to_dict(orient="records"))
    yield from _batched(rows, batch_size, columns)


# -- pages -----------------------------------------------------------------------------------------------
def iter_page(path: str | os.PathLike[str], **options: Any) -> Iterator[RecordBatch]:
    """The speeches of a newspaper page (:func:`~consensus_nlp.read_page`, its keyword options) as records."""
    from .page import read_page

    yield _corpus_batch(read_page(path, **options))


def iter_pdf(path: str | os.PathLike[str], **options: Any) -> Iterator[RecordBatch]:
    """The speeches of a PDF page (:func:`~consensus_nlp.read_pdf`, its keyword options) as records."""
    from .page import read_pdf

    yield _corpus_batch(read_pdf(path, **options))


def _corpus_batch(corpus: Any) -> RecordBatch:
    return RecordBatch(("doc_id", "text", *corpus.fields()), corpus.to_records())


#: format name -> parser; every parser takes the source first and keyword options
FORMATS: dict[str, Callable[..., Iterator[RecordBatch]]] = {
    "files": iter_text_files,
    "jsonl": iter_jsonl,
    "csv": lambda path, **options: iter_delimited(path, sep=",", **options),
    "tsv": lambda path, **options: iter_delimited(path, sep="\t", **options),
    "parquet": iter_parquet,
    "dataframe": iter_dataframe,
    "page": iter_page,
    "pdf": iter_pdf,
}


def iter_records(source: Any, *, format: str, **options: Any) -> Iterator[RecordBatch]:
    """Batches of records from ``source`` read as ``format`` (a name of :data:`FORMATS`) with the parser's options.

    Examples:
        >>> import pandas as pd
        >>> [b.rows for b in iter_records(pd.DataFrame({"text": ["甲", "乙"], "year": [1991, None]}), format="dataframe")]
        [[{'text': '甲', 'year': 1991.0}, {'text': '乙'}]]

    Raises:
        UnknownNameError: an unknown format.
    """
    parser = FORMATS.get(format)
    if parser is None:
        raise UnknownNameError(describe("format", format, "is not an input format", accepted=list(FORMATS)))
    return parser(source, **options)


def read_rows(source: Any, *, format: str, **options: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """Every batch of :func:`iter_records` at once: the column names and the rows."""
    columns: tuple[str, ...] = ()
    rows: list[dict[str, Any]] = []
    for batch in iter_records(source, format=format, **options):
        columns = batch.columns if len(batch.columns) >= len(columns) else columns
        rows += batch.rows
    return list(columns), rows
