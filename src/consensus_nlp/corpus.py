"""Documents and corpora: text plus metadata, immutable, carried through every stage.

A :class:`Corpus` is an ordered, immutable collection of :class:`Document`
objects. Each document has a ``doc_id`` (unique within the corpus), its
``text`` and a read-only ``meta`` mapping (speaker, position, organization,
year…). Every later stage (tokens, devices, document-term matrices, topic
models) carries that metadata forward so results can be grouped by it.

Corpora are built from records, DataFrames, JSONL files, folders of text files
whose names hold metadata, or newspaper pages (:func:`consensus_nlp.read_page`).
"""

from __future__ import annotations

import glob as _glob
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .errors import EmptyInputError, InputTypeError, InvalidArgumentError, UnknownNameError, describe
from .io.encoding import read_text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Document", "Corpus", "DocVars"]


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def freeze(value: Any) -> Any:
    """Turn lists into tuples and dicts into read-only mappings, recursively.

    A tuple whose items are already frozen is returned as it is (not copied), so
    metadata passed from one stage to the next shares its values.
    """
    if isinstance(value, Mapping):
        if not value:
            return _EMPTY  # one shared empty mapping: a million documents without metadata cost nothing here
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, tuple):
        items = [freeze(v) for v in value]
        return value if all(a is b for a, b in zip(items, value)) else tuple(items)
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The inverse of :func:`freeze`, for JSON and pandas output."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Document:
    """One text with its metadata.

    Attributes:
        doc_id: identifier, unique within a corpus.
        text: the text, exactly as given (offsets of later stages point into it).
        meta: read-only metadata (lists are stored as tuples).
    """

    doc_id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.doc_id, str) or not self.doc_id:
            raise InputTypeError(describe("doc_id", self.doc_id, "is not a non-empty str", accepted="a str such as 'doc-1'"))
        if not isinstance(self.text, str):
            raise InputTypeError(
                describe("text", self.text, f"of document {self.doc_id!r} is not a str", accepted="str",
                         todo="Decode bytes first (consensus_nlp.textio.decode) or skip missing texts.")
            )
        if not isinstance(self.meta, Mapping):
            raise InputTypeError(describe("meta", self.meta, "is not a mapping", accepted="a dict of metadata"))
        object.__setattr__(self, "meta", freeze(self.meta))

    def __repr__(self) -> str:
        preview = self.text[:20].replace("\n", " ")
        keys = ", ".join(self.meta)
        return f"Document({self.doc_id!r}, {len(self.text)} chars: {preview!r}…, meta: {keys})"

    def to_record(self) -> dict[str, Any]:
        """``{"doc_id": …, "text": …, **meta}`` with plain lists and dicts."""
        return {"doc_id": self.doc_id, "text": self.text, **thaw(self.meta)}


