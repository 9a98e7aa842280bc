"""Document variables: one immutable, columnar table of the documents' ids and metadata.

:class:`DocVars` is quanteda's docvars: built once per corpus and carried *by
reference* through every later stage (tokens, document-term matrices, topic
models). Besides the user's metadata fields it has five system columns
(:data:`SYSTEM_COLUMNS`):

- ``doc_id``: the document's id;
- ``parent_id``: the document it was cut from (``units()`` writes it), else its own id;
- ``unit``: ``"speech"``, ``"paragraph"``, ``"outline_item"`` for units, else ``"document"``;
- ``start``, ``end``: where the text sits in its parent's text (a whole document:
  ``0`` and its length; ``-1`` for ``end`` when the table was built without texts).

:meth:`DocVars.factorize` (and :func:`factorize` for a plain list of values) is the one
group-by of the package: integer codes per document and the groups' values in order of
first appearance. Values that cannot be hashed (nested metadata) are grouped by their
``repr`` (:func:`group_key`).

This module imports nothing from the rest of the package but :mod:`.errors`; numpy
and pandas are imported when a column or a table is asked for.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .errors import InputTypeError, InvalidArgumentError, UnknownNameError, check_name, check_position, describe

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["DocVars", "SYSTEM_COLUMNS", "factorize", "group_key", "first_positions", "freeze", "thaw",
           "metadata_fields", "metadata_values", "is_missing", "MAX_META_DEPTH", "NAN_KEY", "same_value",
           "frame_text"]

#: The columns every table has, before the user's fields.
SYSTEM_COLUMNS: tuple[str, ...] = ("doc_id", "parent_id", "unit", "start", "end")
#: How deeply metadata values may nest (lists in dicts in lists…).
MAX_META_DEPTH = 100

EMPTY_META: Mapping[str, Any] = MappingProxyType({})
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
            return EMPTY_META  # one shared empty mapping: a million documents without metadata cost nothing here
        return MappingProxyType({str(k): freeze(v, depth + 1) for k, v in value.items()})
    if isinstance(value, tuple):
        items = [freeze(v, depth + 1) for v in value]
        return value if all(a is b for a, b in zip(items, value)) else tuple(items)
    if isinstance(value, list):
        return tuple(freeze(v, depth + 1) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The inverse of :func:`freeze`, for JSON, pickle and pandas output."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


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


def factorize(values: Iterable[Any]) -> tuple[np.ndarray, list[Any]]:
    """Integer codes per value and the distinct values, in order of first appearance.

    ``None`` (a missing field) is a group of its own. Values that cannot be hashed are
    grouped by their ``repr`` (:func:`group_key`); each level is the first value seen
    of its group.

    Returns:
        ``(codes, levels)``: ``codes`` an int32 array (``levels[codes[i]]`` is the group of
        the i-th value), ``levels`` a list.

    Examples:
        >>> codes, levels = factorize(["甲", "乙", "甲", None])
        >>> codes.tolist(), levels
        ([0, 1, 0, 2], ['甲', '乙', None])
    """
    import numpy as np

    order: dict[Any, int] = {}
    levels: list[Any] = []
    codes = []
    for v in values:
        key = group_key(v)
        code = order.get(key)
        if code is None:
            code = order[key] = len(levels)
            levels.append(v)
        codes.append(code)
    return np.array(codes, dtype=np.int32), levels


def first_positions(values: Sequence[Any]) -> list[int]:
    """Index of the first occurrence of each distinct value, in order of first appearance."""
    seen: dict[Any, int] = {}
    for i, v in enumerate(values):
        seen.setdefault(group_key(v), i)
    return list(seen.values())


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


def is_missing(value: Any) -> bool:
    """None, NaN, and pandas' NA and NaT: a value a table holds where a document has none."""
    if value is None:
        return True
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)  # NaN
    except Exception:  # arrays and such
        return False


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class DocVars(Sequence[Mapping[str, Any]]):
    """Document variables: the ids, system columns and read-only metadata of a sequence of documents.

    One immutable table, built once per :class:`~consensus_nlp.corpus.Corpus`
    (:attr:`Corpus.docvars <consensus_nlp.corpus.Corpus.docvars>`) and carried *by
    reference* through every later stage: ``tokens.docvars is corpus.docvars``,
    ``dtm(tokens).docvars is tokens.docvars`` and a topic model fitted on that matrix
    holds the same object. A stage that changes the rows (selecting documents) makes a
    new table whose metadata mappings are the same objects as the old one's (:meth:`take`).

    Indexing with a position gives that document's metadata mapping. Columns
    (:meth:`column`, :attr:`table`) and group codes (:meth:`factorize`) are computed on
    first use and kept. Unhashable (``__hash__`` is ``None``); pickles with ``pickle``.

    Args:
        doc_ids: the documents' ids, in order (unique).
        metas: per document, its metadata mapping (frozen here unless it already is).
        lengths: per document, the length of its text (the ``end`` of a whole document);
            ``None``: ``end`` is ``-1`` where the metadata does not give it.

    Attributes:
        doc_ids: the documents' ids, in order.
        metas: per document, its read-only metadata mapping.
    """

    __slots__ = ("doc_ids", "metas", "_lengths", "_index", "_columns", "_codes")

    def __init__(self, doc_ids: Sequence[str], metas: Sequence[Mapping[str, Any]], *,
                 lengths: Sequence[int] | None = None) -> None:
        doc_ids, metas = list(doc_ids), list(metas)
        lengths = None if lengths is None else list(lengths)
        if len(doc_ids) != len(metas):
            raise InvalidArgumentError(describe("metas", len(metas), "does not match the number of doc_ids",
                                                accepted=f"{len(doc_ids)} mappings, one per document"))
        if lengths is not None and len(lengths) != len(doc_ids):
            raise InvalidArgumentError(describe("lengths", len(lengths), "does not match the number of doc_ids",
                                                accepted=f"{len(doc_ids)} text lengths, one per document"))
        self.doc_ids: tuple[str, ...] = tuple(doc_ids)
        self.metas: tuple[Mapping[str, Any], ...] = tuple(
            m if isinstance(m, MappingProxyType) else freeze(dict(m)) for m in metas)
        self._lengths: tuple[int, ...] | None = None if lengths is None else tuple(lengths)
        self._index: dict[str, int] | None = None
        self._columns: dict[str, Any] = {}
        self._codes: dict[str, tuple[Any, list[Any]]] = {}

    @classmethod
    def of(cls, documents: Sequence[Any]) -> DocVars:
        """The table of ``documents`` (their metadata objects are shared, not copied)."""
        if isinstance(documents, (str, bytes)) or not isinstance(documents, Iterable):
            raise InputTypeError(describe("documents", documents, "is not a sequence of Documents",
                                          accepted="a Corpus or a list of Document"))
        documents = list(documents)
        for i, d in enumerate(documents):  # a Document (corpus.py builds on this module: checked by its fields)
            if not all(isinstance(getattr(d, a, None), t) for a, t in (("doc_id", str), ("text", str), ("meta", Mapping))):
                raise InputTypeError(describe(f"documents[{i}]", d, "is not a Document", accepted="Document"))
        return cls([d.doc_id for d in documents], [d.meta for d in documents],
                   lengths=[len(d.text) for d in documents])

    @classmethod
    def from_columns(cls, columns: Mapping[str, Sequence[Any]], *, lengths: Sequence[int] | None = None) -> DocVars:
        """A table from columns: ``doc_id`` and the user's fields (``None`` is a missing value).

        Examples:
            >>> DocVars.from_columns({"doc_id": ["a", "b"], "year": [1991, None]}).metas[1]
            mappingproxy({})
        """
        if not isinstance(columns, Mapping):
            raise InputTypeError(describe("columns", columns, "is not a mapping of column names to values",
                                          accepted="a dict such as {'doc_id': ['a', 'b'], 'year': [1991, None]}"))
        for name, values in columns.items():
            if not isinstance(name, str):
                raise InputTypeError(describe("columns", name, "has a column name that is not a str", accepted="str names"))
            if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
                raise InputTypeError(describe(f"columns[{name!r}]", values, "is not a sequence of values",
                                              accepted="a list with one value per document"))
        if lengths is not None and (isinstance(lengths, (str, bytes)) or not isinstance(lengths, Iterable)):
            raise InputTypeError(describe("lengths", lengths, "is not a sequence of text lengths",
                                          accepted="a list of int, one per document, or None"))
        if "doc_id" not in columns:
            raise InvalidArgumentError(describe("columns", list(columns), "has no 'doc_id' column",
                                                accepted="a mapping with 'doc_id' and metadata columns"))
        ids = [str(d) for d in columns["doc_id"]]
        fields = {str(k): list(v) for k, v in columns.items() if k != "doc_id"}
        for name, values in fields.items():
            if len(values) != len(ids):
                raise InvalidArgumentError(describe(f"columns[{name!r}]", len(values), "does not match the number of doc_ids",
                                                    accepted=f"{len(ids)} values"))
        metas = [{k: v[i] for k, v in fields.items() if v[i] is not None} for i in range(len(ids))]
        return cls(ids, metas, lengths=lengths)

    # -- sequence protocol -------------------------------------------------
    def __len__(self) -> int:
        return len(self.doc_ids)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return self.metas[i]
        if isinstance(i, (bool, str, bytes, float)) or not hasattr(i, "__index__"):  # ints and numpy's integers only
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

    def __getstate__(self) -> dict[str, Any]:
        # mappingproxies do not pickle: the metadata travels as plain dicts and is frozen again
        return {"doc_ids": self.doc_ids, "metas": [thaw(m) for m in self.metas], "lengths": self._lengths}

    def __setstate__(self, state: dict[str, Any]) -> None:
        DocVars.__init__(self, state["doc_ids"], state["metas"], lengths=state["lengths"])

    # -- lookups -----------------------------------------------------------
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
        """Metadata keys present in any document, in first-seen order (the system columns are not listed)."""
        return metadata_fields(self.metas)

    def values(self, by: str) -> list[Any]:
        """The value of field ``by`` per document (``None`` where missing); ``"doc_id"`` gives the ids.

        A system column (``parent_id``, ``unit``, ``start``, ``end``) that no document's
        metadata holds gives the system values.

        Raises:
            UnknownNameError: no document has the field ``by``.
        """
        check_name("by", by, accepted=["doc_id", *SYSTEM_COLUMNS[1:], *self.fields()])
        if by in SYSTEM_COLUMNS[1:] and not any(by in m for m in self.metas):
            return self.column(by).tolist()
        return metadata_values(self.doc_ids, self.metas, by)

    def factorize(self, by: str) -> tuple[np.ndarray, list[Any]]:
        """Group codes per document and the groups' values (order of first appearance), for field ``by``.

        The one group-by of the package (emphasis, keyness, trends, topic shares, the lazy
        path). Computed once per field and kept; the codes are read-only.

        Returns:
            ``(codes, levels)``: an int32 array with one code per document and the list of
            distinct values (``None`` where documents lack the field).

        Raises:
            UnknownNameError: no document has the field ``by``.

        Examples:
            >>> dv = DocVars(["a", "b", "c"], [{"org": "甲"}, {"org": "乙"}, {"org": "甲"}])
            >>> codes, levels = dv.factorize("org")
            >>> codes.tolist(), levels
            ([0, 1, 0], ['甲', '乙'])
        """
        by = check_name("by", by, accepted=["doc_id", *self.fields()[:10]])
        found = self._codes.get(by)
        if found is None:
            codes, levels = factorize(self.values(by))
            codes.setflags(write=False)
            found = self._codes[by] = (codes, levels)
        return found[0], list(found[1])

    def column(self, name: str) -> np.ndarray:
        """One column as a read-only numpy array: ``start``/``end`` int64, every other column object.

        Raises:
            UnknownNameError: ``name`` is neither a system column nor a field.
        """
        import numpy as np

        check_name("name", name, accepted=[*SYSTEM_COLUMNS, *self.fields()])
        found = self._columns.get(name)
        if found is not None:
            return found
        if name == "doc_id":
            values: list[Any] = list(self.doc_ids)
        elif name in SYSTEM_COLUMNS:
            values = [self._system(i, name) for i in range(len(self))]
        elif any(name in m for m in self.metas):
            values = [m.get(name) for m in self.metas]
        else:
            raise UnknownNameError(describe("name", name, "is not a column of these document variables",
                                            accepted=[*SYSTEM_COLUMNS, *self.fields()]))
        if name in ("start", "end"):
            array = np.array(values, dtype=np.int64)
        else:
            array = np.empty(len(values), dtype=object)
            for i, v in enumerate(values):  # one by one: a slice assignment would unpack equal-length tuples
                array[i] = v
        array.setflags(write=False)
        self._columns[name] = array
        return array

    def _system(self, i: int, name: str) -> Any:
        meta = self.metas[i]
        is_unit = isinstance(meta.get("unit"), str) and isinstance(meta.get("parent_id"), str)
        if name == "parent_id":
            return meta["parent_id"] if is_unit else self.doc_ids[i]
        if name == "unit":
            return meta["unit"] if is_unit else "document"
        if is_unit and _is_int(meta.get(name)):
            return meta[name]
        if name == "start":
            return 0
        return -1 if self._lengths is None else self._lengths[i]

    @property
    def table(self) -> pd.DataFrame:
        """A new DataFrame: the system columns, then one object column per field (``None`` where missing).

        Examples:
            >>> DocVars(["a"], [{"year": 1991}], lengths=[4]).table.to_dict("records")
            [{'doc_id': 'a', 'parent_id': 'a', 'unit': 'document', 'start': 0, 'end': 4, 'year': 1991}]
        """
        import pandas as pd

        names = [*SYSTEM_COLUMNS, *(f for f in self.fields() if f not in SYSTEM_COLUMNS)]
        index = pd.RangeIndex(len(self))  # object columns kept as such: pandas 3 would make str columns with NaN
        columns = {name: self.column(name) for name in names}
        return pd.DataFrame({name: pd.Series(a.copy(), index=index, dtype=a.dtype) for name, a in columns.items()},
                            index=index)

    def take(self, positions: Iterable[int]) -> DocVars:
        """A new table with the rows at ``positions`` (the metadata mappings are shared)."""
        if isinstance(positions, (str, bytes)) or not isinstance(positions, Iterable):
            raise InputTypeError(describe("positions", positions, "is not a list of positions", accepted="a list of ints"))
        rows = [check_position("positions", i, len(self.doc_ids)) for i in positions]  # an int each (numpy's too)
        lengths = None if self._lengths is None else [self._lengths[i] for i in rows]
        return DocVars([self.doc_ids[i] for i in rows], [self.metas[i] for i in rows], lengths=lengths)
