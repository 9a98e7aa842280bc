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

import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .errors import (EmptyInputError, InputTypeError, InvalidArgumentError, UnknownNameError, check_int, check_name,
                     check_position, describe)
from .io.encoding import read_text
from .io.files import compile_meta_pattern, expand_paths, jsonl_line, jsonl_records, duplicate_rows, write_atomic

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Document", "Corpus", "DocVars", "RESERVED_FIELDS", "is_dataframe"]

#: Keys a document's metadata may not use: they name the document's own id and text.
RESERVED_FIELDS: tuple[str, ...] = ("doc_id", "text")
#: How deeply metadata values may nest (lists in dicts in lists…).
MAX_META_DEPTH = 100


_EMPTY: Mapping[str, Any] = MappingProxyType({})
_SURROGATES = re.compile("[\ud800-\udfff]")
log = logging.getLogger(__name__)


def freeze(value: Any, depth: int = 0) -> Any:
    """Turn lists into tuples and dicts into read-only mappings, recursively (at most 100 levels deep).

    A tuple whose items are already frozen is returned as it is (not copied), so
    metadata passed from one stage to the next shares its values.
    """
    if depth > MAX_META_DEPTH:
        raise InvalidArgumentError(describe("meta", "…", f"nests more than {MAX_META_DEPTH} levels",
                                            accepted="metadata nested a few levels", todo="Flatten the metadata."))
    if isinstance(value, Mapping):
        if not value:
            return _EMPTY  # one shared empty mapping: a million documents without metadata cost nothing here
        return MappingProxyType({str(k): freeze(v, depth + 1) for k, v in value.items()})
    if isinstance(value, tuple):
        items = [freeze(v, depth + 1) for v in value]
        return value if all(a is b for a, b in zip(items, value)) else tuple(items)
    if isinstance(value, list):
        return tuple(freeze(v, depth + 1) for v in value)
    return value


