"""What ``consensus-nlp analyze`` reads: a bundled corpus, a page, a folder, or a table of documents.

The kind of input is decided by what the path is: a folder of ``.txt`` files, a ``.txt``
newspaper page (or a file without extension), a ``.pdf`` page, several ``.txt`` files (one document
each), or a table — ``.csv``, ``.tsv``, ``.jsonl`` (``.ndjson``) or ``.parquet`` — with
one document per row. For a table, the text column (``text_column``, default ``text``),
the id column (``id_column``; default a ``doc_id`` column, else an ``id`` column, else
the rows are numbered with a warning) and the metadata columns (``meta_columns``;
default every other column) can be named.

Messages name the Python arguments (``text_column=…``); the command line shows them as
its options (``--text-column …``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ..corpus import Corpus, Document
from ..errors import EmptyInputError, InvalidArgumentError, UnknownNameError, describe
from ..io.readers import read_rows
from ..registry import sha256_file

logger = logging.getLogger(__name__)

__all__ = ["InputSpec", "load_inputs", "TABLE_KINDS", "DEFAULT_CORPUS"]

DEFAULT_CORPUS = "gansu-cppcc-2021"
#: file extension -> kind of table
TABLE_KINDS = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
PAGE_SUFFIXES = (".txt", "", ".pdf")
ACCEPTED = ("a bundled corpus name, a newspaper page (.txt or .pdf), a folder of .txt files, several .txt files, "
            "or one table: .csv, .tsv, .jsonl or .parquet")


@dataclass(frozen=True)
class InputSpec:
    """How to read a table input (ignored for pages and folders, where giving them is an error).

    Attributes:
        text_column: column of the texts (default ``"text"``).
        id_column: column of the document ids (default ``doc_id``, else ``id``, else numbered rows).
        meta_columns: columns kept as metadata (default: every other column).
        meta_pattern: regex with named groups for metadata in file names (folder or .txt inputs).
    """

    text_column: str | None = None
    id_column: str | None = None
    meta_columns: tuple[str, ...] | None = None
    meta_pattern: str | None = None
    TABLE_OPTIONS: ClassVar[tuple[str, ...]] = ("text_column", "id_column", "meta_columns")

    def given_table_options(self) -> list[str]:
        """The table options that were set (they are an error for a page or a folder)."""
        return [name for name in self.TABLE_OPTIONS if getattr(self, name) is not None]


def load_inputs(
    inputs: Sequence[str | os.PathLike[str]] | str | os.PathLike[str] | None,
    *,
    spec: InputSpec | None = None,
) -> tuple[Corpus, dict[str, Any]]:
    """Read what the command line names.

    Returns:
        The corpus and a description of the input: ``kind``, ``paths``, ``files``
        (path -> sha256 of its bytes) and ``sha256`` (one digest over all files, or over
        the records of a bundled corpus), plus for a table the ``columns`` used and the
        ``warnings`` given (also logged).
    """
    from ..io.datasets import list_corpora, load_corpus

    spec = spec or InputSpec()
    if inputs is None or (not isinstance(inputs, (str, os.PathLike)) and len(inputs) == 0):
        inputs = [DEFAULT_CORPUS]
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    names = [os.fspath(i) for i in inputs]
    if len(names) == 1 and names[0] in list_corpora() and not Path(names[0]).exists():
        _refuse_table_options(spec, "a bundled corpus")
        corpus = load_corpus(names[0])
        return corpus, {"kind": "bundled", "name": names[0], "sha256": corpus_hash(corpus)}
    paths = [Path(n) for n in names]
    for p in paths:
        if not p.exists():
            if p.suffix == "" and os.sep not in str(p) and "/" not in str(p):
                raise UnknownNameError(describe("input", str(p), "is neither a bundled corpus nor an existing path",
                                                accepted=list_corpora(), todo=f"Give a corpus name from the list or {_paths_text()}."))
            raise FileNotFoundError(2, "No such file or directory", str(p))
    kind = input_kind(paths)
    if kind in ("csv", "tsv", "jsonl", "parquet"):
        warnings = []
        if spec.meta_pattern is not None:
            warnings.append(f"meta_pattern is ignored for a .{kind} input: it reads metadata from .txt file names")
        corpus, columns = read_table(paths[0], kind, spec)
        if columns["id"] is None:
            warnings.append(f"{paths[0].name} has no 'doc_id' or 'id' column: the documents are numbered doc-0, doc-1, … "
                            "(name the id column with id_column=…)")
        for message in warnings:
            logger.warning("%s", message)
        files = paths
        extra: dict[str, Any] = {"columns": columns, "warnings": warnings}
    else:
        _refuse_table_options(spec, {"folder": "a folder", "page": "a page", "files": ".txt files"}[kind])
        corpus, files = _read_texts(paths, kind, spec.meta_pattern)
        extra = {}
    if len(corpus) == 0:
        raise EmptyInputError(describe("input", names[0] if len(names) == 1 else names, "holds no documents",
                                       todo="Check that the table has rows below its header (CSV/TSV) or objects (JSONL)."))
    hashes = {str(f): sha256_file(f) for f in files}
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode("utf-8") + b"\0" + f.read_bytes())
    return corpus, {"kind": kind, "paths": [str(p) for p in paths], "files": hashes, "sha256": digest.hexdigest(), **extra}


def input_kind(paths: Sequence[Path]) -> str:
    """``"folder"``, ``"page"``, ``"files"``, or the kind of table (``"csv"``, ``"tsv"``, ``"jsonl"``, ``"parquet"``)."""
    if len(paths) == 1:
        p = paths[0]
        if p.is_dir():
            return "folder"
        suffix = p.suffix.lower()
        if suffix in TABLE_KINDS:
            return TABLE_KINDS[suffix]
        if suffix in PAGE_SUFFIXES:
            return "page"
        raise InvalidArgumentError(describe("input", str(p), f"has an extension ({p.suffix}) that analyze does not read",
                                            accepted=ACCEPTED, todo="Convert it to one of those, e.g. save the text as .txt."))
    odd = [str(p) for p in paths if p.is_dir() or p.suffix.lower() not in (".txt", "")]
    if odd:
        raise InvalidArgumentError(
            describe("input", [str(p) for p in paths], f"mixes several inputs with a folder or table ({odd[0]})",
                     accepted="one folder, one table (.csv, .tsv, .jsonl, .parquet), one page, or several .txt files (one document each)",
                     todo="Give one of those, or merge the documents into one .jsonl file.")
        )
    return "files"


def _paths_text() -> str:
    return "the path of a page (.txt), a folder, or a .csv/.tsv/.jsonl/.parquet file"


def _refuse_table_options(spec: InputSpec, what: str) -> None:
    given = spec.given_table_options()
    if given:
        name = given[0]
        raise InvalidArgumentError(describe(name, getattr(spec, name), f"applies to table inputs, not to {what}",
                                            accepted="a .csv, .tsv, .jsonl or .parquet input",
                                            todo="Leave it out, or give a table."))


def _read_texts(paths: list[Path], kind: str, meta_pattern: str | None) -> tuple[Corpus, list[Path]]:
    if kind == "folder":
        corpus = Corpus.from_files(paths[0], meta_pattern=meta_pattern)
        return corpus, [Path(d.meta["path"]) for d in corpus]
    if kind == "page":
        from ..io.page import read_page, read_pdf

        return (read_pdf if paths[0].suffix.lower() == ".pdf" else read_page)(paths[0]), paths
    return Corpus.from_files(paths, meta_pattern=meta_pattern), paths


# -- tables ----------------------------------------------------------------------------------------------
def read_table(path: Path, kind: str, spec: InputSpec) -> tuple[Corpus, dict[str, Any]]:
    """A table file as a corpus; returns it and the columns used (``text``, ``id``, ``meta``)."""
    columns, rows = read_rows(path, format=kind, argument="input")
    text_column = spec.text_column if spec.text_column is not None else "text"
    if text_column not in columns:
        raise UnknownNameError(describe("text_column", text_column, f"is not a column of {path.name}", accepted=columns,
                                        todo="Name the column that holds the texts."))
    id_column = _id_column(path, columns, spec.id_column, text_column)
    meta_columns = _meta_columns(path, columns, spec.meta_columns, text_column, id_column)
    docs = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        row_no = i + 1  # 1-based, below the header (CSV/TSV) or among the objects (JSONL)
        text = row.get(text_column, "" if kind in ("csv", "tsv") else None)  # an empty cell is an empty text
        if text is None:
            raise InvalidArgumentError(describe("text_column", text_column, f"is empty in row {row_no} of {path.name}",
                                                accepted="a text in every row", todo="Fill in the text or drop the row."))
        if not isinstance(text, str):
            raise InvalidArgumentError(describe("text_column", text_column, f"holds {type(text).__name__} {text!r} in row {row_no} of {path.name}",
                                                accepted="text in every row", todo="Name the column of the texts."))
        doc_id = f"doc-{i}" if id_column is None else row.get(id_column)
        if doc_id is None or str(doc_id) == "":
            raise InvalidArgumentError(describe("id_column", id_column, f"is empty in row {row_no} of {path.name}",
                                                accepted="an id in every row", todo="Fill in the ids, or name another id column."))
        doc_id = str(doc_id)
        if doc_id in seen:
            raise InvalidArgumentError(describe("id_column", id_column, f"holds the id {doc_id!r} twice (rows {seen[doc_id]} and {row_no}) in {path.name}",
                                                accepted="a column of unique ids", todo="Name another id column, or fix the ids."))
        seen[doc_id] = row_no
        meta = {c: row[c] for c in meta_columns if c in row}  # the reader left missing values out
        docs.append(Document(doc_id, text, meta))
    used = {"text": text_column, "id": id_column, "meta": list(meta_columns)}
    return Corpus(docs), used


def _id_column(path: Path, columns: list[str], id_column: str | None, text_column: str) -> str | None:
    if id_column is not None:
        if id_column not in columns:
            raise UnknownNameError(describe("id_column", id_column, f"is not a column of {path.name}", accepted=columns,
                                            todo="Name the column that holds the document ids."))
        if id_column == text_column:
            raise InvalidArgumentError(describe("id_column", id_column, "is also the text column",
                                                accepted="a column other than the texts"))
        return id_column
    return next((c for c in ("doc_id", "id") if c in columns and c != text_column), None)


def _meta_columns(path: Path, columns: list[str], meta_columns: Sequence[str] | None, text_column: str,
                  id_column: str | None) -> tuple[str, ...]:
    if meta_columns is None:
        chosen = tuple(c for c in columns if c not in (text_column, id_column))
    else:
        chosen = tuple(dict.fromkeys(meta_columns))
        for c in chosen:
            if c not in columns:
                raise UnknownNameError(describe("meta_columns", c, f"is not a column of {path.name}", accepted=columns,
                                                todo="List existing columns, separated by commas."))
            if c in (text_column, id_column):
                raise InvalidArgumentError(describe("meta_columns", c, "is the text or id column, not metadata",
                                                    accepted=[x for x in columns if x not in (text_column, id_column)]))
    for reserved in ("doc_id", "text"):
        if reserved in chosen:
            raise InvalidArgumentError(
                describe("meta_columns", reserved, f"would be metadata of {path.name} beside the "
                         f"{'id' if reserved == 'doc_id' else 'text'} column {id_column if reserved == 'doc_id' else text_column!r}",
                         accepted=[x for x in chosen if x not in ("doc_id", "text")],
                         todo="List the metadata columns without it, or make it the id or text column.")
            )
    return chosen


# -- hashes ----------------------------------------------------------------------------------------------
def corpus_hash(corpus: Corpus) -> str:
    """sha256 over the corpus' records (doc_id, text, metadata) as canonical JSON lines."""
    digest = hashlib.sha256()
    for record in corpus.to_records():
        digest.update(json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
    return digest.hexdigest()
