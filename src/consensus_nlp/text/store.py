"""The token store's format and its writer: Tokens written once as Parquet (read back by :mod:`.token_store`).

An archive is segmented once (:meth:`Tokens.to_parquet <consensus_nlp.Tokens.to_parquet>`,
or ``LazyTokens.to_parquet`` from Dask workers) and analysed many times: every later stage
reads the integer columns, never the text through a segmenter again. A store is a folder:

- ``store.json``: format and version, how the tokens were made (``params``), the POS tag
  names, and per partition its number of documents and tokens;
- ``types.parquet``: the vocabulary, row ``i`` the string of type id ``i`` (one vocabulary
  for the whole store, fixed when it is written: no stage renumbers ids again);
- ``tokens.parquet``: one row per token, ``type``, ``start``, ``end`` (``int32``; offsets into
  the document's own text) and ``pos`` (``int32``, -1 for none) when tagged; row group ``k``
  is partition ``k``;
- ``docs.parquet``: one row per document, ``doc_id``, ``text``, ``n_tokens`` (``int64``: the
  per-document bounds) and ``meta`` (the metadata as JSON); row group ``k`` is partition ``k``.

``doc_id``, ``text`` and ``type`` are ``binary`` columns of UTF-8 (lone surrogates kept, so that
every text and offset comes back exactly; ``.decode("utf-8", "surrogatepass")`` reads them).

:func:`~consensus_nlp.text.token_store.read_tokens` gives a
:class:`~consensus_nlp.text.token_store.TokenStore`; stages run on it partition by partition
in this process (:func:`consensus_nlp.pipeline.run`), or on Dask workers through
``LazyTokens.from_store``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..corpus import DocVars, thaw
from ..errors import InputTypeError, InvalidArgumentError, check_int, check_path, describe

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

Tokens = Any  # consensus_nlp.text.tokens.Tokens (not imported: tokens.py imports this module)

__all__ = ["write_tokens", "StoreWriter", "concat_tokens", "stack_docvars", "read_strings", "FORMAT", "VERSION"]

log = logging.getLogger(__name__)

FORMAT = "consensus-nlp token store"
VERSION = 1
TOKENS_PER_PARTITION = 1_000_000


def stack_docvars(parts: Sequence[DocVars]) -> DocVars:
    """The rows of ``parts``, in order, as one table (the metadata mappings are shared, not copied)."""
    if len(parts) == 1:
        return parts[0]
    return DocVars([d for p in parts for d in p.doc_ids], [m for p in parts for m in p.metas])


def concat_tokens(cls: Any, parts: Sequence[Tokens]) -> Tokens:
    """The partitions' tokens as one ``cls`` (:class:`Tokens`) on a shared vocabulary (arrays concatenated)."""
    import numpy as np

    if isinstance(parts, (str, bytes)) or not isinstance(parts, Iterable):
        raise InputTypeError(describe("parts", parts, "is not a list of Tokens", accepted="a list of Tokens"))
    parts = list(parts)
    bad = next((p for p in parts if not isinstance(p, cls)), None)
    if bad is not None:
        raise InputTypeError(describe("parts", bad, "is not Tokens", accepted="a list of Tokens"))
    if len(parts) == 1:
        return parts[0]
    vocab: dict[str, int] = {}
    tags: dict[str, int] = {}
    ids, pos, bounds, offset = [], [], [np.zeros(1, dtype=np.int64)], 0
    remaps: dict[int, np.ndarray] = {}
    for p in parts:
        remap = remaps.get(id(p.types))  # partitions of one store share their vocabulary object
        if remap is None:
            remap = remaps[id(p.types)] = np.array([vocab.setdefault(t, len(vocab)) for t in p.types], dtype=np.int32)
        ids.append(remap[p.ids] if len(p.ids) else np.zeros(0, np.int32))
        if p.pos_ids is not None:
            tag_map = np.array([tags.setdefault(t, len(tags)) for t in p.pos_types] + [-1], dtype=np.int32)
            pos.append(tag_map[p.pos_ids])  # -1 (no tag) indexes the trailing -1
        else:
            pos.append(np.full(len(p.ids), -1, dtype=np.int32))
        bounds.append(p.bounds[1:] + offset)
        offset += len(p.ids)
    docvars = stack_docvars([p.docvars for p in parts])
    cat = np.concatenate
    empty = np.zeros(0, np.int32)
    return cls.from_arrays(docvars, [t for p in parts for t in p.texts], tuple(vocab),
                              cat(ids) if ids else empty, cat([p.starts for p in parts]) if parts else empty,
                              cat([p.ends for p in parts]) if parts else empty, cat(bounds),
                              pos_ids=cat(pos) if tags else None, pos_types=tuple(tags) if tags else None,
                              params=parts[0].params if parts else None)


def _strings(values: Sequence[str]) -> pa.Array:
    """UTF-8 bytes (``binary``; a lone surrogate is kept as its three bytes, so that every string comes back exactly)."""
    import pyarrow as pa

    return pa.array([v.encode("utf-8", "surrogatepass") for v in values], type=pa.binary())


def read_strings(column: pa.ChunkedArray) -> list[str]:
    import pyarrow as pa

    if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
        return [v.decode("utf-8", "surrogatepass") for v in column.to_pylist()]
    return column.to_pylist()