class DocVars(Sequence[Mapping[str, Any]]):
    """Document variables: the ids and read-only metadata of a sequence of documents.

    One immutable table, built once per :class:`Corpus` (:attr:`Corpus.docvars`)
    and carried *by reference* through every later stage: ``tokens.docvars is
    corpus.docvars``, ``dtm(tokens).docvars is tokens.docvars`` and a topic
    model fitted on that matrix holds the same object. Nothing re-freezes or
    copies the metadata on the way; a stage that changes the rows (selecting
    documents, grouping them) makes a new table whose metadata mappings are
    the same objects as the old one's (:meth:`take`).

    Indexing with a position gives that document's metadata mapping.

    Attributes:
        doc_ids: the documents' ids, in order (unique).
        metas: per document, its read-only metadata mapping.
    """

    __slots__ = ("doc_ids", "metas", "_index")

    def __init__(self, doc_ids: Sequence[str], metas: Sequence[Mapping[str, Any]]) -> None:
        if len(doc_ids) != len(metas):
            raise InvalidArgumentError(describe("metas", len(metas), "does not match the number of doc_ids",
                                                accepted=f"{len(doc_ids)} mappings, one per document"))
        self.doc_ids: tuple[str, ...] = tuple(doc_ids)
        self.metas: tuple[Mapping[str, Any], ...] = tuple(
            m if isinstance(m, MappingProxyType) else freeze(dict(m)) for m in metas)
        self._index: dict[str, int] | None = None

    @classmethod
    def of(cls, documents: Sequence[Document]) -> DocVars:
        """The table of ``documents`` (their metadata objects are shared, not copied)."""
        return cls([d.doc_id for d in documents], [d.meta for d in documents])

    def __len__(self) -> int:
        return len(self.doc_ids)

    def __getitem__(self, i):  # type: ignore[override]
        return self.metas[i]

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return iter(self.metas)

    def __repr__(self) -> str:
        return f"DocVars({len(self)} documents; fields: {', '.join(self.fields()) or 'none'})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DocVars):
            return NotImplemented
        return self is other or (self.doc_ids == other.doc_ids
                                 and all(a is b or dict(a) == dict(b) for a, b in zip(self.metas, other.metas)))

    __hash__ = None  # type: ignore[assignment]

    def position(self, doc_id: str, *, argument: str = "doc_id") -> int:
        """The row of ``doc_id``; :class:`UnknownNameError` (naming ``argument``) when absent."""
        if self._index is None:
            self._index = {d: i for i, d in enumerate(self.doc_ids)}
        try:
            return self._index[doc_id]
        except (KeyError, TypeError):
            raise UnknownNameError(describe(argument, doc_id, "is not among these documents",
                                            accepted=list(self.doc_ids[:10]))) from None

    def fields(self) -> list[str]:
        """Metadata keys present in any document, in first-seen order."""
        return metadata_fields(self.metas)

    def values(self, by: str) -> list[Any]:
        """The value of field ``by`` per document (``None`` where missing); ``"doc_id"`` gives the ids."""
        return metadata_values(self.doc_ids, self.metas, by)

    def take(self, positions: Iterable[int]) -> DocVars:
        """A new table with the rows at ``positions`` (the metadata mappings are shared)."""
        rows = list(positions)
        return DocVars([self.doc_ids[i] for i in rows], [self.metas[i] for i in rows])


