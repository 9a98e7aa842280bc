"""What a Dask worker process keeps between tasks: the segmenter's dictionary and theme matchers.

Each is built once per process and set of parameters (a dictionary build takes about a
second; a partition may take less), then reused by every task that runs in that process.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..text.segmentation import Segmenter

__all__ = ["worker_loads", "cached_segmenter", "cached_themes", "is_lazy", "compute", "use_scheduler", "SCHEDULERS",
           "Partitioned"]

_state: dict[tuple[str, str], Any] = {}
_loads: Counter[str] = Counter()
_lock = threading.Lock()


def worker_loads() -> dict[str, int]:
    """How many times this process built a segmenter dictionary (``"segmenter"``) or theme matchers (``"themes"``)."""
    return dict(_loads)


def _cached(kind: str, key: str, build: Callable[[], Any]) -> Any:
    value = _state.get((kind, key))
    if value is None:
        with _lock:
            value = _state.get((kind, key))
            if value is None:
                value = _state[(kind, key)] = build()
                _loads[kind] += 1
    return value


def cached_segmenter(segmenter: Segmenter) -> Segmenter:
    """This process's copy of ``segmenter`` with its dictionary built (once per process and set of parameters)."""
    key = json.dumps(segmenter.params, sort_keys=True, ensure_ascii=False)

    def build() -> Segmenter:
        segmenter.cut("中")  # builds the dictionary
        return segmenter

    return _cached("segmenter", key, build)


def cached_themes(themes: Any, key: str) -> Any:
    """This process's copy of the theme set ``themes`` (kept once per process and ``key``)."""
    return _cached("themes", key, lambda: themes)


def require_dask() -> Any:
    """The ``dask`` module, or :class:`MissingDependencyError` saying how to install it."""
    try:
        import dask
    except ImportError:
        from ..errors import missing_extra

        raise missing_extra("dask", "dask", needed_for="processing by partitions (a scheduler, lazy corpora)") from None
    return dask


def is_lazy(value: object) -> bool:
    """Whether ``value`` is a lazy (Dask-backed) collection of consensus-nlp."""
    return hasattr(value, "__cn_lazy__")


def compute(*objects: Any, progress: bool = False) -> tuple[Any, ...]:
    """``dask.compute`` on the active scheduler (``dask.config`` or the default ``distributed.Client``).

    With ``progress``, a text progress bar on stderr for the local schedulers (a distributed
    client shows progress in its dashboard).
    """
    import dask

    if progress and not _has_client():
        import sys

        from dask.diagnostics import ProgressBar

        with ProgressBar(out=sys.stderr):
            return dask.compute(*objects)
    return dask.compute(*objects)


def _has_client() -> bool:
    try:
        from distributed import default_client

        default_client()
    except (ImportError, ValueError):
        return False
    return True


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


class Partitioned:
    """What :class:`LazyCorpus` and :class:`LazyTokens` share: a list of dask ``Delayed`` partitions."""

    def __init__(self, parts: Sequence[Any], docvars: pd.DataFrame | None, fields: Sequence[str] | None) -> None:
        self._parts = list(parts)  # dask Delayed objects
        self.docvars = docvars
        self._fields = None if fields is None else list(fields)

    @property
    def npartitions(self) -> int:
        return len(self._parts)

    @property
    def partitions(self) -> list[Any]:
        """The partitions as dask ``Delayed`` objects (each computes to that partition's Corpus or Tokens)."""
        return list(self._parts)