def _json_value(value: Any) -> Any:
    if hasattr(value, "item") and callable(value.item):  # numpy scalars from DataFrame-built corpora
        return value.item()
    raise InvalidArgumentError(describe("meta", value, "cannot be stored in a token store",
                                        accepted="str, int, float, bool, None and lists/dicts of them",
                                        todo="Convert the metadata value (e.g. a date to an ISO string) first."))


class StoreWriter:
    """Writes a token store partition by partition (the vocabulary grows as partitions arrive).

    Use as a context manager; :meth:`add` one partition's :class:`Tokens` at a time, in order.
    The store is complete (``store.json`` written) only when the block ends without error.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(check_path("path", path)).absolute()  # absolute: Arrow reads "re:x/y" as a URI
        try:
            str(self.path).encode("utf-8")  # pyarrow takes UTF-8 paths only (no undecodable bytes)
            self.path.mkdir(parents=True, exist_ok=True)
        except UnicodeEncodeError:
            raise InvalidArgumentError(describe("path", path, "is not a UTF-8 path, which Parquet writing needs",
                                                todo="Name a folder in UTF-8.")) from None
        except OSError as exc:
            raise InvalidArgumentError(describe("path", str(self.path), f"cannot be made a folder ({exc.strerror or exc})",
                                                todo="Name a folder you can write to.")) from None
        (self.path / "store.json").unlink(missing_ok=True)  # an unfinished store has no manifest
        self._vocab: dict[str, int] = {}
        self._tags: dict[str, int] = {}
        self._remaps: dict[int, tuple[Any, Any]] = {}
        self._writers: dict[str, Any] = {}
        self._partitions: list[dict[str, int]] = []
        self._params: Mapping[str, Any] | None = None
        self._tagged: bool | None = None

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        for writer in self._writers.values():
            writer.close()
        if kind is None:
            self._finish()

    def _write(self, name: str, table: pa.Table) -> None:
        import pyarrow.parquet as pq

        writer = self._writers.get(name)
        if writer is None:
            writer = self._writers[name] = pq.ParquetWriter(self.path / f"{name}.parquet", table.schema)
        writer.write_table(table.cast(writer.schema), row_group_size=max(1, table.num_rows))  # one row group

    def add(self, tokens: Tokens) -> None:
        """Append ``tokens`` as the next partition."""
        import numpy as np
        import pyarrow as pa

        cached = self._remaps.get(id(tokens.types))
        if cached is None or cached[0] is not tokens.types:
            remap = np.array([self._vocab.setdefault(t, len(self._vocab)) for t in tokens.types], dtype=np.int32)
            self._remaps[id(tokens.types)] = cached = (tokens.types, remap)
        columns = {"type": pa.array(cached[1][tokens.ids] if len(tokens.ids) else np.zeros(0, np.int32)),
                   "start": pa.array(tokens.starts), "end": pa.array(tokens.ends)}
        if self._tagged is None:  # the first partition decides whether the store keeps POS tags
            self._tagged = tokens.pos_ids is not None
        if self._tagged and tokens.pos_ids is not None:
            tag_map = np.array([self._tags.setdefault(t, len(self._tags)) for t in tokens.pos_types] + [-1], dtype=np.int32)
            columns["pos"] = pa.array(tag_map[tokens.pos_ids])
        elif self._tagged:
            columns["pos"] = pa.array(np.full(len(tokens.ids), -1, dtype=np.int32))
        elif tokens.pos_ids is not None:
            raise InvalidArgumentError(describe("tokens", tokens, "has POS tags but the store's first partition had none",
                                                todo="Tokenize every partition with the same options."))
        self._write("tokens", pa.table(columns))
        metas = [json.dumps(thaw(m), ensure_ascii=True, default=_json_value) for m in tokens.metas]
        self._write("docs", pa.table({"doc_id": _strings(tokens.doc_ids), "text": _strings(tokens.texts),
                                      "n_tokens": pa.array(np.diff(tokens.bounds).astype(np.int64), pa.int64()),
                                      "meta": pa.array(metas, pa.string())}))
        self._partitions.append({"documents": len(tokens), "tokens": int(tokens.n_tokens)})
        if self._params is None:
            self._params = tokens.params

    def _finish(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"type": _strings(list(self._vocab))}), self.path / "types.parquet")
        manifest = {"format": FORMAT, "version": VERSION, "params": thaw(self._params or {}),
                    "pos_types": list(self._tags) or None, "partitions": self._partitions}
        tmp = self.path / "store.json.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=True, indent=1), encoding="utf-8")
        os.replace(tmp, self.path / "store.json")
        log.debug("token store %s: %s partitions, %s types", self.path, len(self._partitions), len(self._vocab))


def write_tokens(tokens: Tokens, path: str | os.PathLike[str], *, npartitions: int | None = None) -> Path:
    """:meth:`Tokens.to_parquet`: ``tokens`` as a store of ``npartitions`` partitions of consecutive documents."""
    n_docs = len(tokens)
    if npartitions is None:
        npartitions = max(1, -(-tokens.n_tokens // TOKENS_PER_PARTITION))
    npartitions = min(check_int("npartitions", npartitions, minimum=1), max(1, n_docs))
    with StoreWriter(path) as writer:
        if n_docs == 0:
            writer.add(tokens)
        for k in range(npartitions if n_docs else 0):
            a, b = k * n_docs // npartitions, (k + 1) * n_docs // npartitions
            writer.add(tokens if npartitions == 1 else tokens.select(list(tokens.doc_ids[a:b])))
    return Path(path)