def is_dataframe(value: object) -> bool:
    """Whether ``value`` is a pandas DataFrame (without importing pandas when nobody has)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.DataFrame)


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
        for key in RESERVED_FIELDS:
            if key in self.meta:
                raise InvalidArgumentError(
                    describe(f"meta[{key!r}]", self.meta[key], f"of document {self.doc_id!r} would hide the document's {key}",
                             accepted="metadata keys other than 'doc_id' and 'text'",
                             todo=f"Rename that key (e.g. '{key}_meta') or drop it.")
                )
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
        if isinstance(documents, (str, bytes)) or not isinstance(documents, Iterable):
            raise InputTypeError(describe("documents", documents, "is not a sequence of Documents", accepted="a Corpus or a list of Document"))
        documents = list(documents)
        for i, d in enumerate(documents):
            if not isinstance(d, Document):
                raise InputTypeError(describe(f"documents[{i}]", d, "is not a Document", accepted="Document"))
        return cls([d.doc_id for d in documents], [d.meta for d in documents])

    def __len__(self) -> int:
        return len(self.doc_ids)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return self.metas[i]
        if not isinstance(i, int) or isinstance(i, bool):
            raise InputTypeError(describe("i", i, "cannot index a DocVars", accepted="an int position or a slice"))
        return self.metas[check_position("i", i, len(self.metas))]

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
        if isinstance(positions, (str, bytes)) or not isinstance(positions, Iterable):
            raise InputTypeError(describe("positions", positions, "is not a list of positions", accepted="a list of ints"))
        rows = []
        for i in positions:
            if not isinstance(i, int) or isinstance(i, bool):
                raise InputTypeError(describe("positions", i, "is not a position", accepted="an int"))
            rows.append(check_position("positions", i, len(self.doc_ids)))
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
        if not isinstance(documents, Iterable):
            raise InputTypeError(describe("documents", documents, "is not a collection of documents",
                                          accepted="an iterable of Document", todo="Use Corpus.from_records(...)."))
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
        if meta is not None and not isinstance(meta, Mapping):
            raise InputTypeError(describe("meta", meta, "is not a mapping", accepted="a dict of collection metadata or None"))
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
        if isinstance(key, int) and not isinstance(key, bool):
            return self._docs[check_position("key", key, len(self._docs))]
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
    def filter(self, predicate: Callable[[Document], bool] | Mapping[str, Any] | None = None, /,
               **conditions: Any) -> Corpus:
        """A new corpus with the documents that pass ``predicate`` and equal every ``field=value`` condition.

        Conditions may also be given as a dict (``filter({"decade": 2010})``). When
        conditions select no document, :class:`~consensus_nlp.errors.EmptyInputError`
        lists the values the fields have.

        Examples:
            >>> corpus.filter(level="county")                      # doctest: +SKIP
            >>> corpus.filter({"decade": 2010})                      # doctest: +SKIP
            >>> corpus.filter(lambda d: int(d.meta["year"]) >= 2000)  # doctest: +SKIP
        """
        if isinstance(predicate, Mapping):
            conditions = {**{str(k): v for k, v in predicate.items()}, **conditions}
            predicate = None
        if predicate is not None and not callable(predicate):
            raise InputTypeError(describe("predicate", predicate, "is neither a function nor a dict of conditions",
                                          accepted="a function Document -> bool, a dict {field: value}, or field=value"))
        for key in conditions:
            if self._docs and not any(key in d.meta for d in self._docs):
                raise UnknownNameError(describe("field", key, "is not a metadata field of this corpus", accepted=self.fields()))

        def keep(doc: Document) -> bool:
            if predicate is not None and not predicate(doc):
                return False
            return all(same_value(doc.meta.get(k), v) for k, v in conditions.items())

        kept = Corpus((d for d in self._docs if keep(d)), meta=self._meta)
        if conditions and self._docs and not kept:
            raise EmptyInputError(self._nothing_selected(conditions))
        return kept

    def _nothing_selected(self, conditions: Mapping[str, Any]) -> str:
        parts = []
        for key, wanted in conditions.items():
            values = list(dict.fromkeys(group_key(d.meta[key]) for d in self._docs if key in d.meta))
            shown = ", ".join(repr(v) for v in values[:20]) + (f", … ({len(values)} values)" if len(values) > 20 else "")
            same_text = [v for v in values if str(v) == str(wanted) and not same_value(v, wanted)]
            hint = f" ({same_text[0]!r} is {type(same_text[0]).__name__}, {wanted!r} is {type(wanted).__name__})" if same_text else ""
            parts.append(f"{key!r} has {shown}{hint}")
        return describe("conditions", dict(conditions), f"select none of the {len(self)} documents",
                        accepted="; ".join(parts), todo="Use one of those values (with the same type).")

    def assign(self, **fields: Any) -> Corpus:
        """A new corpus with metadata fields added or replaced.

        Each value is a function of the document (``lambda d: …``), a sequence with
        one value per document, or a single value given to every document.

        Examples:
            >>> c = Corpus.from_records([{"text": "甲", "year": 1991}, {"text": "乙", "year": 2003}])
            >>> [d.meta["decade"] for d in c.assign(decade=lambda d: d.meta["year"] // 10 * 10)]
            [1990, 2000]
        """
        columns: dict[str, list[Any]] = {}
        for name, spec in fields.items():
            if name in RESERVED_FIELDS:
                raise InvalidArgumentError(describe("field", name, "names the document's own id or text, not metadata",
                                                    accepted="another field name", todo="Pick another name."))
            if callable(spec):
                columns[name] = [spec(d) for d in self._docs]
            elif isinstance(spec, (str, bytes, int, float, bool, type(None), Mapping)) or not hasattr(spec, "__iter__"):
                columns[name] = [spec] * len(self._docs)
            else:
                values = list(spec)
                if len(values) != len(self._docs):
                    raise InvalidArgumentError(
                        describe(name, spec, f"has {len(values)} values for {len(self._docs)} documents",
                                 accepted="a function of the document, one value per document, or a single value"))
                columns[name] = values
        docs = [Document(d.doc_id, d.text, {**d.meta, **{k: v[i] for k, v in columns.items()}})
                for i, d in enumerate(self._docs)]
        return Corpus(docs, meta=self._meta)

    def duplicates(self, *, min_chars: int = 200) -> pd.DataFrame:
        """Documents that repeat another one, or repeat a long passage of their own.

        Two kinds of rows: ``same_text`` (the text, without surrounding whitespace,
        equals that of an earlier document, ``duplicate_of``) and ``repeated_passage``
        (a run of paragraphs, each of at least 30 characters, that appeared earlier in
        the same document, ``min_chars`` characters or more in all; the 1991 government
        work report holds its text twice).

        Returns:
            DataFrame with columns ``doc_id``, ``kind``, ``duplicate_of``, ``start``,
            ``end`` (the repeat, offsets into the text), ``first_start`` (where the
            earlier copy starts in ``duplicate_of``) and ``chars``; no rows when
            nothing is duplicated.
        """
        import pandas as pd

        min_chars = check_int("min_chars", min_chars, minimum=1)
        rows = duplicate_rows(self.doc_ids, self.texts, min_chars=min_chars)
        columns = ["doc_id", "kind", "duplicate_of", "start", "end", "first_start", "chars"]
        return pd.DataFrame(rows, columns=columns)

    def groupby(self, field: str) -> dict[Any, Corpus]:
        """Split the corpus by a metadata field; groups in order of first appearance."""
        if not isinstance(field, str):
            raise InputTypeError(describe("field", field, "is not a field name", accepted=self.fields()))
        if self._docs and not any(field in d.meta for d in self._docs):
            raise UnknownNameError(describe("field", field, "is not a metadata field of this corpus", accepted=self.fields()))
        groups: dict[Any, list[Document]] = {}
        for d in self._docs:  # keys: group_key (a dict or list value is keyed by its repr, every NaN by one key)
            groups.setdefault(group_key(d.meta.get(field)), []).append(d)
        return {k: Corpus(v, meta=self._meta) for k, v in groups.items()}

    # -- conversion --------------------------------------------------------
    def to_records(self) -> list[dict[str, Any]]:
        return [d.to_record() for d in self._docs]

    def to_dataframe(self) -> pd.DataFrame:
        """One row per document: ``doc_id``, ``text`` and one column per metadata field."""
        import pandas as pd

        columns = ["doc_id", "text", *self.fields()]
        records = [{k: frame_text(v) for k, v in r.items()} for r in self.to_records()]
        return pd.DataFrame(records, columns=columns)

    def to_jsonl(self, path: str | os.PathLike[str]) -> Path:
        """Write one JSON object per line (UTF-8, keys in a fixed order); read back with :meth:`from_jsonl`.

        U+2028, U+2029, U+0085 and lone surrogates are written as ``\\uXXXX`` escapes, so
        that no tool splits a line inside a text and the round trip is exact for any
        string. The file is written to a temporary name and renamed: a failure leaves
        the previous file (or none) in place, never half a file.
        """
        def lines() -> Iterator[str]:
            for doc in self._docs:
                try:
                    yield jsonl_line(doc.to_record()) + "\n"
                except (TypeError, ValueError) as exc:
                    raise InvalidArgumentError(
                        describe("document", doc.doc_id, f"cannot be written as JSON ({exc})",
                                 accepted="texts and metadata of str, numbers, bool, None, lists and dicts of them",
                                 todo="Convert such a value first (e.g. str(date)).")
                    ) from None

        return write_atomic(path, lines())

    @classmethod
    def from_jsonl(cls, path: str | os.PathLike[str], *, text: str = "text", doc_id: str = "doc_id",
                   encoding: str | None = None) -> Corpus:
        """Read a corpus written by :meth:`to_jsonl` (or any JSONL file of objects with a text key).

        Args:
            path: the file (UTF-8, UTF-8 with BOM or GB18030), one JSON object per line; blank lines are skipped.
                Lines end at ``\\n`` only (U+2028 inside a line is part of the text).
            text: the key that holds each document's text.
            doc_id: the key that holds each document's id; objects without it get ``doc-<position>``.
            encoding: force an encoding instead of detecting one (see :func:`~consensus_nlp.io.encoding.decode`).
        """
        content, _ = read_text(path, encoding=encoding, allow_empty=True)  # an empty corpus comes back empty
        records = [record for _, record in jsonl_records(content, source=str(path))]
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

        Records without an id (missing, ``None``, ``""``, NaN, ``pd.NA``) get ``doc-<position>``.
        A record may not hold a key ``"text"`` besides its text key (or ``"doc_id"`` besides
        its id key): that metadata would be confused with the document's own text or id,
        so it is refused rather than renamed.
        """
        for argument, value in (("text", text), ("doc_id", doc_id)):
            if not isinstance(value, str) or not value:
                raise InputTypeError(describe(argument, value, "is not a key name", accepted="a non-empty str"))
        if text == doc_id:
            raise InvalidArgumentError(describe("doc_id", doc_id, "is also the text key", accepted="two different keys"))
        if records is None or isinstance(records, (str, bytes, Mapping)) or is_dataframe(records) \
                or not hasattr(records, "__iter__"):
            todo = ("Use Corpus.from_dataframe(df, text=...)." if is_dataframe(records)
                    else "Wrap a single record in a list: Corpus.from_records([record]).")
            raise InputTypeError(
                describe("records", records, "is a single " + type(records).__name__ + ", not a list of records",
                         accepted="an iterable of dicts with a 'text' key", todo=todo)
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
            for reserved, used in (("text", text), ("doc_id", doc_id)):
                if reserved != used and reserved in record:
                    raise InvalidArgumentError(
                        describe(f"records[{i}][{reserved!r}]", record[reserved],
                                 f"is metadata that would be confused with the document's {reserved} ({reserved}={used!r})",
                                 accepted=f"metadata keys other than {reserved!r}",
                                 todo=f"Rename or drop the {reserved!r} key, or pass {reserved}={reserved!r} if it holds the {reserved}.")
                    )
            rid = record.get(doc_id)
            rid = f"doc-{i}" if _is_missing(rid) or rid == "" else str(rid)
            extra = {k: v for k, v in record.items() if k not in (text, doc_id)}
            docs.append(Document(rid, record[text], extra))
        return cls(docs, meta=meta)

    @classmethod
    def from_dataframe(cls, df: pd.DataFrame, *, text: str = "text", doc_id: str | None = None) -> Corpus:
        """Build a corpus from a DataFrame; every other column becomes metadata.

        Args:
            df: one row per document.
            text: the column of the texts.
            doc_id: the column of the ids; ``None`` takes a ``doc_id`` column, else an
                ``id`` column, else numbers the rows ``doc-0``, ``doc-1``…

        Missing values (NaN/None/pd.NA) are left out of a document's metadata.
        """
        import pandas as pd

        if not isinstance(df, pd.DataFrame):
            raise InputTypeError(describe("df", df, "is not a pandas DataFrame", accepted="pandas.DataFrame"))
        columns = [str(c) for c in df.columns]
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
        for i, row in enumerate(df.to_dict(orient="records")):
            record = {str(k): v for k, v in row.items() if not _is_missing(v)}
            key = record.pop(doc_id, None) if doc_id is not None else None
            record["doc_id"] = f"doc-{i}" if _is_missing(key) else str(key)
            if text not in record:
                raise InvalidArgumentError(describe(f"df[{text!r}]", None, f"is missing in row {i}", accepted="a str in every row"))
            records.append(record)
        return cls.from_records(records, text=text)

    @classmethod
    def from_files(
        cls,
        paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        meta_pattern: str | re.Pattern[str] | None = None,
        doc_id: str = "stem",
        encoding: str | None = None,
    ) -> Corpus:
        """Read text files (UTF-8, UTF-8 with BOM or GB18030) into a corpus.

        Args:
            paths_or_glob: a folder (every ``*.txt`` in it), a glob pattern, or an
                iterable of paths. Files are read in sorted order.
            meta_pattern: a regular expression with named groups, searched in each
                file name; the groups become metadata. E.g.
                ``r"(?P<year>\\d{4})政府工作报告_(?P<speaker>[^_.]+)"``.
            doc_id: ``"stem"`` (file name without extension) or ``"name"``.
            encoding: force an encoding for every file instead of detecting it
                (``"big5"``, ``"shift_jis"``…; see :func:`~consensus_nlp.io.encoding.decode`).

        Each document also records ``path`` and ``encoding``. A sub-folder or a
        dangling link among the paths is refused with what it is.
        """
        pattern = compile_meta_pattern(meta_pattern)
        paths = expand_paths(paths_or_glob)
        if not isinstance(doc_id, str) or doc_id not in ("stem", "name"):
            raise InvalidArgumentError(describe("doc_id", doc_id, "is not a naming scheme", accepted=["stem", "name"]))
        docs = []
        for p in paths:
            body, found = read_text(p, encoding=encoding)
            meta: dict[str, Any] = {}
            if pattern is not None:
                match = pattern.search(p.name)
                if match is None:
                    raise InvalidArgumentError(
                        describe("meta_pattern", pattern.pattern, f"does not match the file name {p.name!r}",
                                 todo="Adjust the pattern or leave that file out.")
                    )
                meta.update({k: v for k, v in match.groupdict().items() if v is not None})
            meta.update(path=str(p), encoding=found)
            docs.append(Document(p.stem if doc_id == "stem" else p.name, body, meta))
        return cls(docs)


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
    check_name("by", by, accepted=["doc_id", *metadata_fields(metas)])
    if by == "doc_id":
        return list(doc_ids)
    if metas and not any(by in m for m in metas):
        raise UnknownNameError(describe("by", by, "is not a metadata field", accepted=["doc_id", *metadata_fields(metas)]))
    return [m.get(by) for m in metas]


class _NaNKey:
    """The one group of every NaN (``float("nan") != float("nan")``: each NaN would be a group of its own)."""

    def __repr__(self) -> str:
        return "nan"


NAN_KEY = _NaNKey()


def group_key(value: Any) -> Any:
    """A hashable stand-in for a metadata value, for grouping: its ``repr`` when the value is not hashable
    (a dict, a list), one shared key for every NaN."""
    if isinstance(value, float) and value != value:
        return NAN_KEY
    if isinstance(value, Mapping):  # metadata dicts are frozen (mappingproxy): keyed by their repr as dicts
        return repr(thaw(value))
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def same_value(a: Any, b: Any) -> bool:
    """``a == b`` as one bool: False where ``==`` is not a bool (``pd.NA``, arrays compare elementwise) or fails."""
    try:
        result = a == b
    except Exception:  # noqa: BLE001 - any type's own comparison
        return False
    return result is True or (type(result).__name__ == "bool_" and bool(result))


def frame_text(value: Any) -> Any:
    """``value`` ready for a pandas string column: lone surrogates (broken UTF-16, which pyarrow cannot
    store) replaced by U+FFFD, as :func:`~consensus_nlp.tokenize` does; other values unchanged."""
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            log.warning("a lone surrogate in %r was replaced by U+FFFD for a DataFrame", value[:40])
            return _SURROGATES.sub("\ufffd", value)
    return value


def first_positions(values: Sequence[Any]) -> list[int]:
    """Index of the first occurrence of each distinct value, in order of first appearance."""
    seen: dict[Any, int] = {}
    for i, v in enumerate(values):
        seen.setdefault(group_key(v), i)
    return list(seen.values())


def _is_missing(value: Any) -> bool:
    """None, NaN, and pandas' NA and NaT."""
    if value is None:
        return True
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)  # NaN
    except Exception:  # arrays and such
        return False