class Corpus(Sequence[Document]):
    """An ordered, immutable collection of documents with unique ids.

    Examples:
        >>> c = Corpus.from_records([{"doc_id": "a", "text": "凝聚共识", "speaker": "甲"}])
        >>> len(c), c["a"].meta["speaker"], c[0].doc_id
        (1, '甲', 'a')

    Args:
        documents: the documents, in order.
        meta: metadata of the collection as a whole (for a newspaper page, the
            meeting and the source path).
    """

    __slots__ = ("_docs", "_index", "_meta", "_docvars")

    def __init__(self, documents: Iterable[Document] = (), *, meta: Mapping[str, Any] | None = None) -> None:
        if isinstance(documents, (str, bytes)):
            raise InputTypeError(
                describe("documents", documents, "is a single string, not a collection of documents",
                         accepted="an iterable of Document",
                         todo="Use Corpus.from_records([{'doc_id': ..., 'text': ...}]) or wrap the text in a list.")
            )
        docs = tuple(documents)
        index: dict[str, int] = {}
        for i, doc in enumerate(docs):
            if not isinstance(doc, Document):
                raise InputTypeError(
                    describe(f"documents[{i}]", doc, "is not a Document", accepted="Document",
                             todo="Build documents with Corpus.from_records or Corpus.from_dataframe.")
                )
            if doc.doc_id in index:
                raise InvalidArgumentError(
                    describe("doc_id", doc.doc_id, f"appears twice (positions {index[doc.doc_id]} and {i})",
                             accepted="unique ids", todo="Give every document its own doc_id.")
                )
            index[doc.doc_id] = i
        self._docs = docs
        self._index = index
        self._meta = freeze(dict(meta or {}))
        self._docvars: DocVars | None = None

    # -- sequence protocol -------------------------------------------------
    def __len__(self) -> int:
        return len(self._docs)

    def __iter__(self) -> Iterator[Document]:
        return iter(self._docs)

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            try:
                return self._docs[self._index[key]]
            except KeyError:
                known = list(self._index)[:10]
                raise UnknownNameError(
                    describe("doc_id", key, "is not in this corpus", accepted=known + (["…"] if len(self) > 10 else []))
                ) from None
        if isinstance(key, slice):
            return Corpus(self._docs[key], meta=self._meta)
        if isinstance(key, int):
            return self._docs[key]
        raise InputTypeError(describe("key", key, "cannot index a Corpus", accepted="int position, str doc_id or slice"))

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return item in self._index
        return item in self._docs

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Corpus):
            return NotImplemented
        return self._docs == other._docs and dict(self._meta) == dict(other._meta)

    def __hash__(self) -> int:
        return hash(self._docs)

    def __repr__(self) -> str:
        fields = sorted({k for d in self._docs for k in d.meta})
        chars = sum(len(d.text) for d in self._docs)
        return f"Corpus({len(self)} documents, {chars} characters; metadata: {', '.join(fields) or 'none'})"

    # -- accessors ---------------------------------------------------------
    @property
    def meta(self) -> Mapping[str, Any]:
        """Metadata of the collection as a whole."""
        return self._meta

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return tuple(d.doc_id for d in self._docs)

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(d.text for d in self._docs)

    @property
    def docvars(self) -> DocVars:
        """The documents' ids and metadata as one table, built once and shared by every later stage."""
        if self._docvars is None:
            self._docvars = DocVars.of(self._docs)
        return self._docvars

    def fields(self) -> list[str]:
        """Metadata keys present in any document, in first-seen order."""
        return metadata_fields(d.meta for d in self._docs)

    # -- selection ---------------------------------------------------------
    def filter(self, predicate: Callable[[Document], bool] | None = None, /, **conditions: Any) -> Corpus:
        """A new corpus with the documents that pass ``predicate`` and equal every ``field=value`` condition.

        Examples:
            >>> corpus.filter(level="county")                      # doctest: +SKIP
            >>> corpus.filter(lambda d: int(d.meta["year"]) >= 2000)  # doctest: +SKIP
        """
        for key in conditions:
            if self._docs and not any(key in d.meta for d in self._docs):
                raise UnknownNameError(describe("field", key, "is not a metadata field of this corpus", accepted=self.fields()))

        def keep(doc: Document) -> bool:
            if predicate is not None and not predicate(doc):
                return False
            return all(doc.meta.get(k) == v for k, v in conditions.items())

        return Corpus((d for d in self._docs if keep(d)), meta=self._meta)

    def groupby(self, field: str) -> dict[Any, Corpus]:
        """Split the corpus by a metadata field; groups in order of first appearance."""
        if self._docs and not any(field in d.meta for d in self._docs):
            raise UnknownNameError(describe("field", field, "is not a metadata field of this corpus", accepted=self.fields()))
        groups: dict[Any, list[Document]] = {}
        for d in self._docs:
            groups.setdefault(d.meta.get(field), []).append(d)
        return {k: Corpus(v, meta=self._meta) for k, v in groups.items()}

    # -- conversion --------------------------------------------------------
    def to_records(self) -> list[dict[str, Any]]:
        return [d.to_record() for d in self._docs]

    def to_dataframe(self) -> pd.DataFrame:
        """One row per document: ``doc_id``, ``text`` and one column per metadata field."""
        import pandas as pd

        columns = ["doc_id", "text", *self.fields()]
        return pd.DataFrame(self.to_records(), columns=columns)

    def to_jsonl(self, path: str | os.PathLike[str]) -> Path:
        """Write one JSON object per line (UTF-8, keys in a fixed order); read back with :meth:`from_jsonl`."""
        p = Path(path)
        with p.open("w", encoding="utf-8", newline="\n") as fh:
            for record in self.to_records():
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return p

    @classmethod
    def from_jsonl(cls, path: str | os.PathLike[str], *, text: str = "text", doc_id: str = "doc_id") -> Corpus:
        """Read a corpus written by :meth:`to_jsonl` (or any JSONL file of objects with a text key).

        Args:
            path: the file (UTF-8, UTF-8 with BOM or GB18030), one JSON object per line; blank lines are skipped.
            text: the key that holds each document's text.
            doc_id: the key that holds each document's id; objects without it get ``doc-<position>``.
        """
        content, _ = read_text(path)
        records = []
        for lineno, line in enumerate(content.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InvalidArgumentError(
                    describe("path", str(path), f"line {lineno} is not valid JSON ({exc.msg})",
                             accepted="one JSON object per line")
                ) from None
        return cls.from_records(records, text=text, doc_id=doc_id)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        text: str = "text",
        doc_id: str = "doc_id",
        meta: Mapping[str, Any] | None = None,
    ) -> Corpus:
        """Build a corpus from mappings that hold a text, an id and metadata keys.

        Records without an id get ``doc-<position>``.
        """
        if isinstance(records, (str, bytes)) or isinstance(records, Mapping):
            raise InputTypeError(
                describe("records", records, "is a single " + type(records).__name__ + ", not a list of records",
                         accepted="an iterable of dicts with a 'text' key",
                         todo="Wrap it in a list: Corpus.from_records([record]).")
            )
        docs = []
        for i, record in enumerate(records):
            if not isinstance(record, Mapping):
                raise InputTypeError(describe(f"records[{i}]", record, "is not a mapping", accepted="dict with a 'text' key"))
            if text not in record:
                raise InvalidArgumentError(
                    describe(f"records[{i}]", dict(record), f"has no {text!r} key", accepted=f"records with a {text!r} key",
                             todo="Name the text column with text=...")
                )
            rid = record.get(doc_id)
            rid = f"doc-{i}" if rid is None or rid == "" else str(rid)
            extra = {k: v for k, v in record.items() if k not in (text, doc_id)}
            docs.append(Document(rid, record[text], extra))
        return cls(docs, meta=meta)

    @classmethod
    def from_dataframe(cls, df: pd.DataFrame, *, text: str = "text", doc_id: str | None = "doc_id") -> Corpus:
        """Build a corpus from a DataFrame; every other column becomes metadata.

        Missing values (NaN/None) are left out of a document's metadata.
        """
        import pandas as pd

        if not isinstance(df, pd.DataFrame):
            raise InputTypeError(describe("df", df, "is not a pandas DataFrame", accepted="pandas.DataFrame"))
        if text not in df.columns:
            raise UnknownNameError(describe("text", text, "is not a column of df", accepted=list(map(str, df.columns))))
        if doc_id is not None and doc_id not in df.columns:
            raise UnknownNameError(
                describe("doc_id", doc_id, "is not a column of df", accepted=list(map(str, df.columns)),
                         todo="Pass doc_id=None to number the rows.")
            )
        records = []
        for i, row in enumerate(df.to_dict(orient="records")):
            record = {str(k): v for k, v in row.items() if not _is_missing(v)}
            record["__doc_id__"] = str(row[doc_id]) if doc_id is not None else f"doc-{i}"
            if text not in record:
                raise InvalidArgumentError(describe(f"df[{text!r}]", None, f"is missing in row {i}", accepted="a str in every row"))
            records.append(record)
        drop = {doc_id} if doc_id is not None else set()
        return cls.from_records(
            [{k: v for k, v in r.items() if k not in drop} for r in records], text=text, doc_id="__doc_id__"
        )

    @classmethod
    def from_files(
        cls,
        paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        meta_pattern: str | re.Pattern[str] | None = None,
        doc_id: str = "stem",
    ) -> Corpus:
        """Read text files (UTF-8, UTF-8 with BOM or GB18030) into a corpus.

        Args:
            paths_or_glob: a folder (every ``*.txt`` in it), a glob pattern, or an
                iterable of paths. Files are read in sorted order.
            meta_pattern: a regular expression with named groups, searched in each
                file name; the groups become metadata. E.g.
                ``r"(?P<year>\\d{4})政府工作报告_(?P<speaker>[^_.]+)"``.
            doc_id: ``"stem"`` (file name without extension) or ``"name"``.

        Each document also records ``path`` and ``encoding``.
        """
        pattern = compile_meta_pattern(meta_pattern)
        paths = expand_paths(paths_or_glob)
        if doc_id not in ("stem", "name"):
            raise InvalidArgumentError(describe("doc_id", doc_id, "is not a naming scheme", accepted=["stem", "name"]))
        docs = []
        for p in paths:
            body, encoding = read_text(p)
            meta: dict[str, Any] = {}
            if pattern is not None:
                match = pattern.search(p.name)
                if match is None:
                    raise InvalidArgumentError(
                        describe("meta_pattern", pattern.pattern, f"does not match the file name {p.name!r}",
                                 todo="Adjust the pattern or leave that file out.")
                    )
                meta.update({k: v for k, v in match.groupdict().items() if v is not None})
            meta.update(path=str(p), encoding=encoding)
            docs.append(Document(p.stem if doc_id == "stem" else p.name, body, meta))
        return cls(docs)


