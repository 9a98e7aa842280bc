"""What the Dask integration shares: the partitioned base class, schedulers, ``compute``, per-process loads.

A worker process keeps the segmenter's dictionary and the theme matchers between
tasks (:func:`consensus_nlp.pipeline.shared`): each is built once per process and
set of parameters (a dictionary build takes about a second; a partition may take less).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..docvars import metadata_fields, thaw
from ..errors import InputTypeError, describe
from ..pipeline import Deferred, shared_loads

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["worker_loads", "is_lazy", "compute", "active_client", "gather_as_completed", "use_scheduler", "SCHEDULERS", "Partitioned", "docvars_frame"]


def worker_loads() -> dict[str, int]:
    """How many times this process built a segmenter dictionary (``"segmenter"``), theme matchers
    (``"themes"``) or read a token store's vocabulary (``"vocabulary"``)."""
    return shared_loads()


def require_dask() -> Any:
    """The ``dask`` module, or :class:`MissingDependencyError` saying how to install it."""
    try:
        import dask
    except ImportError:
        from ..errors import missing_extra

        raise missing_extra("dask", "dask", needed_for="processing by partitions (a scheduler, lazy corpora)") from None
    return dask


def is_lazy(value: object) -> bool:
    """Whether ``value`` is lazy: a LazyCorpus, LazyTokens, a lazy result or a token store (not yet in memory)."""
    return isinstance(value, Deferred)


def compute(*objects: Any, progress: bool = False) -> tuple[Any, ...]:
    """``dask.compute`` on the active scheduler (``dask.config`` or the default ``distributed.Client``).

    With a ``distributed`` client, each result is fetched as soon as it is ready and then
    released, so that the workers hold only the results still being computed, not every
    partition's result until the last one is done (:func:`gather_as_completed`). With
    ``progress``, a text progress bar on stderr for the local schedulers (a distributed
    client shows progress in its dashboard).
    """
    import dask

    client = active_client()
    if client is not None and dask.config.get("scheduler", None) in (None, "dask.distributed"):
        return gather_as_completed(client, objects)
    if progress:
        import sys

        from dask.diagnostics import ProgressBar

        with ProgressBar(out=sys.stderr):
            return dask.compute(*objects)
    return dask.compute(*objects)


def gather_as_completed(client: Any, objects: Sequence[Any]) -> tuple[Any, ...]:
    """The objects computed on ``client``, each result brought here and released on the cluster when ready."""
    from distributed import as_completed

    futures = client.compute(list(objects))  # objects of one key share one future: fetched and released once
    places: dict[int, list[int]] = {}
    for i, future in enumerate(futures):
        places.setdefault(id(future), []).append(i)
    results: list[Any] = [None] * len(futures)
    pending = {id(f): f for f in futures}
    del futures
    for future in as_completed(list(pending.values())):
        value = future.result()
        for i in places[id(future)]:
            results[i] = value
        pending.pop(id(future)).release()
    return tuple(results)


def active_client() -> Any:
    """The default ``distributed`` client, or ``None``."""
    try:
        from distributed import default_client

        return default_client()
    except (ImportError, ValueError):
        return None


SCHEDULERS = ("threads", "processes", "sync")


@contextlib.contextmanager
def use_scheduler(scheduler: str | None, workers: int | None = None) -> Iterator[None]:
    """Run the enclosed Dask computations on ``scheduler``; nothing is started that outlives the block.

    Args:
        scheduler: ``None`` (whatever is active), ``"threads"``, ``"processes"``, ``"sync"``, or the
            address of a running ``distributed`` scheduler (``"tcp://host:8786"``), connected to, not started.
        workers: threads or processes of the local schedulers (default: the number of cores).
    """
    from ..errors import InvalidArgumentError, check_int, describe

    dask = require_dask()
    check_int("workers", workers, minimum=1, allow_none=True)
    if scheduler is None:
        with dask.config.set(num_workers=workers) if workers else contextlib.nullcontext():
            yield
    elif scheduler in SCHEDULERS:
        with dask.config.set(scheduler=scheduler, num_workers=workers):
            yield
    elif isinstance(scheduler, str) and scheduler.startswith(("tcp://", "tls://", "ucx://", "inproc://")):
        from distributed import Client

        with Client(scheduler, set_as_default=True):
            yield
    else:
        raise InvalidArgumentError(describe("scheduler", scheduler, "is not a Dask scheduler",
                                            accepted=[*SCHEDULERS, "tcp://host:port"]))


def docvars_frame(doc_ids: Sequence[str], partitions: Sequence[int], metas: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """A lazy collection's ``docvars``: ``doc_id``, ``partition``, then one object column per metadata field
    (first-seen order) holding the document's value as the eager corpus holds it (lists and dicts for nested
    values, ints as ints) and ``None`` where the document lacks the field, as in :attr:`DocVars.table`."""
    import numpy as np
    import pandas as pd

    index = pd.RangeIndex(len(doc_ids))
    columns: dict[str, Any] = {"doc_id": pd.Series(list(doc_ids), index=index, dtype=object),
                               "partition": pd.Series(list(partitions), index=index, dtype="int64")}
    for field in metadata_fields(metas):
        column = np.empty(len(metas), dtype=object)
        for i, meta in enumerate(metas):  # one by one: a slice assignment would unpack equal-length lists
            column[i] = thaw(meta.get(field))
        columns.setdefault(field, pd.Series(column, index=index, dtype=object))  # object: pandas 3 would make str + NaN
    return pd.DataFrame(columns, index=index)


class Partitioned(Deferred):
    """What :class:`LazyCorpus` and :class:`LazyTokens` share: a list of dask ``Delayed`` partitions.

    The stage functions run on them by partitions (:func:`consensus_nlp.pipeline.run`, registered
    in :mod:`.dask`): nothing is computed until ``.compute()`` (or :func:`consensus_nlp.compute`).
    """

    def __init__(self, parts: Sequence[Any], docvars: pd.DataFrame | None, fields: Sequence[str] | None,
                 meta: Any = None) -> None:
        if isinstance(parts, (str, bytes)) or not isinstance(parts, Iterable):
            raise InputTypeError(describe("parts", parts, "is not a list of partitions", accepted="a list of dask Delayed"))
        self._parts = list(parts)  # dask Delayed objects
        self.docvars = docvars
        self._fields = None if fields is None else list(fields)
        self._meta = None if meta is None else thaw(meta)  # the collection's own metadata (Corpus.meta), picklable

    def fields(self) -> list[str] | None:
        """The metadata fields known without computing (``None`` when unknown, e.g. after ``cn.units``)."""
        return None if self._fields is None else list(self._fields)

    @property
    def npartitions(self) -> int:
        return len(self._parts)

    @property
    def partitions(self) -> list[Any]:
        """The partitions as dask ``Delayed`` objects (each computes to that partition's Corpus or Tokens)."""
        return list(self._parts)
