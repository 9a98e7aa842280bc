"""Reading a token store (:mod:`.store`): :func:`read_tokens` and :class:`TokenStore`, partition by partition."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..corpus import DocVars
from ..errors import InputPathError, InvalidArgumentError, check_int, check_path, describe
from ..pipeline import Deferred, Stage, combine_all, execute, shared
from .store import FORMAT, VERSION, concat_tokens, read_strings
from .tokens import Tokens

__all__ = ["TokenStore", "read_tokens"]


class TokenStore(Deferred):
    """A token store on disk (:func:`read_tokens`), read partition by partition.

    Nothing but the manifest is read when it is opened. Stages accept it like Tokens
    (``cn.dtm(store)``, ``cn.emphasis(store, by=...)``): they stream the partitions through
    their map and combine in this process, holding one partition's tokens at a time.

    Attributes:
        path: the folder. params: how the tokens were made. npartitions: number of partitions.
        sizes: per partition, ``(documents, tokens)``.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(check_path("path", path)).absolute()  # absolute: Arrow reads "re:x/y" as a URI
        manifest_path = self.path / "store.json"
        try:
            found = manifest_path.is_file()
        except OSError:  # a name the file system refuses (too long)
            found = False
        if not found:
            raise InputPathError(describe("path", str(path), "is not a token store (no store.json)",
                                          todo="Write one with tokens.to_parquet(path); a store whose writing "
                                               "failed has no store.json."))
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # not JSON
            raise InvalidArgumentError(describe("path", str(path), f"holds a damaged store.json ({type(exc).__name__})",
                                                todo="Write the store again with tokens.to_parquet(path).")) from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise InvalidArgumentError(describe("path", str(path), "holds another format or version",
                                                accepted=f"{FORMAT} version {VERSION}"))
        try:
            self.params: Mapping[str, Any] = manifest["params"]
            self._pos_types = tuple(manifest["pos_types"]) if manifest["pos_types"] else None
            self.sizes: tuple[tuple[int, int], ...] = tuple((int(p["documents"]), int(p["tokens"]))
                                                            for p in manifest["partitions"])
        except (KeyError, TypeError, ValueError) as exc:  # a manifest without its fields
            raise InvalidArgumentError(describe("path", str(path), f"holds a damaged store.json ({type(exc).__name__})",
                                                todo="Write the store again with tokens.to_parquet(path).")) from None
        self._key = f"{self.path.resolve()}:{manifest_path.stat().st_mtime_ns}"

    @property
    def npartitions(self) -> int:
        return len(self.sizes)

    def __len__(self) -> int:
        return sum(d for d, _ in self.sizes)

    def __repr__(self) -> str:
        return (f"TokenStore({str(self.path)!r}: {self.npartitions} partitions, {len(self)} documents, "
                f"{sum(t for _, t in self.sizes)} tokens; read when used)")

    def __reduce__(self) -> tuple[Any, ...]:
        return (TokenStore, (str(self.path),))

    @property
    def types(self) -> tuple[str, ...]:
        """The vocabulary (read once per process and store)."""
        import pyarrow.parquet as pq

        return shared("vocabulary", self._key, lambda: tuple(read_strings(
            pq.read_table(self.path / "types.parquet").column("type"))))

    @property
    def docvars(self) -> DocVars:
        """The documents' ids and metadata (the texts and tokens are not read)."""
        import pyarrow.parquet as pq

        table = pq.read_table(self.path / "docs.parquet", columns=["doc_id", "meta"])
        return DocVars(read_strings(table.column("doc_id")), [json.loads(m) for m in table.column("meta").to_pylist()])

    def partition(self, k: int) -> Tokens:
        """Partition ``k`` as :class:`Tokens` (on the store's vocabulary)."""
        import numpy as np
        import pyarrow.parquet as pq

        check_int("k", k, minimum=0, maximum=self.npartitions - 1)
        docs = pq.ParquetFile(self.path / "docs.parquet").read_row_group(k)
        toks = pq.ParquetFile(self.path / "tokens.parquet").read_row_group(k)
        bounds = np.concatenate([[0], np.cumsum(docs.column("n_tokens").to_numpy())]).astype(np.int64)
        docvars = DocVars(read_strings(docs.column("doc_id")), [json.loads(m) for m in docs.column("meta").to_pylist()])
        column = toks.column

        def ints(name: str) -> np.ndarray:
            return np.ascontiguousarray(column(name).to_numpy(), dtype=np.int32)

        tagged = self._pos_types is not None and "pos" in toks.column_names
        return Tokens.from_arrays(docvars, read_strings(docs.column("text")), self.types, ints("type"), ints("start"),
                                  ints("end"), bounds, pos_ids=ints("pos") if tagged else None,
                                  pos_types=self._pos_types if tagged else None, params=self.params)

    def partitions(self) -> Iterator[Tokens]:
        """The partitions in order, read one at a time."""
        return (self.partition(k) for k in range(self.npartitions))

    def compute(self) -> Tokens:
        """Every partition as one :class:`Tokens` (the store's vocabulary and ids, unchanged)."""
        return concat_tokens(Tokens, list(self.partitions()))


@execute.register
def _run_on_store(data: TokenStore, stage: Stage) -> Any:
    """A stage on a store: its map on each partition in turn (one partition's tokens in memory at a time),
    the maps combined as a balanced tree, then finalized."""
    return stage.finalize(combine_all(stage, [stage.map(part) for part in data.partitions()]), data)


def read_tokens(path: str | os.PathLike[str]) -> TokenStore:
    """Open a token store written by :meth:`Tokens.to_parquet <consensus_nlp.Tokens.to_parquet>`.

    Examples:
        >>> import tempfile, consensus_nlp as cn
        >>> tokens = cn.tokenize(["凝聚共识", "团结奋斗"], segmenter=cn.Segmenter(backend="jieba"))
        >>> store = cn.read_tokens(tokens.to_parquet(tempfile.mkdtemp(), npartitions=2))
        >>> store.npartitions, store.compute() == tokens, cn.dtm(store).terms
        (2, True, ('凝聚共识', '团结奋斗'))

    Returns:
        A :class:`TokenStore`: pass it to the stages (``cn.dtm``, ``cn.emphasis``…), read one
        partition with :meth:`TokenStore.partition` or all with :meth:`TokenStore.compute`.

    Raises:
        InputPathError: ``path`` is not a complete token store.
    """
    return TokenStore(path)