def compile_meta_pattern(meta_pattern: str | re.Pattern[str] | None) -> re.Pattern[str] | None:
    """Compile a file-name metadata pattern, refusing one that is not a valid regular expression."""
    if meta_pattern is None or isinstance(meta_pattern, re.Pattern):
        return meta_pattern
    if not isinstance(meta_pattern, str):
        raise InputTypeError(describe("meta_pattern", meta_pattern, "is not a regular expression",
                                      accepted="a str such as '(?P<year>\\d{4})', a compiled pattern or None"))
    try:
        return re.compile(meta_pattern)
    except re.error as exc:
        raise InvalidArgumentError(
            describe("meta_pattern", meta_pattern, f"is not a valid regular expression ({exc})",
                     accepted="a regular expression with named groups, e.g. '(?P<year>\\d{4})'")
        ) from None


def metadata_fields(metas: Iterable[Mapping[str, Any]]) -> list[str]:
    """Keys present in any of ``metas``, in first-seen order (shared by Corpus, Tokens and DTM)."""
    seen: dict[str, None] = {}
    for m in metas:
        seen.update(dict.fromkeys(m))
    return list(seen)


def metadata_values(doc_ids: Sequence[str], metas: Sequence[Mapping[str, Any]], by: str) -> list[Any]:
    """The value of field ``by`` per document (``None`` where missing); ``by="doc_id"`` gives the ids.

    Raises :class:`UnknownNameError` when no document has the field.
    """
    if by == "doc_id":
        return list(doc_ids)
    if metas and not any(by in m for m in metas):
        raise UnknownNameError(describe("by", by, "is not a metadata field", accepted=["doc_id", *metadata_fields(metas)]))
    return [m.get(by) for m in metas]


