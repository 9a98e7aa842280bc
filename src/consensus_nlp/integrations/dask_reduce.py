"""Lazy tokens and lazy results: what the stages return on Dask partitions until ``.compute()``.

:class:`LazyTokens` holds one :class:`~consensus_nlp.Tokens` per partition (segmented on
the workers, kept there by :meth:`LazyTokens.persist`, or read from a token store);
:class:`LazyResult` is a stage's reduction (a DTM, an Emphasis, a keyness table) not yet
computed. Both run the stages' own ``map``/``combine``/``finalize``
(:mod:`consensus_nlp.pipeline`): nothing of an algorithm is written here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import check_int
from ..pipeline import Deferred, Stage, combine_all, run
from .dask_workers import Partitioned, compute, docvars_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..text.token_store import TokenStore
    from ..text.tokens import Tokens

__all__ = ["LazyTokens", "LazyResult", "plan", "compute_all", "read_store_partition"]

log = logging.getLogger(__name__)

Plan = tuple[list[Any], Callable[[list[Any]], Any]]  # the dask objects to compute, and what makes the result of them


def plan(value: Any) -> Plan:
    """What computing ``value`` takes: dask objects (computed together with other plans) and a finishing step."""
    if isinstance(value, (LazyResult, Partitioned)):
        return value.plan()
    import dask

    if dask.is_dask_collection(value):
        import dask.dataframe as dd

        if isinstance(value, (dd.DataFrame, dd.Series)):  # devices or topic shares: their partitions, then one frame
            import pandas as pd

            return list(value.to_delayed()), lambda values: pd.concat(values)
        return [value], lambda values: values[0]
    return [], lambda values: value


def read_store_partition(path: str, k: int) -> Tokens:
    """Partition ``k`` of the token store at ``path`` (a task's loader)."""
    from ..text.token_store import TokenStore

    return TokenStore(path).partition(k)


class LazyResult(Deferred):
    """A stage's result on partitioned data, not computed yet: ``.compute()`` (or :func:`consensus_nlp.compute`
    with other results, sharing the partitions' work) gives it.

    Made by ``cn.dtm``, ``cn.emphasis``, ``cn.keyness``… on a :class:`LazyTokens` (or on another
    lazy result). The partitions' maps are computed by Dask; the stage's ``combine`` and
    ``finalize`` (pruning, grouping, statistics) run in this process.
    """

    def __init__(self, stage: Stage, acc: Any, *, source: Any, npartitions: int) -> None:
        self.stage = stage
        self._acc = acc  # the partitions' maps (dask Delayed objects), or an upstream LazyResult
        self._source = source
        self.npartitions = npartitions

    def __repr__(self) -> str:
        return (f"LazyResult({type(self.stage).__name__} over {self.npartitions} partitions; "
                "not computed: call .compute())")

    def plan(self) -> Plan:
        if isinstance(self._acc, LazyResult):  # a stage on another lazy result: run it on that result, once computed
            objects, finish = self._acc.plan()
            return objects, lambda values: run(self.stage, finish(values))
        return list(self._acc), lambda values: self.stage.finalize(combine_all(self.stage, values), self._source)

    def compute(self) -> Any:
        """The result (the same object the eager call returns)."""
        return compute_all(self)[0]

    def to_delayed(self) -> list[Any] | None:
        """The partitions' maps as dask ``Delayed`` objects (before ``combine`` and ``finalize``); ``None`` for a
        stage run on another lazy result."""
        return None if isinstance(self._acc, LazyResult) else list(self._acc)


def compute_all(*values: Any, progress: bool = False) -> tuple[Any, ...]:
    """The values computed together: work they share (segmenting the partitions) is done once."""
    plans = [plan(v) for v in values]
    flat = [o for objects, _ in plans for o in objects]
    results = list(compute(*flat, progress=progress)) if flat else []
    out, at = [], 0
    for objects, finish in plans:
        out.append(finish(results[at:at + len(objects)]))
        at += len(objects)
    return tuple(out)


class LazyTokens(Partitioned):
    """Tokens by partitions, one :class:`~consensus_nlp.Tokens` per partition, not computed yet.

    Made by ``cn.tokenize(lazy_corpus)`` or read from a token store (:meth:`from_store`).
    The stages accept it (``cn.dtm``, ``cn.emphasis``, ``model.transform``) and return lazy
    results. Keep the tokens instead of segmenting again for every result: compute the
    results together (:func:`consensus_nlp.compute`), :meth:`persist` them in the workers'
    memory, or write them once to a token store (:meth:`to_parquet`).
    """

    def __init__(self, parts: Sequence[Any], *, docvars: pd.DataFrame | None = None,
                 fields: Sequence[str] | None = None, progress: bool = False, kept: str | None = None) -> None:
        super().__init__(parts, docvars, fields)  # each part computes to a Tokens
        self._progress = progress
        self._kept = kept  # "persisted", "store <path>" or None (segmented when computed)

    def __repr__(self) -> str:
        state = f"kept: {self._kept}" if self._kept else "segmented when computed"
        return f"LazyTokens({self.npartitions} partitions, lazy; {state})"

    def plan(self) -> Plan:
        from ..text.tokens import Tokens

        return list(self._parts), Tokens.concat

    def persist(self) -> LazyTokens:
        """Compute the partitions and keep them where the scheduler keeps results (worker memory with distributed)."""
        import dask

        return LazyTokens(dask.persist(*self._parts), docvars=self.docvars, fields=self._fields,
                          progress=self._progress, kept="persisted")

    def compute(self) -> Tokens:
        """Every partition's tokens as one in-memory :class:`Tokens` (documents in partition order)."""
        return compute_all(self, progress=self._progress)[0]

    def to_parquet(self, path: str | os.PathLike[str], *, window: int | None = None) -> LazyTokens:
        """Write the tokens to a token store (:func:`consensus_nlp.read_tokens`) and read them back from it.

        Partitions are computed ``window`` at a time (default: 2 per core of this machine) and
        written in order by this process, each as one row group, on one vocabulary.

        Returns:
            :meth:`from_store` of the written store: later stages read it, never segment again.
        """
        from ..text.store import StoreWriter

        window = check_int("window", window if window is not None else 2 * (os.cpu_count() or 1), minimum=1)

        def parts() -> Iterator[Tokens]:
            for a in range(0, self.npartitions, window):
                yield from compute(*self._parts[a:a + window], progress=self._progress)

        with StoreWriter(path) as writer:
            for part in parts():
                writer.add(part)
        return LazyTokens.from_store(path)

    @classmethod
    def from_store(cls, store: str | os.PathLike[str] | TokenStore) -> LazyTokens:
        """The partitions of a token store as Dask tasks that read them (no segmentation)."""
        import dask

        from ..text.token_store import TokenStore

        store = store if isinstance(store, TokenStore) else TokenStore(store)
        path = str(Path(store.path).resolve())
        token = dask.base.tokenize(path, store.sizes, os.path.getmtime(Path(path) / "store.json"))
        parts = [dask.delayed(read_store_partition, pure=True)(path, k, dask_key_name=f"cn-store-{token}-{k}")
                 for k in range(store.npartitions)]
        docvars = store.docvars
        partition = [k for k, (n, _) in enumerate(store.sizes) for _ in range(n)]
        frame = docvars_frame(docvars.doc_ids, partition, docvars.metas)
        return cls(parts, docvars=frame, fields=docvars.fields(), kept=f"store {path}")

    def frequencies(self, *, by: str | None = None) -> LazyResult:
        """:meth:`Tokens.frequencies` by partitions: a lazy result whose ``.compute()`` is the eager table."""
        from ..text.tokenstats import CountTokens

        return run(CountTokens(by=by), self)
