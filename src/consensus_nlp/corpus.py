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

import importlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .docvars import (DocVars, first_positions, frame_text, freeze, group_key, is_missing, metadata_fields, metadata_values,
                      same_value, thaw)
from .errors import EmptyInputError, InputTypeError, InvalidArgumentError, UnknownNameError, check_position, describe

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# DocVars and the metadata helpers live in .docvars; re-exported here for the modules that import them from corpus
__all__ = ["Document", "Corpus", "DocVars", "RESERVED_FIELDS", "is_dataframe",
           "freeze", "thaw", "group_key", "first_positions", "metadata_fields", "metadata_values", "same_value",
           "frame_text"]

#: Keys a document's metadata may not use: they name the document's own id and text.
RESERVED_FIELDS: tuple[str, ...] = ("doc_id", "text")
def is_dataframe(value: object) -> bool:
    """Whether ``value`` is a pandas DataFrame (without importing pandas when nobody has)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.DataFrame)


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

    def __reduce__(self) -> tuple[Any, ...]:
        # the metadata mapping (a mappingproxy) does not pickle: it travels as a dict and is frozen again
        return (Document, (self.doc_id, self.text, thaw(self.meta)))

    def to_record(self) -> dict[str, Any]:
        """``{"doc_id": …, "text": …, **meta}`` with plain lists and dicts."""
        return {"doc_id": self.doc_id, "text": self.text, **thaw(self.meta)}


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

    __hash__ = None  # type: ignore[assignment]  # equal corpora compare equal; a corpus is not a dict key

    def __getstate__(self) -> dict[str, Any]:
        return {"docs": self._docs, "meta": thaw(self._meta), "docvars": self._docvars}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._docs = state["docs"]
        self._index = {d.doc_id: i for i, d in enumerate(self._docs)}
        self._meta = freeze(dict(state["meta"]))
        self._docvars = state["docvars"]

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
        return _io("duplicates_frame")(self, min_chars=min_chars)

    def groupby(self, field: str) -> dict[Any, Corpus]:
        """Split the corpus by a metadata field; groups in order of first appearance (:meth:`DocVars.factorize`)."""
        if not isinstance(field, str):
            raise InputTypeError(describe("field", field, "is not a field name", accepted=self.fields()))
        if self._docs and not any(field in d.meta for d in self._docs):
            raise UnknownNameError(describe("field", field, "is not a metadata field of this corpus", accepted=self.fields()))
        codes, levels = self.docvars.factorize(field)
        members: list[list[Document]] = [[] for _ in levels]
        for doc, code in zip(self._docs, codes.tolist()):
            members[code].append(doc)
        return {group_key(level): Corpus(docs, meta=self._meta) for level, docs in zip(levels, members)}

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
        return _io("write_jsonl")(self, path)

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
        return _io("corpus_from_jsonl")(path, text=text, doc_id=doc_id, encoding=encoding)

    @classmethod
    def from_parquet(cls, path: str | os.PathLike[str], *, text: str = "text", doc_id: str | None = "doc_id") -> Corpus:
        """Read a Parquet file, or every ``*.parquet`` file of a folder (sorted), one document per row.

        Args:
            path: the file or folder.
            text: the column of the texts.
            doc_id: the column of the ids; ``None`` numbers the rows ``doc-0``, ``doc-1``…

        Every other column is metadata; a null cell is left out of the document's metadata,
        dates and other values JSON cannot hold become text (see :mod:`consensus_nlp.io.readers`).
        ``LazyCorpus.from_parquet`` reads the same files by row groups.
        """
        return _io("corpus_from_parquet")(path, text=text, doc_id=doc_id)

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
            rid = f"doc-{i}" if is_missing(rid) or rid == "" else str(rid)
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
        return _io("corpus_from_dataframe")(df, text=text, doc_id=doc_id)

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
        return _io("corpus_from_files")(paths_or_glob, meta_pattern=meta_pattern, doc_id=doc_id, encoding=encoding)



#: where the readers and writers of corpora live. io/ imports this module to build corpora,
#: so this module reaches io/ by name when a reader is called: imports flow one way (docs/architecture.md).
IO_MODULE = "consensus_nlp.io.corpora"


def _io(name: str) -> Callable[..., Any]:
    """The function ``name`` of :data:`IO_MODULE`, imported when first called."""
    return getattr(importlib.import_module(IO_MODULE), name)