def group_key(value: Any) -> Any:
    """A hashable stand-in for a metadata value (its ``repr`` when the value is not hashable), for grouping."""
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def first_positions(values: Sequence[Any]) -> list[int]:
    """Index of the first occurrence of each distinct value, in order of first appearance."""
    seen: dict[Any, int] = {}
    for i, v in enumerate(values):
        seen.setdefault(group_key(v), i)
    return list(seen.values())


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN
    except Exception:  # arrays and such
        return False


def expand_paths(paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    if isinstance(paths_or_glob, (str, os.PathLike)):
        p = Path(paths_or_glob)
        if p.is_dir():
            found = sorted(p.glob("*.txt"))
            what = f"folder {str(p)!r} (looked for *.txt)"
        elif p.is_file():
            found = [p]
            what = str(p)
        else:
            found = sorted(Path(x) for x in _glob.glob(str(paths_or_glob)))
            what = f"pattern {str(paths_or_glob)!r}"
        if not found:
            raise EmptyInputError(describe("paths_or_glob", str(paths_or_glob), f"matched no files in the {what}",
                                           todo="Check the path and the working directory."))
        return found
    if isinstance(paths_or_glob, bytes):
        raise InputTypeError(describe("paths_or_glob", paths_or_glob, "is bytes", accepted="str, PathLike or a list of them"))
    found = [Path(x) for x in paths_or_glob]
    if not found:
        raise EmptyInputError(describe("paths_or_glob", [], "is empty", accepted="at least one path"))
    return found
